package parsers

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"unicode/utf8"

	"atalaya/internal/event"
)

// otxParser reads AlienVault OTX pulses (the JSON array IntelMQ's OTX
// collector writes; JSON lines of pulses too): one event per indicator
// that names something a team can own, as IntelMQ's alienvault
// parser_otx does. Choices:
//
//   - IPv4/IPv6 give source.ip; hostname and domain give source.fqdn (or
//     source.url when they carry a path); URL and URI give source.url
//     (http:// added when there is no scheme).
//   - Indicators that name no host (file hashes, CVE, e-mail, CIDR,
//     mutex, path ...) are not events Atalaya can route to a team: they
//     are left out, neither emitted nor refused. Pulses belong in intel
//     (MISP/STIX import) where those are kept.
//   - IntelMQ's "blacklist" is other/other in RSIT; the pulse's TLP
//     (white is clear) is the event's.
//   - raw is the indicator's JSON as read; the pulse is in extras
//     (author, pulse, pulse_key, tags, time_updated, industries,
//     adversary, targeted_countries, pulse_description).
//
// The line of an event is the line its indicator starts on.
type otxParser struct{ tmpl template }

func newOTXParser(cfg Config) (Parser, error) {
	tmpl, err := newTemplate(cfg.Constants)
	if err != nil {
		return nil, err
	}
	return &otxParser{tmpl: tmpl}, nil
}

// otxMaxPulse bounds one pulse: pulses hold up to thousands of
// indicators, far more than one line of a line feed.
const otxMaxPulse = 32 << 20

type otxPulse struct {
	ID                string          `json:"id"`
	Name              string          `json:"name"`
	Author            string          `json:"author_name"`
	Description       string          `json:"description"`
	Modified          string          `json:"modified"`
	TLP               string          `json:"TLP"`
	Adversary         string          `json:"adversary"`
	Tags              json.RawMessage `json:"tags"`
	Industries        json.RawMessage `json:"industries"`
	TargetedCountries json.RawMessage `json:"targeted_countries"`
}

type otxIndicator struct {
	Indicator   string `json:"indicator"`
	Type        string `json:"type"`
	Created     string `json:"created"`
	Description string `json:"description"`
	Title       string `json:"title"`
	PulseKey    string `json:"pulse_key"`
}

// Parse reads one input.
func (p *otxParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	recs := newJSONRecords(r, otxMaxPulse, "")
	return recs.each(func(rec jsonRecord) error {
		if rec.problem != nil {
			reject(*rec.problem)
			return nil
		}
		var pulse otxPulse
		if err := json.Unmarshal(rec.raw, &pulse); err != nil || !utf8.Valid(rec.raw) {
			reason := "the pulse is not a JSON object in UTF-8"
			if err != nil {
				reason = "the pulse is not a JSON object: " + err.Error()
			}
			reject(lineProblem(rec.line, string(rec.raw), "parsers_json", reason, map[string]any{"Reason": reason}))
			return nil
		}
		return p.pulse(&e, &pulse, rec, emit, reject)
	})
}

// pulse emits the events of one pulse's indicators, found with their
// lines by walking the pulse's "indicators" array.
func (p *otxParser) pulse(e *event.Event, pulse *otxPulse, rec jsonRecord, emit Emit, reject Reject) error {
	inds := newJSONRecords(bytes.NewReader(rec.raw), maxRecord, "indicators")
	inds.line = rec.line
	return inds.each(func(ir jsonRecord) error {
		if ir.problem != nil {
			reject(*ir.problem)
			return nil
		}
		var ind otxIndicator
		if err := json.Unmarshal(ir.raw, &ind); err != nil {
			reason := "the indicator is not a JSON object: " + err.Error()
			reject(lineProblem(ir.line, string(ir.raw), "parsers_json", reason, map[string]any{"Reason": reason}))
			return nil
		}
		p.tmpl.reset(e, 12)
		routable, err := otxObservable(e, ind)
		if err != nil {
			reject(event.Reject(ir.line, string(ir.raw), err))
			return nil
		}
		if !routable {
			return nil
		}
		if err := p.fill(e, pulse, ind, string(ir.raw)); err != nil {
			reject(event.Reject(ir.line, string(ir.raw), err))
			return nil
		}
		return emit(ir.line, e)
	})
}

// otxObservable sets what the indicator names, and reports whether it
// names a host a team can own.
func otxObservable(e *event.Event, ind otxIndicator) (bool, error) {
	v := strings.TrimSpace(ind.Indicator)
	switch ind.Type {
	case "IPv4", "IPv6":
		return true, setField(e, "source.ip", v)
	case "hostname", "domain":
		if strings.Contains(v, "://") || strings.IndexByte(v, '/') >= 0 {
			return true, setField(e, "source.url", withScheme(v))
		}
		return true, setField(e, "source.fqdn", v)
	case "URL", "URI":
		if !strings.Contains(v, "://") && strings.HasPrefix(v, "/") {
			return false, nil // a path alone names no host
		}
		return true, setField(e, "source.url", withScheme(v))
	}
	return false, nil
}

func withScheme(v string) string {
	if strings.Contains(v, "://") {
		return v
	}
	return "http://" + v
}

// fill sets what every event of a pulse shares.
func (p *otxParser) fill(e *event.Event, pulse *otxPulse, ind otxIndicator, raw string) error {
	if err := setField(e, "time.source", ind.Created); err != nil {
		return err
	}
	if pulse.TLP != "" && e.TLP == "" {
		setOrExtra(e, "tlp", pulse.TLP, "tlp")
	}
	if e.Description == "" {
		e.Description = clipText(strings.TrimSpace(pulse.Name))
	}
	key := ind.PulseKey
	if key == "" {
		key = pulse.ID
	}
	for _, x := range [...]struct{ k, v string }{
		{"author", pulse.Author}, {"pulse", pulse.Name}, {"pulse_key", key},
		{"time_updated", pulse.Modified}, {"adversary", pulse.Adversary},
		{"pulse_description", pulse.Description}, {"indicator_description", ind.Description},
		{"indicator_title", ind.Title}, {"tags", nonEmptyJSON(pulse.Tags)},
		{"industries", nonEmptyJSON(pulse.Industries)}, {"targeted_countries", nonEmptyJSON(pulse.TargetedCountries)},
	} {
		putExtra(e, x.k, x.v)
	}
	defaultClass(e, "other", "other")
	e.Raw = raw
	return nil
}

// nonEmptyJSON is a JSON value's text, or "" for null and empty arrays.
func nonEmptyJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return ""
	}
	switch s := b.String(); s {
	case "null", "[]", `""`, "{}":
		return ""
	default:
		return s
	}
}
