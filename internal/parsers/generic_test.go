package parsers

import (
	"strings"
	"testing"

	"atalaya/internal/valid"
)

func TestGenericConfig(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		field, code string
	}{
		{"no mapping", Config{}, "mapping", "parsers_mapping_required"},
		{"unknown field", Config{Mapping: map[string]string{"ip": "source.address"}}, "mapping", "parsers_mapping_field"},
		{"raw is the parser's", Config{Mapping: map[string]string{"line": "raw"}}, "mapping", "parsers_mapping_field"},
		{"empty column", Config{Mapping: map[string]string{" ": "source.ip"}}, "mapping", "parsers_mapping_column"},
		{"bad constant", Config{Mapping: map[string]string{"ip": "source.ip"}, Constants: map[string]string{"classification.type": "nonsense"}},
			"constants.classification.type", "event_type"},
	}
	for _, format := range []string{"csv", "json"} {
		for _, tc := range tests {
			t.Run(format+" "+tc.name, func(t *testing.T) {
				_, err := New(format, tc.cfg)
				es := valid.List(err)
				if len(es) != 1 || es[0].Field != tc.field || es[0].Code != tc.code {
					t.Errorf("New: %v; want %s on %s", err, tc.code, tc.field)
				}
			})
		}
	}
}

func TestGenericCSV(t *testing.T) {
	mapping := map[string]string{"IP": "source.ip", "when": "time.source", "kind": "classification.type",
		"host": "source.fqdn", "note": "extra.note"}
	tests := []struct {
		name    string
		in      string
		want    []map[string]string // fields of each event, in order
		lines   []int
		rejects map[int]string
		err     string
	}{
		{"comma, comments, case of the header, legacy type",
			"# a feed\nip,when,kind,host,note,other\n192.0.2.1,2024-03-01T10:20:30Z,botnet drone,,\"a, b\",x\n# more\n198.51.100.2,1709288430,scanner,Bad.Example.,,y\n",
			[]map[string]string{
				{"source.ip": "192.0.2.1", "time.source": "2024-03-01T10:20:30Z", "classification.type": "infected-system",
					"classification.taxonomy": "malicious-code", "extra.note": "a, b", "extra.other": ""},
				{"source.ip": "198.51.100.2", "time.source": "2024-03-01T10:20:30Z", "source.fqdn": "bad.example",
					"classification.taxonomy": "information-gathering"},
			}, []int{3, 5}, nil, ""},
		{"semicolons",
			"ip;when;kind;host;note\n192.0.2.1;2024-03-01 10:20:30;phishing;a.example;x;y\n192.0.2.9;2024-03-01 10:20:30;phishing;a.example;\"x;y\"\n",
			[]map[string]string{{"source.ip": "192.0.2.9", "extra.note": "x;y", "classification.taxonomy": "fraud"}},
			[]int{3}, map[int]string{2: "parsers_csv_fields"}, ""},
		{"a bad value refuses its line only",
			"ip,when,kind,host,note\n192.0.2.300,,,,\n192.0.2.3,,,,\n192.0.2.4,soon,,,\n",
			[]map[string]string{{"source.ip": "192.0.2.3"}}, []int{3},
			map[int]string{2: "source.ip event_ip", 4: "time.source event_time"}, ""},
		{"header without a mapped column", "ip,when\n192.0.2.1,\n", nil, nil, nil, "lacks the mapped column(s) host, kind, note"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := gatherText(t, "csv", Config{Mapping: mapping}, tc.in)
			checkGathered(t, g, tc.want, tc.lines, tc.rejects, tc.err)
		})
	}
}

func TestGenericJSON(t *testing.T) {
	mapping := map[string]string{"src.ip": "source.ip", "source.port": "source.port", "ts": "time.source",
		"tags": "extra.tags", "ok": "extra.ok", "class": "classification.type"}
	tests := []struct {
		name    string
		in      string
		want    []map[string]string
		lines   []int
		rejects map[int]string
	}{
		{"json lines: nested and flat dotted keys, numbers, arrays, booleans",
			`{"src": {"ip": "192.0.2.1"}, "source.port": 8080, "ts": 1709288430, "tags": ["a", "b"], "ok": true, "class": "scanner"}` + "\n" +
				`{"src": {"ip": "192.0.2.2"}, "ts": "2024-03-01 10:20:30", "tags": null}` + "\n",
			[]map[string]string{
				{"source.ip": "192.0.2.1", "source.port": "8080", "time.source": "2024-03-01T10:20:30Z",
					"extra.tags": `["a","b"]`, "extra.ok": "true", "classification.taxonomy": "information-gathering"},
				{"source.ip": "192.0.2.2", "source.port": "", "extra.tags": ""},
			}, []int{1, 2}, nil},
		{"broken and odd lines are refused, the rest goes on",
			`{"src": {"ip": "192.0.2.1"}}` + "\n" + `{"src": ` + "\n" + `[1, 2]` + "\n" + `{"src": {"ip": "192.0.2.9"}, "source.port": "x"}` + "\n" + `{"src": {"ip": "192.0.2.4"}}` + "\n",
			[]map[string]string{{"source.ip": "192.0.2.1"}, {"source.ip": "192.0.2.4"}}, []int{1, 5},
			map[int]string{2: "parsers_json", 3: "parsers_json_object", 4: "source.port event_port"}},
		{"an array of objects",
			"[\n" + `{"src": {"ip": "192.0.2.1"}},` + "\n" + `{"src": {"ip": "192.0.2.2"}}` + "\n]",
			[]map[string]string{{"source.ip": "192.0.2.1"}, {"source.ip": "192.0.2.2"}}, []int{2, 3}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := gatherText(t, "json", Config{Mapping: mapping, Constants: map[string]string{"tlp": "green"}}, tc.in)
			checkGathered(t, g, tc.want, tc.lines, tc.rejects, "")
			for _, e := range g.events {
				if e.TLP != "green" || e.Raw == "" {
					t.Errorf("tlp %q, raw %q: want the constant and the line", e.TLP, e.Raw)
				}
			}
		})
	}
}

// checkGathered compares a parse with the fields of each event, their
// lines, the refusals by line ("field code" or "code") and the error.
func checkGathered(t *testing.T, g gathered, want []map[string]string, lines []int, rejects map[int]string, errText string) {
	t.Helper()
	if errText != "" {
		if g.err == nil || !strings.Contains(g.err.Error(), errText) {
			t.Fatalf("Parse: %v; want an error saying %q", g.err, errText)
		}
		return
	}
	if g.err != nil {
		t.Fatal(g.err)
	}
	got := map[int]string{}
	for _, r := range g.rejects {
		code := r.Code
		if r.Field != "" {
			code = r.Field + " " + code
		}
		got[r.Line] = code
		if r.Line <= 0 || r.Raw == "" {
			t.Errorf("refusal without line or raw: %+v", r)
		}
	}
	if len(got) != len(rejects) {
		t.Errorf("refused %v, want %v", got, rejects)
	}
	for line, code := range rejects {
		if got[line] != code {
			t.Errorf("line %d refused as %q, want %q", line, got[line], code)
		}
	}
	if len(g.events) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(g.events), len(want), g.events)
	}
	for i, fields := range want {
		if i < len(lines) && g.lines[i] != lines[i] {
			t.Errorf("event %d from line %d, want %d", i, g.lines[i], lines[i])
		}
		for field, v := range fields {
			if got := get(g.events[i], field); got != v {
				t.Errorf("event %d: %s = %q, want %q", i, field, got, v)
			}
		}
		if err := asStored(g.events[i]).Validate(); err != nil {
			t.Errorf("event %d: %v", i, err)
		}
	}
}
