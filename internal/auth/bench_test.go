package auth

import (
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/store/storetest"
)

// benchEach runs fn as sub-benchmarks "sqlite" and "postgres" (skipped
// without ATALAYA_TEST_POSTGRES), each on a fresh fixture with one account.
// With b.Loop the body runs once, so the set-up is not repeated.
func benchEach(b *testing.B, opts Options, fn func(b *testing.B, f *fixture)) {
	b.Run("sqlite", func(b *testing.B) {
		f := newFixture(b, storetest.SQLite(b, testSets()), opts)
		f.user(orgA, "ana@example.org", access.Analyst)
		fn(b, f)
	})
	b.Run("postgres", func(b *testing.B) {
		f := newFixture(b, storetest.Postgres(b, testSets()), opts)
		f.user(orgA, "ana@example.org", access.Analyst)
		fn(b, f)
	})
}

// BenchmarkLogin is a successful sign-in with the production argon2 cost:
// one hash, a session and an audit entry.
func BenchmarkLogin(b *testing.B) {
	benchEach(b, Options{Argon2: Argon2Params{}.withDefaults()}, func(b *testing.B, f *fixture) {
		for b.Loop() {
			if _, err := f.auth.Login(f.ctx, "ana@example.org", goodPassword, "192.0.2.1", "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkActorForSession is what every signed-in request costs: one
// indexed read joining session, user and organisation (the clock stands
// still, so last_seen_at is not rewritten).
func BenchmarkActorForSession(b *testing.B) {
	benchEach(b, Options{}, func(b *testing.B, f *fixture) {
		token, _ := f.signIn("ana@example.org")
		for b.Loop() {
			if _, _, err := f.auth.ActorForSession(f.ctx, token, "192.0.2.1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
