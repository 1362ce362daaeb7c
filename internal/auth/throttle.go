package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"atalaya/internal/store"
)

// Failed attempts (wrong password, wrong second-factor code, wrong current
// password) are rows of login_failures, shared by every server on the
// database. An e-mail or a client address with too many failures within
// the window is refused until the oldest of them ages out. The count is kept
// per e-mail typed, whether or not an account has it, so throttling does not
// reveal which accounts exist.

// throttled returns a *ThrottledError when email or addr has reached its
// limit of failures within the window, else nil.
func (a *Auth) throttled(ctx context.Context, email, addr string, now time.Time) error {
	keys := []struct {
		column, value string
		limit         int
	}{
		{"email", email, a.opts.MaxFailuresPerAccount},
		{"addr", clientKey(addr), a.opts.MaxFailuresPerAddr},
	}
	var wait time.Duration
	for _, k := range keys {
		if k.value == "" {
			continue
		}
		until, err := a.blockedUntil(ctx, k.column, k.value, k.limit, now)
		if err != nil {
			return err
		}
		wait = max(wait, until.Sub(now))
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	return nil
}

// blockedUntil returns when the failures of one key drop below limit: the
// limit-th most recent failure in the window leaves it then. Zero time when
// the key is below limit already.
func (a *Auth) blockedUntil(ctx context.Context, column, value string, limit int, now time.Time) (time.Time, error) {
	since := store.Millis(now.Add(-a.opts.FailureWindow))
	var at int64
	err := a.db.R().QueryRowContext(ctx, `SELECT at FROM login_failures WHERE `+column+` = $1 AND at > $2
		ORDER BY at DESC LIMIT 1 OFFSET $3`, value, since, limit-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("counting sign-in failures: %w", err)
	}
	return store.Time(at).Add(a.opts.FailureWindow), nil
}

// recordFailure counts one failed attempt, and forgets those that no
// longer count, in tx.
func (a *Auth) recordFailure(ctx context.Context, tx *sql.Tx, email, addr string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (id, email, addr, at) VALUES ($1, $2, $3, $4)`,
		store.NewID(), email, clientKey(addr), store.Millis(now)); err != nil {
		return fmt.Errorf("recording sign-in failure: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at <= $1`,
		store.Millis(now.Add(-a.opts.FailureWindow))); err != nil {
		return fmt.Errorf("forgetting old sign-in failures: %w", err)
	}
	return nil
}

// clientKey is the client part of a remote address that throttling counts:
// the port is dropped, and IPv6 is cut to its /64, because one client
// usually holds a whole /64 and could otherwise rotate addresses.
func clientKey(addr string) string {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.WithZone("").Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
