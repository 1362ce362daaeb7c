package ui

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"atalaya/internal/exchange"
	"atalaya/internal/valid"
)

func TestChooseFormat(t *testing.T) {
	cases := []struct {
		name, chosen, file string
		head               string
		want               exchange.Format
		ok                 bool
	}{
		{"chosen wins over the content", "csv", "x.json", `{"type":"bundle"}`, exchange.CSV, true},
		{"a feed is a directory, not an upload", "misp-feed", "x.json", `{}`, "", false},
		{"unknown choice", "yaml", "x.json", `{}`, "", false},
		{"csv by extension", "auto", "LIST.CSV", `{"looks":"json"}`, exchange.CSV, true},
		{"STIX bundle", "auto", "b.json", "\ufeff\n {\"type\": \"bundle\", \"objects\": []}", exchange.STIX, true},
		{"MISP event", "", "e.json", `{"Event": {"info": "x"}}`, exchange.MISP, true},
		{"MISP response list", "auto", "e.json", `{"response": [{"Event": {}}]}`, exchange.MISP, true},
		{"JSON list is STIX", "auto", "l.json", `[{"type":"indicator"}]`, exchange.STIX, true},
		{"text is CSV", "auto", "upload", "value,name\n192.0.2.1,x\n", exchange.CSV, true},
		{"empty file", "auto", "e.json", "  \n", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := chooseFormat(tc.chosen, tc.file, []byte(tc.head))
			if got != tc.want || ok != tc.ok {
				t.Errorf("chooseFormat = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseInputTime(t *testing.T) {
	cases := []struct {
		name, in string
		want     time.Time
		bad      bool
	}{
		{"empty is no time", "", time.Time{}, false},
		{"datetime-local is UTC", "2026-03-01T14:30", time.Date(2026, 3, 1, 14, 30, 0, 0, time.UTC), false},
		{"with seconds", "2026-03-01T14:30:05", time.Date(2026, 3, 1, 14, 30, 5, 0, time.UTC), false},
		{"RFC 3339 with an offset", "2026-03-01T09:30:00-05:00", time.Date(2026, 3, 1, 14, 30, 0, 0, time.UTC), false},
		{"a date", "2026-03-01", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), false},
		{"words", "yesterday", time.Time{}, true},
		{"impossible date", "2026-02-30T10:00", time.Time{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseInputTime("valid_from", tc.in)
			if tc.bad {
				es := valid.List(err)
				if len(es) != 1 || es[0].Field != "valid_from" || es[0].Args["Value"] != tc.in {
					t.Fatalf("error = %v, want one naming valid_from and the value", err)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("= %v, %v; want %v in UTC", got, err, tc.want)
			}
		})
	}
}

func TestSplitList(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"commas", "phishing, bank ,fraud", []string{"phishing", "bank", "fraud"}},
		{"lines and semicolons, blanks dropped", "a\r\n\nb; c;;", []string{"a", "b", "c"}},
		{"duplicates once, order kept", "b, a, b", []string{"b", "a"}},
		{"nothing", " ,\n ", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := splitList(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("splitList(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestObjectProps(t *testing.T) {
	raw := json.RawMessage(`{"type":"indicator","name":"x","description":"Seen <b>here</b>",
		"pattern":"[ipv4-addr:value = '192.0.2.1']","valid_from":"2026-03-01T14:30:00.123Z",
		"indicator_types":["malicious-activity"],"object_refs":"report--1","confidence":85,
		"valid_until":"not a time","labels":{"odd":true},"is_family":true}`)
	got := map[string]objProp{}
	var order []string
	for _, p := range objectProps(raw) {
		got[p.Name] = p
		order = append(order, p.Name)
	}
	cases := []struct {
		name string
		ok   func(objProp) bool
	}{
		{"description", func(p objProp) bool { return p.IsText() && p.Text == "Seen <b>here</b>" }},
		{"pattern", func(p objProp) bool { return p.IsCode() && p.Text == "[ipv4-addr:value = '192.0.2.1']" }},
		{"valid_from", func(p objProp) bool {
			return p.IsTime() && p.Time.Equal(time.Date(2026, 3, 1, 14, 30, 0, 123e6, time.UTC))
		}},
		{"valid_until", func(p objProp) bool { return p.IsCode() && p.Text == `"not a time"` }},
		{"indicator_types", func(p objProp) bool {
			return p.IsList() && p.Vocab && slices.Equal(p.Items, []string{"malicious-activity"})
		}},
		{"object_refs", func(p objProp) bool { return p.IsRefs() && slices.Equal(p.Items, []string{"report--1"}) }},
		{"confidence", func(p objProp) bool { return p.IsCode() && p.Text == "85" }},
		{"labels", func(p objProp) bool { return p.IsCode() && p.Text == `{"odd":true}` }},
		{"is_family", func(p objProp) bool { return p.Text == "true" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := got[tc.name]
			if !ok || !tc.ok(p) {
				t.Errorf("%s = %+v (present %v)", tc.name, p, ok)
			}
		})
	}
	if _, ok := got["name"]; ok {
		t.Error("the name is the page title, not a property row")
	}
	if order[0] != "description" || order[1] != "pattern" {
		t.Errorf("properties in the order %v, want description and pattern first", order)
	}
	if objectProps(json.RawMessage(`[1,2]`)) != nil {
		t.Error("a JSON list gave properties")
	}
}

// FuzzObjectProps feeds the object page's reader with what any member may
// upload: it must never panic, and what it returns must be shown as text.
func FuzzObjectProps(f *testing.F) {
	f.Add([]byte(`{"type":"indicator","pattern":"[x:y = 'z']","valid_from":"2026-01-01T00:00:00Z","object_refs":["a--b"]}`))
	f.Add([]byte(`{"count":1e400,"confidence":-0,"first_seen":7,"aliases":[1,"x"],"source_ref":null}`))
	f.Add([]byte(`{"description":"\u0000","value":{"a":[]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, p := range objectProps(raw) {
			if p.Name == "" || p.LabelKey() == "intel.prop." {
				t.Fatalf("a property without a name: %+v", p)
			}
			if (p.IsRefs() || p.IsList()) && p.Items == nil {
				t.Fatalf("%s: a list kind without items: %+v", p.Name, p)
			}
		}
	})
}

// FuzzChooseFormat feeds the upload's first bytes and name: never a panic,
// and never the feed format (a directory cannot be uploaded).
func FuzzChooseFormat(f *testing.F) {
	f.Add("auto", "x.json", []byte(`{"type":"bundle"}`))
	f.Add("", "x.csv", []byte("value\n1.2.3.4\n"))
	f.Add("misp", "", []byte{0xef, 0xbb, 0xbf, '{'})
	f.Fuzz(func(t *testing.T, chosen, name string, head []byte) {
		got, ok := chooseFormat(chosen, name, head)
		if ok && got == exchange.MISPFeed {
			t.Fatal("an upload was read as a feed directory")
		}
		if ok != (got != "") {
			t.Fatalf("ok = %v with format %q", ok, got)
		}
	})
}
