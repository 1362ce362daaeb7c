package parsers

import (
	"io"
	"strings"

	"atalaya/internal/event"
)

// bingMURLsParser reads Microsoft's Bing malicious URLs feed (Interflow,
// a JSON array of records, version 1.5, threat type MaliciousUrl) as
// IntelMQ's microsoft parser_bingmurls does. IntelMQ calls these
// "blacklist"; a URL Bing found serving malicious content is
// malicious-code/malware-distribution in RSIT. The last report time goes
// to extra.last_reported instead of failing the record when it differs
// from the first.
type bingMURLsParser struct{ tmpl template }

func newBingMURLsParser(cfg Config) (Parser, error) {
	tmpl, err := newTemplate(cfg.Constants)
	if err != nil {
		return nil, err
	}
	return &bingMURLsParser{tmpl: tmpl}, nil
}

// bingFields maps Bing's keys (lower case) to event fields; key fields
// refuse the record when bad.
var bingFields = map[string]struct {
	field string
	key   bool
}{
	"url":                    {"source.url", true},
	"firstreporteddatetime":  {"time.source", true},
	"networkdestinationport": {"source.port", false},
	"description":            {"event_description.text", false},
	"indicatorthreattype":    {"classification.identifier", false},
	"tlplevel":               {"tlp", false},
}

// bingExtras renames keys kept as extras after IntelMQ's names.
var bingExtras = map[string]string{
	"indicatorprovider": "indicator_provider", "indicatorexpirationdatetime": "indicator_expiration_date_time",
	"threatdetectionproduct": "threat_detection_product", "lastreporteddatetime": "last_reported",
}

// Parse reads one input.
func (p *bingMURLsParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	_, err := eachJSONObject(r, maxRecord, "", reject, func(line int, raw string, obj map[string]any) error {
		obj = lowerKeys(obj)
		if bad := checkInterflow(line, raw, obj, "indicatorthreattype", "MaliciousUrl"); bad != nil {
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

func (p *bingMURLsParser) record(e *event.Event, line int, raw string, obj map[string]any) *event.Rejected {
	for _, k := range sortedAnyKeys(obj) {
		v := jsonText(obj[k])
		switch k {
		case "version":
			continue
		case "networkdestinationipv4":
			// Placeholders for "no address".
			if t := strings.TrimSpace(v); t != "0.0.0.0" && t != "255.255.255.255" {
				setOrExtra(e, "source.ip", v, k)
			}
			continue
		case "networkdestinationasn":
			if strings.TrimSpace(v) != "0" {
				setOrExtra(e, "source.asn", v, k)
			}
			continue
		case "lastreporteddatetime":
			if v == jsonText(obj["firstreporteddatetime"]) {
				continue
			}
		}
		if f, ok := bingFields[k]; ok {
			if !f.key {
				setOrExtra(e, f.field, v, k)
				continue
			}
			if err := setField(e, f.field, v); err != nil {
				rej := event.Reject(line, raw, err)
				return &rej
			}
			continue
		}
		name := k
		if n, ok := bingExtras[k]; ok {
			name = n
		}
		putExtra(e, name, v)
	}
	defaultClass(e, "malicious-code", "malware-distribution")
	e.Raw = raw
	return nil
}
