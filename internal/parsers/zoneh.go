package parsers

import (
	"io"
	"net/url"
	"strings"

	"atalaya/internal/event"
)

// zoneHParser reads Zone-H's defacement reports (CSV with a header:
// add_date, accept_date, attacker, domain, ip_address ...), as IntelMQ's
// zoneh parser does: each row a defaced website, classified as IntelMQ
// does ("compromised", the RSIT's system-compromise, identifier
// compromised-website), which is also how Shadowserver's compromised
// website report is classified, so one alert rule catches both. The
// "domain" column holds the defaced URL; its host fills source.fqdn and its
// scheme protocol.application.
type zoneHParser struct{ kit feedKit }

func newZoneHParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &zoneHParser{kit: k}, err
}

var zoneHDefaults = []kitField{
	{"classification.taxonomy", "intrusions"}, {"classification.type", "system-compromise"},
	{"classification.identifier", "compromised-website"}, {"event_description.text", "defacement"},
}

// zoneHColumns maps Zone-H's column names to fields; "url" and "ip" are
// set by hand, names not listed are skipped (the screenshot's local path,
// the country's name).
var zoneHColumns = map[string]string{
	"add_date": "time.source", "domain": "url", "ip_address": "ip",
	"country_code": "source.geolocation.cc",
	"accept_date":  "extra.accepted_date", "attacker": "extra.actor",
	"system": "extra.os.name", "web_server": "extra.http_target",
	"hackmode": "extra.compromise_method", "reason": "extra.reason",
	"type": "extra.defacement_type", "redefacement": "extra.redefacement",
	"state": "extra.state", "def_grade": "extra.grade",
	"defacement_id": "extra.zoneh_report_id",
}

// zoneHDefaultOrder is the column order of the report, for a file without
// its header.
var zoneHDefaultOrder = []string{"time.source", "extra.accepted_date", "extra.actor", "url", "ip",
	"extra.os.name", "extra.http_target", "extra.reason", "extra.compromise_method", "",
	"extra.defacement_type", "extra.redefacement", "extra.state", "extra.grade",
	"extra.zoneh_report_id", "source.geolocation.cc", ""}

func (p *zoneHParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	var fields []string
	columns := zoneHDefaultOrder
	lines := newKitLines(r)
	for lines.next() {
		if lines.tooLong {
			kitRefuse(reject, lines.n, lines.text, kitTooLong())
			continue
		}
		if kitIsBlank(lines.text) {
			continue
		}
		var text string
		var first int
		var ok bool
		fields, text, first, ok = kitCSVRecord(lines, ',', fields)
		if !ok {
			kitRefuse(reject, first, text, kitLineError(kitCodeQuote, "a quoted field does not end", nil))
			continue
		}
		if len(fields) > 0 && strings.EqualFold(strings.TrimSpace(fields[0]), "add_date") {
			columns = make([]string, len(fields))
			for i, f := range fields {
				columns[i] = zoneHColumns[strings.ToLower(strings.TrimSpace(f))]
			}
			continue
		}
		if err := p.record(&e, columns, fields, text); err != nil {
			kitRefuse(reject, first, text, err)
			continue
		}
		if err := emit(first, &e); err != nil {
			return err
		}
	}
	return lines.err
}

func (p *zoneHParser) record(e *event.Event, columns, fields []string, text string) error {
	p.kit.start(e, zoneHDefaults)
	for i, f := range fields {
		if i >= len(columns) || strings.TrimSpace(f) == "" {
			continue
		}
		switch col := columns[i]; {
		case col == "":
		case col == "url":
			zoneHURL(e, f)
		case col == "ip":
			kitSetLoose(e, "source.ip", f)
		case col == "source.geolocation.cc":
			kitSetLoose(e, col, f)
		case strings.HasPrefix(col, event.ExtraPrefix):
			kitPutExtra(e, col[len(event.ExtraPrefix):], f)
		default:
			if err := e.Set(col, f); err != nil {
				return err
			}
		}
	}
	return kitSetRaw(e, text)
}

// zoneHURL sets the defaced URL with its host and scheme; a URL the event
// refuses is left out (IntelMQ: raise_failure=False), the address still
// routes.
func zoneHURL(e *event.Event, value string) {
	v := strings.TrimSpace(value)
	if e.Set("source.url", v) != nil {
		return
	}
	kitSetHostOf(e, v)
	if u, err := url.Parse(v); err == nil {
		kitSetLoose(e, "protocol.application", u.Scheme)
	}
}
