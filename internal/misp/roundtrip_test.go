package misp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
	"atalaya/internal/valid"
)

// sampleEventsParsed parses every shared MISP sample that holds an event:
// the core samples (all but galaxy.json, sighting.json and
// sharing_groups.json, which hold a galaxy, a sighting and sharing groups)
// and the feed's event.
func sampleEventsParsed(t *testing.T) map[string]*Event {
	t.Helper()
	events := map[string]*Event{}
	dirs := []string{sharedtest.Path(t, "misp", "core"), sharedtest.Path(t, "misp", "feed", "digitalside-misp-feed")}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			switch filepath.Base(file) {
			case "galaxy.json", "sighting.json", "sharing_groups.json", "manifest.json":
				continue
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := ParseEvent(f)
			f.Close()
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			events[filepath.Base(file)] = ev
		}
	}
	if len(events) != 11 {
		t.Fatalf("found %d sample events, want 11", len(events))
	}
	return events
}

// throughSTIX converts an event to STIX and back, expecting one event.
func throughSTIX(t *testing.T, ev *Event) *Event {
	t.Helper()
	conv, err := ToSTIX(ev)
	if err != nil {
		t.Fatalf("ToSTIX: %v", err)
	}
	back, err := FromSTIX(conv.Objects)
	if err != nil {
		t.Fatalf("FromSTIX: %v", err)
	}
	if len(back) != 1 {
		t.Fatalf("FromSTIX gave %d events, want 1", len(back))
	}
	return back[0]
}

// TestRoundTripSamples is the "done when": every MISP sample comes
// back from STIX the same, compared property by property, attributes,
// objects, galaxy clusters and sightings matched by uuid.
func TestRoundTripSamples(t *testing.T) {
	events := sampleEventsParsed(t)
	events["mapping.json"] = fixture(t, "mapping.json")
	for name, ev := range events {
		t.Run(name, func(t *testing.T) {
			if d := eventDiff(t, ev, throughSTIX(t, ev)); len(d) > 0 {
				t.Errorf("differences:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// TestRoundTripOtherSamples carries the three core samples that are not
// events (a galaxy, a sighting, sharing groups) inside an event.
func TestRoundTripOtherSamples(t *testing.T) {
	read := func(name string) *fields {
		raw, err := readDocument(strings.NewReader(mustRead(t, sharedtest.Path(t, "misp", "core", name))))
		if err != nil {
			t.Fatal(err)
		}
		return mustFields(t, raw)
	}
	galaxy := parseGalaxy(read("galaxy.json"))
	sighting := parseSighting(read("sighting.json"))
	groups, err := ParseSharingGroups(strings.NewReader(mustRead(t, sharedtest.Path(t, "misp", "core", "sharing_groups.json"))))
	if err != nil {
		t.Fatal(err)
	}
	base := func() *Event {
		return &Event{UUID: "3f1c2a00-0000-4000-8000-000000000001", Info: "carrier", Analysis: Unset, Distribution: Unset,
			Attributes: []Attribute{{UUID: "3f1c2a00-0000-4000-8000-000000000002", Type: "domain", Value: "carrier.example", ToIDS: true, Distribution: Unset}}}
	}
	tests := map[string]func(*Event){
		"galaxy.json":   func(ev *Event) { ev.Galaxies = []Galaxy{galaxy} },
		"sighting.json": func(ev *Event) { ev.Attributes[0].Sightings = []Sighting{sighting} },
	}
	for i, g := range groups {
		tests["sharing_groups.json"+indexSuffix(i)] = func(ev *Event) { ev.Distribution, ev.SharingGroup = DistributionSharingGroup, g }
	}
	for name, put := range tests {
		t.Run(name, func(t *testing.T) {
			ev := base()
			put(ev)
			if d := eventDiff(t, ev, throughSTIX(t, ev)); len(d) > 0 {
				t.Errorf("differences:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// TestRoundTripOrderAndRewrite passes the STIX objects through what a
// store does to them (another order, keys re-sorted) before FromSTIX.
func TestRoundTripOrderAndRewrite(t *testing.T) {
	ev := fixture(t, "mapping.json")
	conv, err := ToSTIX(ev)
	if err != nil {
		t.Fatal(err)
	}
	objs := conv.Objects
	reversed := make([]json.RawMessage, len(objs))
	for i, raw := range objs {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		reversed[len(objs)-1-i], _ = json.MarshalIndent(m, "", "  ")
	}
	back, err := FromSTIX(reversed)
	if err != nil || len(back) != 1 {
		t.Fatalf("FromSTIX: %d events, %v", len(back), err)
	}
	if d := eventDiff(t, ev, back[0]); len(d) > 0 {
		t.Errorf("differences:\n%s", strings.Join(d, "\n"))
	}
}

// TestEventDiffFinds proves the comparison can fail: each case changes one
// thing and expects the difference named by its path.
func TestEventDiffFinds(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Event)
		want   string
	}{
		{"attribute to_ids", func(ev *Event) { ev.Attributes[0].ToIDS = !ev.Attributes[0].ToIDS },
			"Event.Attribute[uuid=00000000-0000-4000-8000-000000000001].to_ids"},
		{"attribute dropped", func(ev *Event) { ev.Attributes = ev.Attributes[1:] },
			"Event.Attribute[uuid=00000000-0000-4000-8000-000000000001]: missing"},
		{"attributes swapped", func(ev *Event) { ev.Attributes[0], ev.Attributes[1] = ev.Attributes[1], ev.Attributes[0] },
			"at position 1, want 0"},
		{"object attribute value", func(ev *Event) { ev.Objects[0].Attributes[1].Value = "ffff" },
			"Event.Object[uuid=0b000000-0000-4000-8000-000000000001].Attribute[uuid=0a000000-0000-4000-8000-000000000002].value"},
		{"object reference", func(ev *Event) { ev.Objects[0].References[0].RelationshipType = "drops" },
			".ObjectReference[uuid=0c000000-0000-4000-8000-000000000001].relationship_type"},
		{"unknown field", func(ev *Event) { ev.Extra["x_unknown_event_field"] = json.RawMessage(`{"kept":[1,2]}`) },
			"Event.x_unknown_event_field.kept: 3 items != 2"},
		{"tag", func(ev *Event) { ev.Tags[2].Colour = "#000000" }, "Event.Tag[2].colour"},
		{"galaxy cluster meta", func(ev *Event) { ev.Galaxies[0].Clusters[0].Meta = json.RawMessage(`{}`) },
			"GalaxyCluster[uuid=5b4ee3ea-eee3-4c8e-8323-85ae32658754].meta.country: missing"},
		{"sighting", func(ev *Event) { ev.Attributes[14].Sightings[1].Type = "0" },
			"Sighting[uuid=5e000000-0000-4000-8000-000000000003].type"},
		{"distribution", func(ev *Event) { ev.Distribution = DistributionAll }, "Event.distribution: 4 != 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := fixture(t, "mapping.json")
			changed := fixture(t, "mapping.json")
			tc.change(changed)
			d := eventDiff(t, ev, changed)
			if !slices.ContainsFunc(d, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Errorf("differences %q do not name %q", d, tc.want)
			}
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// mustFields opens a JSON object for the package's parsers.
func mustFields(t *testing.T, raw json.RawMessage) *fields {
	t.Helper()
	var errs valid.Errors
	f, ok := openFields("", raw, &errs)
	if !ok {
		t.Fatal(errs)
	}
	return f
}
