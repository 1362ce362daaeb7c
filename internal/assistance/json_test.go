package assistance

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestOutputsForJSON: what the service returns goes to JSON as the API
// documents it: lists and maps are [] and {} even when empty (never null)
// and times are in UTC, whatever the clock's zone. The API writes these
// values as they are.
func TestOutputsForJSON(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		zone := time.FixedZone("UTC-6", -6*3600)
		f.s = New(f.db, Options{Now: func() time.Time { return f.clock.now().In(zone) }})
		r, err := f.s.CreateDraft(ctx, mxGov, Form{Country: "MX"})
		must(t, "CreateDraft", err)
		if r.CreatedAt.Location() != time.UTC || r.UpdatedAt.Location() != time.UTC || r.StateSince.Location() != time.UTC {
			t.Errorf("times of a new draft: %v, %v, %v; want UTC", r.CreatedAt, r.UpdatedAt, r.StateSince)
		}
		d, err := f.s.Details(ctx, mxGov, r.ID)
		must(t, "Details", err)
		x, err := f.s.SaveExpert(ctx, sec, Expert{Kind: Individual, Name: "Minimal", Sector: Academia, Active: true})
		must(t, "SaveExpert", err)
		b, err := f.s.Board(ctx, sec, Filter{})
		must(t, "Board", err)
		rep, err := f.s.Report(ctx, sec, start.Year())
		must(t, "Report", err)
		tl, err := f.s.Timeline(ctx, sec, r.ID)
		must(t, "Timeline", err)
		list, _, err := f.s.List(ctx, sec, Filter{Country: "CR"})
		must(t, "List", err)
		for _, v := range []any{r, d, x, b, rep, tl, list} {
			j, err := json.Marshal(v)
			must(t, "Marshal", err)
			if strings.Contains(string(j), "null") {
				t.Errorf("%T has a null: %s", v, j)
			}
			if strings.Contains(string(j), "-06:00") {
				t.Errorf("%T has a time outside UTC: %s", v, j)
			}
		}
	})
}
