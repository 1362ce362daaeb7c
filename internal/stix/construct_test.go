package stix_test

import (
	"encoding/json"
	"testing"
	"time"

	"atalaya/internal/stix"
	"atalaya/internal/stix/stixtest"
)

// TestConstructorsValidate: every constructor gives an object that passes
// our Validate and the OASIS schemas, with the clock the caller passed.
func TestConstructorsValidate(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.UTC)
	schemas := stixtest.Validator(t)
	ind := stix.NewIndicator(now, "C2 address", "[ipv4-addr:value = '198.51.100.7']")
	org := stix.NewIdentity(now, "CSIRT Example", "organization")
	org.ObjectMarkingRefs = []string{stix.TLPMarkingID(stix.TLPGreen)}
	ip := stix.NewIPv4Addr("198.51.100.7")
	cases := []struct {
		name string
		obj  stix.Object
	}{
		{"indicator", ind},
		{"identity", org},
		{"report", stix.NewReport(now, "Weekly", now, []string{ind.ID})},
		{"sighting", stix.NewSighting(now, ind.ID, []string{org.ID})},
		{"relationship", stix.NewRelationship(now, "indicates", ind.ID, stix.NewID("malware"))},
		{"note", stix.NewNote(now, "Seen at two members", []string{ind.ID})},
		{"grouping", stix.NewGrouping(now, "Case 42", "suspicious-activity", []string{ind.ID})},
		{"observed-data", stix.NewObservedData(now, now.Add(-time.Hour), now, 3, []string{ip.ID})},
		{"malware", stix.NewMalware(now, "Emotet", true)},
		{"vulnerability", stix.NewVulnerability(now, "CVE-2024-3094")},
		{"ipv4-addr", ip},
		{"ipv6-addr", stix.NewIPv6Addr("2001:db8::7")},
		{"domain-name", stix.NewDomainName("bad.example")},
		{"url", stix.NewURL("http://bad.example/x")},
		{"email-addr", stix.NewEmailAddr("phish@bad.example")},
		{"file", stix.NewFile(map[string]string{"SHA-256": "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"}, "x.exe")},
		{"autonomous-system", stix.NewAutonomousSystem(64496, "Example AS")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := stix.Encode(tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			if err := stix.Validate(raw); err != nil {
				t.Errorf("Validate: %v\n%s", err, raw)
			}
			if err := schemas.Object(raw); err != nil {
				t.Errorf("OASIS schema: %v\n%s", err, raw)
			}
			c := tc.obj.Core()
			if c.SpecVersion != "2.1" || !stix.ValidID(c.ID) || stix.IDType(c.ID) != tc.name {
				t.Errorf("common properties: %+v", c)
			}
			if !c.Created.IsZero() && c.Created.String() != "2025-03-04T05:06:07.891Z" {
				t.Errorf("created %q, want the clock given", c.Created)
			}
		})
	}
}

// TestNewVersion: a new version keeps id and created and moves modified
// forward even when the clock does not.
func TestNewVersion(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ind := stix.NewIndicator(now, "x", "[a:b = 1]")
	first := ind.Modified
	stix.NewVersion(&ind.Common, now) // same instant
	if !first.Before(ind.Modified) || ind.Created != first {
		t.Errorf("modified %s after %s, created %s", ind.Modified, first, ind.Created)
	}
	stix.NewVersion(&ind.Common, now.Add(time.Hour))
	if ind.Modified.String() != "2025-01-01T01:00:00.000Z" {
		t.Errorf("modified %s", ind.Modified)
	}
}

// TestBundleOfConstructed: a bundle of new objects with its TLP marking
// validates as a whole.
func TestBundleOfConstructed(t *testing.T) {
	now := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
	ind := stix.NewIndicator(now, "x", "[domain-name:value = 'bad.example']")
	ind.ObjectMarkingRefs = []string{stix.TLPMarkingID(stix.TLPAmberStrict)}
	raw, _ := stix.Encode(ind)
	b := stix.NewBundle([]json.RawMessage{stix.TLPMarkingObject(stix.TLPAmberStrict), raw})
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := stixtest.Validator(t).Bundle(out); err != nil {
		t.Error(err)
	}
}
