package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// LoginResult is a session just started.
type LoginResult struct {
	// Token is the session cookie's value. It is not stored anywhere.
	Token string
	// ExpiresAt is when the session ends at the latest (the cookie's
	// Expires); it ends earlier after SessionIdle without requests.
	ExpiresAt time.Time
	// SecondFactorRequired says the session is waiting for
	// VerifySecondFactor and signs nobody in until then.
	SecondFactorRequired bool
	User                 User
}

// Login checks an e-mail and password from a client at addr. Without a
// second factor it starts a full session; with TOTP enabled it starts a
// pending one (SecondFactorRequired) that only VerifySecondFactor can
// complete. A wrong e-mail and a wrong password both return
// ErrInvalidCredentials after the same argon2 work; a correct password of a
// disabled account returns ErrAccountDisabled; too many recent failures
// for the e-mail or the address return a *ThrottledError. Every attempt is
// in the audit log (auth.login, auth.login_failed, auth.login_throttled),
// never the password.
func (a *Auth) Login(ctx context.Context, email, password, addr, userAgent string) (LoginResult, error) {
	email = normalEmail(email)
	if len(email) > 254 {
		email = email[:254] // what was typed is only logged and counted
	}
	now := a.now()
	ac, err := loadAccount(ctx, a.db.R(), "email", email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return LoginResult{}, err
	}
	known := err == nil
	if err := a.throttled(ctx, email, addr, now); err != nil {
		return LoginResult{}, a.recordAttempt(ctx, email, addr, ac, "auth.login_throttled", err)
	}
	if !known {
		burnPassword(password, a.opts.Argon2)
		return LoginResult{}, a.failAttempt(ctx, email, addr, ac, "auth.login_failed", "unknown_email", now,
			ErrInvalidCredentials)
	}
	if !checkPassword(password, ac.passwordHash, a.opts.Argon2) {
		return LoginResult{}, a.failAttempt(ctx, email, addr, ac, "auth.login_failed", "password", now,
			ErrInvalidCredentials)
	}
	if ac.Disabled {
		return LoginResult{}, a.recordAttempt(ctx, email, addr, ac, "auth.login_failed", ErrAccountDisabled)
	}
	var res LoginResult
	err = a.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if ac.TOTPEnabled {
			// The failure count stays until the second factor passes, so
			// a stolen password cannot reset the throttling of codes.
			res.Token, res.ExpiresAt, err = a.insertSession(ctx, tx, ac, addr, userAgent, false, now)
			res.SecondFactorRequired, res.User = true, ac.User
		} else {
			res, err = a.signIn(ctx, tx, ac, addr, userAgent, now)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, ac.who(addr), audit.Change{Action: "auth.login", ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID, After: map[string]bool{"second_factor_pending": ac.TOTPEnabled}})
	})
	if err != nil {
		return LoginResult{}, err
	}
	return res, nil
}

// signIn starts a full session for ac in tx: it forgets the account's
// failed attempts and notes the time of sign-in.
func (a *Auth) signIn(ctx context.Context, tx *sql.Tx, ac account, addr, userAgent string,
	now time.Time) (LoginResult, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE email = $1`, ac.Email); err != nil {
		return LoginResult{}, fmt.Errorf("forgetting sign-in failures: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`,
		store.Millis(now), ac.ID); err != nil {
		return LoginResult{}, fmt.Errorf("noting sign-in: %w", err)
	}
	token, expires, err := a.insertSession(ctx, tx, ac, addr, userAgent, true, now)
	if err != nil {
		return LoginResult{}, err
	}
	ac.LastLoginAt = now
	return LoginResult{Token: token, ExpiresAt: expires, User: ac.User}, nil
}

// VerifySecondFactor completes a pending session with a TOTP code (one
// step of clock skew either way, each code once) or an unused recovery
// code. On success the pending session is replaced by a full one with a new
// token (set it as the cookie): the token that only knew the password never
// becomes a signed-in session. A wrong code returns a valid.Error on "code"
// and counts as a failed sign-in; a session that is not pending, or has
// waited too long, returns ErrUnauthenticated.
func (a *Auth) VerifySecondFactor(ctx context.Context, sessionToken, code string) (LoginResult, error) {
	now := a.now()
	s, err := a.loadSession(ctx, a.db.R(), sessionToken, now)
	if err != nil {
		return LoginResult{}, err
	}
	if s.secondFactorOK {
		return LoginResult{}, ErrUnauthenticated
	}
	if err := a.throttled(ctx, s.Email, s.addr, now); err != nil {
		return LoginResult{}, a.recordAttempt(ctx, s.Email, s.addr, s.account, "auth.second_factor_throttled", err)
	}
	var res LoginResult
	err = a.db.InTx(ctx, func(tx *sql.Tx) error {
		method, err := a.useSecondFactor(ctx, tx, s.account, code, now)
		if err != nil {
			return err
		}
		if r, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND second_factor_ok = $2`,
			s.id, false); err != nil {
			return fmt.Errorf("ending pending session: %w", err)
		} else if n, _ := r.RowsAffected(); n != 1 {
			return ErrUnauthenticated // completed or ended meanwhile
		}
		if res, err = a.signIn(ctx, tx, s.account, s.addr, s.userAgent, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.who(s.addr), audit.Change{Action: "auth.second_factor", ObjectType: "user",
			ObjectID: s.ID, OrgID: s.OrgID, After: map[string]string{"method": method}})
	})
	if errors.Is(err, errWrongCode) {
		return LoginResult{}, a.failAttempt(ctx, s.Email, s.addr, s.account, "auth.second_factor_failed", "code",
			now, wrongCode())
	}
	if err != nil {
		return LoginResult{}, err
	}
	return res, nil
}

// failAttempt counts a failed attempt for email and addr, writes it to the
// audit log with the reason, and returns result (or the error that kept
// it from being recorded).
func (a *Auth) failAttempt(ctx context.Context, email, addr string, ac account, action, reason string,
	now time.Time, result error) error {
	err := a.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := a.recordFailure(ctx, tx, email, addr, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, attemptWho(email, addr), audit.Change{Action: action, ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID, After: map[string]string{"reason": reason}})
	})
	if err != nil {
		return err
	}
	return result
}

// recordAttempt writes a refused attempt that does not count as a failure
// (throttled, disabled account) to the audit log with the reason, and
// returns result (or the error that kept it from being recorded).
func (a *Auth) recordAttempt(ctx context.Context, email, addr string, ac account, action string, result error) error {
	after := map[string]any{"reason": result.Error()}
	var te *ThrottledError
	if errors.As(result, &te) {
		after = map[string]any{"reason": "throttled", "retry_after_s": int64(te.RetryAfter / time.Second)}
	}
	err := a.db.InTx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, attemptWho(email, addr), audit.Change{Action: action, ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID, After: after})
	})
	if err != nil {
		return err
	}
	return result
}

// attemptWho is the audit Who of an attempt that did not prove who it
// is: no user ID, the e-mail typed and the address. The account it aimed
// at (if any) is the entry's object, so its organisation's admins see it.
func attemptWho(email, addr string) audit.Who { return audit.Who{Name: email, Addr: addr} }

// errWrongCode makes the transaction that checks a second factor roll back.
var errWrongCode = errors.New("wrong code")

func wrongCode() error {
	return valid.New("code", "auth.totp.wrong_code", "the code is wrong or was already used", nil)
}
