package parsers

import (
	"io"
	"strings"

	"atalaya/internal/event"
)

// ctipParser reads Microsoft's CTIP Infected feed in the Interflow format
// (a JSON array of records, version 1.5, threat type Botnet) as IntelMQ's
// microsoft parser_ctip does: a host seen talking to a Microsoft sinkhole,
// malicious-code/infected-system, the botnet in malware.name. Keys are
// read in any case. Differences: the confidence is kept as
// extra.confidence (parsers never set feed.*; IntelMQ scales
// feed.accuracy with it), and a hostname that is not a domain name is
// kept as extra.hostname rather than dropped. The Azure variant of the
// feed is not read: its records are refused as of an unknown version.
type ctipParser struct{ tmpl template }

func newCTIPParser(cfg Config) (Parser, error) {
	tmpl, err := newTemplate(cfg.Constants)
	if err != nil {
		return nil, err
	}
	return &ctipParser{tmpl: tmpl}, nil
}

// ctipFields maps CTIP keys (lower case) to event fields; key fields
// refuse the record when bad.
var ctipFields = map[string]struct {
	field string
	key   bool
}{
	"networksourceipv4":      {"source.ip", true},
	"firstreporteddatetime":  {"time.source", true},
	"networksourceport":      {"source.port", false},
	"networksourceasn":       {"source.asn", false},
	"networkdestinationport": {"destination.port", false},
	"description":            {"event_description.text", false},
	"externalid":             {"malware.name", false},
	"tlplevel":               {"tlp", false},
}

// ctipExtras renames keys kept as extras after IntelMQ's names.
var ctipExtras = map[string]string{"useragent": "user_agent", "indicatorexpirationdatetime": "indicator_expiration"}

// Parse reads one input.
func (p *ctipParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	_, err := eachJSONObject(r, maxRecord, "", reject, func(line int, raw string, obj map[string]any) error {
		obj = lowerKeys(obj)
		if bad := checkInterflow(line, raw, obj, "indicatorthreattype", "Botnet"); bad != nil {
			reject(*bad)
			return nil
		}
		p.tmpl.reset(&e, 8)
		if bad := p.record(&e, line, raw, obj); bad != nil {
			reject(*bad)
			return nil
		}
		return emit(line, &e)
	})
	return err
}

func (p *ctipParser) record(e *event.Event, line int, raw string, obj map[string]any) *event.Rejected {
	dst := strings.TrimSpace(jsonText(obj["networkdestinationipv4"]))
	// Since 2019 the field sometimes holds the same address twice.
	if i := strings.IndexByte(dst, ','); i >= 0 {
		dst = strings.TrimSpace(dst[:i])
	}
	for _, k := range sortedAnyKeys(obj) {
		v := jsonText(obj[k])
		switch k {
		case "version", "indicatorthreattype", "networkdestinationipv4":
			continue
		case "hostname":
			if strings.TrimSpace(v) != dst {
				setOrExtra(e, "destination.fqdn", v, "hostname")
			}
			continue
		case "additionalmetadata":
			if !emptyMetadata(obj[k]) {
				putExtra(e, "additionalmetadata", v)
			}
			continue
		}
		if f, ok := ctipFields[k]; ok {
			if f.key {
				if err := setField(e, f.field, v); err != nil {
					rej := event.Reject(line, raw, err)
					return &rej
				}
			} else {
				setOrExtra(e, f.field, v, k)
			}
			continue
		}
		name := k
		if n, ok := ctipExtras[k]; ok {
			name = n
		}
		putExtra(e, name, v)
	}
	if dst != "0.0.0.0" {
		setOrExtra(e, "destination.ip", dst, "networkdestinationipv4")
	}
	defaultClass(e, "malicious-code", "infected-system")
	e.Raw = raw
	return nil
}

// emptyMetadata is IntelMQ's list of additionalmetadata values that say
// nothing: [], [""], ["null"], [null].
func emptyMetadata(v any) bool {
	a, ok := v.([]any)
	if !ok {
		return v == nil
	}
	if len(a) == 0 {
		return true
	}
	if len(a) > 1 {
		return false
	}
	s := jsonText(a[0])
	return s == "" || s == "null"
}

// checkInterflow refuses a record of Microsoft's Interflow feeds that is
// not version 1.5 or not of the threat type the parser reads: the fields
// of another version may not mean what this parser assumes.
func checkInterflow(line int, raw string, obj map[string]any, typeKey, want string) *event.Rejected {
	if v := jsonText(obj["version"]); v != "1.5" {
		rej := fieldProblem(line, raw, "", "parsers_version",
			"the record is in version “"+v+"” of the format; only 1.5 is known", map[string]any{"Value": v})
		return &rej
	}
	if t := jsonText(obj[typeKey]); t != want {
		rej := fieldProblem(line, raw, "", "parsers_threat_type",
			"the record's threat type is “"+t+"”; this feed format reads "+want,
			map[string]any{"Value": t, "Want": want})
		return &rej
	}
	return nil
}

// lowerKeys returns obj with its keys in lower case (the feeds change the
// case of their keys between versions).
func lowerKeys(obj map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[strings.ToLower(k)] = v
	}
	return out
}
