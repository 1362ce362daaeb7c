package auth

import (
	"context"
	"database/sql"
	"fmt"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// SetPassword sets the password of account userID and signs the account
// out everywhere (its sessions are deleted; API tokens stay). A person
// changing their own password gives the current one (access.ManageOwnAccount;
// a wrong one counts as a failed sign-in for throttling); an administrator
// with access.ManageUsers sets another person's without it. Bad input
// returns a valid.Error on "password" or "current_password".
func (a *Auth) SetPassword(ctx context.Context, actor access.Actor, userID, current, password string) error {
	ac, err := loadAccount(ctx, a.db.R(), "id", userID)
	if err != nil {
		return err
	}
	self := actor.UserID == ac.ID
	target := access.Target{OrgID: ac.OrgID, OwnerID: ac.ID}
	if (self && !access.Can(actor, access.ManageOwnAccount, target)) ||
		(!self && !access.Can(actor, access.ManageUsers, target)) {
		return access.ErrDenied
	}
	if e := checkPasswordPolicy("password", password, ac.Email); e != nil {
		return e
	}
	if self {
		if err := a.checkCurrentPassword(ctx, actor, ac, current); err != nil {
			return err
		}
	}
	// Hash before the transaction: SQLite has one writer, and 26 ms of
	// argon2 inside it would hold everyone else's writes.
	hash := hashPassword(password, a.opts.Argon2)
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`,
			hash, store.Millis(a.now()), ac.ID); err != nil {
			return fmt.Errorf("setting password: %w", err)
		}
		if err := deleteSessions(ctx, tx, ac.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "user.password", ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID, After: map[string]bool{"self": self}})
	})
}

// checkCurrentPassword checks a person's own current password, throttled
// like a sign-in so a stolen session cannot be used to guess it.
func (a *Auth) checkCurrentPassword(ctx context.Context, actor access.Actor, ac account, current string) error {
	now := a.now()
	if err := a.throttled(ctx, ac.Email, actor.Addr, now); err != nil {
		return err
	}
	if checkPassword(current, ac.passwordHash, a.opts.Argon2) {
		return nil
	}
	err := a.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := a.recordFailure(ctx, tx, ac.Email, actor.Addr, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "user.password_check_failed",
			ObjectType: "user", ObjectID: ac.ID, OrgID: ac.OrgID})
	})
	if err != nil {
		return err
	}
	return valid.New("current_password", "auth.password.wrong", "the current password is wrong", nil)
}

// SetDisabled disables or enables account userID. A disabled account cannot
// sign in, its sessions are deleted and its API tokens are refused. The
// actor needs access.ManageUsers; nobody disables their own account (a
// valid.Error on "disabled"), so an organisation is not left without its
// administrator by a slip.
func (a *Auth) SetDisabled(ctx context.Context, actor access.Actor, userID string, disabled bool) error {
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		ac, err := a.managedAccount(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		if disabled && actor.UserID == ac.ID {
			return valid.New("disabled", "auth.user.disable_self", "you cannot disable your own account", nil)
		}
		if ac.Disabled == disabled {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3`,
			disabled, store.Millis(a.now()), ac.ID); err != nil {
			return fmt.Errorf("disabling user: %w", err)
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
			if err := deleteSessions(ctx, tx, ac.ID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: action, ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID, Before: map[string]bool{"disabled": ac.Disabled},
			After: map[string]bool{"disabled": disabled}})
	})
}

// SetLanguage sets the actor's own interface language: "en", "es", "pt",
// "fr", or "" to follow the browser (a valid.Error on "language" otherwise).
// It needs access.ManageOwnAccount.
func (a *Auth) SetLanguage(ctx context.Context, actor access.Actor, language string) error {
	if !access.Can(actor, access.ManageOwnAccount, access.Target{OrgID: actor.OrgID, OwnerID: actor.UserID}) {
		return access.ErrDenied
	}
	var errs valid.Errors
	checkLanguage(&errs, language)
	if err := errs.Err(); err != nil {
		return err
	}
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		ac, err := loadAccount(ctx, tx, "id", actor.UserID)
		if err != nil {
			return err
		}
		if ac.Language == language {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET language = $1, updated_at = $2 WHERE id = $3`,
			language, store.Millis(a.now()), ac.ID); err != nil {
			return fmt.Errorf("setting language: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "user.language", ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID, Before: map[string]string{"language": ac.Language},
			After: map[string]string{"language": language}})
	})
}
