package parsers

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"atalaya/internal/event"
)

// genericCSVParser reads CSV with a header row, filling each mapped
// column's field. The delimiter is the one of , ; tab | the header uses
// most; lines starting with # are comments. Columns the mapping does not
// name are not kept (raw keeps the whole line).
type genericCSVParser struct {
	columns []genericColumn
	tmpl    template
}

func newGenericCSVParser(cfg Config) (Parser, error) {
	cols, err := checkMapping(cfg.Mapping)
	if err != nil {
		return nil, err
	}
	tmpl, err := newTemplate(cfg.Constants)
	if err != nil {
		return nil, err
	}
	return &genericCSVParser{columns: cols, tmpl: tmpl}, nil
}

// Parse reads one input. A header without a mapped column fails the
// input: the feed's mapping does not fit the file, and every line would
// be refused alike.
func (p *genericCSVParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	recs := newCSVRecords(r, 0)
	recs.comment = '#'
	header, err := csvHeader(recs)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	at, err := p.resolve(header.fields)
	if err != nil {
		return err
	}
	var e event.Event
	for {
		rec, err := recs.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("csv: reading line %d: %w", recs.lines.n+1, err)
		}
		if rec.problem != nil {
			reject(*rec.problem)
			continue
		}
		if bad := fitFields(&rec, len(header.fields)); bad != nil {
			reject(*bad)
			continue
		}
		if bad := p.line(&e, at, rec); bad != nil {
			reject(*bad)
			continue
		}
		if err := emit(rec.line, &e); err != nil {
			return err
		}
	}
}

// resolve finds each mapped column in the header: by its exact name, else
// ignoring case.
func (p *genericCSVParser) resolve(header []string) ([]int, error) {
	at := make([]int, len(p.columns))
	var missing []string
	for i, c := range p.columns {
		at[i] = -1
		for j, h := range header {
			if h == c.column {
				at[i] = j
				break
			}
			if at[i] < 0 && strings.EqualFold(h, c.column) {
				at[i] = j
			}
		}
		if at[i] < 0 {
			missing = append(missing, c.column)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("csv: the header (%s) lacks the mapped column(s) %s",
			strings.Join(header, ","), strings.Join(missing, ", "))
	}
	return at, nil
}

func (p *genericCSVParser) line(e *event.Event, at []int, rec csvRecord) *event.Rejected {
	p.tmpl.reset(e, 0)
	for i, c := range p.columns {
		v := rec.fields[at[i]]
		if strings.TrimSpace(v) == "" {
			continue
		}
		if err := setField(e, c.field, v); err != nil {
			rej := event.Reject(rec.line, rec.raw, err)
			return &rej
		}
	}
	e.Raw = rec.raw
	fixTaxonomy(e)
	return nil
}
