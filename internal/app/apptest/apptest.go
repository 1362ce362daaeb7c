// Package apptest starts a whole Atalaya (store, services, HTTP) seeded with
// the demo network, for tests that go through the pages and the API as a
// user would.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// Env is a running Atalaya with the demo data.
type Env struct {
	App    *app.App
	Server *httptest.Server
	URL    string
	Orgs   directory.DemoOrgs
}

// New starts Atalaya on a fresh SQLite store.
func New(t testing.TB) *Env {
	t.Helper()
	return On(t, storetest.SQLite(t, app.Migrations()))
}

// Each runs fn on a fresh Atalaya over each engine, as storetest.Each does.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, On(t, storetest.SQLite(t, app.Migrations()))) })
	t.Run("postgres", func(t *testing.T) { fn(t, On(t, storetest.Postgres(t, app.Migrations()))) })
}

// On starts Atalaya over db (migrated), seeds the demo and serves it.
// Password hashing is cheap here; production parameters are measured by
// the benchmarks.
func On(t testing.TB, db *store.DB) *Env {
	t.Helper()
	// Demo: the demo network lives on documentation ranges, which early
	// warning otherwise drops as false positives.
	cfg := app.Config{Demo: true, AuthOptions: auth.Options{Argon2: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}}}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.New(db, cfg, logger)
	if err != nil {
		t.Fatalf("building app: %v", err)
	}
	orgs, err := app.SeedDemo(context.Background(), a)
	if err != nil {
		t.Fatalf("seeding demo: %v", err)
	}
	// Background work (routing upkeep, feeds, alerts) runs as in a serving
	// process and stops before the store closes (cleanups run last-in
	// first-out).
	t.Cleanup(a.Stop)
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("starting background work: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &Env{App: a, Server: srv, URL: srv.URL, Orgs: orgs}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Org returns the id of the demo organisation with this short name.
func (e *Env) Org(t testing.TB, shortName string) string {
	t.Helper()
	id, ok := e.Orgs.ByShortName[shortName]
	if !ok {
		t.Fatalf("no demo organisation %q", shortName)
	}
	return id
}

// Client returns an HTTP client with a cookie jar that does not follow
// redirects, so tests see the 303s the pages answer with.
func (e *Env) Client(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Login signs in through the login form as a demo user and returns the
// client holding the session cookie.
func (e *Env) Login(t testing.TB, email string) *http.Client {
	t.Helper()
	c := e.Client(t)
	resp, err := c.PostForm(e.URL+"/login", url.Values{"email": {email}, "password": {app.DemoPassword}})
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login %s: status %d to %q, want 303 to /", email, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

// Actor returns the access.Actor of a demo user, as a session would.
func (e *Env) Actor(t testing.TB, email string) access.Actor {
	t.Helper()
	ctx := context.Background()
	res, err := e.App.Auth.Login(ctx, email, app.DemoPassword, "127.0.0.1", "apptest")
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	a, _, err := e.App.Auth.ActorForSession(ctx, res.Token, "127.0.0.1")
	if err != nil {
		t.Fatalf("session of %s: %v", email, err)
	}
	return a
}

// EnrolTOTP turns on the second factor of a demo user and returns the
// secret, so a test can compute the codes an authenticator app would show.
// The code used to confirm is spent: sign in with one of the next period.
func (e *Env) EnrolTOTP(t testing.TB, email string) string {
	t.Helper()
	actor := e.Actor(t, email)
	enrol, err := e.App.Auth.BeginEnrolment(context.Background(), actor)
	if err != nil {
		t.Fatalf("TOTP enrolment of %s: %v", email, err)
	}
	code, err := totp.GenerateCode(enrol.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Auth.ConfirmEnrolment(context.Background(), actor, code); err != nil {
		t.Fatalf("confirming TOTP of %s: %v", email, err)
	}
	return enrol.Secret
}

// Token creates an API token for a demo user and returns its secret.
func (e *Env) Token(t testing.TB, email string, scopes ...access.Scope) string {
	t.Helper()
	_, secret, err := e.App.Auth.CreateToken(context.Background(), e.Actor(t, email), "test", scopes, 0)
	if err != nil {
		t.Fatalf("token for %s: %v", email, err)
	}
	return secret
}
