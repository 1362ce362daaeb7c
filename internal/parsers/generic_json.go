package parsers

import (
	"io"
	"strings"

	"atalaya/internal/event"
)

// genericJSONParser reads JSON lines (one object a line; a top-level
// array of objects and pretty-printed objects one after another are read
// too), filling each mapped key's field. A key is looked up whole first,
// then as a path through nested objects ("src.ip"). Arrays and objects
// become their compact JSON text.
type genericJSONParser struct {
	columns []genericColumn
	tmpl    template
}

func newGenericJSONParser(cfg Config) (Parser, error) {
	cols, err := checkMapping(cfg.Mapping)
	if err != nil {
		return nil, err
	}
	tmpl, err := newTemplate(cfg.Constants)
	if err != nil {
		return nil, err
	}
	return &genericJSONParser{columns: cols, tmpl: tmpl}, nil
}

// Parse reads one input.
func (p *genericJSONParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	_, err := eachJSONObject(r, maxRecord, "", reject, func(line int, raw string, obj map[string]any) error {
		p.tmpl.reset(&e, 0)
		for _, c := range p.columns {
			v, ok := jsonPath(obj, c.column, c.parts)
			if !ok {
				continue
			}
			s := jsonText(v)
			if strings.TrimSpace(s) == "" {
				continue
			}
			if err := setField(&e, c.field, s); err != nil {
				reject(event.Reject(line, raw, err))
				return nil
			}
		}
		e.Raw = raw
		fixTaxonomy(&e)
		return emit(line, &e)
	})
	return err
}
