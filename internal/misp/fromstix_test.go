package misp

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// bundleEvents reads a shared STIX example and converts it with FromBundle.
func bundleEvents(t *testing.T, rel ...string) (stix.Bundle, []*Event) {
	t.Helper()
	f, err := os.Open(sharedtest.Path(t, append([]string{"stix"}, rel...)...))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := stix.ParseBundle(f)
	if err != nil {
		t.Fatal(err)
	}
	events, err := FromBundle(b)
	if err != nil {
		t.Fatalf("FromBundle: %v", err)
	}
	return b, events
}

// TestFromSTIXNative reads STIX other producers wrote (the OASIS examples,
// ATT&CK) into reasonable events.
func TestFromSTIXNative(t *testing.T) {
	doc := func(name string) []string { return []string{"examples", "oasis-cti-documentation", name} }
	repo := func(name string) []string { return []string{"examples", "oasis-schemas-repo", name} }
	tests := []struct {
		name       string
		file       []string
		info       string // "" for the bundle's name
		attributes []string
		clusters   int
		sightings  int
		tag        string
	}{
		{"malicious URL", doc("indicator-for-malicious-url.json"), "", []string{"url=http://x4z9arb.cn/4712/"}, 1, 0, ""},
		{"file hash and malware", doc("malware-indicator-for-file-hash.json"), "",
			[]string{"sha256=ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"}, 1, 0, ""},
		{"sighting", doc("sighting-of-an-indicator.json"), "", []string{"url=http://paypa1.banking.com"}, 0, 1, ""},
		{"TLP 1.0 amber marking", doc("using-marking-definitions.json"), "", []string{"ip-dst=10.0.0.0"}, 0, 0, "tlp:amber"},
		{"threat actor profile", doc("identifying-a-threat-actor-profile.json"), "", nil, 1, 0, ""},
		{"report", repo("apt1.json"), "APT1: Exposing One of China's Cyber Espionage Units", nil, 29, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, events := bundleEvents(t, tc.file...)
			if len(events) == 0 {
				t.Fatal("no event")
			}
			ev := events[0]
			want := tc.info
			if want == "" {
				want = "STIX bundle " + b.ID
			}
			var values []string
			toIDS := true
			for _, a := range ev.Attributes {
				values = append(values, a.Type+"="+a.Value)
				toIDS = toIDS && a.ToIDS && a.Category != ""
			}
			clusters, sightings := 0, 0
			for _, g := range ev.Galaxies {
				clusters += len(g.Clusters)
			}
			for _, a := range ev.Attributes {
				sightings += len(a.Sightings)
			}
			if ev.Info != want || (tc.attributes != nil && !slices.Equal(values, tc.attributes)) || clusters != tc.clusters || sightings != tc.sightings {
				t.Errorf("event %q: attributes %q, %d clusters, %d sightings; want %q, %q, %d, %d",
					ev.Info, values, clusters, sightings, want, tc.attributes, tc.clusters, tc.sightings)
			}
			if !toIDS {
				t.Error("an indicator's attribute is not meant for detection, or has no category")
			}
			if tc.tag != "" {
				if _, ok := TLPFromTags(ev.Attributes[0].Tags); !ok {
					t.Errorf("tags %v lack %s", ev.Attributes[0].Tags, tc.tag)
				}
			}
		})
	}
}

// TestFromSTIXReport checks a native report: its objects become the
// event's, the others a second event.
func TestFromSTIXReport(t *testing.T) {
	_, events := bundleEvents(t, "examples", "oasis-schemas-repo", "apt1.json")
	ev := events[0]
	types := map[string]int{}
	for _, a := range ev.Attributes {
		types[a.Type]++
	}
	if types["domain"] == 0 || types["ip-dst"] == 0 || types["md5"] == 0 || ev.Date != "2013-02-19" || ev.UUID != "e33ffe07-2f4c-48d8-b0af-ee2619d765cf" {
		t.Errorf("apt1: attributes %v, date %q, uuid %q", types, ev.Date, ev.UUID)
	}
	mobile, events := bundleEvents(t, "attack", "mobile-attack-17.1.json")
	if len(events) != 1 || len(events[0].Galaxies) == 0 || events[0].UUID != uuidOf(mobile.ID) {
		t.Fatalf("ATT&CK Mobile: %d events", len(events))
	}
}

// TestFromSTIXFilteredExport drops objects from a conversion, as an export
// does with what the reader may not see: the rest comes back, nothing else.
func TestFromSTIXFilteredExport(t *testing.T) {
	ev := fixture(t, "mapping.json")
	conv, err := ToSTIX(ev)
	if err != nil {
		t.Fatal(err)
	}
	hidden := map[string]bool{
		"indicator--00000000-0000-4000-8000-000000000008":     true, // the tlp:red attribute
		"observed-data--0b000000-0000-4000-8000-000000000002": true, // an object
	}
	var kept []json.RawMessage
	for _, raw := range conv.Objects {
		var head struct{ ID string }
		_ = json.Unmarshal(raw, &head)
		if !hidden[head.ID] {
			kept = append(kept, raw)
		}
	}
	back, err := FromSTIX(kept)
	if err != nil || len(back) != 1 {
		t.Fatalf("FromSTIX: %d events, %v", len(back), err)
	}
	want := fixture(t, "mapping.json")
	want.Attributes = slices.Delete(want.Attributes, 7, 8)
	want.Objects = slices.Delete(want.Objects, 1, 2)
	if d := eventDiff(t, want, back[0]); len(d) > 0 {
		t.Errorf("differences:\n%s", strings.Join(d, "\n"))
	}
}

func TestFromSTIXErrors(t *testing.T) {
	tests := []struct {
		name    string
		objects []string
		field   string
	}{
		{"not an object", []string{`{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000001"}`, `[1]`}, "objects[1]"},
		{"no id", []string{`{"type":"indicator"}`}, "objects[0].id"},
		{"no type", []string{`{"id":"x--1"}`}, "objects[0].id"},
		{"broken MISP attribute", []string{`{"type":"x-misp-attribute","id":"x-misp-attribute--00000000-0000-4000-8000-000000000001","x_misp_kind":"attribute","x_misp_type":"text","x_misp_value":"v","x_misp_distribution":"9"}`},
			"objects[0].distribution"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raws := make([]json.RawMessage, len(tc.objects))
			for i, o := range tc.objects {
				raws[i] = json.RawMessage(o)
			}
			events, err := FromSTIX(raws)
			errs := valid.List(err)
			if events != nil || len(errs) == 0 || errs[0].Field != tc.field {
				t.Fatalf("err = %v, want one on %s", err, tc.field)
			}
		})
	}
	if events, err := FromSTIX(nil); err != nil || len(events) != 0 {
		t.Errorf("FromSTIX(nil) = %v, %v", events, err)
	}
}

// TestFromSTIXFollowsEdits edits converted objects as an analyst would in
// Atalaya: a new pattern gives the attribute its value, a revocation
// deletes it, a pattern written another way changes nothing.
func TestFromSTIXFollowsEdits(t *testing.T) {
	const id = "indicator--00000000-0000-4000-8000-000000000001"
	tests := []struct {
		name, pattern  string
		revoke         bool
		typ, value     string
		deleted        bool
		timestampMoved bool
	}{
		{"unchanged", "", false, "ip-dst", "198.51.100.7", false, false},
		{"new address", "[ipv4-addr:value = '198.51.100.99']", false, "ip-dst", "198.51.100.99", false, true},
		{"now a domain", "[domain-name:value = 'other.example']", false, "domain", "other.example", false, true},
		{"same value, other spacing", "[ipv4-addr:value='198.51.100.7']", false, "ip-dst", "198.51.100.7", false, false},
		{"two values", "[ipv4-addr:value = '192.0.2.1'] OR [ipv4-addr:value = '192.0.2.2']", false, "stix2-pattern",
			"[ipv4-addr:value = '192.0.2.1'] OR [ipv4-addr:value = '192.0.2.2']", false, true},
		{"revoked", "", true, "ip-dst", "198.51.100.7", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conv, err := ToSTIX(fixture(t, "mapping.json"))
			if err != nil {
				t.Fatal(err)
			}
			for i, raw := range conv.Objects {
				var m map[string]any
				_ = json.Unmarshal(raw, &m)
				if m["id"] != id {
					continue
				}
				if tc.pattern != "" {
					m["pattern"] = tc.pattern
				}
				if tc.revoke {
					m["revoked"] = true
				}
				m["modified"] = "2024-06-01T00:00:00.000Z"
				conv.Objects[i], _ = json.Marshal(m)
			}
			back, err := FromSTIX(conv.Objects)
			if err != nil {
				t.Fatal(err)
			}
			a := back[0].Attributes[0]
			if a.Type != tc.typ || a.Value != tc.value || a.Deleted != tc.deleted || (a.Timestamp == 1717200000) != tc.timestampMoved {
				t.Errorf("attribute = %s %q deleted %v timestamp %d", a.Type, a.Value, a.Deleted, a.Timestamp)
			}
		})
	}
}

// TestFromSTIXNamed names the event of objects outside any report, and
// gives it the same uuid for the same objects.
func TestFromSTIXNamed(t *testing.T) {
	objs := []json.RawMessage{json.RawMessage(`{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",` +
		`"created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[domain-name:value = 'x.example']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}`)}
	a, errA := FromSTIXNamed(objs, "Atalaya export")
	b, errB := FromSTIXNamed(objs, "Atalaya export")
	if errA != nil || errB != nil || len(a) != 1 || a[0].Info != "Atalaya export" || a[0].UUID == "" || a[0].UUID != b[0].UUID ||
		a[0].Date != "2016-04-06" || len(a[0].Attributes) != 1 || a[0].Attributes[0].Value != "x.example" {
		t.Fatalf("events %+v, %v", a, errA)
	}
}
