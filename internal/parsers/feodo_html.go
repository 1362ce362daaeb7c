package parsers

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"

	"atalaya/internal/event"
)

// feodoHTMLColumns maps the headings of the browse page's table to the
// fields their cells fill; "network" is "AS<n> <name>", split when set.
var feodoHTMLColumns = map[string]string{
	"firstseen (utc)": "time.source", "firstseen": "time.source", "first seen": "time.source",
	"host": "host", "dst ip": "source.ip", "ip address": "source.ip",
	"malware": "malware.name", "status": "extra.status",
	"network (asn)": "network", "network": "network", "country": "source.geolocation.cc",
	"port": "source.port", "last online": "extra.last_online",
}

// feodoHTMLDefault is the order of the table in 2021, for a table without
// headings.
var feodoHTMLDefault = []string{"time.source", "host", "malware.name", "extra.status", "network", "source.geolocation.cc"}

// feodoTable walks the browse page with a tokenizer, one token at a time,
// and keeps the rows of the table with id "botnet_c2s". A row's line is the
// physical line its <tr> starts on; its raw text is the row's HTML.
type feodoTable struct {
	z       *html.Tokenizer
	line    int // line of the token being read
	inTable int // depth of nested tables inside the C2 table, 0 outside
	inHead  bool
	inCell  bool
	columns []string
	heads   []string
	cells   []string
	cell    strings.Builder
	row     strings.Builder
	rowLine int
	inRow   bool
	found   bool
	rawBuf  []byte
}

func (p *feodoParser) parseHTML(r io.Reader, emit Emit, reject Reject) error {
	t := &feodoTable{z: html.NewTokenizer(r), line: 1}
	var e event.Event
	for {
		tt := t.z.Next()
		if tt == html.ErrorToken {
			if err := t.z.Err(); err != io.EOF {
				return err
			}
			if !t.found {
				kitRefuse(reject, 1, "", kitLineError(kitCodeDocument, "no table of botnet C2s (id botnet_c2s) in the page", nil))
			}
			return nil
		}
		raw := t.z.Raw()
		tokenLine := t.line
		t.line += bytes.Count(raw, []byte{'\n'})
		done := t.token(tt, raw, tokenLine)
		if !done {
			continue
		}
		rowRaw := t.row.String()
		if len(t.cells) == 0 {
			continue
		}
		if err := p.htmlRow(&e, t.rowColumns(), t.cells, rowRaw); err != nil {
			kitRefuse(reject, t.rowLine, rowRaw, err)
			continue
		}
		if err := emit(t.rowLine, &e); err != nil {
			return err
		}
	}
}

// token follows one token; it returns true when a data row is complete.
func (t *feodoTable) token(tt html.TokenType, raw []byte, line int) bool {
	// Raw's bytes change with TagName and Text: keep a copy first.
	t.rawBuf = append(t.rawBuf[:0], raw...)
	raw = t.rawBuf
	if t.inRow && t.row.Len() < kitMaxQuarantined {
		t.row.Write(raw) // a row that never ends keeps only its start
	}
	var tag string
	hasAttr := false
	if tt == html.StartTagToken || tt == html.EndTagToken {
		var name []byte
		name, hasAttr = t.z.TagName()
		tag = string(name)
	}
	switch tt {
	case html.StartTagToken:
		switch {
		case tag == "table" && t.inTable > 0:
			t.inTable++
		case tag == "table" && hasAttr && t.isC2Table():
			t.inTable, t.found = 1, true
		case t.inTable == 0:
		case tag == "thead":
			t.inHead = true
		case tag == "tr":
			t.inRow, t.rowLine = true, line
			t.row.Reset()
			t.row.Write(raw)
			t.cells = t.cells[:0]
		case (tag == "td" || tag == "th") && t.inRow:
			t.inCell = true
			t.cell.Reset()
		}
	case html.TextToken:
		if t.inCell && t.cell.Len() < 4096 {
			t.cell.Write(t.z.Text())
		}
	case html.EndTagToken:
		if t.inTable == 0 {
			return false
		}
		switch tag {
		case "table":
			t.inTable--
		case "thead":
			t.inHead = false
		case "td", "th":
			if t.inCell {
				t.cells = append(t.cells, strings.Join(strings.Fields(t.cell.String()), " "))
				t.inCell = false
			}
		case "tr":
			if !t.inRow {
				return false // a stray </tr>
			}
			t.inRow, t.inCell = false, false
			if t.inHead {
				t.heads = append(t.heads[:0], t.cells...)
				t.cells = t.cells[:0]
				return false
			}
			return true
		}
	}
	return false
}

// isC2Table reports whether the current start tag has id="botnet_c2s".
func (t *feodoTable) isC2Table() bool {
	for {
		key, val, more := t.z.TagAttr()
		if string(key) == "id" && string(val) == "botnet_c2s" {
			return true
		}
		if !more {
			return false
		}
	}
}

// rowColumns returns the fields of the table's columns, from its headings
// when it has them.
func (t *feodoTable) rowColumns() []string {
	if t.columns != nil {
		return t.columns
	}
	if len(t.heads) == 0 {
		return feodoHTMLDefault
	}
	t.columns = make([]string, len(t.heads))
	for i, h := range t.heads {
		t.columns[i] = feodoHTMLColumns[strings.ToLower(h)]
	}
	return t.columns
}

// htmlRow builds the event of one table row.
func (p *feodoParser) htmlRow(e *event.Event, columns, cells []string, raw string) error {
	p.kit.start(e, feodoDefaults)
	for i, cell := range cells {
		if i >= len(columns) || cell == "" {
			continue
		}
		var err error
		switch col := columns[i]; col {
		case "":
		case "host":
			if err = e.Set("source.ip", cell); err != nil {
				err = e.Set("source.fqdn", cell)
			}
		case "network":
			asn, name, _ := strings.Cut(cell, " ")
			kitSetLoose(e, "source.asn", asn)
			kitSetLoose(e, "source.as_name", name)
		case "extra.status":
			kitPutExtra(e, "status", strings.ToLower(cell))
		default:
			err = e.Set(col, cell)
		}
		if err != nil {
			return err
		}
	}
	return kitSetRaw(e, raw)
}
