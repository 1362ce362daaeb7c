package assistance

import (
	"strings"
	"testing"

	"atalaya/internal/valid"
)

// TestCheckForm names the field and code of each problem, in a draft and
// in a submission.
func TestCheckForm(t *testing.T) {
	tests := []struct {
		name     string
		change   func(f *Form)
		complete bool
		field    string // "" for no problem
		code     string
	}{
		{"complete", func(f *Form) {}, true, "", ""},
		{"empty draft of a country", func(f *Form) { *f = Form{Country: "MX"} }, false, "", ""},
		{"no country", func(f *Form) { f.Country = "" }, false, "country", "assistance.required"},
		{"not a member state", func(f *Form) { f.Country = "ES" }, false, "country", "assistance.country"},
		{"alpha-3 is not the code", func(f *Form) { f.Country = "MEX" }, false, "country", "assistance.country"},
		{"bad e-mail in a draft", func(f *Form) { f.Institution.Email = "ana@" }, false, "institution.email", "assistance.email"},
		{"missing e-mail", func(f *Form) { f.Institution.Email = "" }, true, "institution.email", "assistance.required"},
		{"missing institution", func(f *Form) { f.Institution.Name = " " }, true, "institution.name", "assistance.required"},
		{"missing contact person", func(f *Form) { f.Institution.ContactPerson = "" }, true, "institution.contact_person", "assistance.required"},
		{"bad phone", func(f *Form) { f.Institution.Phone = "call me" }, false, "institution.phone", "assistance.phone"},
		{"missing need", func(f *Form) { f.Need = "" }, true, "need", "assistance.required"},
		{"need too long", func(f *Form) { f.Need = strings.Repeat("n", longText+1) }, false, "need", "assistance.too_long"},
		{"no support", func(f *Form) { f.Support = nil }, true, "support", "assistance.required"},
		{"unknown support", func(f *Form) { f.Support[1].Kind = "money" }, false, "support[1].kind", "assistance.support_kind"},
		{"support twice", func(f *Form) { f.Support[1].Kind = f.Support[0].Kind }, false, "support[1].kind", "assistance.support_duplicate"},
		{"priority taken", func(f *Form) { f.Support[1].Priority = 1 }, false, "support[1].priority", "assistance.priority_taken"},
		{"priority out of range", func(f *Form) { f.Support[1].Priority = 3 }, false, "support[1].priority", "assistance.priority"},
		{"priority missing at submission", func(f *Form) { f.Support[1].Priority = 0 }, true, "support[1].priority", "assistance.priority"},
		{"priority left for later in a draft", func(f *Form) { f.Support[1].Priority = 0 }, false, "", ""},
		{"no topic", func(f *Form) { f.Topics = nil }, true, "topics", "assistance.required"},
		{"unknown topic", func(f *Form) { f.Topics[1] = "hacking" }, false, "topics[1]", "assistance.topic"},
		{"topic twice", func(f *Form) { f.Topics[1] = f.Topics[0] }, false, "topics[1]", "assistance.topic_duplicate"},
		{"other topic unnamed", func(f *Form) { f.Topics = append(f.Topics, OtherTopic) }, true, "topic_other", "assistance.required"},
		{"unknown partner sector", func(f *Form) { f.Partners[0].Sector = "church" }, false, "partners[0].sector", "assistance.sector"},
		{"partner without a name", func(f *Form) { f.Partners[0].Name = "" }, false, "partners[0].name", "assistance.required"},
		{"no timeframe", func(f *Form) { f.Timeframe = "" }, true, "timeframe", "assistance.required"},
		{"timeframe not a quarter", func(f *Form) { f.Timeframe = "next year" }, false, "timeframe", "assistance.timeframe"},
		{"timeframe backwards", func(f *Form) { f.Timeframe = "2027-Q3/2027-Q1" }, false, "timeframe", "assistance.timeframe"},
		{"timeframe quarter 5", func(f *Form) { f.Timeframe = "2027-Q5" }, false, "timeframe", "assistance.timeframe"},
		{"one quarter", func(f *Form) { f.Timeframe = "2028-q1" }, true, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := form("MX")
			tc.change(&f)
			err := checkForm(normalizeForm(f), tc.complete)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("checkForm: %v", err)
				}
				return
			}
			wantInvalid(t, err, tc.field, tc.code)
		})
	}
}

// TestDraftKeepsNothingBad refuses a draft with a bad field and stores
// nothing; a good one is stored as typed (trimmed).
func TestDraftKeepsNothingBad(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		bad := form("MX")
		bad.Institution.Email = "not-an-address"
		_, err := f.s.CreateDraft(ctx, mxGov, bad)
		wantInvalid(t, err, "institution.email", "assistance.email")
		if n := f.count(t, "assistance_requests", ""); n != 0 {
			t.Fatalf("%d requests stored after a refused draft", n)
		}
		fm := form("")
		fm.Need = "  spaces around  "
		r, err := f.s.CreateDraft(ctx, mxGov, fm)
		must(t, "CreateDraft", err)
		got := f.get(t, r.ID)
		if got.Country != "MX" || got.Need != "spaces around" || got.State != Draft || got.CreatedByOrg != mxGov.OrgID {
			t.Errorf("stored %+v", got)
		}
		_, err = f.s.UpdateDraft(ctx, sec, r.ID, got.Version, form("CR"))
		wantInvalid(t, err, "country", "assistance.country_fixed")
		_, err = f.s.CreateDraft(ctx, sec, form(""))
		wantInvalid(t, err, "country", "assistance.required")
	})
}

// TestUpdateDraftStates lets the member change a draft only, and the
// secretariat correct a submitted request, keeping it complete.
func TestUpdateDraftStates(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.in(t, mxGov, "MX", Submitted)
		incomplete := form("MX")
		incomplete.Need = ""
		_, err := f.s.UpdateDraft(ctx, sec, r.ID, r.Version, incomplete)
		wantInvalid(t, err, "need", "assistance.required")
		fixed := form("MX")
		fixed.Need = "Corrected by the secretariat"
		got, err := f.s.UpdateDraft(ctx, sec, r.ID, r.Version, fixed)
		must(t, "UpdateDraft", err)
		if got.Need != fixed.Need || got.Version != r.Version+1 {
			t.Errorf("got %q v%d", got.Need, got.Version)
		}
		r = f.in(t, mxGov, "MX", UnderConsideration)
		_, err = f.s.UpdateDraft(ctx, sec, r.ID, r.Version, form("MX"))
		wantInvalid(t, err, "state", "assistance.not_editable")
	})
}

func FuzzCheckForm(f *testing.F) {
	f.Add("MX", "2027-Q1/2027-Q3", "a@b.org", "+1 555 0100", 1, "training")
	f.Add("", "2027-Q", "@", "+", -1, "")
	f.Fuzz(func(t *testing.T, country, timeframe, email, phone string, priority int, kind string) {
		fm := Form{Country: country, Timeframe: timeframe,
			Institution: Institution{Email: email, Phone: phone},
			Support:     []Support{{Kind: SupportKind(kind), Priority: priority}}}
		for _, complete := range []bool{false, true} {
			err := checkForm(normalizeForm(fm), complete)
			if err != nil && len(valid.List(err)) == 0 {
				t.Fatalf("checkForm returned a non-valid error: %v", err)
			}
		}
		_, _, _ = parseNumber(timeframe)
	})
}
