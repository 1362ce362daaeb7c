package intel

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

type jsonRaw = json.RawMessage

func TestSaveIndicatorValidation(t *testing.T) {
	ok := IndicatorInput{Name: "C2", Pattern: "[ipv4-addr:value = '198.51.100.1']", Sharing: Sharing{TLP: access.TLPAmber, Members: true}}
	bad := func(f func(*IndicatorInput)) IndicatorInput { in := ok; f(&in); return in }
	fifty := 150
	cases := []struct {
		name  string
		in    IndicatorInput
		field string
		code  string
	}{
		{"no name", bad(func(in *IndicatorInput) { in.Name = " " }), "name", CodeRequired},
		{"no pattern", bad(func(in *IndicatorInput) { in.Pattern = "" }), "pattern", CodeRequired},
		{"bad pattern", bad(func(in *IndicatorInput) { in.Pattern = "[ipv4-addr:value = ]" }), "pattern", stix.CodePattern},
		{"until before from", bad(func(in *IndicatorInput) {
			in.ValidFrom, in.ValidUntil = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		}), "valid_until", CodeValidUntil},
		{"confidence", bad(func(in *IndicatorInput) { in.Confidence = &fifty }), "confidence", CodeConfidence},
		{"no TLP", bad(func(in *IndicatorInput) { in.Sharing.TLP = "" }), "tlp", CodeTLP},
		{"red to members", bad(func(in *IndicatorInput) { in.Sharing.TLP = access.TLPRed }), "members", CodeSharing},
	}
	each(t, func(t *testing.T, s *Store) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.SaveIndicator(ctx, analyst("org-a"), tc.in)
				es := valid.List(err)
				if !slices.ContainsFunc(es, func(e *valid.Error) bool { return e.Field == tc.field && e.Code == tc.code }) {
					t.Fatalf("err %v, want %s on %s", err, tc.code, tc.field)
				}
			})
		}
		if _, err := s.SaveIndicator(ctx, observer("org-a"), ok); !errors.Is(err, access.ErrDenied) {
			t.Errorf("an observer created an indicator: %v", err)
		}
	})
}

func TestSaveIndicatorVersions(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		conf := 80
		o, err := s.SaveIndicator(ctx, a, IndicatorInput{Name: "C2 server", Description: "seen in phishing",
			Pattern: "[ipv4-addr:value = '198.51.100.1']", IndicatorTypes: []string{"malicious-activity"},
			Confidence: &conf, Labels: []string{"c2"}, Sharing: Sharing{TLP: access.TLPAmber, Members: true}})
		if err != nil {
			t.Fatal(err)
		}
		if err := stix.Validate(o.Raw); err != nil {
			t.Errorf("the form's indicator is not valid STIX: %v", err)
		}
		var props map[string]any
		_ = json.Unmarshal(o.Raw, &props)
		if props["created_by_ref"] != IdentityID("org-a") || props["confidence"] != 80.0 || o.Sharing.TLP != access.TLPAmber {
			t.Errorf("indicator %s", o.Raw)
		}
		if refs, _ := props["object_marking_refs"].([]any); len(refs) != 1 || refs[0] != stix.TLPMarkingID("amber") {
			t.Errorf("marking %v", props["object_marking_refs"])
		}
		// A new version replaces what the form shows (emptied fields go)
		// and keeps created.
		o2, err := s.SaveIndicator(ctx, a, IndicatorInput{ID: o.ID, Name: "C2 server (confirmed)",
			Pattern: "[ipv4-addr:value = '198.51.100.2']", Sharing: Sharing{TLP: access.TLPAmber, Members: true}})
		if err != nil {
			t.Fatal(err)
		}
		if o2.ID != o.ID || o2.Version == o.Version || o2.Name != "C2 server (confirmed)" || !o2.Modified.After(o.Modified.Add(-time.Millisecond)) {
			t.Errorf("new version %+v", o2)
		}
		var p2 map[string]any
		_ = json.Unmarshal(o2.Raw, &p2)
		if p2["created"] != props["created"] || p2["description"] != nil || p2["indicator_types"] != nil {
			t.Errorf("new version's properties: %s", o2.Raw)
		}
		if _, err := s.SaveIndicator(ctx, analyst("org-b"), IndicatorInput{ID: o.ID, Name: "hijack",
			Pattern: "[ipv4-addr:value = '198.51.100.3']", Sharing: Sharing{TLP: access.TLPClear, Members: true}}); !errors.Is(err, access.ErrDenied) {
			t.Errorf("a recipient made a new version: %v", err)
		}
	})
}

func TestSaveReport(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		secret := indicator("secret of d", "[ipv4-addr:value = '198.51.100.9']")
		mustPut(t, s, analyst("org-d"), Sharing{TLP: access.TLPRed}, secret)
		mine := indicator("mine", "[ipv4-addr:value = '198.51.100.1']")
		mustPut(t, s, a, Sharing{TLP: access.TLPGreen, Members: true}, mine)
		_, err := s.SaveReport(ctx, a, ReportInput{Name: "r", ObjectRefs: []string{idOf(t, mine), idOf(t, secret)},
			Sharing: Sharing{TLP: access.TLPGreen, Members: true}})
		if es := valid.List(err); len(es) != 1 || es[0].Field != "object_refs[1]" || es[0].Code != CodeRefUnknown {
			t.Fatalf("a report naming an unseen object: %v", err)
		}
		r, err := s.SaveReport(ctx, a, ReportInput{Name: "r", ObjectRefs: []string{idOf(t, mine)},
			Sharing: Sharing{TLP: access.TLPGreen, Members: true}})
		if err != nil {
			t.Fatal(err)
		}
		if err := stix.Validate(r.Raw); err != nil {
			t.Errorf("the form's report is not valid STIX: %v", err)
		}
		rel, err := s.Related(ctx, analyst("org-b"), idOf(t, mine))
		if err != nil || len(rel) != 1 || rel[0].Via != ViaObjectRef || !rel[0].Incoming || rel[0].Object.ID != r.ID {
			t.Errorf("related of the indicator: %+v %v", rel, err)
		}
	})
}
