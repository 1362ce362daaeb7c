package parsers

import (
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/event"
)

// gathered is what one Parse handed out: events (kept by value, which is
// safe because every event gets its own Extra map), their line numbers and
// the refused lines.
type gathered struct {
	events  []event.Event
	lines   []int
	rejects []event.Rejected
	err     error
}

// gather parses input with a new parser of format.
func gather(t testing.TB, format string, cfg Config, input io.Reader) gathered {
	t.Helper()
	p, err := New(format, cfg)
	if err != nil {
		t.Fatalf("New(%q): %v", format, err)
	}
	var g gathered
	g.err = p.Parse(input, func(line int, e *event.Event) error {
		g.events = append(g.events, *e)
		g.lines = append(g.lines, line)
		return nil
	}, func(r event.Rejected) { g.rejects = append(g.rejects, r) })
	return g
}

func gatherText(t testing.TB, format string, cfg Config, text string) gathered {
	t.Helper()
	return gather(t, format, cfg, strings.NewReader(text))
}

// gatherFile parses a file opened as the pipeline opens uploads, so that
// the Shadowserver parser can read the report type from its name.
func gatherFile(t testing.TB, format string, cfg Config, path string) gathered {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return gather(t, format, cfg, f)
}

// asStored gives e what the pipeline adds before validation: feed.name,
// time.observation and, when the parser gave none, a classification.
func asStored(e event.Event) event.Event {
	e.FeedName = "test-feed"
	e.TimeObservation = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if e.Type == "" && e.Taxonomy == "" {
		e.Taxonomy, e.Type = "other", "undetermined"
	}
	return e
}

// fileLines returns a file's lines by number (from 1), without line
// breaks, to compare raw with what the file says.
func fileLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	return append([]string{""}, lines...)
}

// get is a field of e by harmonisation name, "" when unset.
func get(e event.Event, field string) string {
	v, _ := e.Get(field)
	return v
}

func TestSplitCSV(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   []string
		isOpen bool
	}{
		{"plain", `a,b,c`, []string{"a", "b", "c"}, false},
		{"empty fields", `,a,,`, []string{"", "a", "", ""}, false},
		{"one empty field", ``, []string{""}, false},
		{"quoted with comma", `"a,b",c`, []string{"a,b", "c"}, false},
		{"doubled quotes", `"say ""hi""",x`, []string{`say "hi"`, "x"}, false},
		{"quoted last", `x,"y"`, []string{"x", "y"}, false},
		{"quoted empty", `"",x`, []string{"", "x"}, false},
		{"stray quote in unquoted field", `5" disk,b`, []string{`5" disk`, "b"}, false},
		{"text after closing quote kept", `"ab"cd,e`, []string{"abcd", "e"}, false},
		{"open quote", `a,"b,c`, nil, true},
		{"shadowserver realm", `x,"Basic realm=\""OpenWebif\""",y`, []string{"x", `Basic realm=\"OpenWebif\"`, "y"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, open := splitCSV(tc.in, ',', nil)
			if open != tc.isOpen {
				t.Fatalf("open = %v, want %v", open, tc.isOpen)
			}
			if !open && !slices.Equal(got, tc.want) {
				t.Errorf("splitCSV(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCSVRecordsLinesAndRaw(t *testing.T) {
	in := "\xef\xbb\xbfh1,h2\r\n\r\na,b\r\n\"multi\nline\",c\n# comment\nlast,\"x\"\n\"never closed\n"
	recs := newCSVRecords(strings.NewReader(in), ',')
	recs.comment = '#'
	type rec struct {
		line int
		raw  string
		code string
	}
	var got []rec
	for {
		r, err := recs.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		code := ""
		if r.problem != nil {
			code = r.problem.Code
		}
		got = append(got, rec{r.line, r.raw, code})
	}
	want := []rec{
		{1, "h1,h2", ""},
		{3, "a,b", ""},
		{4, "\"multi\nline\",c", ""},
		{7, `last,"x"`, ""},
		{8, "\"never closed", "parsers_csv_quote"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("records:\n got %+v\nwant %+v", got, want)
	}
}

func TestCSVRecordsRefuse(t *testing.T) {
	long := strings.Repeat("x", maxRecord+10)
	tests := []struct {
		name string
		in   string
		code string
		next string // raw of the record after the refused one
	}{
		{"too long", long + "\nok,1\n", "parsers_too_long", "ok,1"},
		{"not utf-8", "caf\xe9,1\nok,1\n", "parsers_encoding", "ok,1"},
		{"one byte too long", strings.Repeat("y", maxRecord+1) + "\nok,1\n", "parsers_too_long", "ok,1"},
		// Reading on after an open quote must cost the length of the
		// record, not its square.
		{"open quote over many lines", "\"open\n" + strings.Repeat("a\n", 40000), "parsers_too_long", "a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := newCSVRecords(strings.NewReader(tc.in), ',')
			r, err := recs.next()
			if err != nil || r.problem == nil || r.problem.Code != tc.code || r.problem.Line != 1 {
				t.Fatalf("first record: %+v, %v; want refusal %s on line 1", r.problem, err, tc.code)
			}
			if len(r.problem.Raw) > maxRecord || !strings.HasPrefix(tc.in, r.problem.Raw[:3]) {
				t.Errorf("refused raw not clipped or not the line: %d bytes", len(r.problem.Raw))
			}
			r, err = recs.next()
			if err != nil || r.raw != tc.next || r.line < 2 {
				t.Errorf("next record = %q line %d, %v; want %q after line 1", r.raw, r.line, err, tc.next)
			}
		})
	}
}

func TestLooseTime(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	tests := []struct {
		in   string
		want time.Time // zero: refused
	}{
		{"2019-04-01 03:13:20", utc("2019-04-01T03:13:20Z")},
		{"2019-04-01 03:13:20Z", utc("2019-04-01T03:13:20Z")},
		{"2019-04-01T03:13:20+02:00", utc("2019-04-01T01:13:20Z")},
		{"2019-04-01T03:13:20+0200", utc("2019-04-01T01:13:20Z")},
		{"2019-04-01 03:13:20 UTC", utc("2019-04-01T03:13:20Z")},
		{"2015-09-02T09:21:53.093", utc("2015-09-02T09:21:53.093Z")},
		{"2018-02-08T09:38:56.6512034Z", utc("2018-02-08T09:38:56.6512034Z")},
		{"2019-04-01 03:13", utc("2019-04-01T03:13:00Z")},
		{"2019-04-01", utc("2019-04-01T00:00:00Z")},
		{"Wed, 10 Feb 2010 00:00:00 GMT", utc("2010-02-10T00:00:00Z")},
		{"Wed, 10 Feb 2010 01:00:00 +0100", utc("2010-02-10T00:00:00Z")},
		{"1484041530", utc("2017-01-10T09:45:30Z")},
		{"1484041530.25", utc("2017-01-10T09:45:30.25Z")},
		{"1484041530250", utc("2017-01-10T09:45:30.25Z")},
		{"", time.Time{}},
		{"yesterday", time.Time{}},
		{"12345678901", time.Time{}},
		{"1969-12-31 23:59:59", time.Time{}},
		{"2019-13-01 00:00:00", time.Time{}},
	}
	for _, tc := range tests {
		got, ok := looseTime(tc.in)
		if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
			t.Errorf("looseTime(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
		}
	}
}

func TestRSITNames(t *testing.T) {
	tests := []struct {
		name, taxonomy, typ         string
		wantTaxonomy, wantType, err string
	}{
		{"rsit as is", "vulnerable", "vulnerable-system", "vulnerable", "vulnerable-system", ""},
		{"legacy blacklist", "other", "blacklist", "other", "other", ""},
		{"legacy with space", "", "infected system", "malicious-code", "infected-system", ""},
		{"cert-eu botnet drone", "", "botnet drone", "malicious-code", "infected-system", ""},
		{"intelmq 2 malware", "", "malware", "malicious-code", "infected-system", ""},
		{"vulnerable service", "", "Vulnerable Service", "vulnerable", "vulnerable-system", ""},
		{"old taxonomy spelling", "malicious code", "c2server", "malicious-code", "c2-server", ""},
		{"taxonomy from the type wins", "vulnerable", "phishing", "fraud", "phishing", ""},
		{"unknown type", "", "frobnicated", "", "", "event_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e event.Event
			err := setField(&e, "classification.taxonomy", tc.taxonomy)
			if err == nil {
				err = setField(&e, "classification.type", tc.typ)
			}
			if tc.err != "" {
				if err == nil || event.Reject(1, "", err).Code != tc.err {
					t.Fatalf("error %v, want code %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fixTaxonomy(&e)
			if e.Taxonomy != tc.wantTaxonomy || e.Type != tc.wantType {
				t.Errorf("got %s/%s, want %s/%s", e.Taxonomy, e.Type, tc.wantTaxonomy, tc.wantType)
			}
		})
	}
}

func TestJSONRecords(t *testing.T) {
	type rec struct {
		line int
		raw  string
		code string
	}
	tests := []struct {
		name, wrapper, in string
		want              []rec
		missing           bool
	}{
		{"array", "", "[\n {\"a\": 1},\n {\"b\": \"]\"}\n]\n",
			[]rec{{2, `{"a": 1}`, ""}, {3, `{"b": "]"}`, ""}}, false},
		{"json lines", "", "{\"a\":1}\n\n{\"a\":2}\n",
			[]rec{{1, `{"a":1}`, ""}, {3, `{"a":2}`, ""}}, false},
		{"a broken line does not swallow the next", "", "{\"a\":1}\n{\"a\":\n{\"a\":3}\n",
			[]rec{{1, `{"a":1}`, ""}, {2, `{"a":`, ""}, {3, `{"a":3}`, ""}}, false},
		{"pretty objects one after another", "", "{\n \"a\": 1\n}\n{\n \"b\": {\"c\": 2}\n}\n",
			[]rec{{1, "{\n \"a\": 1\n}", ""}, {4, "{\n \"b\": {\"c\": 2}\n}", ""}}, false},
		{"wrapper", "data", "{\"status\": \"OK\", \"n\": [1, {\"x\": 2}],\n \"data\": [\n  {\"k\": 1}\n ]\n}",
			[]rec{{3, `{"k": 1}`, ""}}, false},
		{"wrapper absent", "data", "{\"status\": \"error\"}", nil, true},
		{"bare array with wrapper set", "data", "[{\"k\": 1}]", []rec{{1, `{"k": 1}`, ""}}, false},
		{"escaped quote in string", "", `[{"a": "x\"}"}, {"b": 1}]`,
			[]rec{{1, `{"a": "x\"}"}`, ""}, {1, `{"b": 1}`, ""}}, false},
		{"broken array stops", "", "[{\"a\": 1} {\"b\": 2}]",
			[]rec{{1, `{"a": 1}`, ""}, {1, "{", "parsers_json"}}, false},
		{"truncated input", "", "[{\"a\": 1}, {\"b\": ",
			[]rec{{1, `{"a": 1}`, ""}, {1, `{"b": `, "parsers_json"}}, false},
		{"empty array", "", "[]", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := newJSONRecords(strings.NewReader(tc.in), 1000, tc.wrapper)
			var got []rec
			err := j.each(func(r jsonRecord) error {
				code := ""
				if r.problem != nil {
					code = r.problem.Code
				}
				got = append(got, rec{r.line, string(r.raw), code})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("records:\n got %+v\nwant %+v", got, tc.want)
			}
			if j.missing != tc.missing {
				t.Errorf("missing wrapper = %v, want %v", j.missing, tc.missing)
			}
		})
	}
}

func TestJSONRecordsTooLong(t *testing.T) {
	in := `[{"a": "` + strings.Repeat("x", 200) + `"}, {"b": 1}]`
	j := newJSONRecords(strings.NewReader(in), 100, "")
	var codes []string
	err := j.each(func(r jsonRecord) error {
		if r.problem != nil {
			codes = append(codes, r.problem.Code)
		} else {
			codes = append(codes, string(r.raw))
		}
		return nil
	})
	if err != nil || !slices.Equal(codes, []string{"parsers_too_long", `{"b": 1}`}) {
		t.Errorf("got %q, %v; want the long record refused and the next read", codes, err)
	}
}

// TestEmittedEventsKeepTheirExtras checks the promise the pipeline relies
// on: an event kept by value (a shallow copy) keeps its extras after the
// parser moves on.
func TestEmittedEventsKeepTheirExtras(t *testing.T) {
	g := gatherText(t, "json", Config{Mapping: map[string]string{"ip": "source.ip", "n": "extra.n"}},
		"{\"ip\":\"192.0.2.1\",\"n\":1}\n{\"ip\":\"192.0.2.2\",\"n\":2}\n")
	if len(g.events) != 2 || g.events[0].Extra["n"] != "1" || g.events[1].Extra["n"] != "2" {
		t.Fatalf("events %+v", g.events)
	}
}

// TestFormatsA checks that this family's formats are registered.
func TestFormatsA(t *testing.T) {
	all := Formats()
	for _, f := range []string{"shadowserver", "csv", "json", "cert-eu", "microsoft-ctip",
		"microsoft-bingmurls", "anubisnetworks", "cznic-proki", "otx"} {
		if !slices.Contains(all, f) {
			t.Errorf("format %q not registered", f)
		}
	}
}

func TestCSVRecordsLongestLine(t *testing.T) {
	for _, eol := range []string{"", "\n", "\r\n"} {
		line := strings.Repeat("z", maxRecord)
		r, err := newCSVRecords(strings.NewReader(line+eol), ',').next()
		if err != nil || r.problem != nil || r.raw != line {
			t.Errorf("a line of %d bytes (end %q): problem %+v, %v, raw of %d bytes", maxRecord, eol, r.problem, err, len(r.raw))
		}
	}
}
