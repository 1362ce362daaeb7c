package stix

import (
	"fmt"
	"strings"
	"testing"
)

// TestRoundTripSamples decodes and encodes every object of the OASIS
// examples and ATT&CK Mobile and checks that nothing changed.
func TestRoundTripSamples(t *testing.T) {
	for _, s := range allSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			for i, raw := range s.bundle.Objects {
				o, err := Decode(raw)
				if err != nil {
					t.Fatalf("objects[%d]: Decode: %v", i, err)
				}
				out, err := Encode(o)
				if err != nil {
					t.Fatalf("objects[%d]: Encode: %v", i, err)
				}
				if !sameJSON(t, raw, out) {
					t.Errorf("objects[%d] (%T) changed:\n in: %s\nout: %s", i, o, raw, out)
				}
			}
		})
	}
}

func TestDecodeTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range allSamples(t) {
		for _, raw := range s.bundle.Objects {
			o, err := Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			e, _ := ParseEnvelope(raw)
			_, custom := o.(*Custom)
			if custom != (newObject(e.Type) == nil) {
				t.Errorf("%s decoded to %T", e.Type, o)
			}
			if o.Core().ID != e.ID || o.Core().Version() != e.Version() {
				t.Errorf("%s: common properties differ from the envelope", e.ID)
			}
			seen[fmt.Sprintf("%T", o)] = true
		}
	}
	// The samples exercise most of the modelled types.
	for _, want := range []string{"*stix.Indicator", "*stix.Malware", "*stix.Relationship", "*stix.Sighting",
		"*stix.Identity", "*stix.MarkingDefinition", "*stix.AttackPattern", "*stix.CourseOfAction",
		"*stix.Report", "*stix.ThreatActor", "*stix.IntrusionSet", "*stix.Campaign", "*stix.Infrastructure",
		"*stix.Custom"} {
		if !seen[want] {
			t.Errorf("no %s in the samples", want)
		}
	}
}

func TestDecodeKeepsEverything(t *testing.T) {
	raw := `{"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
		"created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"Phishing",
		"x_mitre_platforms":["Android"],"x_mitre_deprecated":false,"revoked":false,"description":"",
		"external_references":[{"source_name":"mitre-attack","external_id":"T1660","x_note":{"a":1}}],
		"kill_chain_phases":[{"kill_chain_name":"mitre-mobile-attack","phase_name":"initial-access"}],
		"extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension"}},
		"confidence":0,"labels":[]}`
	o, err := Decode([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	ap, ok := o.(*AttackPattern)
	if !ok {
		t.Fatalf("decoded to %T", o)
	}
	if ap.Name != "Phishing" || ap.KillChainPhases[0].PhaseName != "initial-access" || ap.ExternalReferences[0].ExternalID != "T1660" {
		t.Errorf("typed properties not read: %+v", ap)
	}
	if string(ap.Extra["x_mitre_platforms"]) != `["Android"]` || ap.ExternalReferences[0].Extra["x_note"] == nil {
		t.Errorf("custom properties not kept: %v", ap.Extra)
	}
	out, err := Encode(o)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, []byte(raw), out) {
		t.Errorf("changed:\n%s", out)
	}
	// A property set after decoding replaces the empty one received.
	ap.Description = "Sends links"
	out, _ = Encode(ap)
	if !strings.Contains(string(out), `"description":"Sends links"`) || strings.Count(string(out), `"description"`) != 1 {
		t.Errorf("description not replaced: %s", out)
	}
}

func TestDecodeCustomAndCase(t *testing.T) {
	cases := []struct{ name, raw string }{
		{"custom object", `{"type":"x-mitre-tactic","id":"x-mitre-tactic--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","x_mitre_shortname":"initial-access","name":"Initial Access"}`},
		{"key differing only in case", `{"type":"tool","id":"tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","name":"a","Name":"b","NAME":"c"}`},
		{"no html escaping needed", `{"type":"note","id":"note--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","content":"<b>a & b</b>","object_refs":[]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Decode([]byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			out, err := Encode(o)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, []byte(tc.raw), out) {
				t.Errorf("changed:\n in %s\nout %s", tc.raw, out)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	const id = `"id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"`
	cases := []struct{ name, raw, field, code string }{
		{"not JSON", `{"type"`, "object", CodeJSON},
		{"no type", `{` + id + `}`, "type", CodeRequired},
		{"type not a string", `{"type":1}`, "type", CodeRequired},
		{"bad valid_from", `{"type":"indicator",` + id + `,"valid_from":"2016-01-01"}`, "valid_from", CodeTimestamp},
		{"bad created on a custom object", `{"type":"x-foo",` + id + `,"created":"now"}`, "created", CodeTimestamp},
		{"pattern a number", `{"type":"indicator",` + id + `,"pattern":1}`, "pattern", CodeJSONType},
		{"external reference not an object", `{"type":"indicator",` + id + `,"external_references":["x"]}`, "external_references", CodeJSONType},
		{"count a string", `{"type":"sighting",` + id + `,"count":"3"}`, "count", CodeJSONType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.raw))
			if !hasError(err, tc.field, tc.code) {
				t.Errorf("got %v, want %s %s", err, tc.field, tc.code)
			}
		})
	}
}
