package event

import (
	"bufio"
	"os"
	"regexp"
	"testing"

	"atalaya/internal/sharedtest"
)

// TestLegacyTypesAreRSIT checks the alias table: every target is an RSIT
// type, and no legacy name is itself an RSIT type (it would be shadowed).
func TestLegacyTypesAreRSIT(t *testing.T) {
	for legacy, target := range legacyTypes {
		if TaxonomyOf(target) == "" {
			t.Errorf("legacy %q maps to %q, not an RSIT type", legacy, target)
		}
		if TaxonomyOf(legacy) != "" {
			t.Errorf("legacy %q is an RSIT type itself", legacy)
		}
		if normaliseClass(legacy) != legacy {
			t.Errorf("legacy key %q is not normalised (%q): it can never match", legacy, normaliseClass(legacy))
		}
	}
}

// TestLegacyPairsValidate sets the (taxonomy, type) pairs IntelMQ 3's
// taxonomy expert gives the legacy names it still emits, and the pairs its
// older parsers wrote, and expects each event to validate.
func TestLegacyPairsValidate(t *testing.T) {
	cases := []struct{ taxonomy, typ string }{
		{"other", "blacklist"}, {"other", "proxy"}, {"other", "tor"},
		{"other", "dga-domain"}, {"other", "malware"}, {"other", "unknown"},
		{"malicious code", "botnet drone"}, {"malicious-code", "ransomware"},
		{"malicious-code", "c&c"}, {"intrusions", "compromised"}, {"intrusions", "backdoor"},
		{"vulnerable", "vulnerable service"}, {"fraud", "unauthorized-use-of-resources"},
		{"intrusion attempts", "ids alert"}, {"information content security", "leak"},
	}
	for _, tc := range cases {
		t.Run(tc.taxonomy+"/"+tc.typ, func(t *testing.T) {
			e := typical(t)
			if err := e.Set("classification.taxonomy", tc.taxonomy); err != nil {
				t.Fatal(err)
			}
			if err := e.Set("classification.type", tc.typ); err != nil {
				t.Fatal(err)
			}
			if err := e.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

// TestShadowserverTypesAccepted reads every classification.type the
// published Shadowserver schema for IntelMQ sets and expects Set to take it.
func TestShadowserverTypesAccepted(t *testing.T) {
	f, err := os.Open(sharedtest.Path(t, "feeds", "shadowserver-schema", "intelmq.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	re := regexp.MustCompile(`"classification\.type"\s*:\s*"([^"]+)"`)
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			seen[m[1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !seen["blacklist"] || len(seen) < 5 {
		t.Fatalf("found only %v in the schema", seen)
	}
	for typ := range seen {
		var e Event
		if err := e.Set("classification.type", typ); err != nil {
			t.Errorf("Set(classification.type, %q): %v", typ, err)
		}
	}
}

func TestTaxonomyOf(t *testing.T) {
	cases := map[string]string{
		"infected-system": "malicious-code", "phishing": "fraud", "undetermined": "other",
		"ddos-amplifier": "vulnerable", "blacklist": "", "": "", "Phishing": "",
	}
	for typ, want := range cases {
		if got := TaxonomyOf(typ); got != want {
			t.Errorf("TaxonomyOf(%q) = %q, want %q", typ, got, want)
		}
	}
}
