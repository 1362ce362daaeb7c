package directory_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/directory"
	"atalaya/internal/store"
)

func fullTeam() directory.Organization {
	return directory.Organization{
		Kind: directory.NationalCSIRT, Name: "CSIRT Nacional de Costa Rica (demo)", ShortName: "DEMO-CR",
		Country: "cri", Email: "info@example.go.cr", Phone: "+506 5555 0100", Website: "https://example.go.cr/",
		Team: &directory.TeamProfile{
			Constituency: "Public institutions of Costa Rica", Email: "cert@example.go.cr",
			Phone: "+506 5555 0101", EmergencyPhone: "+506 5555 0199", Website: "https://cert.example.go.cr/",
			PGPKey:         "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF...\n-----END PGP PUBLIC KEY BLOCK-----",
			PGPFingerprint: "3a1f 9c2d 7b4e 6a85 0c1d  2e3f 4a5b 6c7d 8e9f 0a1b",
			BusinessHours:  "Lun–Vie 08:00–16:00", TimeZone: "America/Costa_Rica", Established: "2014-10-06",
			FIRSTMember: true, FIRSTSince: "2016-06-01",
		},
	}
}

func TestCreateOrganization(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		got := mustCreate(t, d, fullTeam())
		if got.ID == "" || got.CreatedAt.IsZero() || !got.UpdatedAt.Equal(got.CreatedAt) {
			t.Errorf("id %q, created %v, updated %v", got.ID, got.CreatedAt, got.UpdatedAt)
		}
		if got.Country != "CR" || got.Team.PGPFingerprint != "3A1F9C2D7B4E6A850C1D2E3F4A5B6C7D8E9F0A1B" ||
			got.Team.Status != directory.Active {
			t.Errorf("not normalised: country %q, fingerprint %q, status %q", got.Country, got.Team.PGPFingerprint, got.Team.Status)
		}
		read, err := d.GetOrganization(ctx, member("someone", access.Observer), got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Team == nil || *read.Team != *got.Team || read.Name != got.Name || !read.UpdatedAt.Equal(got.UpdatedAt) {
			t.Errorf("read back %+v (team %+v), want %+v (team %+v)", read, read.Team, got, got.Team)
		}
		if a := auditActions(t, db, got.ID); !slices.Equal(a, []string{"organization.create"}) {
			t.Errorf("audit actions %v", a)
		}
		auditOK(t, db)
	})
}

func TestCreateOrganizationProfileOnlyForTeams(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		min := mustCreate(t, d, directory.Organization{Kind: directory.Ministry, Name: "Ministerio (demo)",
			Country: "MX", Team: &directory.TeamProfile{Email: "x@example.org"}})
		if min.Team != nil {
			t.Errorf("a ministry got a team profile: %+v", min.Team)
		}
		team := mustCreate(t, d, directory.Organization{Kind: directory.PoliceCSIRT, Name: "Policía (demo)", Country: "CO"})
		read, _ := d.GetOrganization(ctx, secAdmin, team.ID)
		if read.Team == nil || read.Team.Status != directory.Active {
			t.Errorf("a team without a given profile got %+v, want a default active one", read.Team)
		}
		if n := count(t, db, "team_profiles"); n != 1 {
			t.Errorf("%d team profiles, want 1", n)
		}
	})
}

func TestCreateOrganizationRefusesBadInput(t *testing.T) {
	cases := []struct {
		name   string
		change func(o *directory.Organization)
		field  string
		code   string
	}{
		{"unknown kind", func(o *directory.Organization) { o.Kind = "csirt" }, "kind", "organization.kind"},
		{"no name", func(o *directory.Organization) { o.Name = "  " }, "name", "directory.required"},
		{"name too long", func(o *directory.Organization) { o.Name = strings.Repeat("n", 201) }, "name", "directory.too_long"},
		{"short name with accents", func(o *directory.Organization) { o.ShortName = "CSIRT-PERÚ" }, "short_name", "organization.short_name_chars"},
		{"team without country", func(o *directory.Organization) { o.Country = "" }, "country", "directory.required"},
		{"team outside the member states", func(o *directory.Organization) { o.Country = "ES" }, "country", "directory.country_member"},
		{"secretariat with a country", func(o *directory.Organization) { o.Kind = directory.Secretariat; o.Team = nil },
			"country", "organization.country_regional"},
		{"donor with a bad country code", func(o *directory.Organization) { o.Kind = directory.Donor; o.Country = "XYZ" },
			"country", "organization.country"},
		{"bad e-mail", func(o *directory.Organization) { o.Email = "cert at example" }, "email", "directory.email"},
		{"e-mail with a display name", func(o *directory.Organization) { o.Email = "CERT <cert@example.org>" }, "email", "directory.email"},
		{"e-mail without a dot in the domain", func(o *directory.Organization) { o.Email = "cert@localhost" }, "email", "directory.email"},
		{"website without scheme", func(o *directory.Organization) { o.Website = "www.example.org" }, "website", "directory.url"},
		{"ftp website", func(o *directory.Organization) { o.Website = "ftp://example.org/" }, "website", "directory.url"},
		{"phone with letters", func(o *directory.Organization) { o.Phone = "call us" }, "phone", "directory.phone"},
		{"phone too short", func(o *directory.Organization) { o.Phone = "+1 23" }, "phone", "directory.phone"},
		{"emergency phone with + inside", func(o *directory.Organization) { o.Team.EmergencyPhone = "506+5555 0199" },
			"team.emergency_phone", "directory.phone"},
		{"team e-mail", func(o *directory.Organization) { o.Team.Email = "@example.org" }, "team.email", "directory.email"},
		{"team website", func(o *directory.Organization) { o.Team.Website = "https://" }, "team.website", "directory.url"},
		{"unknown time zone", func(o *directory.Organization) { o.Team.TimeZone = "America/Atlantis" }, "team.time_zone", "directory.time_zone"},
		{"Local time zone", func(o *directory.Organization) { o.Team.TimeZone = "Local" }, "team.time_zone", "directory.time_zone"},
		{"short fingerprint", func(o *directory.Organization) { o.Team.PGPFingerprint = "3A1F 9C2D" }, "team.pgp_fingerprint", "team.fingerprint"},
		{"fingerprint not hex", func(o *directory.Organization) {
			o.Team.PGPFingerprint = strings.Repeat("G", 40)
		}, "team.pgp_fingerprint", "team.fingerprint"},
		{"private key", func(o *directory.Organization) {
			o.Team.PGPKey = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nxx\n-----END PGP PRIVATE KEY BLOCK-----"
		}, "team.pgp_key", "team.pgp_private"},
		{"key not armored", func(o *directory.Organization) { o.Team.PGPKey = "mQINBF..." }, "team.pgp_key", "team.pgp_key"},
		{"impossible date", func(o *directory.Organization) { o.Team.Established = "2014-02-30" }, "team.established", "directory.date"},
		{"date in another format", func(o *directory.Organization) { o.Team.Established = "06/10/2014" }, "team.established", "directory.date"},
		{"future date", func(o *directory.Organization) { o.Team.Established = "2999-01-01" }, "team.established", "directory.date_future"},
		{"FIRST date without membership", func(o *directory.Organization) { o.Team.FIRSTMember = false },
			"team.first_member_since", "team.first_since_not_member"},
		{"unknown status", func(o *directory.Organization) { o.Team.Status = "dormant" }, "team.status", "team.status"},
		{"sector team without sector", func(o *directory.Organization) { o.Kind = directory.SectorCSIRT }, "team.sector", "directory.required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
				o := fullTeam()
				tc.change(&o)
				_, err := d.CreateOrganization(ctx, secAdmin, o)
				wantCode(t, err, tc.field, tc.code)
				if n := count(t, db, "organizations") + count(t, db, "team_profiles") + count(t, db, "audit_log"); n != 0 {
					t.Errorf("a refused creation left %d rows", n)
				}
			})
		})
	}
}

func TestCreateOrganizationReportsEveryField(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		_, err := d.CreateOrganization(ctx, secAdmin, directory.Organization{Kind: directory.NationalCSIRT,
			Email: "nope", Team: &directory.TeamProfile{TimeZone: "Nowhere/City"}})
		if got, want := fieldsOf(err), "name country email team.time_zone"; got != want {
			t.Errorf("fields %q, want %q", got, want)
		}
	})
}

func TestShortNameIsUnique(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		newTeam(t, d, "CERT-X", "MX")
		other := newTeam(t, d, "CERT-Y", "MX")
		_, err := d.CreateOrganization(ctx, secAdmin, directory.Organization{Kind: directory.Donor, Name: "Fund", ShortName: "cert-x"})
		wantCode(t, err, "short_name", "organization.short_name_taken")
		other.ShortName = "Cert-X"
		_, err = d.UpdateOrganization(ctx, secAdmin, other)
		wantCode(t, err, "short_name", "organization.short_name_taken")
		// Empty short names never collide.
		for range 2 {
			mustCreate(t, d, directory.Organization{Kind: directory.Donor, Name: "Anonymous fund"})
		}
	})
}

func TestUpdateOrganization(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		a := mustCreate(t, d, fullTeam())
		b := newTeam(t, d, "DEMO-B", "MX")
		admin := member(a.ID, access.TeamAdmin)

		edit := a
		edit.Team = &directory.TeamProfile{Email: "new@example.go.cr", TimeZone: "America/Costa_Rica", Status: directory.Forming}
		got, err := d.UpdateOrganization(ctx, admin, edit)
		if err != nil {
			t.Fatalf("team admin editing the own profile: %v", err)
		}
		if !got.UpdatedAt.After(a.UpdatedAt) || got.Team.Email != "new@example.go.cr" || got.Team.PGPKey != "" {
			t.Errorf("after update: %+v / %+v", got, got.Team)
		}

		stale := a // carries the UpdatedAt of before the edit
		stale.Name = "Overwritten"
		if _, err := d.UpdateOrganization(ctx, secAdmin, stale); !errors.Is(err, store.ErrConflict) {
			t.Errorf("stale update: %v, want store.ErrConflict", err)
		}

		for name, change := range map[string]func(o *directory.Organization){
			"kind":    func(o *directory.Organization) { o.Kind = directory.Secretariat; o.Country = "" },
			"country": func(o *directory.Organization) { o.Country = "PA" },
		} {
			o := got
			change(&o)
			_, err := d.UpdateOrganization(ctx, admin, o)
			if !errors.Is(err, access.ErrDenied) {
				t.Errorf("team admin changing the own %s: %v, want access.ErrDenied", name, err)
			}
		}
		other := b
		other.Name = "Taken over"
		wantDenied(t, func() error { _, err := d.UpdateOrganization(ctx, admin, other); return err }())

		read, _ := d.GetOrganization(ctx, secAdmin, b.ID)
		if read.Name != b.Name {
			t.Errorf("denied update changed %s to %q", b.ID, read.Name)
		}
		read, _ = d.GetOrganization(ctx, secAdmin, a.ID)
		if read.Kind != directory.NationalCSIRT || read.Country != "CR" || read.Name != a.Name {
			t.Errorf("refused updates changed the organization: %+v", read)
		}
		if acts := auditActions(t, db, a.ID); !slices.Equal(acts, []string{"organization.create", "organization.update"}) {
			t.Errorf("audit actions %v", acts)
		}
		auditOK(t, db)
	})
}

func TestUpdateOrganizationKindChangeDropsProfile(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		a := mustCreate(t, d, fullTeam())
		a.Kind = directory.Ministry
		got, err := d.UpdateOrganization(ctx, secOfficer, a)
		if err != nil {
			t.Fatal(err)
		}
		read, _ := d.GetOrganization(ctx, secAdmin, a.ID)
		if got.Team != nil || read.Team != nil || count(t, db, "team_profiles") != 0 {
			t.Errorf("profile kept: %+v / %+v", got.Team, read.Team)
		}
		if _, err := d.UpdateOrganization(ctx, secAdmin, directory.Organization{ID: "nope", Kind: directory.Donor, Name: "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("updating a missing organization: %v", err)
		}
	})
}

func TestOrganizationAccess(t *testing.T) {
	cases := []struct {
		name  string
		actor access.Actor
		allow bool
	}{
		{"secretariat admin", secAdmin, true},
		{"secretariat officer", secOfficer, true},
		{"team admin", member("org-a", access.TeamAdmin), false},
		{"analyst", member("org-a", access.Analyst), false},
		{"anonymous", access.Anonymous, false},
		{"read-only token of the secretariat admin", withScopes(secAdmin, access.ScopeRead), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
				_, err := d.CreateOrganization(ctx, tc.actor, directory.Organization{Kind: directory.Donor, Name: "Fund"})
				if tc.allow != (err == nil) || (!tc.allow && !errors.Is(err, access.ErrDenied)) {
					t.Fatalf("CreateOrganization: %v (allowed: %v)", err, tc.allow)
				}
				if want := map[bool]int{true: 1, false: 0}[tc.allow]; count(t, db, "organizations") != want {
					t.Errorf("%d organizations, want %d", count(t, db, "organizations"), want)
				}
			})
		})
	}
}

func withScopes(a access.Actor, s ...access.Scope) access.Actor {
	a.Scopes = s
	return a
}
