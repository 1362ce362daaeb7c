package stix

import (
	"testing"
)

func TestTLPIDs(t *testing.T) {
	cases := []struct {
		level, id2 string
	}{
		{TLPClear, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
		{TLPGreen, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
		{TLPAmber, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
		{TLPAmberStrict, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
		{TLPRed, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
	}
	for _, tc := range cases {
		t.Run(tc.level, func(t *testing.T) {
			if got := TLPMarkingID(tc.level); got != tc.id2 {
				t.Errorf("TLPMarkingID = %q, want %q", got, tc.id2)
			}
			if got, ok := TLPLevel(tc.id2); !ok || got != tc.level {
				t.Errorf("TLPLevel = %q %v", got, ok)
			}
			if !IsTLPMarking(tc.id2) || !ValidID(tc.id2) {
				t.Error("not recognised as a valid TLP marking id")
			}
		})
	}
	if TLPMarkingID("white") != "" || TLPMarkingID("AMBER") != "" {
		t.Error("only the five TLP 2.0 level names have an id")
	}
}

func TestTLP1IDs(t *testing.T) {
	cases := []struct{ id, level string }{
		{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TLPClear},
		{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TLPGreen},
		{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TLPAmber},
		{"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TLPRed},
	}
	for _, tc := range cases {
		t.Run(tc.level, func(t *testing.T) {
			if got, ok := TLPLevel(tc.id); !ok || got != tc.level {
				t.Errorf("TLPLevel(%s) = %q %v, want %q", tc.id, got, ok, tc.level)
			}
		})
	}
	// The interop example's deliberate near-miss is not TLP.
	if IsTLPMarking("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec") {
		t.Error("a near-miss id is taken for TLP red")
	}
}

func TestTLPFromRefs(t *testing.T) {
	other := "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"
	cases := []struct {
		name string
		refs []string
		want string
		ok   bool
	}{
		{"none", nil, "", false},
		{"no TLP among them", []string{other}, "", false},
		{"one", []string{other, TLPMarkingID(TLPGreen)}, TLPGreen, true},
		{"strictest wins", []string{TLPMarkingID(TLPRed), TLPMarkingID(TLPClear), TLPMarkingID(TLPAmber)}, TLPRed, true},
		{"amber+strict above amber", []string{TLPMarkingID(TLPAmber), TLPMarkingID(TLPAmberStrict)}, TLPAmberStrict, true},
		{"1.0 white is clear", []string{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"}, TLPClear, true},
		{"1.0 and 2.0 mixed", []string{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TLPMarkingID(TLPGreen)}, TLPAmber, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := TLPFromRefs(tc.refs)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %q %v, want %q %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestTLPMarkingObject compares with the objects OASIS publishes in
// cti-stix-common-objects (extension-definition-specifications/tlp-2.0) and
// the TLP 1.0 objects of the STIX 2.1 specification.
func TestTLPMarkingObject(t *testing.T) {
	cases := []struct{ name, got, want string }{
		{"clear", string(TLPMarkingObject(TLPClear)), `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487","created":"2022-10-01T00:00:00.000Z","name":"TLP:CLEAR","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"clear"}}}`},
		{"amber+strict", string(TLPMarkingObject(TLPAmberStrict)), `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003","created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER+STRICT","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber+strict"}}}`},
		{"1.0 amber", string(TLP1MarkingObject("amber")), `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:AMBER","definition":{"tlp":"amber"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got  %s\nwant %s", tc.got, tc.want)
			}
			if err := Validate([]byte(tc.got)); err != nil {
				t.Errorf("does not validate: %v", err)
			}
		})
	}
	if TLPMarkingObject("white") != nil || TLP1MarkingObject("clear") != nil {
		t.Error("unknown level gives an object")
	}
}

// TestTLPInSamples: the 1.0 markings the OASIS examples define are the ones
// we know.
func TestTLPInSamples(t *testing.T) {
	found := 0
	for _, s := range exampleBundles(t) {
		for _, raw := range s.bundle.Objects {
			e, err := ParseEnvelope(raw)
			if err != nil || e.Type != "marking-definition" || e.Name == "" || e.Name[:4] != "TLP:" {
				continue
			}
			found++
			if !IsTLPMarking(e.ID) {
				t.Errorf("%s %s is not recognised", e.Name, e.ID)
			}
			if ours := TLP1MarkingObject(lower(e.Name[4:])); ours == nil || !sameJSON(t, raw, ours) {
				t.Errorf("%s: ours %s differs from the example's %s", e.Name, ours, raw)
			}
		}
	}
	if found == 0 {
		t.Error("no TLP marking definitions in the examples")
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
