package parsers

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"

	"atalaya/internal/event"
	"atalaya/internal/valid"
)

// shadowserverParser reads Shadowserver's CSV reports through the schema,
// the way IntelMQ's Shadowserver parser does, with these choices:
//
//   - Harmonisation names the event has no field for (source.reverse_dns,
//     source.geolocation.city, severity, product.* ...) are kept as
//     extra.<name>: "extra.source.reverse_dns". The schema's own extras
//     keep their names ("extra." + column, or the name it gives).
//   - Columns no mapping names are kept as extra.<column> when not empty.
//   - A required column's value that its conversion or the event refuses
//     rejects the line, naming the field; an optional one's goes to
//     extra.<column> instead (IntelMQ gives up on the whole line when a
//     conversion fails; a line is worth more than one bad column).
//   - The schema's constant fields win over the line's (IntelMQ applies
//     them last); the feed's constants come first and the line wins.
type shadowserverParser struct {
	schema *ShadowserverSchema
	fixed  *ssReport // the feed's report; nil: from the file name or header
	tmpl   template  // the feed's constants
}

func newShadowserverParser(cfg Config) (Parser, error) {
	if cfg.Shadowserver == nil {
		return nil, valid.New("format", "parsers_schema_missing",
			"the shadowserver format needs Shadowserver's report schema (intelmq.json), which the server was not given", nil)
	}
	p := &shadowserverParser{schema: cfg.Shadowserver}
	if cfg.Report != "" {
		rep, ok := cfg.Shadowserver.report(cfg.Report)
		if !ok {
			return nil, valid.New("report", "parsers_report_unknown",
				"is not a report type of the Shadowserver schema", map[string]any{"Value": cfg.Report})
		}
		if rep.problem != "" {
			return nil, valid.New("report", "parsers_report_unsupported",
				"report "+rep.fileName+" cannot be read: "+rep.problem, map[string]any{"Value": rep.fileName})
		}
		p.fixed = rep
	}
	var err error
	if p.tmpl, err = newTemplate(cfg.Constants); err != nil {
		return nil, err
	}
	return p, nil
}

// Parse reads one report file. The report type is the feed's, else the
// one the file's name carries (when r is a file), else the one whose
// columns match the header best. A header the report cannot be read with
// (a required column missing) fails the whole input: every line would be
// refused the same way.
func (p *shadowserverParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	recs := newCSVRecords(r, ',')
	header, err := csvHeader(recs)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("shadowserver: %w", err)
	}
	rep := p.fixed
	if rep == nil {
		if rep, err = p.pick(r, header.fields); err != nil {
			return err
		}
	}
	plan, err := newSSPlan(rep, header.fields, p.tmpl)
	if err != nil {
		return err
	}
	var e event.Event
	row := ssRow{cols: plan.rowCols}
	for {
		rec, err := recs.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("shadowserver: reading line %d: %w", recs.lines.n+1, err)
		}
		if rec.problem != nil {
			reject(*rec.problem)
			continue
		}
		if bad := fitFields(&rec, len(header.fields)); bad != nil {
			reject(*bad)
			continue
		}
		row.fields = rec.fields
		if bad := plan.line(&e, &row, rec); bad != nil {
			reject(*bad)
			continue
		}
		if err := emit(rec.line, &e); err != nil {
			return err
		}
	}
}

// pick finds the report type of an input whose feed names none.
func (p *shadowserverParser) pick(r io.Reader, header []string) (*ssReport, error) {
	if f, ok := r.(interface{ Name() string }); ok {
		if rep, ok := p.schema.report(ShadowserverReportFromFileName(f.Name())); ok {
			return rep, nil
		}
	}
	return p.schema.detect(header)
}

// Kinds of ssStep.
const (
	ssToField = iota // event.Set(field)
	ssToExtra        // extra.<key>
	ssConsume        // taken, nothing set: the schema's false, or a field its constants fix
)

// ssStep is one mapping resolved against a header.
type ssStep struct {
	col      int
	column   string
	kind     int
	field    string // ssToField: harmonisation name
	key      string // ssToExtra: extra key
	conv     ssConv
	convName string
	required bool
}

// ssPlan is a report type resolved against one file's header, once per
// file: each line then runs the steps without looking up a name.
type ssPlan struct {
	steps     []ssStep
	leftover  []ssStep // columns no mapping names: extra.<column>
	tmpl      template // the feed's constants, then the report's
	extraHint int
	rowCols   *ssRowCols
}

func newSSPlan(rep *ssReport, header []string, feed template) (*ssPlan, error) {
	if rep.problem != "" {
		return nil, fmt.Errorf("shadowserver: report %s cannot be read: %s", rep.fileName, rep.problem)
	}
	index := make(map[string]int, len(header))
	for i, h := range header {
		if _, dup := index[h]; !dup {
			index[h] = i
		}
	}
	plan := &ssPlan{rowCols: newSSRowCols(index)}
	var missing []string
	for _, m := range rep.required {
		if _, ok := index[m.column]; !ok {
			missing = append(missing, m.column)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shadowserver: the header lacks the column(s) %s that report %s requires; is this file a %s report?",
			strings.Join(missing, ", "), rep.fileName, rep.fileName)
	}
	fixed, err := plan.constants(rep, feed)
	if err != nil {
		return nil, err
	}
	for _, group := range []struct {
		ms       []ssMapping
		required bool
	}{{rep.required, true}, {rep.optional, false}} {
		for _, m := range group.ms {
			col, ok := index[m.column]
			if !ok {
				continue // an optional column this file does not have
			}
			plan.steps = append(plan.steps, plan.step(m, col, group.required, fixed))
		}
	}
	for i, h := range header {
		if !rep.columns[h] && h != "" && index[h] == i {
			plan.leftover = append(plan.leftover, ssStep{col: i, column: h, kind: ssToExtra, key: h})
			plan.extraHint++
		}
	}
	return plan, nil
}

// constants builds the plan's template: the feed's constants, then the
// report's, which the line cannot change. It returns the fields they fix.
func (plan *ssPlan) constants(rep *ssReport, feed template) (map[string]bool, error) {
	plan.tmpl = template{base: feed.base}
	plan.tmpl.base.Extra = maps.Clone(feed.base.Extra)
	fixed := make(map[string]bool, len(rep.constants))
	for _, c := range rep.constants {
		field, value := c[0], c[1]
		if !knownField(field) {
			field = event.ExtraPrefix + field
		}
		if err := setField(&plan.tmpl.base, field, value); err != nil {
			return nil, fmt.Errorf("shadowserver: report %s: constant %s: %w", rep.fileName, c[0], err)
		}
		fixed[c[0]] = true
	}
	fixTaxonomy(&plan.tmpl.base)
	return fixed, nil
}

func (plan *ssPlan) step(m ssMapping, col int, required bool, fixed map[string]bool) ssStep {
	st := ssStep{col: col, column: m.column, required: required, conv: ssConversion(m.conv), convName: m.conv}
	switch {
	case m.field == "" || fixed[m.field]:
		st.kind = ssConsume
	case m.field == event.ExtraPrefix:
		st.kind, st.key = ssToExtra, m.column
	case strings.HasPrefix(m.field, event.ExtraPrefix):
		st.kind, st.key = ssToExtra, m.field[len(event.ExtraPrefix):]
	case knownField(m.field):
		st.kind, st.field = ssToField, m.field
	default:
		// A harmonisation name the event has no field for.
		st.kind, st.key = ssToExtra, m.field
	}
	if st.kind == ssToExtra {
		plan.extraHint++
	}
	return st
}

// line turns one line into e, or says why it cannot.
func (plan *ssPlan) line(e *event.Event, row *ssRow, rec csvRecord) *event.Rejected {
	plan.tmpl.reset(e, plan.extraHint)
	for i := range plan.steps {
		st := &plan.steps[i]
		value := row.fields[st.col]
		some := true
		if st.conv != nil {
			var err error
			if value, some, err = st.conv(value, row); err != nil {
				if st.required {
					return plan.refuse(rec, st, row.fields[st.col])
				}
				putExtra(e, st.column, row.fields[st.col])
				continue
			}
		}
		if !some {
			continue
		}
		switch st.kind {
		case ssToExtra:
			putExtra(e, st.key, value)
		case ssToField:
			if ignoredValue(value) {
				continue
			}
			if err := setField(e, st.field, value); err != nil {
				if st.required {
					rej := event.Reject(rec.line, rec.raw, err)
					return &rej
				}
				putExtra(e, st.column, row.fields[st.col])
			}
		}
	}
	for i := range plan.leftover {
		st := &plan.leftover[i]
		putExtra(e, st.key, row.fields[st.col])
	}
	if len(e.Extra) == 0 {
		e.Extra = nil
	}
	e.Raw = rec.raw // checked UTF-8 and at most maxRecord bytes: what event.Set keeps
	fixTaxonomy(e)
	return nil
}

func (plan *ssPlan) refuse(rec csvRecord, st *ssStep, value string) *event.Rejected {
	field := st.field
	if field == "" {
		field = event.ExtraPrefix + st.key
	}
	rej := fieldProblem(rec.line, rec.raw, field, "parsers_value",
		"column "+st.column+": “"+value+"” cannot be read by "+st.convName,
		map[string]any{"Column": st.column, "Value": value, "Conversion": st.convName})
	return &rej
}

// ignoredValue is IntelMQ's list of values that mean "not given".
func ignoredValue(v string) bool {
	switch strings.TrimSpace(v) {
	case "", "-", "N/A":
		return true
	}
	return false
}
