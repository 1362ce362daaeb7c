package misp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
)

// addSamples seeds a fuzzer with the small shared MISP samples (read in
// place, not copied) and our fixture.
func addSamples(f *testing.F) {
	f.Helper()
	for _, name := range []string{"event.json", "event_tags.json", "event_obj_attr_tag.json", "new_misp_event.json",
		"misp_event.json", "shadow.json", "sighting.json", "galaxy.json", "57c4445b-c548-4654-af0b-4be3950d210f.json"} {
		data, err := os.ReadFile(sharedtest.Path(f, "misp", "core", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "mapping.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
}

// FuzzParseEvent: no input makes the parser panic; what it accepts is
// written back and read again unchanged, and comes back from STIX
// unchanged.
func FuzzParseEvent(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		events, err := ParseEvents(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ev := range events {
			out, err := json.Marshal(map[string]*Event{"Event": ev})
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			again, err := ParseEvent(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("written event does not parse: %v\n%s", err, out)
			}
			if d := eventDiff(t, ev, again); len(d) > 0 {
				t.Fatalf("written and read back differently:\n%s", strings.Join(d, "\n"))
			}
			if d := eventDiff(t, ev, throughSTIX(t, ev)); len(d) > 0 {
				t.Fatalf("differs after STIX:\n%s", strings.Join(d, "\n"))
			}
		}
	})
}

// FuzzFromSTIX: no list of objects makes FromSTIX panic.
func FuzzFromSTIX(f *testing.F) {
	for _, name := range []string{"indicator-for-malicious-url.json", "sighting-of-an-indicator.json", "using-marking-definitions.json"} {
		data, err := os.ReadFile(sharedtest.Path(f, "stix", "examples", "oasis-cti-documentation", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b struct {
			Objects []json.RawMessage `json:"objects"`
		}
		if json.Unmarshal(data, &b) != nil {
			return
		}
		_, _ = FromSTIX(b.Objects)
	})
}

// FuzzWarningMatch: no value makes Match panic, and what it returns is a
// sorted set of list names.
func FuzzWarningMatch(f *testing.F) {
	w := realLists(f)
	names := map[string]bool{}
	for _, l := range w.Lists() {
		names[l.Slug] = true
	}
	for _, s := range []string{"10.1.2.3", "2001:4860:4864::1", "fe80::1%eth0", "bit.ly", "https://u@T.CO:80/x",
		"d41d8cd98f00b204e9800998ecf8427e", "a|b|10.0.0.0/8", "::ffff:10.0.0.1", "10.0.0.0/33", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got := w.Match(value)
		if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("Match(%q) = %q: not a sorted set", value, got)
		}
		for _, n := range got {
			if !names[n] {
				t.Fatalf("Match(%q) names unknown list %q", value, n)
			}
		}
	})
}
