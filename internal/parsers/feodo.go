package parsers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"atalaya/internal/event"
)

// feodoParser reads abuse.ch Feodo Tracker's botnet C2 lists in the three
// shapes abuse.ch has published them, told apart by the input's first
// character:
//   - the CSV blocklist (ipblocklist.csv, "first_seen_utc","dst_ip",...),
//     as IntelMQ's abusech_ip parser read it;
//   - the JSON blocklist (ipblocklist.json, an array of objects), as
//     IntelMQ's abusech_feodotracker parser reads it now;
//   - the HTML "browse" page, which IntelMQ reads with its html_table
//     parser: its table of C2s is the same data, and it is the only shape
//     that names each C2's AS and country, so it is read too.
//
// Every entry is a C2 server (malicious-code, c2-server).
type feodoParser struct{ kit feedKit }

func newFeodoParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &feodoParser{kit: k}, err
}

var feodoDefaults = []kitField{
	{"classification.taxonomy", "malicious-code"}, {"classification.type", "c2-server"},
}

func (p *feodoParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	br := bufio.NewReaderSize(r, 64<<10)
	switch kitFirstByte(br) {
	case '<':
		return p.parseHTML(br, emit, reject)
	case '[':
		return p.parseJSON(br, emit, reject)
	}
	return p.parseCSV(br, emit, reject)
}

// kitFirstByte returns the first byte of the input that is not blank (or
// a byte order mark), without consuming anything; 0 when the first 4 KiB
// are blank.
func kitFirstByte(br *bufio.Reader) byte {
	head, _ := br.Peek(4096)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) == 0 {
		return 0
	}
	return head[0]
}

// feodoColumns maps the CSV header names abuse.ch used over the years to
// the fields they fill; "extra." names go to Extra.
var feodoColumns = map[string]string{
	"first_seen_utc": "time.source", "firstseen": "time.source", "first_seen": "time.source",
	"dst_ip": "source.ip", "dstip": "source.ip", "ip_address": "source.ip",
	"dst_port": "source.port", "dstport": "source.port", "port": "source.port",
	"c2_status": "extra.status", "status": "extra.status",
	"last_online": "extra.last_online", "lastonline": "extra.last_online",
	"malware": "malware.name",
}

// feodoDefaultOrder is the blocklist's column order, for a file cut
// without its header.
var feodoDefaultOrder = []string{"time.source", "source.ip", "source.port", "extra.status", "extra.last_online", "malware.name"}

func (p *feodoParser) parseCSV(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	var fields []string
	columns := feodoDefaultOrder
	generated := ""
	lines := newKitLines(r)
	for lines.next() {
		line := lines.text
		switch {
		case lines.tooLong:
			kitRefuse(reject, lines.n, line, kitTooLong())
			continue
		case kitIsBlank(line):
			continue
		case kitIsComment(line, "#"):
			if _, v, ok := strings.Cut(line, "Last updated:"); ok {
				generated = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "#"))
			}
			continue
		}
		var ok bool
		fields, ok = kitSplitCSV(line, ',', fields)
		if !ok {
			kitRefuse(reject, lines.n, line, kitLineError(kitCodeQuote, "a quoted field does not end", nil))
			continue
		}
		if cols, isHeader := feodoHeader(fields); isHeader {
			columns = cols
			continue
		}
		p.kit.start(&e, feodoDefaults)
		kitPutExtra(&e, "feed_last_generated", generated)
		err := kitSetColumns(&e, columns, fields)
		if err == nil {
			err = kitSetRaw(&e, line)
		}
		if err != nil {
			kitRefuse(reject, lines.n, line, err)
			continue
		}
		if err := emit(lines.n, &e); err != nil {
			return err
		}
	}
	return lines.err
}

// feodoHeader reads a header line into the fields its columns fill ("" for
// a column not known, which is skipped).
func feodoHeader(fields []string) ([]string, bool) {
	if len(fields) == 0 {
		return nil, false
	}
	if _, known := feodoColumns[strings.ToLower(strings.TrimSpace(fields[0]))]; !known {
		return nil, false
	}
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = feodoColumns[strings.ToLower(strings.TrimSpace(f))]
	}
	return cols, true
}

// kitSetColumns sets each field of a record by the column's field name;
// a record shorter than the columns leaves the rest unset.
func kitSetColumns(e *event.Event, columns, fields []string) error {
	if len(fields) < 2 {
		return kitLineError(kitCodeColumns, "the line has "+strconv.Itoa(len(fields))+" fields",
			map[string]any{"Want": len(columns), "Got": len(fields)})
	}
	for i, f := range fields {
		if i >= len(columns) || columns[i] == "" {
			continue
		}
		if err := e.Set(columns[i], f); err != nil {
			return err
		}
	}
	return nil
}

// feodoJSON is one entry of ipblocklist.json. Numbers come as numbers or
// strings depending on the year, so they stay raw.
type feodoJSON struct {
	IPAddress  string          `json:"ip_address"`
	Port       json.RawMessage `json:"port"`
	Status     string          `json:"status"`
	Hostname   string          `json:"hostname"`
	ASNumber   json.RawMessage `json:"as_number"`
	ASName     string          `json:"as_name"`
	Country    string          `json:"country"`
	FirstSeen  string          `json:"first_seen"`
	LastOnline string          `json:"last_online"`
	Malware    string          `json:"malware"`
}

// parseJSON reads the array entry by entry (never the whole document);
// the "line" of an entry is its number in the array, from 1.
func (p *feodoParser) parseJSON(r io.Reader, emit Emit, reject Reject) error {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		kitRefuse(reject, 1, "", kitLineError(kitCodeDocument, "not a JSON array of Feodo Tracker entries", nil))
		return nil
	}
	var e event.Event
	for n := 1; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			// The document breaks here: nothing after it can be read.
			kitRefuse(reject, n, "", kitLineError(kitCodeJSON, "the JSON breaks: "+err.Error(), map[string]any{"Detail": err.Error()}))
			return nil
		}
		if err := p.jsonEntry(&e, raw); err != nil {
			kitRefuse(reject, n, string(raw), err)
			continue
		}
		if err := emit(n, &e); err != nil {
			return err
		}
	}
	return nil
}

func (p *feodoParser) jsonEntry(e *event.Event, raw json.RawMessage) error {
	var rec feodoJSON
	if err := json.Unmarshal(raw, &rec); err != nil {
		return kitLineError(kitCodeJSON, "not a Feodo Tracker entry: "+err.Error(), map[string]any{"Detail": err.Error()})
	}
	p.kit.start(e, feodoDefaults)
	for _, fv := range [...]kitField{
		{"source.ip", rec.IPAddress}, {"source.port", kitJSONText(rec.Port)},
		{"malware.name", rec.Malware},
	} {
		if err := e.Set(fv.name, fv.value); err != nil {
			return err
		}
	}
	if rec.FirstSeen != "" {
		if err := e.Set("time.source", rec.FirstSeen); err != nil {
			return err
		}
	}
	kitSetLoose(e, "source.asn", kitJSONText(rec.ASNumber))
	kitSetLoose(e, "source.as_name", rec.ASName)
	kitSetLoose(e, "source.geolocation.cc", rec.Country)
	kitSetLoose(e, "source.fqdn", rec.Hostname)
	kitPutExtra(e, "status", rec.Status)
	kitPutExtra(e, "last_online", rec.LastOnline)
	return kitSetRaw(e, string(raw))
}

// kitJSONText returns a JSON string's content or a number's text; "" for
// null, absent or anything else.
func kitJSONText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return string(raw)
	}
	return ""
}
