package exchange

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/valid"
)

// csvImportColumns are the columns a CSV import reads. "id", "created" and
// "org" are what our own export adds: known, so a re-import does not warn,
// but not read (the importing organisation creates its own indicators).
var csvImportColumns = []string{"value", "type", "name", "description", "labels", "valid_from", "valid_until",
	"confidence", "tlp", "id", "created", "org"}

// csvLine is one CSV line that made an indicator.
type csvLine struct {
	Line   int // 1-based line where the record starts
	ID     string
	Object json.RawMessage
}

// csvResult is what parsing a CSV document gave: the indicators of the
// good lines, the bad lines refused with their reasons, and notes.
type csvResult struct {
	Lines   []csvLine
	Refused []intel.Refusal
	Notes   []Note
}

// csvParser turns records into indicators.
type csvParser struct {
	cols     map[string]int // column name -> index
	identity string         // created_by_ref of every indicator
	orgID    string
	now      string // created and modified of every indicator
	nowTime  time.Time
	seen     map[string]int // indicator id -> line that made it
}

// parseCSV reads a CSV document of indicators. A document without a usable
// header is one *valid.Error naming "line 1"; after that every line stands
// alone: a bad line is refused naming its line and column, the others go on.
func parseCSV(data []byte, orgID string, now time.Time) (csvResult, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // a byte-order mark from spreadsheet programs
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // short and long lines are reported by us, by line
	header, err := r.Read()
	if err != nil {
		return csvResult{}, headerError(err)
	}
	p := &csvParser{identity: intel.IdentityID(orgID), orgID: orgID, nowTime: now.UTC(),
		now: stixTime(now), seen: map[string]int{}}
	var res csvResult
	if p.cols, res.Notes, err = readHeader(header); err != nil {
		return csvResult{}, err
	}
	for {
		before := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			res.Refused = append(res.Refused, lineRefusal(line, "", CodeCSVSyntax, "cannot be read as CSV: "+err.Error()))
			if r.InputOffset() == before {
				break // no progress: the rest of the document cannot be read
			}
			continue
		}
		line, _ := r.FieldPos(0) // a record read without error has a field 0
		obj, id, ref := p.record(line, rec, len(header))
		if ref != nil {
			res.Refused = append(res.Refused, *ref)
			continue
		}
		res.Lines = append(res.Lines, csvLine{Line: line, ID: id, Object: obj})
	}
	return res, nil
}

// headerError explains why the first line is not a header.
func headerError(err error) error {
	if err == io.EOF {
		return valid.New("line 1", CodeCSVHeader, "the document is empty: the first line must name the columns (value, type, name…)", nil)
	}
	return valid.New("line 1", CodeCSVSyntax, "the header cannot be read as CSV: "+err.Error(), nil)
}

// readHeader maps column names to positions. "value" is required; a name
// twice is an error (which one would count?); an unknown name is ignored
// with a note, since spreadsheets often carry extra columns.
func readHeader(header []string) (map[string]int, []Note, error) {
	cols := map[string]int{}
	var notes []Note
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if _, dup := cols[name]; dup {
			return nil, nil, valid.New("line 1", CodeCSVHeader, fmt.Sprintf("column %q appears twice", name), map[string]any{"Column": name})
		}
		cols[name] = i
		if !slices.Contains(csvImportColumns, name) {
			notes = append(notes, Note{Where: "line 1", Code: NoteColumnIgnored, Args: map[string]any{"Column": name},
				Message: fmt.Sprintf("column %q is not one we read; it was ignored", name)})
		}
	}
	if _, ok := cols["value"]; !ok {
		return nil, nil, valid.New("line 1", CodeCSVHeader,
			"the first line must name the columns and include \"value\" (also: type, name, description, labels, valid_from, valid_until, confidence, tlp)",
			map[string]any{"Column": "value"})
	}
	return cols, notes, nil
}

// record turns one line into an indicator, or the refusal of the line.
func (p *csvParser) record(line int, rec []string, width int) (json.RawMessage, string, *intel.Refusal) {
	if len(rec) > width {
		r := lineRefusal(line, "", CodeCSVColumns, fmt.Sprintf("%d fields, but the header names %d columns", len(rec), width))
		return nil, "", &r
	}
	for i, f := range rec {
		if !utf8.ValidString(f) || strings.ContainsRune(f, 0) {
			r := lineRefusal(line, p.nameOf(i), CodeCSVText, "is not UTF-8 text")
			return nil, "", &r
		}
	}
	ind, err := p.indicator(rec)
	if err != nil {
		var fe *fieldError
		errors.As(err, &fe)
		r := lineRefusal(line, fe.column, fe.code, fe.msg)
		return nil, "", &r
	}
	if first, dup := p.seen[ind.ID]; dup {
		r := lineRefusal(line, "value", CodeCSVDuplicate, fmt.Sprintf("the same value as line %d", first))
		r.ID = ind.ID
		return nil, "", &r
	}
	p.seen[ind.ID] = line
	raw, err := json.Marshal(ind)
	if err != nil {
		r := lineRefusal(line, "", CodeCSVValue, err.Error())
		return nil, "", &r
	}
	return raw, ind.ID, nil
}

// nameOf is the header name of column i, or its number past the header.
func (p *csvParser) nameOf(i int) string {
	for name, j := range p.cols {
		if j == i {
			return name
		}
	}
	return fmt.Sprintf("column %d", i+1)
}

// cell returns the content of a column on a line, "" when absent.
func (p *csvParser) cell(rec []string, column string) string {
	i, ok := p.cols[column]
	if !ok || i >= len(rec) {
		return ""
	}
	return unescapeCell(strings.TrimSpace(rec[i]))
}

// lineRefusal is a refused line. Field is "line N" with the column when one
// is at fault; Index is the line number, the position of a line in a CSV.
func lineRefusal(line int, column, code, msg string) intel.Refusal {
	field := fmt.Sprintf("line %d", line)
	if column != "" {
		field += ", " + column
	}
	return intel.Refusal{Index: line, Field: field, Code: code, Message: msg}
}

// fieldError is a problem with one column of a line.
type fieldError struct{ column, code, msg string }

func (e *fieldError) Error() string { return e.column + ": " + e.msg }

// importCSV stores the good lines of a CSV document in one intel.Put and
// reports the bad ones by line.
func importCSV(ctx context.Context, st *intel.Store, a access.Actor, data []byte, opt ImportOptions, now time.Time) (Report, error) {
	res, err := parseCSV(data, a.OrgID, now)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Notes: res.Notes}
	rep.Refused = res.Refused
	if len(res.Lines) == 0 {
		return rep, nil
	}
	objs := make([]json.RawMessage, len(res.Lines))
	for i, l := range res.Lines {
		objs[i] = l.Object
	}
	put, err := st.Put(ctx, a, objs, intel.PutOptions{Sharing: opt.Sharing, Source: opt.source(CSV)})
	if err != nil {
		return Report{}, err
	}
	rep.Accepted, rep.Existing = put.Accepted, put.Existing
	for _, r := range put.Refused {
		if r.Index < 0 || r.Index >= len(res.Lines) {
			rep.Refused = append(rep.Refused, r)
			continue
		}
		l := res.Lines[r.Index]
		lr := lineRefusal(l.Line, r.Field, r.Code, r.Message)
		lr.ID = l.ID
		rep.Refused = append(rep.Refused, lr)
	}
	slices.SortStableFunc(rep.Refused, func(x, y intel.Refusal) int { return x.Index - y.Index })
	return rep, nil
}
