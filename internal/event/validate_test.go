package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"

	"atalaya/internal/sharedtest"
	"atalaya/internal/valid"
)

// typical returns an event with every field set to its typical value.
func typical(t testing.TB) Event {
	t.Helper()
	var e Event
	for _, f := range append(Fields(), "extra.note") {
		if err := e.Set(f, typicalValue(f)); err != nil {
			t.Fatalf("Set(%s): %v", f, err)
		}
	}
	return e
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change map[string]string // fields to set on a typical event
		want   []string          // "field code" of each problem, in order
	}{
		{"typical is valid", nil, nil},
		{"fqdn alone is enough", map[string]string{"source.ip": "", "source.url": ""}, nil},
		{"url alone is enough", map[string]string{"source.ip": "", "source.fqdn": ""}, nil},
		{"no observation time", map[string]string{"time.observation": ""}, []string{"time.observation event_required"}},
		{"no feed name", map[string]string{"feed.name": ""}, []string{"feed.name event_required"}},
		{"no classification", map[string]string{"classification.taxonomy": "", "classification.type": ""},
			[]string{"classification.taxonomy event_required", "classification.type event_required"}},
		{"type of another taxonomy", map[string]string{"classification.taxonomy": "fraud"},
			[]string{"classification.type event_type_taxonomy"}},
		{"network alone is enough", map[string]string{"source.ip": "", "source.fqdn": "", "source.url": "",
			"source.network": "198.51.100.0/24"}, nil},
		{"nothing to route on", map[string]string{"source.ip": "", "source.fqdn": "", "source.url": "", "source.network": ""},
			[]string{"source.ip event_source_required"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := typical(t)
			for f, v := range tc.change {
				if err := e.Set(f, v); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, p := range valid.List(e.Validate()) {
				got = append(got, p.Field+" "+p.Code)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
		})
	}
}

func TestKey(t *testing.T) {
	base := typical(t).Key()
	if again := typical(t).Key(); again != base {
		t.Fatal("Key differs for equal events")
	}
	for _, f := range append(Fields(), "extra.note", "extra.other") {
		t.Run(f, func(t *testing.T) {
			e := typical(t)
			if err := e.Set(f, alternative(f)); err != nil {
				t.Fatal(err)
			}
			identifying := f != "time.observation" && f != "raw"
			if changed := e.Key() != base; changed != identifying {
				t.Fatalf("Key changed = %v, want %v", changed, identifying)
			}
		})
	}
}

func TestKeyUnambiguous(t *testing.T) {
	// Without length prefixes "ab"+"c" and "a"+"bc" would hash alike.
	a, b := typical(t), typical(t)
	_ = a.Set("feed.provider", "ab")
	_ = a.Set("source.as_name", "c")
	_ = b.Set("feed.provider", "a")
	_ = b.Set("source.as_name", "bc")
	if a.Key() == b.Key() {
		t.Fatal("values shifted between fields give the same key")
	}
}

// alternative is a good value for each field that differs from typicalValue.
func alternative(field string) string {
	alt := map[string]string{
		"time.source": "2024-03-01T10:20:31Z", "time.observation": "2025-01-01T00:00:00Z",
		"feed.accuracy": "80", "source.ip": "192.0.2.8", "source.port": "54",
		"source.asn": "64499", "source.geolocation.cc": "AR", "source.network": "192.0.2.0/25",
		"destination.ip": "198.51.100.2", "destination.port": "81", "destination.asn": "64498",
		"classification.taxonomy": "other", "classification.type": "undetermined", "tlp": "red",
		"source.url": "http://example.org/y", "destination.url": "http://example.org/y",
		"feed.url": "http://example.org/y", "protocol.transport": "tcp",
		"source.fqdn": "b.example.org", "destination.fqdn": "b.example.org",
	}
	if v, ok := alt[field]; ok {
		return v
	}
	return typicalValue(field) + "x"
}

func TestReject(t *testing.T) {
	var e Event
	setErr := e.Set("source.port", "99999")
	cases := []struct {
		name        string
		err         error
		field, code string
	}{
		{"field error", setErr, "source.port", "event_port"},
		{"validation errors", Event{}.Validate(), "time.observation", "event_required"},
		{"other error", errors.New("unexpected end of line"), "", "event_line"},
		{"nil error", nil, "", "event_line"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Reject(7, "x,y", tc.err)
			if r.Line != 7 || r.Raw != "x,y" || r.Field != tc.field || r.Code != tc.code || r.Message == "" {
				t.Fatalf("Reject = %+v, want line 7 raw x,y field %q code %q and a message", r, tc.field, tc.code)
			}
		})
	}
}

// TestRSITMatchesMISP checks the Go table against the MISP taxonomy file,
// both ways: every taxonomy and type there is here and nothing more.
func TestRSITMatchesMISP(t *testing.T) {
	data, err := os.ReadFile(sharedtest.Path(t, "misp", "taxonomies", "rsit", "machinetag.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Predicates []struct{ Value string }
		Values     []struct {
			Predicate string
			Entry     []struct{ Value string }
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, p := range doc.Predicates {
		want[p.Value] = nil
	}
	for _, v := range doc.Values {
		for _, en := range v.Entry {
			want[v.Predicate] = append(want[v.Predicate], en.Value)
		}
	}
	got := Taxonomies()
	if fmt.Sprint(sortedMap(got)) != fmt.Sprint(sortedMap(want)) {
		t.Fatalf("RSIT table differs from machinetag.json:\n got %v\nwant %v", sortedMap(got), sortedMap(want))
	}
}

func sortedMap(m map[string][]string) []string {
	var out []string
	for k, v := range m {
		v = slices.Clone(v)
		slices.Sort(v)
		out = append(out, fmt.Sprint(k, v))
	}
	slices.Sort(out)
	return out
}
