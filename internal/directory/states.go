package directory

import (
	"slices"
	"strings"
)

// Region is a sub-region of the Americas, as the program groups its member
// states for workshops, exercises and reports.
type Region string

// The sub-regions. Mexico counts with North America, as in the OAS's own
// groupings; Guyana and Suriname are placed by geography (South America),
// not by their CARICOM membership.
const (
	NorthAmerica   Region = "north_america"
	CentralAmerica Region = "central_america"
	Caribbean      Region = "caribbean"
	SouthAmerica   Region = "south_america"
)

// Regions lists the sub-regions in the order pages show them.
var Regions = []Region{NorthAmerica, CentralAmerica, Caribbean, SouthAmerica}

// MemberState is one of the 35 member states of the OAS. The values are
// reference data compiled into the binary: they change by treaty, not by
// an administrator, so they are not stored in the database.
type MemberState struct {
	Code   string `json:"code"`   // ISO 3166-1 alpha-2, upper case: the key used everywhere else
	Alpha3 string `json:"alpha3"` // ISO 3166-1 alpha-3
	NameEN string `json:"name_en"`
	NameES string `json:"name_es"`
	NamePT string `json:"name_pt"`
	NameFR string `json:"name_fr"`
	// Languages are the official languages as BCP 47 tags, the main one first.
	Languages []string `json:"languages"`
	Region    Region   `json:"region"`
}

// Name returns the state's name in lang, a BCP 47 tag ("es", "pt-BR",
// "fr-CA"); only the primary language counts. Any language other than
// Spanish, Portuguese or French gets the English name.
func (m MemberState) Name(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	base, _, _ = strings.Cut(base, "_")
	switch base {
	case "es":
		return m.NameES
	case "pt":
		return m.NamePT
	case "fr":
		return m.NameFR
	}
	return m.NameEN
}

// MemberStates returns the 35 member states ordered by alpha-2 code. The
// slice is a copy: callers may sort or change it.
func MemberStates() []MemberState {
	out := make([]MemberState, len(memberStates))
	for i, m := range memberStates {
		m.Languages = slices.Clone(m.Languages)
		out[i] = m
	}
	return out
}

// LookupMemberState returns the member state with the given ISO 3166-1
// alpha-2 or alpha-3 code, in any case, and whether there is one.
func LookupMemberState(code string) (MemberState, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, m := range memberStates {
		if m.Code == code || m.Alpha3 == code {
			m.Languages = slices.Clone(m.Languages)
			return m, true
		}
	}
	return MemberState{}, false
}

// memberStates is ordered by Code. Cuba is a member state although it has
// not taken part in the organisation's activities since 1962; the directory
// lists it like the others.
var memberStates = []MemberState{
	{"AG", "ATG", "Antigua and Barbuda", "Antigua y Barbuda", "Antígua e Barbuda", "Antigua-et-Barbuda", []string{"en"}, Caribbean},
	{"AR", "ARG", "Argentina", "Argentina", "Argentina", "Argentine", []string{"es"}, SouthAmerica},
	{"BB", "BRB", "Barbados", "Barbados", "Barbados", "Barbade", []string{"en"}, Caribbean},
	{"BO", "BOL", "Bolivia", "Bolivia", "Bolívia", "Bolivie", []string{"es", "qu", "ay", "gn"}, SouthAmerica},
	{"BR", "BRA", "Brazil", "Brasil", "Brasil", "Brésil", []string{"pt"}, SouthAmerica},
	{"BS", "BHS", "Bahamas", "Bahamas", "Bahamas", "Bahamas", []string{"en"}, Caribbean},
	{"BZ", "BLZ", "Belize", "Belice", "Belize", "Belize", []string{"en"}, CentralAmerica},
	{"CA", "CAN", "Canada", "Canadá", "Canadá", "Canada", []string{"en", "fr"}, NorthAmerica},
	{"CL", "CHL", "Chile", "Chile", "Chile", "Chili", []string{"es"}, SouthAmerica},
	{"CO", "COL", "Colombia", "Colombia", "Colômbia", "Colombie", []string{"es"}, SouthAmerica},
	{"CR", "CRI", "Costa Rica", "Costa Rica", "Costa Rica", "Costa Rica", []string{"es"}, CentralAmerica},
	{"CU", "CUB", "Cuba", "Cuba", "Cuba", "Cuba", []string{"es"}, Caribbean},
	{"DM", "DMA", "Dominica", "Dominica", "Dominica", "Dominique", []string{"en"}, Caribbean},
	{"DO", "DOM", "Dominican Republic", "República Dominicana", "República Dominicana", "République dominicaine", []string{"es"}, Caribbean},
	{"EC", "ECU", "Ecuador", "Ecuador", "Equador", "Équateur", []string{"es"}, SouthAmerica},
	{"GD", "GRD", "Grenada", "Granada", "Granada", "Grenade", []string{"en"}, Caribbean},
	{"GT", "GTM", "Guatemala", "Guatemala", "Guatemala", "Guatemala", []string{"es"}, CentralAmerica},
	{"GY", "GUY", "Guyana", "Guyana", "Guiana", "Guyana", []string{"en"}, SouthAmerica},
	{"HN", "HND", "Honduras", "Honduras", "Honduras", "Honduras", []string{"es"}, CentralAmerica},
	{"HT", "HTI", "Haiti", "Haití", "Haiti", "Haïti", []string{"fr", "ht"}, Caribbean},
	{"JM", "JAM", "Jamaica", "Jamaica", "Jamaica", "Jamaïque", []string{"en"}, Caribbean},
	{"KN", "KNA", "Saint Kitts and Nevis", "Saint Kitts y Nevis", "São Cristóvão e Névis", "Saint-Christophe-et-Niévès", []string{"en"}, Caribbean},
	{"LC", "LCA", "Saint Lucia", "Santa Lucía", "Santa Lúcia", "Sainte-Lucie", []string{"en"}, Caribbean},
	{"MX", "MEX", "Mexico", "México", "México", "Mexique", []string{"es"}, NorthAmerica},
	{"NI", "NIC", "Nicaragua", "Nicaragua", "Nicarágua", "Nicaragua", []string{"es"}, CentralAmerica},
	{"PA", "PAN", "Panama", "Panamá", "Panamá", "Panama", []string{"es"}, CentralAmerica},
	{"PE", "PER", "Peru", "Perú", "Peru", "Pérou", []string{"es", "qu", "ay"}, SouthAmerica},
	{"PY", "PRY", "Paraguay", "Paraguay", "Paraguai", "Paraguay", []string{"es", "gn"}, SouthAmerica},
	{"SR", "SUR", "Suriname", "Surinam", "Suriname", "Suriname", []string{"nl"}, SouthAmerica},
	{"SV", "SLV", "El Salvador", "El Salvador", "El Salvador", "Salvador", []string{"es"}, CentralAmerica},
	{"TT", "TTO", "Trinidad and Tobago", "Trinidad y Tobago", "Trinidad e Tobago", "Trinité-et-Tobago", []string{"en"}, Caribbean},
	{"US", "USA", "United States", "Estados Unidos", "Estados Unidos", "États-Unis", []string{"en"}, NorthAmerica},
	{"UY", "URY", "Uruguay", "Uruguay", "Uruguai", "Uruguay", []string{"es"}, SouthAmerica},
	{"VC", "VCT", "Saint Vincent and the Grenadines", "San Vicente y las Granadinas", "São Vicente e Granadinas", "Saint-Vincent-et-les-Grenadines", []string{"en"}, Caribbean},
	{"VE", "VEN", "Venezuela", "Venezuela", "Venezuela", "Venezuela", []string{"es"}, SouthAmerica},
}
