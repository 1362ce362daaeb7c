package parsers

import (
	"io"
	"strings"

	"atalaya/internal/event"
)

// blocklistDEParser reads the lists of blocklist.de: one IP address a line
// (all.txt, ssh.txt, imap.txt ...). Which list it is decides the
// classification in IntelMQ (its parser looks at the feed's URL: ssh.txt is
// ids-alert with protocol ssh, bots.txt spam ...); here the feed says it
// with its constants (classification.type ids-alert, protocol.application
// imap for imap.txt), and without them an entry is what IntelMQ makes of
// all.txt: "blacklist", the RSIT's other.
type blocklistDEParser struct{ kit feedKit }

func newBlocklistDEParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &blocklistDEParser{kit: k}, err
}

var blocklistDEDefaults = []kitField{
	{"classification.taxonomy", "other"}, {"classification.type", "other"},
	{"classification.identifier", "blocklist-de"},
}

func (p *blocklistDEParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	return kitEachLine(r, "#", reject, func(e *event.Event, n int, line string) error {
		p.kit.start(e, blocklistDEDefaults)
		if err := e.Set("source.ip", strings.TrimSpace(line)); err != nil {
			return err
		}
		if err := kitSetRaw(e, line); err != nil {
			return err
		}
		return kitEmit(emit, n, e)
	})
}

// kitEachLine calls record for each data line of r (not blank, not a
// comment starting with one of marks) with its number. An error of record
// refuses the line, unless it is a kitStop (from kitEmit), which ends the
// parse with emit's error.
func kitEachLine(r io.Reader, marks string, reject Reject, record func(e *event.Event, n int, line string) error) error {
	var e event.Event
	lines := newKitLines(r)
	for lines.next() {
		line := lines.text
		switch {
		case lines.tooLong:
			kitRefuse(reject, lines.n, line, kitTooLong())
			continue
		case kitIsBlank(line), kitIsComment(line, marks):
			continue
		}
		if err := record(&e, lines.n, line); err != nil {
			if stop, ok := err.(kitStop); ok {
				return stop.err
			}
			kitRefuse(reject, lines.n, line, err)
		}
	}
	return lines.err
}

// kitStop carries emit's error through a record function: it stops the
// parse instead of refusing the line.
type kitStop struct{ err error }

func (s kitStop) Error() string { return s.err.Error() }

// kitEmit hands e on; its error, if any, stops the parse.
func kitEmit(emit Emit, n int, e *event.Event) error {
	if err := emit(n, e); err != nil {
		return kitStop{err}
	}
	return nil
}
