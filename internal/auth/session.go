package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
)

// A session token is 32 random bytes in base64url: 43 characters, the
// cookie's value. Only its SHA-256 is stored, as the session's id.
const sessionTokenLen = 43

// touchEvery is how stale last_seen_at / last_used_at may get before a
// request writes it again: one write a minute per session or token instead
// of one per request, which the 12-hour idle timeout does not notice.
const touchEvery = time.Minute

// maxUserAgent bounds the stored User-Agent header, which the client chooses.
const maxUserAgent = 512

func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sessionRow is a session joined with its account.
type sessionRow struct {
	id             string
	addr           string // where the session signed in
	userAgent      string
	lastSeen       time.Time
	expires        time.Time
	secondFactorOK bool
	account
}

// insertSession starts a session for ac in tx and returns its token and
// end. A session waiting for the second factor lives only
// SecondFactorTimeout.
func (a *Auth) insertSession(ctx context.Context, tx *sql.Tx, ac account, addr, userAgent string,
	secondFactorOK bool, now time.Time) (string, time.Time, error) {
	token := randomSecret()
	expires := now.Add(a.opts.SessionMax)
	if !secondFactorOK {
		expires = now.Add(a.opts.SecondFactorTimeout)
	}
	if len(userAgent) > maxUserAgent {
		userAgent = userAgent[:maxUserAgent]
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, addr,
		user_agent, second_factor_ok) VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`,
		hashSecret(token), ac.ID, store.Millis(now), store.Millis(expires), addr, userAgent, secondFactorOK)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("starting session: %w", err)
	}
	return token, expires, nil
}

// loadSession finds the live session of token, with its account. Unknown,
// ended and idle sessions and disabled accounts are ErrUnauthenticated.
func (a *Auth) loadSession(ctx context.Context, q store.Querier, token string, now time.Time) (sessionRow, error) {
	var s sessionRow
	if len(token) != sessionTokenLen {
		return s, ErrUnauthenticated
	}
	s.id = hashSecret(token)
	var lastSeen, expires int64
	row := q.QueryRowContext(ctx, `SELECT s.addr, s.user_agent, s.last_seen_at, s.expires_at, s.second_factor_ok,
		`+accountColumns+` FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.org_id
		WHERE s.id = $1`, s.id)
	ac, err := scanAccount(row, &s.addr, &s.userAgent, &lastSeen, &expires, &s.secondFactorOK)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrUnauthenticated
	}
	if err != nil {
		return s, fmt.Errorf("loading session: %w", err)
	}
	s.account, s.lastSeen, s.expires = ac, store.Time(lastSeen), store.Time(expires)
	if !now.Before(s.expires) || now.Sub(s.lastSeen) >= a.opts.SessionIdle || ac.Disabled {
		return s, ErrUnauthenticated
	}
	return s, nil
}

// ActorForSession returns who is behind a session cookie, for a request
// from addr. A session that passed the password but not yet the second
// factor returns ErrSecondFactorRequired with its User (to greet the
// person on the code form) and no actor; an unknown, expired or idle
// session, or a disabled account, returns ErrUnauthenticated.
func (a *Auth) ActorForSession(ctx context.Context, token, addr string) (access.Actor, User, error) {
	now := a.now()
	s, err := a.loadSession(ctx, a.db.R(), token, now)
	if err != nil {
		return access.Actor{}, User{}, err
	}
	if !s.secondFactorOK {
		return access.Actor{}, s.User, ErrSecondFactorRequired
	}
	if now.Sub(s.lastSeen) >= touchEvery {
		if err := a.touch(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, now, s.id); err != nil {
			return access.Actor{}, User{}, fmt.Errorf("refreshing session: %w", err)
		}
	}
	return s.actor(addr, nil), s.User, nil
}

// touch records when a session or token was last used. It goes through the
// write transaction (SQLite's single writer) like every write.
func (a *Auth) touch(ctx context.Context, query string, now time.Time, id string) error {
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query, store.Millis(now), id)
		return err
	})
}

// Logout ends the session of token (a request from addr). An unknown or
// already ended session is not an error: the person is signed out either
// way.
func (a *Auth) Logout(ctx context.Context, token, addr string) error {
	if len(token) != sessionTokenLen {
		return nil
	}
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE id = $1 RETURNING user_id`, hashSecret(token)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ending session: %w", err)
		}
		ac, err := loadAccount(ctx, tx, "id", userID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, ac.who(addr), audit.Change{Action: "auth.logout", ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID})
	})
}

// deleteSessions signs an account out everywhere, in tx.
func deleteSessions(ctx context.Context, tx *sql.Tx, userID string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("ending sessions: %w", err)
	}
	return nil
}

// Purge deletes ended and idle sessions and sign-in failures older than
// the throttling window, and returns how many rows went. Nothing depends on
// it for correctness (expired rows are refused when read); a background job
// runs it, say hourly, to keep the tables small.
func (a *Auth) Purge(ctx context.Context) (int64, error) {
	now := a.now()
	var n int64
	err := a.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []struct {
			sql string
			arg time.Time
		}{
			{`DELETE FROM sessions WHERE expires_at <= $1`, now},
			{`DELETE FROM sessions WHERE last_seen_at <= $1`, now.Add(-a.opts.SessionIdle)},
			{`DELETE FROM login_failures WHERE at <= $1`, now.Add(-a.opts.FailureWindow)},
		} {
			res, err := tx.ExecContext(ctx, q.sql, store.Millis(q.arg))
			if err != nil {
				return fmt.Errorf("purging: %w", err)
			}
			k, _ := res.RowsAffected()
			n += k
		}
		return nil
	})
	return n, err
}
