// Package auth holds Atalaya's accounts and how people prove who they are:
// users and their roles, argon2id password hashes, server-side browser
// sessions, TOTP second factor with one-time recovery codes, API tokens,
// and login throttling. It turns a session cookie or a token into the
// access.Actor every other package asks access.Can about.
//
// Secrets never rest in the database in the clear: sessions and API tokens
// are stored as SHA-256 of their random value, recovery codes likewise, and
// passwords as argon2id. Every change to an account and every sign-in attempt
// is written to the audit log in the same transaction. The bookkeeping that
// happens on every request (a session's last_seen_at, a token's last_used_at)
// is not audited: it is not a change anyone made.
package auth

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the auth domain's schema. It references the directory's
// organizations table, so it runs after the directory's migrations.
func Migrations() store.Migrations {
	sub, _ := fs.Sub(migrations, "migrations")
	return store.Migrations{Name: "auth", FS: sub}
}

// Errors a caller decides on. Bad input is a valid.Error naming the field;
// a refused permission is access.ErrDenied; a missing row store.ErrNotFound.
var (
	// ErrInvalidCredentials is the one answer to a wrong e-mail or a wrong
	// password, so a login form does not reveal which accounts exist.
	ErrInvalidCredentials = errors.New("wrong e-mail or password")
	// ErrAccountDisabled is returned to a correct password of a disabled
	// account.
	ErrAccountDisabled = errors.New("account disabled")
	// ErrThrottled is matched (errors.Is) by every *ThrottledError.
	ErrThrottled = errors.New("too many failed sign-in attempts")
	// ErrUnauthenticated means the session or token is unknown, expired or
	// revoked, or its account is disabled: the request has no actor.
	ErrUnauthenticated = errors.New("not signed in")
	// ErrSecondFactorRequired means the session passed the password but not
	// yet the second factor: send the person to the code form.
	ErrSecondFactorRequired = errors.New("second factor required")
)

// ThrottledError says how long to wait before the next attempt. It matches
// ErrThrottled with errors.Is; use errors.As to read RetryAfter (the HTTP
// layer sends it as Retry-After).
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v: retry after %v", ErrThrottled, e.RetryAfter.Round(time.Second))
}

// Is makes errors.Is(err, ErrThrottled) true.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// Options tune an Auth. The zero value gives the production settings.
type Options struct {
	// Now is the clock; tests move it to expire sessions. Default time.Now.
	Now func() time.Time
	// Argon2 are the parameters of new password hashes. Zero fields take
	// the production values (m=19456 KiB, t=2, p=1); tests use cheaper ones.
	// Existing hashes are checked with the parameters stored in them.
	Argon2 Argon2Params
	// MaxFailuresPerAccount and MaxFailuresPerAddr are how many failed
	// attempts (password or second factor) are allowed within FailureWindow
	// for one e-mail and one client address. Defaults 5, 20 and 15 minutes.
	MaxFailuresPerAccount int
	MaxFailuresPerAddr    int
	FailureWindow         time.Duration
	// SessionIdle ends a session nobody used for that long (default 12 h);
	// SessionMax ends any session that long after sign-in (default 7 days).
	SessionIdle time.Duration
	SessionMax  time.Duration
	// SecondFactorTimeout is how long a password-only session waits for
	// the second factor (default 5 minutes).
	SecondFactorTimeout time.Duration
	// Issuer names the service in authenticator apps (default "Atalaya").
	Issuer string
}

// Auth is the auth service over one database. It holds no mutable state:
// several servers may share the database.
type Auth struct {
	db   *store.DB
	opts Options
}

// New returns the auth service for db, filling unset options with defaults.
func New(db *store.DB, opts Options) *Auth {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Argon2 = opts.Argon2.withDefaults()
	setDefault(&opts.MaxFailuresPerAccount, 5)
	setDefault(&opts.MaxFailuresPerAddr, 20)
	setDefault(&opts.FailureWindow, 15*time.Minute)
	setDefault(&opts.SessionIdle, 12*time.Hour)
	setDefault(&opts.SessionMax, 7*24*time.Hour)
	setDefault(&opts.SecondFactorTimeout, 5*time.Minute)
	setDefault(&opts.Issuer, "Atalaya")
	return &Auth{db: db, opts: opts}
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// now is the service's clock, to the millisecond the database keeps.
func (a *Auth) now() time.Time { return a.opts.Now().UTC().Truncate(time.Millisecond) }

// SystemActor is the actor of the command line (`atalaya user …`, the demo
// seed): it acts as a secretariat administrator so it can create the first
// accounts of any organisation, and the audit log shows it as "system:cli"
// (the same Who as audit.System("cli")). It belongs to no organisation, so it
// sees and creates no API tokens. Only code run by the operator on the
// server may use it; nothing reachable over HTTP.
func SystemActor() access.Actor {
	return access.Actor{UserID: "system", Name: "system:cli", Secretariat: true,
		Roles: []access.Role{access.SecretariatAdmin}}
}
