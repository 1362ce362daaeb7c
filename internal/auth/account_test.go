package auth

import (
	"testing"
	"time"

	"atalaya/internal/access"
)

const newPassword = "a brand new passphrase"

func TestSetPassword(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		adminA := f.userActor(orgA, "admin-a@example.org", access.TeamAdmin)
		adminB := f.userActor(orgB, "admin-b@example.org", access.TeamAdmin)
		colleague := f.userActor(orgA, "colleague@example.org", access.Analyst)
		cases := []struct {
			name          string
			actor         access.Actor
			current, next string
			want          error
			field, code   string
		}{
			{"own, wrong current password", colleague, "not the password", newPassword, nil, "current_password", "auth.password.wrong"},
			{"own, too short", colleague, goodPassword, "short", nil, "password", "auth.password.too_short"},
			{"own, the e-mail", colleague, goodPassword, "Colleague@example.org", nil, "password", "auth.password.is_email"},
			{"an analyst for a colleague", colleague, "", newPassword, access.ErrDenied, "", ""},
			{"another organisation's admin", adminB, "", newPassword, access.ErrDenied, "", ""},
		}
		target := map[string]string{"an analyst for a colleague": adminA.UserID}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				id := colleague.UserID
				if x, ok := target[tc.name]; ok {
					id = x
				}
				entries := f.count("audit_log")
				err := f.auth.SetPassword(f.ctx, tc.actor, id, tc.current, tc.next)
				if tc.field != "" {
					wantField(t, err, tc.field, tc.code)
				} else {
					wantErr(t, err, tc.want)
				}
				if _, err := f.auth.Login(f.ctx, "colleague@example.org", goodPassword, "192.0.2.1", ""); err != nil {
					t.Errorf("the old password stopped working: %v", err)
				}
				if tc.code != "auth.password.wrong" && f.count("audit_log") != entries+1 { // +1: the login
					t.Errorf("a refused change was written to the audit log")
				}
			})
		}

		t.Run("own password signs out everywhere", func(t *testing.T) {
			token, _ := f.signIn("colleague@example.org")
			if err := f.auth.SetPassword(f.ctx, colleague, colleague.UserID, goodPassword, newPassword); err != nil {
				t.Fatal(err)
			}
			_, _, err := f.auth.ActorForSession(f.ctx, token, "")
			wantErr(t, err, ErrUnauthenticated)
			_, err = f.auth.Login(f.ctx, "colleague@example.org", goodPassword, "192.0.2.2", "")
			wantErr(t, err, ErrInvalidCredentials)
			if _, err := f.auth.Login(f.ctx, "colleague@example.org", newPassword, "192.0.2.2", ""); err != nil {
				t.Errorf("new password: %v", err)
			}
		})
		t.Run("admin sets a colleague's without the current one", func(t *testing.T) {
			if err := f.auth.SetPassword(f.ctx, adminA, colleague.UserID, "", goodPassword); err != nil {
				t.Fatal(err)
			}
			if _, err := f.auth.Login(f.ctx, "colleague@example.org", goodPassword, "192.0.2.3", ""); err != nil {
				t.Errorf("password set by the admin: %v", err)
			}
		})
		t.Run("guessing the current password is throttled", func(t *testing.T) {
			var err error
			for range 6 {
				err = f.auth.SetPassword(f.ctx, colleague, colleague.UserID, "a wrong guess!", newPassword)
			}
			wantErr(t, err, ErrThrottled)
		})
	})
}

func TestSetDisabled(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		adminA := f.userActor(orgA, "admin-a@example.org", access.TeamAdmin)
		adminB := f.userActor(orgB, "admin-b@example.org", access.TeamAdmin)
		analyst := f.userActor(orgA, "analyst@example.org", access.Analyst)
		token, _ := f.signIn("analyst@example.org")
		_, secret, err := f.auth.CreateToken(f.ctx, analyst, "script", []access.Scope{access.ScopeRead}, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.auth.SetDisabled(f.ctx, adminB, analyst.UserID, true), access.ErrDenied)
		wantErr(t, f.auth.SetDisabled(f.ctx, analyst, adminA.UserID, true), access.ErrDenied)
		wantField(t, f.auth.SetDisabled(f.ctx, adminA, adminA.UserID, true), "disabled", "auth.user.disable_self")

		if err := f.auth.SetDisabled(f.ctx, adminA, analyst.UserID, true); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.auth.ActorForSession(f.ctx, token, "")
		wantErr(t, err, ErrUnauthenticated)
		if n := f.count("sessions WHERE user_id = '" + analyst.UserID + "'"); n != 0 {
			t.Errorf("%d sessions left after disabling", n)
		}
		_, _, err = f.auth.ActorForToken(f.ctx, secret, "")
		wantErr(t, err, ErrUnauthenticated)
		_, err = f.auth.Login(f.ctx, "analyst@example.org", goodPassword, "192.0.2.1", "")
		wantErr(t, err, ErrAccountDisabled)
		_, err = f.auth.Login(f.ctx, "analyst@example.org", "wrong password", "192.0.2.1", "")
		wantErr(t, err, ErrInvalidCredentials)

		if err := f.auth.SetDisabled(f.ctx, adminA, analyst.UserID, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.auth.ActorForToken(f.ctx, secret, ""); err != nil {
			t.Errorf("token after enabling again: %v", err)
		}
		actions := f.auditActions()
		if !containsAll(actions, "user.disable", "user.enable") {
			t.Errorf("audit log %v lacks user.disable, user.enable", actions)
		}
	})
}

func TestSetRoles(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		adminA := f.userActor(orgA, "admin-a@example.org", access.TeamAdmin)
		u := f.user(orgA, "person@example.org", access.Observer)
		token, _ := f.signIn("person@example.org")
		cases := []struct {
			name        string
			actor       access.Actor
			roles       []access.Role
			want        error
			field, code string
		}{
			{"no role", adminA, nil, nil, "roles", "auth.roles.required"},
			{"unknown role", adminA, []access.Role{access.Analyst, "god"}, nil, "roles", "auth.roles.unknown"},
			{"secretariat role in a team", adminA, []access.Role{access.SecretariatOfficer}, nil, "roles", "auth.roles.secretariat_only"},
			{"not an admin", f.userActor(orgA, "plain@example.org", access.Analyst), []access.Role{access.TeamAdmin},
				access.ErrDenied, "", ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				err := f.auth.SetRoles(f.ctx, tc.actor, u.ID, tc.roles)
				if tc.field != "" {
					wantField(t, err, tc.field, tc.code)
				} else {
					wantErr(t, err, tc.want)
				}
				if got, _ := f.auth.GetUser(f.ctx, adminA, u.ID); joinList(got.Roles) != "observer" {
					t.Errorf("roles changed to %v", got.Roles)
				}
			})
		}
		t.Run("roles apply to the next request", func(t *testing.T) {
			if err := f.auth.SetRoles(f.ctx, adminA, u.ID, []access.Role{access.TeamAdmin, access.Analyst}); err != nil {
				t.Fatal(err)
			}
			actor, _, err := f.auth.ActorForSession(f.ctx, token, "")
			if err != nil || !actor.Has(access.TeamAdmin) || !actor.Has(access.Analyst) || actor.Has(access.Observer) {
				t.Errorf("actor %+v, %v: want team admin and analyst", actor, err)
			}
		})
	})
}

func TestSetLanguage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a := f.userActor(orgA, "person@example.org", access.Analyst)
		wantField(t, f.auth.SetLanguage(f.ctx, a, "klingon"), "language", "auth.language.unsupported")
		wantErr(t, f.auth.SetLanguage(f.ctx, access.Anonymous, "es"), access.ErrDenied)
		if err := f.auth.SetLanguage(f.ctx, a, "pt"); err != nil {
			t.Fatal(err)
		}
		if u, _ := f.auth.GetUser(f.ctx, a, a.UserID); u.Language != "pt" {
			t.Errorf("language %q, want pt", u.Language)
		}
		f.advance(time.Minute)
		if err := f.auth.SetLanguage(f.ctx, a, ""); err != nil {
			t.Fatal(err)
		}
		if u, _ := f.auth.GetUser(f.ctx, a, a.UserID); u.Language != "" || !u.UpdatedAt.Equal(f.now) {
			t.Errorf("got %q updated %v, want browser language updated %v", u.Language, u.UpdatedAt, f.now)
		}
	})
}

func containsAll(list []string, want ...string) bool {
	seen := map[string]bool{}
	for _, s := range list {
		seen[s] = true
	}
	for _, w := range want {
		if !seen[w] {
			return false
		}
	}
	return true
}
