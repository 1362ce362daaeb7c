package stixtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
	"atalaya/internal/stix"
)

// TestExamplesValidate: the 15 OASIS examples validate against the OASIS
// schemas (one of them is a bare campaign object, not a bundle).
func TestExamplesValidate(t *testing.T) {
	v := Validator(t)
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "stix", "examples"), "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 15 {
		t.Fatalf("found %d examples, want 15", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			env, err := stix.ParseEnvelope(raw)
			if err == nil && env.Type != "bundle" {
				err = v.Object(raw)
			} else {
				err = v.Bundle(raw)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
}

// TestAttackMobileValidates: every ATT&CK Mobile object validates; the
// x-mitre-* types have no OASIS schema and are checked against core only.
func TestAttackMobileValidates(t *testing.T) {
	v := Validator(t)
	raw, err := os.ReadFile(sharedtest.Path(t, "stix", "attack", "mobile-attack-17.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Bundle(raw); err != nil {
		t.Fatal(err)
	}
	if _, custom := v.SchemaFor("x-mitre-tactic"); !custom {
		t.Error("x-mitre-tactic should have no schema of its own")
	}
}

// TestBrokenObjectsFail: the validator rejects what the schemas forbid, so
// a passing test above means something.
func TestBrokenObjectsFail(t *testing.T) {
	v := Validator(t)
	cases := []struct {
		name, raw, want string
	}{
		{"indicator without pattern", `{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}`, "pattern"},
		{"created without milliseconds", `{"type":"identity","spec_version":"2.1","id":"identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48Z","modified":"2016-04-06T20:03:48.000Z","name":"x"}`, "created"},
		{"id of another type", `{"type":"tool","spec_version":"2.1","id":"malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"x"}`, "id"},
		{"ipv4-addr without value", `{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}`, "value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := v.Object([]byte(tc.raw))
			if err == nil {
				t.Fatal("validated; want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q: %v", tc.want, err)
			}
		})
	}
}

// TestTLPMarkingsValidate: the TLP marking definitions we publish validate.
func TestTLPMarkingsValidate(t *testing.T) {
	v := Validator(t)
	for _, level := range stix.TLPLevels() {
		if err := v.Object(stix.TLPMarkingObject(level)); err != nil {
			t.Errorf("TLP 2.0 %s: %v", level, err)
		}
	}
	for _, name := range []string{"white", "green", "amber", "red"} {
		if err := v.Object(stix.TLP1MarkingObject(name)); err != nil {
			t.Errorf("TLP 1.0 %s: %v", name, err)
		}
	}
}
