package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/directory"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

// testSets are the schemas auth runs on: its tables reference the
// directory's organizations.
func testSets() []store.Migrations {
	return []store.Migrations{audit.Migrations(), directory.Migrations(), Migrations()}
}

// The organisations of every test: the secretariat and two member teams.
const (
	orgSec = "org-sec"
	orgA   = "org-a"
	orgB   = "org-b"
)

// goodPassword is every fixture account's password.
const goodPassword = "correct horse battery"

// cheap are argon2 parameters that keep tests fast; the format and the
// code path are the production ones.
var cheap = Argon2Params{Memory: 64, Time: 1, Threads: 1}

// fixture is an Auth over a fresh database with a clock the test moves.
type fixture struct {
	t    testing.TB
	ctx  context.Context
	db   *store.DB
	auth *Auth
	now  time.Time
}

func newFixture(t testing.TB, db *store.DB, opts Options) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: db, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	opts.Now = func() time.Time { return f.now }
	if opts.Argon2 == (Argon2Params{}) {
		opts.Argon2 = cheap
	}
	f.auth = New(db, opts)
	for _, o := range []struct {
		id   string
		kind directory.Kind
	}{{orgSec, directory.Secretariat}, {orgA, directory.NationalCSIRT}, {orgB, directory.SectorCSIRT}} {
		if _, err := db.R().ExecContext(f.ctx, `INSERT INTO organizations (id, kind, name, short_name, country,
			description, email, phone, website, created_at, updated_at)
			VALUES ($1, $2, $3, '', '', '', '', '', '', $4, $4)`, o.id, o.kind, "Organisation "+o.id, store.Millis(f.now)); err != nil {
			t.Fatalf("inserting organisation: %v", err)
		}
	}
	return f
}

// each runs fn on both engines with a fresh fixture.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	storetest.Each(t, testSets(), func(t *testing.T, db *store.DB) {
		fn(t, newFixture(t, db, Options{}))
	})
}

func (f *fixture) advance(d time.Duration) { f.now = f.now.Add(d) }

// user creates an account through the command line's actor.
func (f *fixture) user(org, email string, roles ...access.Role) User {
	f.t.Helper()
	u, err := f.auth.CreateUser(f.ctx, SystemActor(), NewUser{OrgID: org, Email: email, Name: "Person " + email,
		Roles: roles, Password: goodPassword})
	if err != nil {
		f.t.Fatalf("creating %s: %v", email, err)
	}
	return u
}

// signIn logs in with the fixture password and returns the session's
// token and actor.
func (f *fixture) signIn(email string) (string, access.Actor) {
	f.t.Helper()
	res, err := f.auth.Login(f.ctx, email, goodPassword, "192.0.2.10", "test")
	if err != nil {
		f.t.Fatalf("login %s: %v", email, err)
	}
	actor, _, err := f.auth.ActorForSession(f.ctx, res.Token, "192.0.2.10")
	if err != nil {
		f.t.Fatalf("session of %s: %v", email, err)
	}
	return res.Token, actor
}

// userActor creates an account and signs it in.
func (f *fixture) userActor(org, email string, roles ...access.Role) access.Actor {
	f.t.Helper()
	f.user(org, email, roles...)
	_, a := f.signIn(email)
	return a
}

// count returns the number of rows of a table (a name from the test).
func (f *fixture) count(table string) int {
	f.t.Helper()
	var n int
	if err := f.db.R().QueryRowContext(f.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		f.t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// auditActions returns the actions of the audit log, oldest first.
func (f *fixture) auditActions() []string {
	f.t.Helper()
	entries, _, err := audit.List(f.ctx, f.db, audit.Filter{Limit: 500})
	if err != nil {
		f.t.Fatalf("listing audit log: %v", err)
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[len(entries)-1-i] = e.Action
	}
	return out
}

// wantField fails unless err is a validation error on field with code.
func wantField(t testing.TB, err error, field, code string) {
	t.Helper()
	for _, e := range valid.List(err) {
		if e.Field == field && e.Code == code {
			return
		}
	}
	t.Fatalf("error %v: want %s on field %q", err, code, field)
}

// wantErr fails unless errors.Is(err, want); want nil means success.
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
}
