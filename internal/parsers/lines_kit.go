package parsers

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/event"
	"atalaya/internal/valid"
)

// Codes of the line problems the parsers of families B and C report; the
// catalogs feedlines.<lang>.toml hold "invalid.<code>" for each. Problems
// with one field use the event package's codes (event_ip, event_port...).
const (
	kitCodeColumns  = "feedlines_columns"   // too few fields on the line
	kitCodeCategory = "feedlines_category"  // a record kind the format does not know
	kitCodeTime     = "feedlines_time"      // a time in the feed's own notation that does not read
	kitCodeQuote    = "feedlines_quote"     // a quoted CSV field that never ends
	kitCodeTooLong  = "feedlines_too_long"  // a line longer than kitMaxLine
	kitCodeJSON     = "feedlines_json"      // a record or document that is not the JSON expected
	kitCodeNetwork  = "feedlines_network"   // a netblock that does not read
	kitCodeNothing  = "feedlines_nothing"   // a record with nothing to route on
	kitCodeDocument = "feedlines_document"  // the input as a whole is not the format
	kitCodeBadValue = "feedlines_bad_value" // a value of the line that does not read
)

// kitField is one field name and value, for a format's defaults and a
// feed's constants.
type kitField struct{ name, value string }

// feedKit is what the parsers of families B and C share: the feed's
// constants, checked once when the feed is set up, and the way each record
// starts and is refused.
type feedKit struct {
	constants []kitField // sorted by name, so every record is built alike
}

// newFeedKit checks cfg.Constants. A constant that names only
// classification.type gets the taxonomy that type belongs to, so a feed
// need not repeat what the RSIT already says (and a format's default
// taxonomy cannot contradict it).
func newFeedKit(cfg Config) (feedKit, error) {
	var k feedKit
	names := make([]string, 0, len(cfg.Constants))
	for n := range cfg.Constants {
		names = append(names, n)
	}
	slices.Sort(names)
	var scratch event.Event
	for _, n := range names {
		v := cfg.Constants[n]
		if err := scratch.Set(n, v); err != nil {
			// Name the constant as the feed's settings do, keep the
			// event package's code: its catalog says what is wrong.
			var es valid.Errors
			for _, e := range valid.List(err) {
				es.Add("constants."+n, e.Code, fmt.Sprintf("constant %s: %s", n, e.Message), e.Args)
			}
			return feedKit{}, es.Err()
		}
		k.constants = append(k.constants, kitField{n, v})
	}
	if scratch.Type != "" && scratch.Taxonomy == "" {
		k.constants = append(k.constants, kitField{"classification.taxonomy", event.TaxonomyOf(scratch.Type)})
	}
	return k, nil
}

// start clears e for the next record and sets the format's defaults, then
// the feed's constants; what the record itself says is set after, and wins.
// Defaults are fixed per format (a test sets each) and constants were
// checked by newFeedKit, so neither can fail here.
func (k *feedKit) start(e *event.Event, defaults []kitField) {
	*e = event.Event{}
	for _, f := range defaults {
		_ = e.Set(f.name, f.value)
	}
	for _, f := range k.constants {
		_ = e.Set(f.name, f.value)
	}
}

// kitRefuse hands the record to reject with the reason err gives. The raw text
// is made valid UTF-8 and bounded, since it goes to the quarantine store as
// it is.
func kitRefuse(reject Reject, line int, raw string, err error) {
	if reject == nil {
		return
	}
	r := event.Reject(line, raw, err)
	r.Raw = kitQuarantineText(raw)
	reject(r)
}

// kitMaxQuarantined bounds the raw text kept for a refused record.
const kitMaxQuarantined = 65536

func kitQuarantineText(s string) string {
	if len(s) > kitMaxQuarantined {
		s = s[:kitMaxQuarantined]
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// kitLineError is the error for a whole line (no single field at fault).
func kitLineError(code, message string, args map[string]any) error {
	return valid.New("", code, message, args)
}

// kitSetRaw keeps text as the event's raw, cut at a character boundary when it
// is longer than the event allows: a record that big is still an event,
// and its first 64 KiB are evidence enough.
func kitSetRaw(e *event.Event, text string) error {
	const maxRaw = 65536
	if len(text) > maxRaw {
		cut := maxRaw
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	return e.Set("raw", text)
}

// kitSetLoose sets a field the feed fills unreliably ("-", "?", an address in
// a domain column): a value that does not read is left out, as IntelMQ's
// parsers do (raise_failure=False); the raw line keeps it.
func kitSetLoose(e *event.Event, field, value string) {
	v := strings.TrimSpace(value)
	if v == "-" || v == "?" {
		return
	}
	_ = e.Set(field, v)
}

// kitSetTime sets time.source from a time the parser read in the feed's
// own notation, refusing the years the event model does.
func kitSetTime(e *event.Event, t time.Time) error {
	if t.Year() < 1970 || t.Year() > 9999 {
		return kitLineError(kitCodeTime, "the time "+t.String()+" is out of range", map[string]any{"Value": t.String()})
	}
	e.TimeSource = t.UTC()
	return nil
}

// kitParseTime reads a time written in one of layouts (UTC unless the
// layout carries a zone).
func kitParseTime(value string, layouts ...string) (time.Time, error) {
	v := strings.TrimSpace(value)
	for _, l := range layouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, kitLineError(kitCodeTime, fmt.Sprintf("%q is not a time this feed writes", v), map[string]any{"Value": v})
}

// kitSetHostOf fills source.fqdn, or source.ip, from the host of a URL the
// event already has, so that routing by domain works for URL feeds (what
// IntelMQ's url2fqdn expert does in its pipelines). A host that is not a
// valid name is left out: the URL alone still routes.
func kitSetHostOf(e *event.Event, rawURL string) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return
	}
	host := u.Hostname()
	if host == "" {
		return
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !e.SourceIP.IsValid() {
			_ = e.Set("source.ip", a.String())
		}
		return
	}
	if e.SourceFQDN == "" {
		_ = e.Set("source.fqdn", host)
	}
}

// kitSetNetwork sets source.network and, for routing and Validate (which need
// an address), source.ip as the network's first address: a netblock list
// (DROP, DShield) names networks, and the team that owns the block's start
// is the one to tell.
func kitSetNetwork(e *event.Event, value string) error {
	if err := e.Set("source.network", value); err != nil {
		return err
	}
	e.SourceIP = e.SourceNetwork.Addr()
	return nil
}

// kitPutExtra keeps what the harmonisation has no field for as
// extra.<key>; a value the event refuses (too long, not UTF-8) is left out,
// the raw line keeps it.
func kitPutExtra(e *event.Event, key, value string) {
	_ = e.Set(event.ExtraPrefix+key, value)
}

// kitClassify sets the classification and what goes with it; "" leaves a field
// as it is.
func kitClassify(e *event.Event, taxonomy, typ, identifier, application, description string) error {
	for _, fv := range [...]kitField{
		{"classification.taxonomy", taxonomy}, {"classification.type", typ},
		{"classification.identifier", identifier}, {"protocol.application", application},
		{"event_description.text", description},
	} {
		if fv.value == "" {
			continue
		}
		if err := e.Set(fv.name, fv.value); err != nil {
			return err
		}
	}
	return nil
}
