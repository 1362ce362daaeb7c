package parsers

import (
	"io"
	"net/netip"
	"strings"

	"atalaya/internal/event"
)

// bambenekParser reads Bambenek Consulting's OSINT feeds, "value,
// description, time, documentation URL" per line: the C2 IP master list
// (an address), the C2 domain master list (a domain) and the DGA feed (a
// domain "used by <malware> DGA", with a date only), as IntelMQ's bambenek
// parser does, telling them apart by the line itself instead of the feed's
// URL. C2s are malicious-code, c2-server; DGA domains, which IntelMQ keeps
// outside the RSIT as "dga domain", are the RSIT's other. The malware the
// description names ("IP used by shiotob/urlzone/bebloh C&C") becomes
// malware.name.
type bambenekParser struct{ kit feedKit }

func newBambenekParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &bambenekParser{kit: k}, err
}

var bambenekDefaults = []kitField{
	{"classification.taxonomy", "malicious-code"}, {"classification.type", "c2-server"},
}

func (p *bambenekParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var cols []string
	return kitEachLine(r, "#", reject, func(e *event.Event, n int, line string) error {
		cols = append(cols[:0], strings.Split(line, ",")...)
		if len(cols) < 3 {
			return kitLineError(kitCodeColumns, "a Bambenek line has value, description, time and URL separated by commas",
				map[string]any{"Want": 4, "Got": len(cols)})
		}
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		p.kit.start(e, bambenekDefaults)
		desc := cols[1]
		if _, err := netip.ParseAddr(cols[0]); err == nil {
			if err := e.Set("source.ip", cols[0]); err != nil {
				return err
			}
		} else if err := e.Set("source.fqdn", cols[0]); err != nil {
			return err
		}
		if strings.Contains(desc, " DGA") {
			_ = e.Set("classification.taxonomy", "other")
			_ = e.Set("classification.type", "other")
			_ = e.Set("classification.identifier", "dga-domain")
		}
		when, err := kitParseTime(cols[2], "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02")
		if err != nil {
			return err
		}
		if err := kitSetTime(e, when); err != nil {
			return err
		}
		kitSetLoose(e, "event_description.text", desc)
		kitSetLoose(e, "malware.name", bambenekMalware(desc))
		if len(cols) > 3 {
			kitPutExtra(e, "event_description.url", cols[3])
		}
		if err := kitSetRaw(e, line); err != nil {
			return err
		}
		return kitEmit(emit, n, e)
	})
}

// bambenekMalware returns what the description says is "used by": the
// words between that and " C&C" or " DGA"; "" when it does not say.
func bambenekMalware(desc string) string {
	_, rest, ok := strings.Cut(desc, "used by ")
	if !ok {
		return ""
	}
	for _, end := range []string{" C&C", " DGA", " C2"} {
		if i := strings.Index(rest, end); i >= 0 {
			rest = rest[:i]
		}
	}
	return strings.TrimSpace(rest)
}
