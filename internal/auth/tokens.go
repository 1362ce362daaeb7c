package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// An API token's secret is "ata_" and 32 random bytes in base64url: 47
// characters. The prefix makes leaked tokens easy to recognise (secret
// scanners, logs); its first 8 characters are kept to tell tokens apart in
// lists.
const (
	tokenSecretPrefix = "ata_"
	tokenSecretLen    = len(tokenSecretPrefix) + sessionTokenLen
	tokenShownLen     = 8
)

// Token is an API token as lists show it: never its secret.
type Token struct {
	ID         string         `json:"id"`
	UserID     string         `json:"user_id"`
	UserEmail  string         `json:"user_email"`
	OrgID      string         `json:"org_id"`
	Name       string         `json:"name"`
	Prefix     string         `json:"prefix"` // the secret's first 8 characters
	Scopes     []access.Scope `json:"scopes"`
	CreatedAt  time.Time      `json:"created_at"`
	LastUsedAt time.Time      `json:"last_used_at"` // zero: never used
	ExpiresAt  time.Time      `json:"expires_at"`   // zero: never expires
	RevokedAt  time.Time      `json:"revoked_at"`   // zero: not revoked
}

// Usable reports whether the token is neither revoked nor expired at now.
func (t Token) Usable(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// CreateToken creates an API token for the actor itself
// (access.CreateToken) and returns it with its secret, which is shown this
// once and never stored. ttl 0 means it never expires. Its scopes are
// bounded by its creator: the admin scope only for those who may manage the
// users of their organisation (access.ManageUsers), and a token actor needs
// the admin scope to create tokens at all, so no token outgrows the one
// that made it. Whatever the scopes, a token acts with its owner's roles.
// Bad input returns valid.Errors on "name", "scopes" or "ttl".
func (a *Auth) CreateToken(ctx context.Context, actor access.Actor, name string, scopes []access.Scope,
	ttl time.Duration) (Token, string, error) {
	if !access.Can(actor, access.CreateToken, access.Target{OrgID: actor.OrgID, OwnerID: actor.UserID}) {
		return Token{}, "", access.ErrDenied
	}
	now := a.now()
	secret := tokenSecretPrefix + randomSecret()
	t := Token{ID: store.NewID(), UserID: actor.UserID, UserEmail: actor.Name, OrgID: actor.OrgID,
		Name: strings.TrimSpace(name), Prefix: secret[:tokenShownLen], Scopes: inOrder(access.Scopes, scopes), CreatedAt: now}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	if err := checkToken(actor, t.Name, scopes, ttl); err != nil {
		return Token{}, "", err
	}
	err := a.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, org_id, name, prefix, hash, scopes,
			created_at, last_used_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, 0)`,
			t.ID, t.UserID, t.OrgID, t.Name, t.Prefix, hashSecret(secret), joinList(t.Scopes),
			store.Millis(now), store.Millis(t.ExpiresAt))
		if err != nil {
			return fmt.Errorf("inserting token: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "token.create", ObjectType: audit.TokenObject,
			ObjectID: t.ID, OrgID: t.OrgID, After: t})
	})
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

func checkToken(actor access.Actor, name string, scopes []access.Scope, ttl time.Duration) error {
	var errs valid.Errors
	checkName(&errs, "name", name)
	if len(scopes) == 0 {
		errs.Add("scopes", "auth.scopes.required", "choose at least one scope", nil)
	}
	for _, s := range scopes {
		switch {
		case !slices.Contains(access.Scopes, s):
			errs.Add("scopes", "auth.scopes.unknown", fmt.Sprintf("unknown scope %q", s), map[string]any{"Scope": string(s)})
		case s == access.ScopeAdmin && !access.Can(actor, access.ManageUsers, access.Target{OrgID: actor.OrgID}):
			errs.Add("scopes", "auth.scopes.admin_not_allowed", "only administrators may create tokens with the admin scope", nil)
		}
	}
	if ttl < 0 {
		errs.Add("ttl", "auth.ttl.negative", "the lifetime cannot be negative", nil)
	}
	return errs.Err()
}

const tokenColumns = `t.id, t.user_id, u.email, t.org_id, t.name, t.prefix, t.scopes, t.created_at,
	t.last_used_at, t.expires_at, t.revoked_at`

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var scopes string
	var created, used, expires, revoked int64
	err := row.Scan(&t.ID, &t.UserID, &t.UserEmail, &t.OrgID, &t.Name, &t.Prefix, &scopes, &created, &used,
		&expires, &revoked)
	t.Scopes = splitList[access.Scope](scopes)
	t.CreatedAt, t.LastUsedAt = store.Time(created), store.Time(used)
	t.ExpiresAt, t.RevokedAt = store.Time(expires), store.Time(revoked)
	return t, err
}

// ListTokens returns the tokens the actor may see (access.ViewTokens on
// each), in ID order (creation order, to the millisecond): its own, and
// for an administrator those of its organisation; never another
// organisation's, whoever asks. f.OrgID and f.UserID narrow the list; other
// fields are ignored. An actor that may not see even its own tokens (a
// token without the admin scope) gets access.ErrDenied.
func (a *Auth) ListTokens(ctx context.Context, actor access.Actor, f Filter) ([]Token, error) {
	if !access.Can(actor, access.ViewTokens, access.Target{OrgID: actor.OrgID, OwnerID: actor.UserID}) {
		return nil, access.ErrDenied
	}
	// The query reads only the actor's own and its organisation's tokens;
	// access then decides on each.
	rows, err := a.db.R().QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE (t.user_id = $1 OR t.org_id = $2) AND ($3 = '' OR t.org_id = $3) AND ($4 = '' OR t.user_id = $4)
		ORDER BY t.id`, actor.UserID, actor.OrgID, f.OrgID, f.UserID)
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("listing tokens: %w", err)
		}
		if access.Can(actor, access.ViewTokens, access.Target{OrgID: t.OrgID, OwnerID: t.UserID}) {
			out = append(out, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes token id for good (access.RevokeToken: its owner, or
// an administrator of its organisation). Another organisation's token is
// store.ErrNotFound, as an unknown one, so its existence is not revealed;
// revoking a revoked token changes nothing.
func (a *Auth) RevokeToken(ctx context.Context, actor access.Actor, id string) error {
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+`
			FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && t.OrgID != actor.OrgID && t.UserID != actor.UserID) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("loading token: %w", err)
		}
		if !access.Can(actor, access.RevokeToken, access.Target{OrgID: t.OrgID, OwnerID: t.UserID}) {
			return access.ErrDenied
		}
		if !t.RevokedAt.IsZero() {
			return nil
		}
		before := t
		t.RevokedAt = a.now()
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`,
			store.Millis(t.RevokedAt), t.ID); err != nil {
			return fmt.Errorf("revoking token: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "token.revoke", ObjectType: audit.TokenObject,
			ObjectID: t.ID, OrgID: t.OrgID, Before: before, After: t})
	})
}

// ActorForToken returns who is behind an API token secret, for a request
// from addr: the owner's account with the token's scopes. A malformed,
// unknown, revoked or expired token, or a disabled owner, returns
// ErrUnauthenticated.
func (a *Auth) ActorForToken(ctx context.Context, secret, addr string) (access.Actor, User, error) {
	if len(secret) != tokenSecretLen || !strings.HasPrefix(secret, tokenSecretPrefix) {
		return access.Actor{}, User{}, ErrUnauthenticated
	}
	now := a.now()
	var id, scopes string
	var used, expires, revoked int64
	row := a.db.R().QueryRowContext(ctx, `SELECT t.id, t.scopes, t.last_used_at, t.expires_at, t.revoked_at, `+
		accountColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organizations o ON o.id = u.org_id
		WHERE t.hash = $1`, hashSecret(secret))
	ac, err := scanAccount(row, &id, &scopes, &used, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return access.Actor{}, User{}, ErrUnauthenticated
	}
	if err != nil {
		return access.Actor{}, User{}, fmt.Errorf("loading token: %w", err)
	}
	t := Token{RevokedAt: store.Time(revoked), ExpiresAt: store.Time(expires)}
	if !t.Usable(now) || ac.Disabled {
		return access.Actor{}, User{}, ErrUnauthenticated
	}
	if now.Sub(store.Time(used)) >= touchEvery {
		if err := a.touch(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return access.Actor{}, User{}, fmt.Errorf("noting token use: %w", err)
		}
	}
	return ac.actor(addr, splitList[access.Scope](scopes)), ac.User, nil
}
