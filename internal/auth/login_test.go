package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

func TestLogin(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u := f.user(orgA, "ana@example.org", access.Analyst, access.TeamAdmin)
		f.user(orgSec, "sec@example.org", access.SecretariatOfficer)
		f.user(orgA, "off@example.org", access.Analyst)
		if err := f.auth.SetDisabled(f.ctx, SystemActor(), f.userID("off@example.org"), true); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, email, password string
			want                  error
		}{
			{"right password", "ana@example.org", goodPassword, nil},
			{"e-mail in another case, with spaces", "  ANA@Example.org ", goodPassword, nil},
			{"wrong password", "ana@example.org", goodPassword + "!", ErrInvalidCredentials},
			{"password in another case", "ana@example.org", strings.ToUpper(goodPassword), ErrInvalidCredentials},
			{"unknown e-mail", "nobody@example.org", goodPassword, ErrInvalidCredentials},
			{"empty", "", "", ErrInvalidCredentials},
			{"disabled account", "off@example.org", goodPassword, ErrAccountDisabled},
			{"disabled account, wrong password", "off@example.org", "nope", ErrInvalidCredentials},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				sessions := f.count("sessions")
				res, err := f.auth.Login(f.ctx, tc.email, tc.password, "198.51.100.7:4431", "Firefox")
				wantErr(t, err, tc.want)
				if tc.want != nil {
					if res.Token != "" || f.count("sessions") != sessions {
						t.Errorf("a refused login started a session")
					}
					return
				}
				if res.SecondFactorRequired || res.User.ID != u.ID || !res.ExpiresAt.Equal(f.now.Add(7*24*time.Hour)) {
					t.Errorf("result %+v: want a full 7-day session of %s", res, u.ID)
				}
				actor, user, err := f.auth.ActorForSession(f.ctx, res.Token, "203.0.113.9")
				want := access.Actor{UserID: u.ID, Name: "ana@example.org", OrgID: orgA, Addr: "203.0.113.9",
					Roles: []access.Role{access.TeamAdmin, access.Analyst}}
				if err != nil || fmt.Sprint(actor) != fmt.Sprint(want) || actor.Scopes != nil || user.LastLoginAt.IsZero() {
					t.Errorf("ActorForSession = %+v, %+v, %v; want %+v", actor, user, err, want)
				}
			})
		}
		t.Run("secretariat member", func(t *testing.T) {
			_, actor := f.signIn("sec@example.org")
			if !actor.Secretariat || !actor.Has(access.SecretariatOfficer) {
				t.Errorf("actor %+v: want the secretariat officer", actor)
			}
		})
	})
}

func (f *fixture) userID(email string) string {
	f.t.Helper()
	var id string
	if err := f.db.R().QueryRowContext(f.ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		f.t.Fatalf("finding %s: %v", email, err)
	}
	return id
}

func TestLoginThrottled(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.user(orgA, "ana@example.org", access.Analyst)
		f.user(orgA, "bob@example.org", access.Analyst)
		login := func(email, password, addr string) error {
			_, err := f.auth.Login(f.ctx, email, password, addr, "")
			return err
		}
		// Five failures for one account, from five addresses, a minute apart.
		for i := range 5 {
			wantErr(t, login("ana@example.org", "guess", fmt.Sprintf("192.0.2.%d", i)), ErrInvalidCredentials)
			f.advance(time.Minute)
		}
		err := login("ANA@example.org", goodPassword, "198.51.100.1")
		var te *ThrottledError
		if !errors.As(err, &te) || !errors.Is(err, ErrThrottled) {
			t.Fatalf("sixth attempt: %v, want a *ThrottledError", err)
		}
		// The first failure (at minute 0) leaves the window at minute 15.
		if want := 10 * time.Minute; te.RetryAfter != want {
			t.Errorf("RetryAfter %v, want %v", te.RetryAfter, want)
		}
		wantErr(t, login("bob@example.org", goodPassword, "192.0.2.1"), nil)
		f.advance(te.RetryAfter)
		wantErr(t, login("ana@example.org", goodPassword, "198.51.100.1"), nil)
		if n := f.count("login_failures WHERE email = 'ana@example.org'"); n != 0 {
			t.Errorf("%d failures kept after a successful login", n)
		}

		// Twenty failures from one IPv6 /64 over many e-mails, from
		// addresses that differ in the host part and carry ports.
		for i := range 20 {
			addr := fmt.Sprintf("[2001:db8:1:2::%x]:%d", i+1, 40000+i)
			wantErr(t, login(fmt.Sprintf("user%d@example.org", i), "guess", addr), ErrInvalidCredentials)
		}
		wantErr(t, login("bob@example.org", goodPassword, "2001:db8:1:2:ffff::1"), ErrThrottled)
		wantErr(t, login("bob@example.org", goodPassword, "2001:db8:1:3::1"), nil)

		actions := f.auditActions()
		if !containsAll(actions, "auth.login", "auth.login_failed", "auth.login_throttled") {
			t.Errorf("audit log %v lacks login, failure or throttling", actions)
		}
		if n, err := audit.Verify(f.ctx, f.db); err != nil || n != int64(len(actions)) {
			t.Errorf("audit.Verify = %d, %v", n, err)
		}
	})
}

func TestClientKey(t *testing.T) {
	cases := []struct{ addr, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"192.0.2.1:443", "192.0.2.1"},
		{"[::ffff:192.0.2.1]:80", "192.0.2.1"},
		{"2001:db8::1", "2001:db8::/64"},
		{"[2001:db8::abcd:1]:8080", "2001:db8::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"", ""},
		{"unix-socket", "unix-socket"},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			if got := clientKey(tc.addr); got != tc.want {
				t.Errorf("clientKey(%q) = %q, want %q", tc.addr, got, tc.want)
			}
		})
	}
}

// TestLoginAudit checks what the audit log says about sign-in attempts:
// who, which account, why, and never the password.
func TestLoginAudit(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u := f.user(orgA, "ana@example.org", access.Analyst)
		_, _ = f.auth.Login(f.ctx, "ana@example.org", "wrong secret 1", "192.0.2.1", "")
		_, _ = f.auth.Login(f.ctx, "ghost@example.org", "wrong secret 2", "192.0.2.1", "")
		res, err := f.auth.Login(f.ctx, "ana@example.org", goodPassword, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.auth.Logout(f.ctx, res.Token, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		entries, _, err := audit.List(f.ctx, f.db, audit.Filter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range slices.Backward(entries) {
			raw, _ := json.Marshal(e)
			if strings.Contains(string(raw), "wrong secret") || strings.Contains(string(raw), goodPassword) ||
				strings.Contains(string(raw), "argon2") {
				t.Errorf("audit entry %d holds a password: %s", e.Seq, raw)
			}
			got = append(got, fmt.Sprintf("%s %s by %q/%q about %s in %s: %s", e.Action, e.Who.Addr, e.Who.UserID,
				e.Who.Name, e.ObjectID, e.OrgID, e.After))
		}
		want := []string{
			fmt.Sprintf(`user.create  by "system"/"system:cli" about %s in org-a: `, u.ID),
			fmt.Sprintf(`auth.login_failed 192.0.2.1 by ""/"ana@example.org" about %s in org-a: {"reason":"password"}`, u.ID),
			`auth.login_failed 192.0.2.1 by ""/"ghost@example.org" about  in : {"reason":"unknown_email"}`,
			fmt.Sprintf(`auth.login 192.0.2.1 by %q/"ana@example.org" about %s in org-a: {"second_factor_pending":false}`, u.ID, u.ID),
			fmt.Sprintf(`auth.logout 192.0.2.1 by %q/"ana@example.org" about %s in org-a: null`, u.ID, u.ID),
		}
		got[0] = got[0][:strings.Index(got[0], ": ")+2] // the created user's JSON is checked elsewhere
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if _, err := audit.Verify(f.ctx, f.db); err != nil {
			t.Errorf("audit.Verify: %v", err)
		}
	})
}

// TestLoginTiming checks, with the production argon2 cost, that an unknown
// e-mail is refused no faster than a wrong password: both hash once. Without
// the dummy hash the unknown e-mail would answer some 50 times faster.
func TestLoginTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes with the production cost")
	}
	db := storetest.SQLite(t, testSets())
	f := newFixture(t, db, Options{Argon2: Argon2Params{Memory: argonMemory, Time: argonTime, Threads: argonThreads},
		MaxFailuresPerAccount: 1000, MaxFailuresPerAddr: 1000})
	f.user(orgA, "ana@example.org", access.Analyst)
	median := func(email string) time.Duration {
		var ds []time.Duration
		for range 5 {
			start := time.Now()
			_, err := f.auth.Login(context.Background(), email, "wrong password", "192.0.2.1", "")
			ds = append(ds, time.Since(start))
			wantErr(t, err, ErrInvalidCredentials)
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	wrong, unknown := median("ana@example.org"), median("nobody@example.org")
	if unknown < wrong/3 {
		t.Errorf("unknown e-mail refused in %v, wrong password in %v: the difference tells who has an account",
			unknown, wrong)
	}
}

// storedTime reads a timestamp column, for the write-once-a-minute checks.
func storedTime(t *testing.T, f *fixture, query, id string) time.Time {
	t.Helper()
	var ms int64
	if err := f.db.R().QueryRowContext(f.ctx, query, id).Scan(&ms); err != nil {
		t.Fatal(err)
	}
	return store.Time(ms)
}
