package auth

import (
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

func TestCreateUserValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.user(orgA, "taken@example.org", access.Analyst)
		ok := NewUser{OrgID: orgA, Email: "new@example.org", Name: "Nueva Persona", Roles: []access.Role{access.Analyst},
			Password: goodPassword}
		cases := []struct {
			name        string
			change      func(*NewUser)
			field, code string
		}{
			{"empty e-mail", func(n *NewUser) { n.Email = " " }, "email", "auth.email.required"},
			{"malformed e-mail", func(n *NewUser) { n.Email = "not an address" }, "email", "auth.email.malformed"},
			{"e-mail with a display name", func(n *NewUser) { n.Email = "Ana <ana@example.org>" }, "email", "auth.email.malformed"},
			{"e-mail taken in another case", func(n *NewUser) { n.Email = "Taken@Example.ORG" }, "email", "auth.email.taken"},
			{"empty name", func(n *NewUser) { n.Name = "  " }, "name", "auth.name.required"},
			{"long name", func(n *NewUser) { n.Name = strings.Repeat("é", maxNameLen+1) }, "name", "auth.name.too_long"},
			{"short password", func(n *NewUser) { n.Password = "elevenchars" }, "password", "auth.password.too_short"},
			{"twelve bytes, six characters", func(n *NewUser) { n.Password = "ññññññ" }, "password", "auth.password.too_short"},
			{"huge password", func(n *NewUser) { n.Password = strings.Repeat("x", MaxPasswordLen+1) }, "password", "auth.password.too_long"},
			{"password is the e-mail", func(n *NewUser) { n.Email, n.Password = "longname@example.org", "LongName@example.org" },
				"password", "auth.password.is_email"},
			{"no role", func(n *NewUser) { n.Roles = nil }, "roles", "auth.roles.required"},
			{"unknown role", func(n *NewUser) { n.Roles = []access.Role{"root"} }, "roles", "auth.roles.unknown"},
			{"secretariat role in a team", func(n *NewUser) { n.Roles = []access.Role{access.SecretariatAdmin} },
				"roles", "auth.roles.secretariat_only"},
			{"no organisation", func(n *NewUser) { n.OrgID = "" }, "org_id", "auth.organization.required"},
			{"unknown organisation", func(n *NewUser) { n.OrgID = "org-zz" }, "org_id", "auth.organization.unknown"},
			{"unsupported language", func(n *NewUser) { n.Language = "de" }, "language", "auth.language.unsupported"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				users, entries := f.count("users"), f.count("audit_log")
				nu := ok
				tc.change(&nu)
				_, err := f.auth.CreateUser(f.ctx, SystemActor(), nu)
				wantField(t, err, tc.field, tc.code)
				if f.count("users") != users || f.count("audit_log") != entries {
					t.Errorf("a refused user changed the database")
				}
			})
		}
		t.Run("several problems at once", func(t *testing.T) {
			_, err := f.auth.CreateUser(f.ctx, SystemActor(), NewUser{OrgID: orgA, Email: "x", Password: "short"})
			var fields []string
			for _, e := range valid.List(err) {
				fields = append(fields, e.Field)
			}
			if got := strings.Join(fields, ","); got != "email,name,password,roles" {
				t.Errorf("problems on %s, want email,name,password,roles (%v)", got, err)
			}
		})
	})
}

func TestCreateUserAccess(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		adminA := f.userActor(orgA, "admin-a@example.org", access.TeamAdmin)
		analystA := f.userActor(orgA, "analyst-a@example.org", access.Analyst)
		secAdmin := f.userActor(orgSec, "sec@example.org", access.SecretariatAdmin)
		officer := f.userActor(orgSec, "officer@example.org", access.SecretariatOfficer)
		cases := []struct {
			name  string
			actor access.Actor
			org   string
			want  error
		}{
			{"team admin in own organisation", adminA, orgA, nil},
			{"team admin in another organisation", adminA, orgB, access.ErrDenied},
			{"analyst", analystA, orgA, access.ErrDenied},
			{"secretariat admin anywhere", secAdmin, orgB, nil},
			{"secretariat officer", officer, orgB, access.ErrDenied},
			{"anonymous", access.Anonymous, orgA, access.ErrDenied},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				email := "made" + string(rune('a'+i)) + "@example.org"
				u, err := f.auth.CreateUser(f.ctx, tc.actor, NewUser{OrgID: tc.org, Email: email, Name: "Made",
					Roles: []access.Role{access.Observer, access.Analyst, access.Observer}, Password: goodPassword})
				wantErr(t, err, tc.want)
				if err != nil {
					return
				}
				got, err := f.auth.GetUser(f.ctx, tc.actor, u.ID)
				if err != nil || got.Email != email || got.OrgID != tc.org || joinList(got.Roles) != "analyst,observer" {
					t.Errorf("GetUser = %+v, %v; want the created account with roles in order, once", got, err)
				}
			})
		}
	})
}

func TestGetUserAccess(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		analystA := f.userActor(orgA, "analyst-a@example.org", access.Analyst)
		colleague := f.user(orgA, "colleague@example.org", access.Analyst)
		other := f.user(orgB, "other@example.org", access.TeamAdmin)
		adminA := f.userActor(orgA, "admin-a@example.org", access.TeamAdmin)
		cases := []struct {
			name  string
			actor access.Actor
			id    string
			want  error
		}{
			{"oneself", analystA, analystA.UserID, nil},
			{"a colleague without ViewUsers", analystA, colleague.ID, access.ErrDenied},
			{"a colleague as team admin", adminA, colleague.ID, nil},
			{"another organisation's account", adminA, other.ID, access.ErrDenied},
			{"an unknown account", adminA, "nope", store.ErrNotFound},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.auth.GetUser(f.ctx, tc.actor, tc.id)
				wantErr(t, err, tc.want)
			})
		}
	})
}

func TestListUsers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		adminA := f.userActor(orgA, "admin-a@example.org", access.TeamAdmin)
		secAdmin := f.userActor(orgSec, "sec@example.org", access.SecretariatAdmin)
		officer := f.userActor(orgSec, "officer@example.org", access.SecretariatOfficer)
		u, err := f.auth.CreateUser(f.ctx, SystemActor(), NewUser{OrgID: orgA, Email: "angela@example.org",
			Name: "Ángela Núñez", Roles: []access.Role{access.Analyst}, Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		f.user(orgA, "percent_100@example.org", access.Analyst)
		f.user(orgB, "b1@example.org", access.Analyst)
		cases := []struct {
			name  string
			actor access.Actor
			f     Filter
			want  []string // e-mails
			err   error
		}{
			{"own organisation", adminA, Filter{OrgID: orgA},
				[]string{"admin-a@example.org", "angela@example.org", "percent_100@example.org"}, nil},
			{"name in another case and accents", adminA, Filter{OrgID: orgA, Query: "ÁNGELA"}, []string{u.Email}, nil},
			{"part of the e-mail", adminA, Filter{OrgID: orgA, Query: "GELA@"}, []string{u.Email}, nil},
			{"LIKE wildcards are literal", adminA, Filter{OrgID: orgA, Query: "an_e"}, nil, nil},
			{"underscore matched as itself", adminA, Filter{OrgID: orgA, Query: "t_100"}, []string{"percent_100@example.org"}, nil},
			{"team admin of another organisation", adminA, Filter{OrgID: orgB}, nil, access.ErrDenied},
			{"team admin, every organisation", adminA, Filter{}, nil, access.ErrDenied},
			{"secretariat officer, a team", officer, Filter{OrgID: orgA}, nil, access.ErrDenied},
			{"secretariat officer, own organisation", officer, Filter{OrgID: orgSec},
				[]string{"sec@example.org", "officer@example.org"}, nil},
			{"secretariat admin, every organisation", secAdmin, Filter{Query: "b1@"}, []string{"b1@example.org"}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				users, _, err := f.auth.ListUsers(f.ctx, tc.actor, tc.f)
				wantErr(t, err, tc.err)
				var got []string
				for _, u := range users {
					got = append(got, u.Email)
				}
				slices.Sort(got) // IDs made in the same millisecond are in random order
				if strings.Join(got, ",") != strings.Join(slices.Sorted(slices.Values(tc.want)), ",") {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		t.Run("pages", func(t *testing.T) {
			var got []string
			after := ""
			for range 5 {
				page, next, err := f.auth.ListUsers(f.ctx, secAdmin, Filter{After: after, Limit: 2})
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range page {
					got = append(got, u.Email)
				}
				if after = next; after == "" {
					break
				}
			}
			distinct := slices.Compact(slices.Sorted(slices.Values(got)))
			if len(got) != f.count("users") || len(distinct) != len(got) {
				t.Errorf("pages returned %v, want all %d users once", got, f.count("users"))
			}
		})
	})
}
