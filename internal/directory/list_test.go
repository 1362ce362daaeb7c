package directory_test

import (
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/directory"
	"atalaya/internal/store"
)

func shortNames(os []directory.Organization) string {
	var s []string
	for _, o := range os {
		s = append(s, o.ShortName)
	}
	return strings.Join(s, " ")
}

func TestListOrganizations(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		for _, o := range []directory.Organization{
			{Kind: directory.NationalCSIRT, Name: "Centro Nacional de México", ShortName: "MX-NAT", Country: "MX"},
			{Kind: directory.SectorCSIRT, Name: "CSIRT Bancario", ShortName: "MX-BANK", Country: "MX", Team: &directory.TeamProfile{Sector: "banking"}},
			{Kind: directory.NationalCSIRT, Name: "Centro de Tratamento do Brasil", ShortName: "BR-NAT", Country: "BR"},
			{Kind: directory.Ministry, Name: "Ministerio de Tecnología", ShortName: "CR-MIN", Country: "CR"},
			{Kind: directory.Donor, Name: "Fund 100% for_cyber", ShortName: "FUND"},
			{Kind: directory.PartnerAcademia, Name: "Universidad de Panamá", ShortName: "UP", Country: "PA"},
			{Kind: directory.Secretariat, Name: "OAS Cyber Security Program", ShortName: "CICTE"},
		} {
			mustCreate(t, d, o)
		}
		viewer := member("someone", access.Observer)
		cases := []struct {
			name string
			f    directory.Filter
			want string
		}{
			{"query without accent finds accented name", directory.Filter{Query: "mexico"}, "MX-NAT"},
			{"query with accent and capitals", directory.Filter{Query: "TECNOLOGÍA"}, "CR-MIN"},
			{"query matches short name", directory.Filter{Query: "bank"}, "MX-BANK"},
			{"query matches several", directory.Filter{Query: "centro"}, "MX-NAT BR-NAT"},
			{"percent is literal", directory.Filter{Query: "100%"}, "FUND"},
			{"underscore is literal", directory.Filter{Query: "r_c"}, "FUND"},
			{"percent alone matches nothing", directory.Filter{Query: "%%"}, ""},
			{"kind", directory.Filter{Kind: directory.NationalCSIRT}, "MX-NAT BR-NAT"},
			{"country by alpha-3 in lower case", directory.Filter{Country: "mex"}, "MX-NAT MX-BANK"},
			{"kind and country", directory.Filter{Kind: directory.SectorCSIRT, Country: "MX"}, "MX-BANK"},
			{"nothing matches", directory.Filter{Query: "zzz"}, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				// Compared as sets: the order (by id) is checked by "pages",
				// and ids made in the same millisecond sort at random.
				got, next, err := d.ListOrganizations(ctx, viewer, tc.f)
				if err != nil || sortedWords(shortNames(got)) != sortedWords(tc.want) || next != "" {
					t.Errorf("got %q next %q, %v; want %q", shortNames(got), next, err, tc.want)
				}
			})
		}
		t.Run("pages", func(t *testing.T) {
			// Ids made in the same millisecond do not sort by creation, so
			// the expected order is the order of the ids.
			whole, _, err := d.ListOrganizations(ctx, viewer, directory.Filter{})
			if err != nil || len(whole) != 7 || !slices.IsSortedFunc(whole, func(a, b directory.Organization) int {
				return strings.Compare(a.ID, b.ID)
			}) {
				t.Fatalf("whole list: %s, %v", shortNames(whole), err)
			}
			var pages []string
			cursor := ""
			for n := 0; ; n++ {
				page, next, err := d.ListOrganizations(ctx, viewer, directory.Filter{After: cursor, Limit: 3})
				if err != nil || n > 3 || len(page) > 3 {
					t.Fatalf("page %d: %d organizations, %v", n, len(page), err)
				}
				pages = append(pages, shortNames(page))
				if next == "" {
					break
				}
				cursor = next
			}
			w := strings.Fields(shortNames(whole))
			want := strings.Join([]string{strings.Join(w[:3], " "), strings.Join(w[3:6], " "), w[6]}, " | ")
			if got := strings.Join(pages, " | "); got != want {
				t.Errorf("pages: %s, want %s", got, want)
			}
		})
		t.Run("anonymous", func(t *testing.T) {
			_, _, err := d.ListOrganizations(ctx, access.Anonymous, directory.Filter{})
			wantDenied(t, err)
		})
	})
}

func TestListTeams(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		for _, o := range []directory.Organization{
			{Kind: directory.SectorCSIRT, Name: "Banca", ShortName: "MX-BANK", Country: "MX", Team: &directory.TeamProfile{Sector: "banking"}},
			{Kind: directory.Ministry, Name: "Cancillería", ShortName: "MX-MIN", Country: "MX"},
			{Kind: directory.PoliceCSIRT, Name: "Policía", ShortName: "MX-POL", Country: "MX"},
			{Kind: directory.NationalCSIRT, Name: "Nacional", ShortName: "MX-NAT", Country: "MX"},
			{Kind: directory.NationalCSIRT, Name: "Nacional CR", ShortName: "CR-NAT", Country: "CR"},
			{Kind: directory.GovernmentCSIRT, Name: "Gobierno B", ShortName: "MX-GOV-B", Country: "MX"},
			{Kind: directory.GovernmentCSIRT, Name: "Gobierno A", ShortName: "MX-GOV-A", Country: "MX"},
		} {
			mustCreate(t, d, o)
		}
		cases := []struct{ name, country, want string }{
			{"one country, national first", "MX", "MX-NAT MX-GOV-A MX-GOV-B MX-POL MX-BANK"},
			{"alpha-3", "cri", "CR-NAT"},
			{"every country", "", "CR-NAT MX-NAT MX-GOV-A MX-GOV-B MX-POL MX-BANK"},
			{"no teams", "JM", ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := d.ListTeams(ctx, secAdmin, tc.country)
				if err != nil || shortNames(got) != tc.want {
					t.Errorf("ListTeams(%q) = %q, %v; want %q", tc.country, shortNames(got), err, tc.want)
				}
			})
		}
		_, err := d.ListTeams(ctx, secAdmin, "ES")
		wantCode(t, err, "country", "directory.country_member")
	})
}

func sortedWords(s string) string {
	w := strings.Fields(s)
	slices.Sort(w)
	return strings.Join(w, " ")
}
