package parsers

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"atalaya/internal/event"
)

// certEUParser reads CERT-EU's CSV feed as IntelMQ's cert_eu parser does.
// Differences: the confidence level is kept as extra.confidence (parsers
// never set feed.*; IntelMQ scales feed.accuracy with it), "source cc"
// fills source.geolocation.cc (what routing falls back on), columns
// IntelMQ refuses to see filled (ns1, ns2, response ...) are kept as
// extras instead of failing the line, and a type outside CERT-EU's list
// is classified other/undetermined with the feed's word in extra.type.
type certEUParser struct{ tmpl template }

func newCertEUParser(cfg Config) (Parser, error) {
	tmpl, err := newTemplate(cfg.Constants)
	if err != nil {
		return nil, err
	}
	return &certEUParser{tmpl: tmpl}, nil
}

// certEUFields are the columns that fill event fields. Those marked key
// refuse the line when their value is bad: the event is routed and dated
// by them.
var certEUFields = []struct {
	column, field string
	key           bool
}{
	{"source ip", "source.ip", true},
	{"source time", "time.source", true},
	{"url", "source.url", true},
	{"domain name", "source.fqdn", true},
	{"source bgp prefix", "source.network", false},
	{"tlp", "tlp", false},
	{"description", "event_description.text", false},
	{"protocol", "protocol.application", false},
	{"source port", "source.port", false},
	{"destination port", "destination.port", false},
	{"source cc", "source.geolocation.cc", false},
	{"source asn", "source.asn", false},
	{"source as name", "source.as_name", false},
}

// certEUExtras renames columns kept as extras after IntelMQ's names; the
// other filled columns keep theirs, spaces turned to underscores.
var certEUExtras = map[string]string{
	"feed code": "datasource", "observation time": "cert_eu_time_observation",
	"source country": "source.geolocation.country", "source city": "source.geolocation.city",
	"source latitude": "source.geolocation.latitude", "source longitude": "source.geolocation.longitude",
	"source geohash": "source.geolocation.geohash", "first seen": "first_seen", "last seen": "last_seen",
	"expiration date": "expiration_date", "target": "event_description.target",
	"abuse contact": "source.abuse_contact", "confidence level": "confidence",
}

// Parse reads one input.
func (p *certEUParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	recs := newCSVRecords(r, ',')
	recs.comment = '#'
	header, err := csvHeader(recs)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cert-eu: %w", err)
	}
	cols := newCertEUColumns(header.fields)
	if !cols.has("source ip") && !cols.has("url") && !cols.has("domain name") {
		return fmt.Errorf("cert-eu: the header (%s) has none of the columns source ip, url, domain name",
			strings.Join(header.fields, ","))
	}
	var e event.Event
	for {
		rec, err := recs.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cert-eu: reading line %d: %w", recs.lines.n+1, err)
		}
		if rec.problem != nil {
			reject(*rec.problem)
			continue
		}
		if bad := fitFields(&rec, len(header.fields)); bad != nil {
			reject(*bad)
			continue
		}
		if bad := p.line(&e, cols, rec); bad != nil {
			reject(*bad)
			continue
		}
		if err := emit(rec.line, &e); err != nil {
			return err
		}
	}
}

// has reports whether the header has the certEUFields column named.
func (c certEUColumns) has(column string) bool {
	for i, f := range certEUFields {
		if f.column == column {
			return c.fields[i] >= 0
		}
	}
	return false
}

// certEUColumns is a header resolved once per input.
type certEUColumns struct {
	fields  []int    // position of each certEUFields column, -1 if absent
	extras  []int    // positions of the columns kept as extras
	keys    []string // their extra keys
	typ     int
	version int
}

func newCertEUColumns(header []string) certEUColumns {
	c := certEUColumns{typ: -1, version: -1}
	index := make(map[string]int, len(header))
	for i, h := range header {
		index[strings.ToLower(h)] = i
	}
	taken := make(map[int]bool)
	for _, f := range certEUFields {
		i, ok := index[f.column]
		if !ok {
			i = -1
		}
		c.fields = append(c.fields, i)
		taken[i] = true
	}
	if i, ok := index["type"]; ok {
		c.typ, taken[i] = i, true
	}
	if i, ok := index["version"]; ok {
		c.version, taken[i] = i, true
	}
	for i, h := range header {
		if taken[i] || h == "" {
			continue
		}
		key, ok := certEUExtras[strings.ToLower(h)]
		if !ok {
			key = strings.ReplaceAll(strings.ToLower(h), " ", "_")
		}
		c.extras = append(c.extras, i)
		c.keys = append(c.keys, key)
	}
	return c
}

func (p *certEUParser) line(e *event.Event, c certEUColumns, rec csvRecord) *event.Rejected {
	if c.version >= 0 {
		if v := strings.TrimSpace(rec.fields[c.version]); v != "" && v != "1.5" {
			rej := fieldProblem(rec.line, rec.raw, "", "parsers_version",
				"the line is in version "+v+" of the format; only 1.5 is known", map[string]any{"Value": v})
			return &rej
		}
	}
	p.tmpl.reset(e, len(c.extras))
	for i, f := range certEUFields {
		at := c.fields[i]
		if at < 0 {
			continue
		}
		v := rec.fields[at]
		if f.key {
			if err := setField(e, f.field, v); err != nil {
				rej := event.Reject(rec.line, rec.raw, err)
				return &rej
			}
			continue
		}
		setOrExtra(e, f.field, v, strings.ReplaceAll(f.column, " ", "_"))
	}
	if c.typ >= 0 {
		certEUClassify(e, rec.fields[c.typ])
	}
	for i, at := range c.extras {
		putExtra(e, c.keys[i], rec.fields[at])
	}
	if len(e.Extra) == 0 {
		e.Extra = nil
	}
	e.Raw = rec.raw
	fixTaxonomy(e)
	return nil
}

// certEUClassify maps CERT-EU's type ("botnet drone", "malware url" ...)
// to RSIT through the legacy names; an unknown one is undetermined.
func certEUClassify(e *event.Event, typ string) {
	if strings.TrimSpace(typ) == "" {
		return
	}
	if err := setField(e, "classification.type", typ); err != nil {
		e.Type, e.Taxonomy = "undetermined", "other"
		putExtra(e, "type", typ)
	}
}
