package assistance

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestNumbers numbers requests TA-<year>-<seq> by year of creation, and
// concurrent creations never share a number.
func TestNumbers(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		for i := 1; i <= 3; i++ {
			if got, want := f.draft(t, mxGov, "MX").Number, fmt.Sprintf("TA-2027-%04d", i); got != want {
				t.Errorf("number %d = %s, want %s", i, got, want)
			}
		}
		f.clock.set(time.Date(2028, 1, 1, 0, 0, 1, 0, time.UTC))
		if got := f.draft(t, sec, "CR").Number; got != "TA-2028-0001" {
			t.Errorf("first of 2028 = %s", got)
		}
		const n = 12
		var wg sync.WaitGroup
		numbers := make([]string, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := f.s.CreateDraft(ctx, mxGov, form("MX"))
				numbers[i], errs[i] = r.Number, err
			}()
		}
		wg.Wait()
		for _, err := range errs {
			must(t, "concurrent CreateDraft", err)
		}
		slices.Sort(numbers)
		for i, got := range numbers {
			if want := fmt.Sprintf("TA-2028-%04d", i+2); got != want {
				t.Errorf("concurrent numbers = %v, want TA-2028-0002 to TA-2028-%04d", numbers, n+1)
				break
			}
		}
	})
}

// TestListAndBoard counts the board over everything the filter selects,
// pages with the cursor and applies each filter.
func TestListAndBoard(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		made := []struct {
			country string
			state   State
		}{{"MX", Draft}, {"MX", Submitted}, {"CR", Submitted}, {"CR", Design}, {"MX", Declined}, {"MX", Submitted}, {"BR", Implementation}}
		wantState := map[State]int{}
		wantCountry := map[string]map[State]int{}
		var all []string
		for _, m := range made {
			r := f.in(t, sec, m.country, m.state)
			all = append(all, r.Number)
			wantState[m.state]++
			if wantCountry[m.country] == nil {
				wantCountry[m.country] = map[State]int{}
			}
			wantCountry[m.country][m.state]++
		}
		slices.Reverse(all) // newest number first

		b, err := f.s.Board(ctx, sec, Filter{Limit: 2})
		must(t, "Board", err)
		if !mapsEqual(b.ByState, wantState) {
			t.Errorf("ByState = %v, want %v", b.ByState, wantState)
		}
		for c, want := range wantCountry {
			if !mapsEqual(b.ByCountry[c], want) {
				t.Errorf("ByCountry[%s] = %v, want %v", c, b.ByCountry[c], want)
			}
		}
		var pages []string
		for cursor, i := "", 0; ; i++ {
			b, err := f.s.Board(ctx, sec, Filter{Limit: 2, After: cursor})
			must(t, "Board page", err)
			if len(b.Requests) > 2 {
				t.Fatalf("page of %d", len(b.Requests))
			}
			for _, s := range b.Requests {
				pages = append(pages, s.Number)
			}
			if b.Next == "" {
				break
			}
			cursor = b.Next
			if i > 10 {
				t.Fatal("pages never end")
			}
		}
		if !slices.Equal(pages, all) {
			t.Errorf("paged numbers = %v, want %v", pages, all)
		}

		b, err = f.s.Board(ctx, sec, Filter{States: []State{Submitted}, Country: "mx"})
		must(t, "Board filtered", err)
		if len(b.Requests) != 2 || b.ByState[Submitted] != 2 || len(b.ByState) != 1 {
			t.Errorf("MX submitted: %d requests, counts %v", len(b.Requests), b.ByState)
		}
		list := func(fl Filter) []Summary {
			t.Helper()
			got, _, err := f.s.List(ctx, sec, fl)
			must(t, "List", err)
			return got
		}
		if got := list(Filter{Query: "agencia digital cr"}); len(got) != 2 || got[0].Country != "CR" {
			t.Errorf("query by institution: %+v", got)
		}
		if got := list(Filter{Query: all[0]}); len(got) != 1 || got[0].Number != all[0] {
			t.Errorf("query by number: %+v", got)
		}
		if got := list(Filter{Query: "%"}); len(got) != 0 {
			t.Errorf("%% is a wildcard: %d found", len(got))
		}
		if got := list(Filter{Year: 2026}); len(got) != 0 {
			t.Errorf("year 2026: %d found", len(got))
		}
		if got := list(Filter{Year: 2027}); len(got) != len(made) {
			t.Errorf("year 2027: %d found", len(got))
		}
		if got := list(Filter{Overdue: true}); len(got) != 0 {
			t.Errorf("overdue before time: %d", len(got))
		}
		f.clock.add(15 * 24 * time.Hour)
		got := list(Filter{Overdue: true})
		if len(got) != 3 {
			t.Errorf("overdue after 15 days: %d, want the 3 submitted", len(got))
		}
		for _, s := range got {
			if s.State != Submitted || !s.Overdue || s.Due.IsZero() {
				t.Errorf("overdue summary %+v", s)
			}
		}
		_, _, err = f.s.List(ctx, sec, Filter{After: "TA-garbage"})
		wantInvalid(t, err, "after", "assistance.cursor")
		_, _, err = f.s.List(ctx, sec, Filter{States: []State{"limbo"}})
		wantInvalid(t, err, "states[0]", "assistance.state")
		_, err = f.s.Board(ctx, sec, Filter{Year: 12})
		wantInvalid(t, err, "year", "assistance.year")
	})
}

func mapsEqual[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestBoardCSV streams every page of the board, with cells that would be
// formulas neutralised.
func TestBoardCSV(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		f.s.csvPage = 2
		var numbers []string
		for i := range 5 {
			fm := form("MX")
			if i == 2 {
				fm.Institution.Name = "=HYPERLINK(\"http://evil.example\")"
			}
			r, err := f.s.CreateDraft(ctx, sec, fm)
			must(t, "CreateDraft", err)
			if i < 2 {
				r = f.move(t, r.ID, Submitted, "")
			}
			numbers = append(numbers, r.Number)
		}
		f.clock.add(20 * 24 * time.Hour)
		var buf bytes.Buffer
		must(t, "WriteBoardCSV", f.s.WriteBoardCSV(ctx, sec, Filter{}, &buf))
		rows, err := csv.NewReader(&buf).ReadAll()
		must(t, "reading the CSV", err)
		if want := []string{"number", "country", "institution", "state", "state_since", "support", "due", "overdue", "updated_at"}; !slices.Equal(rows[0], want) {
			t.Fatalf("header = %v", rows[0])
		}
		if len(rows) != 6 {
			t.Fatalf("%d rows, want 5 and the header", len(rows)-1)
		}
		byNumber := map[string][]string{}
		for _, row := range rows[1:] {
			byNumber[row[0]] = row
		}
		for i, n := range numbers {
			row, ok := byNumber[n]
			if !ok {
				t.Errorf("%s missing from the CSV", n)
				continue
			}
			submitted := i < 2
			wantDue := ""
			if submitted {
				wantDue = start.Add(14 * 24 * time.Hour).Format(time.RFC3339)
			}
			if row[6] != wantDue || row[7] != fmt.Sprint(submitted) || row[5] != "csirt_development;training" {
				t.Errorf("row %v: due %q overdue %q", row, wantDue, fmt.Sprint(submitted))
			}
		}
		if got := byNumber[numbers[2]][2]; got != "'=HYPERLINK(\"http://evil.example\")" {
			t.Errorf("formula cell = %q", got)
		}
	})
}
