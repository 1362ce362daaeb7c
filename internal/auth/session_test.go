package auth

import (
	"encoding/base64"
	"testing"
	"time"

	"atalaya/internal/access"
)

func TestSessionExpiry(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.user(orgA, "ana@example.org", access.Analyst)
		use := func(token string) error {
			_, _, err := f.auth.ActorForSession(f.ctx, token, "192.0.2.1")
			return err
		}
		t.Run("idle for 12 hours", func(t *testing.T) {
			token, _ := f.signIn("ana@example.org")
			f.advance(11 * time.Hour)
			wantErr(t, use(token), nil)
			f.advance(11 * time.Hour) // 22 h after sign-in, 11 h after last use
			wantErr(t, use(token), nil)
			f.advance(12 * time.Hour)
			wantErr(t, use(token), ErrUnauthenticated)
		})
		t.Run("seven days however busy", func(t *testing.T) {
			token, _ := f.signIn("ana@example.org")
			for range 7 * 2 {
				f.advance(12*time.Hour - time.Minute)
				wantErr(t, use(token), nil)
			}
			f.advance(14 * time.Minute) // exactly 7 days after sign-in
			wantErr(t, use(token), ErrUnauthenticated)
		})
		t.Run("last use written at most once a minute", func(t *testing.T) {
			token, _ := f.signIn("ana@example.org")
			id := hashSecret(token)
			const q = `SELECT last_seen_at FROM sessions WHERE id = $1`
			start := f.now
			f.advance(59 * time.Second)
			wantErr(t, use(token), nil)
			if got := storedTime(t, f, q, id); !got.Equal(start) {
				t.Errorf("last_seen_at %v after 59 s, want %v unchanged", got, start)
			}
			f.advance(time.Second)
			wantErr(t, use(token), nil)
			if got := storedTime(t, f, q, id); !got.Equal(f.now) {
				t.Errorf("last_seen_at %v after a minute, want %v", got, f.now)
			}
		})
		t.Run("logout", func(t *testing.T) {
			token, _ := f.signIn("ana@example.org")
			if err := f.auth.Logout(f.ctx, token, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			wantErr(t, use(token), ErrUnauthenticated)
			wantErr(t, f.auth.Logout(f.ctx, token, "192.0.2.1"), nil)
		})
		t.Run("tokens that are not sessions", func(t *testing.T) {
			token, _ := f.signIn("ana@example.org")
			for _, bad := range []string{"", "x", token[:42], token + "A", hashSecret(token),
				base64.RawURLEncoding.EncodeToString(make([]byte, 32))} {
				wantErr(t, use(bad), ErrUnauthenticated)
			}
		})
		t.Run("purge", func(t *testing.T) {
			live, _ := f.signIn("ana@example.org")
			_, _ = f.auth.Login(f.ctx, "ana@example.org", "wrong", "192.0.2.1", "")
			f.advance(13 * time.Hour)
			wantErr(t, use(live), ErrUnauthenticated)
			n, err := f.auth.Purge(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if f.count("sessions") != 0 || f.count("login_failures") != 0 || n == 0 {
				t.Errorf("purge removed %d rows, left %d sessions and %d failures", n, f.count("sessions"),
					f.count("login_failures"))
			}
		})
	})
}

func TestSessionsAreHashed(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.user(orgA, "ana@example.org", access.Analyst)
		token, _ := f.signIn("ana@example.org")
		if len(token) != 43 {
			t.Errorf("token %q: want 43 characters of base64url", token)
		}
		if n := f.count("sessions WHERE id = '" + token + "'"); n != 0 {
			t.Errorf("the session token is stored in the clear")
		}
		if n := f.count("sessions WHERE id = '" + hashSecret(token) + "'"); n != 1 {
			t.Errorf("%d sessions stored under the token's hash, want 1", n)
		}
	})
}
