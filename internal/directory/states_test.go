package directory_test

import (
	"slices"
	"testing"

	"golang.org/x/text/language"

	"atalaya/internal/directory"
)

func TestMemberStates(t *testing.T) {
	states := directory.MemberStates()
	if len(states) != 35 {
		t.Fatalf("%d member states, want 35", len(states))
	}
	seen := map[string]bool{}
	for _, m := range states {
		t.Run(m.Code, func(t *testing.T) {
			for _, code := range []string{m.Code, m.Alpha3} {
				if seen[code] {
					t.Errorf("code %s appears twice", code)
				}
				seen[code] = true
			}
			// The two codes of all 35 states share their first letter:
			// a cheap guard against misaligned columns in the table.
			if len(m.Code) != 2 || len(m.Alpha3) != 3 || m.Alpha3[0] != m.Code[0] {
				t.Errorf("codes %s / %s look misaligned", m.Code, m.Alpha3)
			}
			for _, lang := range []string{"en", "es", "pt", "fr"} {
				if m.Name(lang) == "" {
					t.Errorf("no name in %s", lang)
				}
			}
			if len(m.Languages) == 0 {
				t.Error("no official language")
			}
			for _, l := range m.Languages {
				if _, err := language.Parse(l); err != nil {
					t.Errorf("language %q is not BCP 47: %v", l, err)
				}
			}
			if !slices.Contains(directory.Regions, m.Region) {
				t.Errorf("region %q unknown", m.Region)
			}
		})
	}
	if !slices.IsSortedFunc(states, func(a, b directory.MemberState) int { return compareStrings(a.Code, b.Code) }) {
		t.Error("member states are not ordered by code")
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// The list the program publishes, by English name: a missing or extra state
// fails here, whatever the codes say.
var oasMembers = []string{"Antigua and Barbuda", "Argentina", "Bahamas", "Barbados", "Belize", "Bolivia", "Brazil",
	"Canada", "Chile", "Colombia", "Costa Rica", "Cuba", "Dominica", "Dominican Republic", "Ecuador", "El Salvador",
	"Grenada", "Guatemala", "Guyana", "Haiti", "Honduras", "Jamaica", "Mexico", "Nicaragua", "Panama", "Paraguay",
	"Peru", "Saint Kitts and Nevis", "Saint Lucia", "Saint Vincent and the Grenadines", "Suriname",
	"Trinidad and Tobago", "United States", "Uruguay", "Venezuela"}

func TestMemberStatesAreTheOASMembers(t *testing.T) {
	var names []string
	for _, m := range directory.MemberStates() {
		names = append(names, m.NameEN)
	}
	slices.Sort(names)
	if !slices.Equal(names, oasMembers) {
		t.Errorf("member states:\n got %q\nwant %q", names, oasMembers)
	}
}

func TestMemberStateNameAndLookup(t *testing.T) {
	cases := []struct {
		name, code, lang, want string
	}{
		{"Spanish", "MX", "es", "México"},
		{"Spanish with region", "MX", "es-419", "México"},
		{"Portuguese of Brazil", "BR", "pt-BR", "Brasil"},
		{"French", "HT", "fr", "Haïti"},
		{"French of Canada, alpha-3", "USA", "fr-CA", "États-Unis"},
		{"English", "KN", "en", "Saint Kitts and Nevis"},
		{"other language falls back to English", "DO", "de", "Dominican Republic"},
		{"no language is English", "VC", "", "Saint Vincent and the Grenadines"},
		{"underscore locale", "PE", "es_PE", "Perú"},
		{"lower-case code", "tt", "pt", "Trinidad e Tobago"},
		{"alpha-3 with spaces", " col ", "fr", "Colombie"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := directory.LookupMemberState(tc.code)
			if !ok {
				t.Fatalf("LookupMemberState(%q) found nothing", tc.code)
			}
			if got := m.Name(tc.lang); got != tc.want {
				t.Errorf("Name(%q) = %q, want %q", tc.lang, got, tc.want)
			}
		})
	}
	for _, code := range []string{"ES", "GB", "PR", "", "MEXICO", "XK"} {
		if _, ok := directory.LookupMemberState(code); ok {
			t.Errorf("LookupMemberState(%q) found a member state", code)
		}
	}
}

func TestMemberStatesAreCopies(t *testing.T) {
	states := directory.MemberStates()
	states[0].Languages[0] = "xx"
	states[0].NameEN = "changed"
	m, _ := directory.LookupMemberState(states[0].Code)
	if m.Languages[0] == "xx" || m.NameEN == "changed" {
		t.Error("changing a returned member state changed the table")
	}
}

func TestKindIsCSIRT(t *testing.T) {
	teams := map[directory.Kind]bool{directory.NationalCSIRT: true, directory.GovernmentCSIRT: true,
		directory.PoliceCSIRT: true, directory.DefenseCSIRT: true, directory.SectorCSIRT: true}
	for _, k := range directory.Kinds {
		t.Run(string(k), func(t *testing.T) {
			if k.IsCSIRT() != teams[k] || !k.Valid() {
				t.Errorf("IsCSIRT = %v, Valid = %v", k.IsCSIRT(), k.Valid())
			}
		})
	}
	if directory.Kind("csirt").Valid() || directory.Kind("csirt").IsCSIRT() {
		t.Error("an unknown kind is valid")
	}
}
