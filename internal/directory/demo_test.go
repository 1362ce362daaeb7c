package directory_test

import (
	"maps"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/directory"
	"atalaya/internal/store"
)

// demoActor is how the demo command seeds a fresh install: a secretariat
// admin whose organisation does not exist yet.
var demoActor = access.Actor{UserID: "system", Name: "system:demo", Secretariat: true,
	Roles: []access.Role{access.SecretariatAdmin}}

func TestSeedDemo(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		ids, err := directory.SeedDemo(ctx, d, demoActor)
		if err != nil {
			t.Fatalf("SeedDemo: %v", err)
		}
		sec, err := d.GetOrganization(ctx, secAdmin, ids.Secretariat)
		if err != nil || sec.Kind != directory.Secretariat || ids.ByShortName[directory.SecretariatShortName] != sec.ID {
			t.Fatalf("secretariat %+v, %v", sec, err)
		}
		teams, _ := d.ListTeams(ctx, secAdmin, "")
		kinds := map[directory.Kind]int{}
		for _, team := range teams {
			kinds[team.Kind]++
			if ids.ByShortName[team.ShortName] != team.ID || !strings.HasSuffix(team.Name, "(demo)") {
				t.Errorf("team %s (%s) missing from DemoOrgs or not marked demo", team.ShortName, team.Name)
			}
		}
		if len(teams) < 12 || len(kinds) != 5 {
			t.Errorf("%d teams of %d kinds, want at least 12 of all 5", len(teams), len(kinds))
		}
		checkDemoConstituency(t, d)
		checkDemoContacts(t, d)

		ov, err := d.Overlaps(ctx, secAdmin, ids.ByShortName["DEMO-MX-BANK"])
		if got := overlapRows(ov); err != nil || !strings.Contains(got, "198.51.100.128/25 within 198.51.100.0/24@DEMO-MX-NAT") {
			t.Errorf("the bank's overlaps: %s, %v", got, err)
		}

		entries := auditOK(t, db)
		again, err := directory.SeedDemo(ctx, d, demoActor)
		if err != nil || !maps.Equal(again.ByShortName, ids.ByShortName) || again.Secretariat != ids.Secretariat {
			t.Errorf("second SeedDemo = %+v, %v; want %+v", again, err, ids)
		}
		if auditOK(t, db) != entries {
			t.Error("a second SeedDemo changed the directory")
		}
	})
}

// checkDemoConstituency requires every demo address and AS number to be
// reserved for documentation, and every domain to be an example name.
func checkDemoConstituency(t *testing.T, d *directory.Directory) {
	t.Helper()
	all, err := d.AllConstituency(ctx, secAdmin)
	if err != nil || len(all) < 36 {
		t.Fatalf("%d constituency entries, %v", len(all), err)
	}
	for _, e := range all {
		ok := e.Flag == directory.Documentation
		if e.Kind == directory.DomainEntry {
			ok = strings.Contains("."+e.Value+".", ".example.")
		}
		if !ok {
			t.Errorf("demo entry %s %s is not a documentation value", e.Kind, e.Value)
		}
	}
}

func checkDemoContacts(t *testing.T, d *directory.Directory) {
	t.Helper()
	cur, err := d.CurrentContacts(ctx, secAdmin, "")
	countries := map[string]bool{}
	for _, c := range cur {
		countries[c.Country] = true
	}
	if err != nil || len(countries) < 5 {
		t.Errorf("current contacts in %d countries, %v", len(countries), err)
	}
	hist, _ := d.ContactHistory(ctx, secAdmin, "MX", directory.IncidentResponse)
	if summary(hist) != "incident_response:Ana Lucía Torres:2022-07-01.. incident_response:Jorge Ramírez:2018-02-01..2022-07-01" {
		t.Errorf("Mexico's incident response history: %s", summary(hist))
	}
	cl, _ := d.CurrentContacts(ctx, secAdmin, "CL")
	if summary(cl) != "incident_response:Francisca Soto:2019-01-07.." {
		t.Errorf("Chile's current contacts: %s (the policy contact ended)", summary(cl))
	}
}

func TestSeedDemoUsesTheActorsSecretariat(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		sec := mustCreate(t, d, directory.Organization{Kind: directory.Secretariat, Name: "Program", ShortName: "PROG"})
		actor := demoActor
		actor.OrgID = sec.ID
		ids, err := directory.SeedDemo(ctx, d, actor)
		if err != nil || ids.Secretariat != sec.ID || ids.ByShortName["PROG"] != sec.ID {
			t.Fatalf("SeedDemo = %+v, %v; want the existing secretariat %s", ids, err, sec.ID)
		}
		if secs, _, _ := d.ListOrganizations(ctx, secAdmin, directory.Filter{Kind: directory.Secretariat}); len(secs) != 1 {
			t.Errorf("%d secretariats", len(secs))
		}
	})
}

func TestSeedDemoNeedsTheSecretariat(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		_, err := directory.SeedDemo(ctx, d, member("team", access.TeamAdmin))
		wantDenied(t, err)
		if count(t, db, "organizations") != 0 {
			t.Error("a denied seed created organizations")
		}
	})
}
