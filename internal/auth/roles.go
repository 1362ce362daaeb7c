package auth

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// inOrder returns the members of xs that are in all, once each and in the
// order of all (access.Roles, access.Scopes), so equal sets are stored and
// audited alike.
func inOrder[T comparable](all, xs []T) []T {
	out := []T{}
	for _, x := range all {
		if slices.Contains(xs, x) {
			out = append(out, x)
		}
	}
	return out
}

// joinList and splitList store a list of roles or scopes as one
// comma-separated TEXT column. splitList never returns nil: for scopes nil
// would mean a browser session, which may do everything its roles allow.
func joinList[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ",")
}

func splitList[T ~string](s string) []T {
	out := []T{}
	for p := range strings.SplitSeq(s, ",") {
		if p != "" {
			out = append(out, T(p))
		}
	}
	return out
}

// checkRoles adds the problems with roles for an account of orgID, which
// must exist. The secretariat roles count only in the secretariat's
// organisation (access.Actor.Has), so giving them elsewhere is refused
// rather than stored to mean nothing.
func checkRoles(ctx context.Context, q store.Querier, errs *valid.Errors, orgID string, roles []access.Role) {
	if orgID == "" {
		errs.Add("org_id", "auth.organization.required", "choose an organisation", nil)
		return
	}
	var kind string
	err := q.QueryRowContext(ctx, `SELECT kind FROM organizations WHERE id = $1`, orgID).Scan(&kind)
	if err != nil {
		errs.Add("org_id", "auth.organization.unknown", "no such organisation", nil)
		return
	}
	if len(roles) == 0 {
		errs.Add("roles", "auth.roles.required", "give the account at least one role", nil)
	}
	for _, r := range roles {
		switch {
		case !access.ValidRole(r):
			errs.Add("roles", "auth.roles.unknown", fmt.Sprintf("unknown role %q", r), map[string]any{"Role": string(r)})
		case (r == access.SecretariatAdmin || r == access.SecretariatOfficer) && kind != orgKindSecretariat:
			errs.Add("roles", "auth.roles.secretariat_only", fmt.Sprintf("role %q is for the secretariat's staff only", r),
				map[string]any{"Role": string(r)})
		}
	}
}

// SetRoles replaces the roles of an account. The actor needs
// access.ManageUsers on the account's organisation; bad roles return
// valid.Errors on "roles". The new roles apply to the account's next
// request: sessions and tokens read them each time.
func (a *Auth) SetRoles(ctx context.Context, actor access.Actor, userID string, roles []access.Role) error {
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		ac, err := a.managedAccount(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		var errs valid.Errors
		checkRoles(ctx, tx, &errs, ac.OrgID, roles)
		if err := errs.Err(); err != nil {
			return err
		}
		after := inOrder(access.Roles, roles)
		if slices.Equal(after, ac.Roles) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET roles = $1, updated_at = $2 WHERE id = $3`,
			joinList(after), store.Millis(a.now()), userID); err != nil {
			return fmt.Errorf("setting roles: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "user.roles", ObjectType: "user",
			ObjectID: userID, OrgID: ac.OrgID, Before: ac.Roles, After: after})
	})
}

// managedAccount loads the account userID inside tx and checks that the
// actor may manage it (access.ManageUsers on its organisation).
func (a *Auth) managedAccount(ctx context.Context, tx *sql.Tx, actor access.Actor, userID string) (account, error) {
	ac, err := loadAccount(ctx, tx, "id", userID)
	if err != nil {
		return ac, err
	}
	if !access.Can(actor, access.ManageUsers, access.Target{OrgID: ac.OrgID, OwnerID: ac.ID}) {
		return ac, access.ErrDenied
	}
	return ac, nil
}
