package parsers

import (
	"io"
	"strings"

	"atalaya/internal/event"
)

// openPhishParser reads OpenPhish's public feed: one phishing URL a line,
// as IntelMQ's openphish parser does (fraud, phishing). The URL's host also
// fills source.fqdn (or source.ip), so the event routes by domain.
type openPhishParser struct{ kit feedKit }

func newOpenPhishParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &openPhishParser{kit: k}, err
}

var openPhishDefaults = []kitField{
	{"classification.taxonomy", "fraud"}, {"classification.type", "phishing"},
}

func (p *openPhishParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	return kitEachLine(r, "#", reject, func(e *event.Event, n int, line string) error {
		p.kit.start(e, openPhishDefaults)
		u := strings.TrimSpace(line)
		if err := e.Set("source.url", u); err != nil {
			return err
		}
		kitSetHostOf(e, u)
		if err := kitSetRaw(e, line); err != nil {
			return err
		}
		return kitEmit(emit, n, e)
	})
}
