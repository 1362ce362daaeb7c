package directory_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/directory"
	"atalaya/internal/store"
)

func values(es []directory.Entry) string {
	var vs []string
	for _, e := range es {
		vs = append(vs, e.Value)
	}
	return strings.Join(vs, " ")
}

func TestConstituencyAddListRemove(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		team := newTeam(t, d, "DEMO-MX", "MX")
		admin := member(team.ID, access.TeamAdmin)
		for _, raw := range []string{"example.gob.mx", "AS64497", "2001:db8::/32", "198.51.100.0/24", "64496",
			"192.0.2.0/24", "192.0.2.128/25", "cert.example.gob.mx", "8.8.8.0/24"} {
			mustAdd(t, d, admin, team.ID, raw)
		}
		got, err := d.Constituency(ctx, member("other", access.Observer), team.ID)
		want := "8.8.8.0/24 192.0.2.0/24 192.0.2.128/25 198.51.100.0/24 2001:db8::/32 AS64496 AS64497 cert.example.gob.mx example.gob.mx"
		if err != nil || values(got) != want {
			t.Fatalf("Constituency = %s, %v\nwant %s", values(got), err, want)
		}
		if got[1].Flag != directory.Documentation || got[0].Flag != directory.Unflagged || got[0].CreatedBy != admin.UserID {
			t.Errorf("entries %+v / %+v", got[0], got[1])
		}
		if err := d.RemoveConstituency(ctx, admin, got[0].ID); err != nil {
			t.Fatalf("RemoveConstituency: %v", err)
		}
		if err := d.RemoveConstituency(ctx, admin, got[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("removing twice: %v, want store.ErrNotFound", err)
		}
		after, _ := d.Constituency(ctx, admin, team.ID)
		if values(after) != strings.TrimPrefix(want, "8.8.8.0/24 ") {
			t.Errorf("after removal: %s", values(after))
		}
		checkConstituencyAudit(t, db, got[0])
	})
}

// checkConstituencyAudit requires the removal of e to be audited with the
// entry as it was, and the chain to hold.
func checkConstituencyAudit(t *testing.T, db *store.DB, e directory.Entry) {
	t.Helper()
	entries, _, err := audit.List(ctx, db, audit.Filter{ObjectID: e.ID})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit of %s: %d entries, %v", e.ID, len(entries), err)
	}
	removal, added := entries[0], entries[1]
	if removal.Action != "constituency.remove" || added.Action != "constituency.add" || removal.OrgID != e.OrgID {
		t.Errorf("audit actions %s, %s (org %s)", removal.Action, added.Action, removal.OrgID)
	}
	var before directory.Entry
	if err := json.Unmarshal(removal.Before, &before); err != nil || before.Value != e.Value || string(removal.After) != "null" {
		t.Errorf("removal before %s after %s", removal.Before, removal.After)
	}
	auditOK(t, db)
}

func TestConstituencyRefusals(t *testing.T) {
	cases := []struct {
		name, raw, note string
		field, code     string
	}{
		{"duplicate prefix with spaces", " 198.51.100.0/24 ", "", "value", "constituency.duplicate"},
		{"duplicate ASN in another spelling", "as 64496", "", "value", "constituency.duplicate"},
		{"duplicate ASN in asdot+", "0.64496", "", "value", "constituency.duplicate"},
		{"duplicate domain in another spelling", "Example.GOB.mx.", "", "value", "constituency.duplicate"},
		{"duplicate IDN as A-label", "xn--mnchen-3ya.de", "", "value", "constituency.duplicate"},
		{"non-canonical prefix", "198.51.100.7/24", "", "value", "prefix.not_canonical"},
		{"public suffix", "gob.mx", "", "value", "domain.public_suffix"},
		{"AS_TRANS", "AS23456", "", "value", "asn.trans"},
		{"note too long", "203.0.113.0/24", strings.Repeat("n", 501), "note", "directory.too_long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
				team := newTeam(t, d, "DEMO-MX", "MX")
				for _, raw := range []string{"198.51.100.0/24", "AS64496", "example.gob.mx", "münchen.de"} {
					mustAdd(t, d, secAdmin, team.ID, raw)
				}
				rows, entries := count(t, db, "constituency"), auditOK(t, db)
				_, _, err := d.AddConstituency(ctx, secAdmin, team.ID, tc.raw, tc.note)
				wantCode(t, err, tc.field, tc.code)
				if count(t, db, "constituency") != rows || auditOK(t, db) != entries {
					t.Error("a refused entry changed the database")
				}
			})
		})
	}
}

func TestConstituencyOnlyForTeams(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		min := mustCreate(t, d, directory.Organization{Kind: directory.Ministry, Name: "Ministerio (demo)", Country: "MX"})
		_, _, err := d.AddConstituency(ctx, secAdmin, min.ID, "192.0.2.0/24", "")
		wantCode(t, err, "org_id", "constituency.not_team")
		if _, _, err := d.AddConstituency(ctx, secAdmin, "missing", "192.0.2.0/24", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("adding to a missing organization: %v", err)
		}
		if count(t, db, "constituency") != 0 {
			t.Error("an entry was stored")
		}
	})
}

// overlapRows shows overlaps as "mine relation other@TEAM".
func overlapRows(os []directory.Overlap) string {
	var rows []string
	for _, o := range os {
		rows = append(rows, o.Entry.Value+" "+string(o.Relation)+" "+o.Other.Value+"@"+o.OtherOrg.ShortName)
	}
	return strings.Join(rows, "; ")
}

func TestOverlapsBetweenTeams(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		a, bank, c := newTeam(t, d, "NAT", "MX"), newTeam(t, d, "BANK", "MX"), newTeam(t, d, "NAT-CR", "CR")
		for _, raw := range []string{"198.51.100.0/24", "2001:db8::/32", "AS64496", "example.gob.mx", "203.0.113.0/25"} {
			mustAdd(t, d, secAdmin, a.ID, raw)
		}
		_, ov := mustAdd(t, d, secAdmin, bank.ID, "198.51.100.128/25")
		if got := overlapRows(ov); got != "198.51.100.128/25 within 198.51.100.0/24@NAT" {
			t.Errorf("AddConstituency overlaps = %q", got)
		}
		for _, raw := range []string{"AS64496", "cert.example.gob.mx", "203.0.113.128/25", "ample.gob.mx", "AS64497"} {
			mustAdd(t, d, secAdmin, bank.ID, raw)
		}
		for _, raw := range []string{"2001:db8:1::/48", "198.51.100.0/24", "gob.example"} {
			mustAdd(t, d, secAdmin, c.ID, raw)
		}
		cases := []struct {
			name, orgID, want string
		}{
			{"national team", a.ID, "198.51.100.0/24 contains 198.51.100.128/25@BANK; 198.51.100.0/24 same 198.51.100.0/24@NAT-CR; " +
				"2001:db8::/32 contains 2001:db8:1::/48@NAT-CR; AS64496 same AS64496@BANK; " +
				"example.gob.mx contains cert.example.gob.mx@BANK"},
			{"bank", bank.ID, "198.51.100.128/25 within 198.51.100.0/24@NAT; 198.51.100.128/25 within 198.51.100.0/24@NAT-CR; " +
				"AS64496 same AS64496@NAT; cert.example.gob.mx within example.gob.mx@NAT"},
			{"other country", c.ID, "198.51.100.0/24 contains 198.51.100.128/25@BANK; 198.51.100.0/24 same 198.51.100.0/24@NAT; " +
				"2001:db8:1::/48 within 2001:db8::/32@NAT"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ov, err := d.Overlaps(ctx, member(tc.orgID, access.Analyst), tc.orgID)
				if err != nil || overlapRows(ov) != tc.want {
					t.Errorf("Overlaps =\n %s, %v\nwant\n %s", overlapRows(ov), err, tc.want)
				}
			})
		}
		empty := newTeam(t, d, "EMPTY", "JM")
		if ov, err := d.Overlaps(ctx, secAdmin, empty.ID); err != nil || len(ov) != 0 {
			t.Errorf("team without entries: %v, %v", ov, err)
		}
	})
}

func TestConstituencyAccess(t *testing.T) {
	cases := []struct {
		name  string
		actor func(a, b string) access.Actor
		allow bool
	}{
		{"team admin of the team", func(a, _ string) access.Actor { return member(a, access.TeamAdmin) }, true},
		{"analyst of the team", func(a, _ string) access.Actor { return member(a, access.Analyst) }, true},
		{"secretariat admin", func(_, _ string) access.Actor { return secAdmin }, true},
		{"team admin of another team", func(_, b string) access.Actor { return member(b, access.TeamAdmin) }, false},
		{"observer of the team", func(a, _ string) access.Actor { return member(a, access.Observer) }, false},
		{"secretariat officer", func(_, _ string) access.Actor { return secOfficer }, false},
		{"read token of the team admin", func(a, _ string) access.Actor {
			return withScopes(member(a, access.TeamAdmin), access.ScopeRead)
		}, false},
		{"anonymous", func(_, _ string) access.Actor { return access.Anonymous }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
				a, b := newTeam(t, d, "TEAM-A", "MX"), newTeam(t, d, "TEAM-B", "CR")
				existing, _ := mustAdd(t, d, secAdmin, a.ID, "192.0.2.0/24")
				actor := tc.actor(a.ID, b.ID)
				_, _, addErr := d.AddConstituency(ctx, actor, a.ID, "AS64496", "")
				rmErr := d.RemoveConstituency(ctx, actor, existing.ID)
				left, _ := d.Constituency(ctx, secAdmin, a.ID)
				if tc.allow {
					if addErr != nil || rmErr != nil || values(left) != "AS64496" {
						t.Fatalf("add %v, remove %v, left %s", addErr, rmErr, values(left))
					}
					return
				}
				wantDenied(t, addErr)
				wantDenied(t, rmErr)
				if values(left) != "192.0.2.0/24" {
					t.Errorf("denied changes left %s", values(left))
				}
				if n := auditOK(t, db); n != 3 {
					t.Errorf("%d audit entries, want 3 (two teams, one entry)", n)
				}
			})
		})
	}
}
