package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// User is an account as others may see it: never its password hash or
// TOTP secret.
type User struct {
	ID          string        `json:"id"`
	OrgID       string        `json:"org_id"`
	Email       string        `json:"email"` // lower-case
	Name        string        `json:"name"`
	Language    string        `json:"language"` // "" = from the browser
	Roles       []access.Role `json:"roles"`
	Disabled    bool          `json:"disabled"`
	TOTPEnabled bool          `json:"totp_enabled"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	LastLoginAt time.Time     `json:"last_login_at"` // zero: never
}

// NewUser is what CreateUser needs.
type NewUser struct {
	OrgID    string
	Email    string
	Name     string
	Roles    []access.Role
	Password string
	Language string // "" = from the browser
}

// account is a User with what only this package reads.
type account struct {
	User
	secretariat  bool   // the organisation's kind is "secretariat"
	country      string // the organisation's member state, "" for none
	passwordHash string
	totpSecret   string
	totpLastStep int64
}

// actor is the access.Actor of the account at addr; scopes is nil for a
// browser session.
func (ac account) actor(addr string, scopes []access.Scope) access.Actor {
	return access.Actor{UserID: ac.ID, Name: ac.Email, OrgID: ac.OrgID, Country: ac.country, Addr: addr,
		Secretariat: ac.secretariat, Roles: ac.Roles, Scopes: scopes}
}

// who is the audit Who of the account itself, for sign-in events.
func (ac account) who(addr string) audit.Who {
	return audit.Who{UserID: ac.ID, Name: ac.Email, OrgID: ac.OrgID, Addr: addr}
}

const accountColumns = `u.id, u.org_id, u.email, u.name, u.language, u.roles, u.disabled, u.totp_enabled,
	u.created_at, u.updated_at, u.last_login_at, o.kind, o.country, u.password_hash, u.totp_secret, u.totp_last_step`

const fromAccounts = ` FROM users u JOIN organizations o ON o.id = u.org_id`

// scanAccount reads accountColumns (after any extra leading columns).
func scanAccount(row interface{ Scan(...any) error }, extra ...any) (account, error) {
	var ac account
	var roles, kind string
	var created, updated, login int64
	dest := append(extra, &ac.ID, &ac.OrgID, &ac.Email, &ac.Name, &ac.Language, &roles, &ac.Disabled,
		&ac.TOTPEnabled, &created, &updated, &login, &kind, &ac.country, &ac.passwordHash, &ac.totpSecret, &ac.totpLastStep)
	if err := row.Scan(dest...); err != nil {
		return ac, err
	}
	ac.Roles = splitList[access.Role](roles)
	ac.CreatedAt, ac.UpdatedAt, ac.LastLoginAt = store.Time(created), store.Time(updated), store.Time(login)
	ac.secretariat = kind == orgKindSecretariat
	return ac, nil
}

// orgKindSecretariat is the directory's kind of the secretariat's
// organisation; its members' secretariat roles count.
const orgKindSecretariat = "secretariat"

// loadAccount reads one account by a column of users ("id" or "email").
func loadAccount(ctx context.Context, q store.Querier, column, value string) (account, error) {
	row := q.QueryRowContext(ctx, `SELECT `+accountColumns+fromAccounts+` WHERE u.`+column+` = $1`, value)
	ac, err := scanAccount(row)
	if errors.Is(err, sql.ErrNoRows) {
		return ac, store.ErrNotFound
	}
	if err != nil {
		return ac, fmt.Errorf("loading user: %w", err)
	}
	return ac, nil
}

// CreateUser creates an account in nu.OrgID. The actor needs
// access.ManageUsers on that organisation. Bad input returns valid.Errors
// naming "org_id", "email", "name", "roles", "password" or "language".
func (a *Auth) CreateUser(ctx context.Context, actor access.Actor, nu NewUser) (User, error) {
	if !access.Can(actor, access.ManageUsers, access.Target{OrgID: nu.OrgID}) {
		return User{}, access.ErrDenied
	}
	now := a.now()
	u := User{ID: store.NewID(), OrgID: nu.OrgID, Email: normalEmail(nu.Email), Name: strings.TrimSpace(nu.Name),
		Language: nu.Language, Roles: inOrder(access.Roles, nu.Roles), CreatedAt: now, UpdatedAt: now}
	var errs valid.Errors
	checkEmail(&errs, u.Email)
	checkName(&errs, "name", u.Name)
	checkLanguage(&errs, u.Language)
	hash := ""
	if e := checkPasswordPolicy("password", nu.Password, u.Email); e != nil {
		errs = append(errs, e)
	} else if len(errs) == 0 {
		// Hashed outside the transaction, which would otherwise hold
		// SQLite's only writer for the 26 ms of argon2.
		hash = hashPassword(nu.Password, a.opts.Argon2)
	}
	err := a.db.InTx(ctx, func(tx *sql.Tx) error {
		checkRoles(ctx, tx, &errs, u.OrgID, nu.Roles)
		if err := errs.Err(); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, org_id, email, name, name_fold, language, roles,
			disabled, password_hash, totp_secret, totp_enabled, totp_last_step, created_at, updated_at, last_login_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, 0, $11, $11, 0)`,
			u.ID, u.OrgID, u.Email, u.Name, strings.ToLower(u.Name), u.Language, joinList(u.Roles), false,
			hash, false, store.Millis(now))
		if store.IsUniqueViolation(err) {
			return valid.New("email", "auth.email.taken", "an account with this e-mail already exists", nil)
		}
		if err != nil {
			return fmt.Errorf("inserting user: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "user.create", ObjectType: "user",
			ObjectID: u.ID, OrgID: u.OrgID, After: u})
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// GetUser returns an account the actor may see: any in an organisation
// where it has access.ViewUsers, and its own.
func (a *Auth) GetUser(ctx context.Context, actor access.Actor, id string) (User, error) {
	ac, err := loadAccount(ctx, a.db.R(), "id", id)
	if err != nil {
		return User{}, err
	}
	if !access.Can(actor, access.ViewUsers, access.Target{OrgID: ac.OrgID}) &&
		!access.Can(actor, access.ManageOwnAccount, access.Target{OrgID: ac.OrgID, OwnerID: ac.ID}) {
		return User{}, access.ErrDenied
	}
	return ac.User, nil
}

// Filter narrows what ListUsers and ListTokens return; zero fields do not
// narrow. Each list says which fields it reads.
type Filter struct {
	// OrgID limits to one organisation. ListUsers with OrgID "" lists every
	// organisation, which only the secretariat administrator may do.
	OrgID string
	// UserID limits ListTokens to one person's tokens.
	UserID string
	// Query (ListUsers) matches part of the e-mail or name, any case.
	Query string
	// After (ListUsers) is the cursor: the ID of the last user of the
	// previous page. Limit is the page size (default 50, at most 500).
	After string
	Limit int
}

// ListUsers returns a page of accounts ordered by ID, and the cursor of the
// next page ("" at the end). The actor needs access.ViewUsers on f.OrgID.
func (a *Auth) ListUsers(ctx context.Context, actor access.Actor, f Filter) ([]User, string, error) {
	if !access.Can(actor, access.ViewUsers, access.Target{OrgID: f.OrgID}) {
		return nil, "", access.ErrDenied
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	like := ""
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		like = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	}
	rows, err := a.db.R().QueryContext(ctx, `SELECT `+accountColumns+fromAccounts+`
		WHERE ($1 = '' OR u.org_id = $1) AND ($2 = '' OR u.email LIKE $2 ESCAPE '\' OR u.name_fold LIKE $2 ESCAPE '\')
		AND ($3 = '' OR u.id > $3) ORDER BY u.id LIMIT $4`, f.OrgID, like, f.After, f.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		ac, err := scanAccount(rows)
		if err != nil {
			return nil, "", fmt.Errorf("listing users: %w", err)
		}
		out = append(out, ac.User)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("listing users: %w", err)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

func normalEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func checkEmail(errs *valid.Errors, email string) {
	if email == "" {
		errs.Add("email", "auth.email.required", "enter an e-mail address", nil)
		return
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		errs.Add("email", "auth.email.malformed", "this is not an e-mail address (name@example.org)", nil)
	}
}

// maxNameLen bounds people's and tokens' names, in characters.
const maxNameLen = 200

func checkName(errs *valid.Errors, field, name string) {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		errs.Add(field, "auth.name.required", "enter a name", nil)
	case n > maxNameLen:
		errs.Add(field, "auth.name.too_long", fmt.Sprintf("use at most %d characters", maxNameLen),
			map[string]any{"Max": maxNameLen})
	}
}

// languages are the languages of the message catalogs ("" = the browser's).
var languages = []string{"", "en", "es", "pt", "fr"}

func checkLanguage(errs *valid.Errors, lang string) {
	if !slices.Contains(languages, lang) {
		errs.Add("language", "auth.language.unsupported", fmt.Sprintf("language %q is not offered", lang),
			map[string]any{"Language": lang})
	}
}
