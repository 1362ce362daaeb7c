package directory_test

import (
	"fmt"
	"testing"

	"atalaya/internal/directory"
	"atalaya/internal/store/storetest"
)

// go test ./internal/directory -run '^$' -bench . -benchtime 2s

// BenchmarkAddConstituency adds prefixes to one team while another team
// holds 300 entries, so each addition also pays for its overlap check.
func BenchmarkAddConstituency(b *testing.B) {
	d := directory.New(storetest.SQLite(b, schema()))
	team, err := d.CreateOrganization(ctx, secAdmin, directory.Organization{Kind: directory.NationalCSIRT,
		Name: "Bench", Country: "MX"})
	if err != nil {
		b.Fatal(err)
	}
	other, err := d.CreateOrganization(ctx, secAdmin, directory.Organization{Kind: directory.NationalCSIRT,
		Name: "Other", Country: "CR"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 300 {
		if _, _, err := d.AddConstituency(ctx, secAdmin, other.ID, fmt.Sprintf("2001:db8:ff:%x::/64", i), ""); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		i++
		raw := fmt.Sprintf("2001:db8:%x:%x::/64", i>>16, i&0xffff)
		if _, _, err := d.AddConstituency(ctx, secAdmin, team.ID, raw, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListOrganizations searches a directory of 300 organisations, as
// the directory page does on every keystroke of its search box.
func BenchmarkListOrganizations(b *testing.B) {
	d := directory.New(storetest.SQLite(b, schema()))
	states := directory.MemberStates()
	for i := range 300 {
		m := states[i%len(states)]
		_, err := d.CreateOrganization(ctx, secAdmin, directory.Organization{Kind: directory.NationalCSIRT,
			Name: fmt.Sprintf("Equipo Nacional %d de %s", i, m.NameES), Country: m.Code})
		if err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		page, _, err := d.ListOrganizations(ctx, secAdmin, directory.Filter{Query: "mexico", Limit: 50})
		if err != nil || len(page) == 0 {
			b.Fatalf("%d results, %v", len(page), err)
		}
	}
}

// BenchmarkParseEntry parses a mix of what teams paste in bulk imports.
func BenchmarkParseEntry(b *testing.B) {
	in := []string{"198.51.100.0/24", "2001:db8:100::/40", "AS64496", "1.10", "cert.example.gob.mx", "münchen.de"}
	for b.Loop() {
		for _, s := range in {
			if _, err := directory.ParseEntry(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
