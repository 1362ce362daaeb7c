package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// TOTP follows RFC 6238 as authenticator apps expect it: SHA-1, six digits,
// 30-second steps. A code is accepted one step early or late (clock skew),
// and never twice: users.totp_last_step remembers the last step used.
const (
	totpPeriod       = 30
	totpSkew         = 1
	recoveryCodes    = 10
	qrCodeSize       = 256 // pixels
	recoveryCodeSize = 10  // random bytes: 80 bits, 16 base32 characters
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Enrolment is what the page shows to set up an authenticator app.
type Enrolment struct {
	Secret string // base32, for typing in by hand
	URL    string // otpauth://totp/…, what the QR code holds
	QRCode []byte // PNG image of URL
}

// BeginEnrolment starts setting up TOTP for the actor's own account
// (access.ManageOwnAccount): it keeps a new secret, not yet in force, and
// returns it for the page. Calling it again replaces the secret. An
// account with TOTP already on gets a valid.Error on "totp".
func (a *Auth) BeginEnrolment(ctx context.Context, actor access.Actor) (Enrolment, error) {
	if !access.Can(actor, access.ManageOwnAccount, access.Target{OrgID: actor.OrgID, OwnerID: actor.UserID}) {
		return Enrolment{}, access.ErrDenied
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: a.opts.Issuer, AccountName: actor.Name,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, fmt.Errorf("generating TOTP secret: %w", err)
	}
	img, err := key.Image(qrCodeSize, qrCodeSize)
	if err != nil {
		return Enrolment{}, fmt.Errorf("drawing QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, fmt.Errorf("encoding QR code: %w", err)
	}
	err = a.db.InTx(ctx, func(tx *sql.Tx) error {
		ac, err := loadAccount(ctx, tx, "id", actor.UserID)
		if err != nil {
			return err
		}
		if ac.TOTPEnabled {
			return valid.New("totp", "auth.totp.already_enabled", "the second factor is already on", nil)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3`,
			key.Secret(), store.Millis(a.now()), ac.ID); err != nil {
			return fmt.Errorf("keeping TOTP secret: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "user.totp_begin", ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID})
	})
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(), QRCode: buf.Bytes()}, nil
}

// ConfirmEnrolment turns TOTP on for the actor's own account once the
// person shows a code from the app, and returns 10 recovery codes: show
// them once, they are stored hashed. A wrong code is a valid.Error on
// "code"; without BeginEnrolment, or with TOTP already on, one on "totp".
func (a *Auth) ConfirmEnrolment(ctx context.Context, actor access.Actor, code string) ([]string, error) {
	if !access.Can(actor, access.ManageOwnAccount, access.Target{OrgID: actor.OrgID, OwnerID: actor.UserID}) {
		return nil, access.ErrDenied
	}
	codes := newRecoveryCodes()
	err := a.db.InTx(ctx, func(tx *sql.Tx) error {
		ac, err := loadAccount(ctx, tx, "id", actor.UserID)
		if err != nil {
			return err
		}
		switch {
		case ac.TOTPEnabled:
			return valid.New("totp", "auth.totp.already_enabled", "the second factor is already on", nil)
		case ac.totpSecret == "":
			return valid.New("totp", "auth.totp.not_started", "start setting up the second factor first", nil)
		}
		step, ok := matchTOTP(ac.totpSecret, code, a.now())
		if !ok {
			return wrongCode()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled = $1, totp_last_step = $2, updated_at = $3
			WHERE id = $4`, true, step, store.Millis(a.now()), ac.ID); err != nil {
			return fmt.Errorf("turning TOTP on: %w", err)
		}
		if err := a.replaceRecoveryCodes(ctx, tx, ac.ID, codes); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: "user.totp_enable", ObjectType: "user",
			ObjectID: ac.ID, OrgID: ac.OrgID})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns TOTP off for the actor's own account, given a current
// code or an unused recovery code (a wrong one is a valid.Error on "code"
// and counts as a failed sign-in). Without TOTP on: a valid.Error on "totp".
func (a *Auth) DisableTOTP(ctx context.Context, actor access.Actor, code string) error {
	if !access.Can(actor, access.ManageOwnAccount, access.Target{OrgID: actor.OrgID, OwnerID: actor.UserID}) {
		return access.ErrDenied
	}
	ac, err := loadAccount(ctx, a.db.R(), "id", actor.UserID)
	if err != nil {
		return err
	}
	now := a.now()
	if err := a.throttled(ctx, ac.Email, actor.Addr, now); err != nil {
		return err
	}
	err = a.db.InTx(ctx, func(tx *sql.Tx) error {
		if !ac.TOTPEnabled {
			return valid.New("totp", "auth.totp.not_enabled", "the second factor is not on", nil)
		}
		if _, err := a.useSecondFactor(ctx, tx, ac, code, now); err != nil {
			return err
		}
		return a.turnTOTPOff(ctx, tx, actor, ac, "user.totp_disable")
	})
	if errors.Is(err, errWrongCode) {
		return a.failAttempt(ctx, ac.Email, actor.Addr, ac, "user.totp_disable_failed", "code", now, wrongCode())
	}
	return err
}

// ResetTOTP turns TOTP off for another person's account, for someone who
// lost both the app and the recovery codes. It needs access.ManageUsers;
// one's own second factor is turned off with DisableTOTP and a code, so a
// stolen administrator session cannot strip it.
func (a *Auth) ResetTOTP(ctx context.Context, actor access.Actor, userID string) error {
	if actor.UserID == userID {
		return access.ErrDenied
	}
	return a.db.InTx(ctx, func(tx *sql.Tx) error {
		ac, err := a.managedAccount(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		if !ac.TOTPEnabled && ac.totpSecret == "" {
			return nil
		}
		return a.turnTOTPOff(ctx, tx, actor, ac, "user.totp_reset")
	})
}

func (a *Auth) turnTOTPOff(ctx context.Context, tx *sql.Tx, actor access.Actor, ac account, action string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled = $1, totp_secret = '', totp_last_step = 0,
		updated_at = $2 WHERE id = $3`, false, store.Millis(a.now()), ac.ID); err != nil {
		return fmt.Errorf("turning TOTP off: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, ac.ID); err != nil {
		return fmt.Errorf("deleting recovery codes: %w", err)
	}
	return audit.Record(ctx, tx, audit.By(actor), audit.Change{Action: action, ObjectType: "user",
		ObjectID: ac.ID, OrgID: ac.OrgID})
}

// useSecondFactor spends code for ac in tx: a TOTP code of a step later
// than the last one used, or an unused recovery code. It returns the method
// ("totp" or "recovery_code"), or errWrongCode.
func (a *Auth) useSecondFactor(ctx context.Context, tx *sql.Tx, ac account, code string, now time.Time) (string, error) {
	if step, ok := matchTOTP(ac.totpSecret, code, now); ok {
		r, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`,
			step, ac.ID)
		if err != nil {
			return "", fmt.Errorf("spending TOTP code: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 1 {
			return "totp", nil
		}
		return "", errWrongCode // replayed
	}
	r, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND hash = $3
		AND used_at = 0`, store.Millis(now), ac.ID, hashSecret(normalRecoveryCode(code)))
	if err != nil {
		return "", fmt.Errorf("spending recovery code: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 1 {
		return "recovery_code", nil
	}
	return "", errWrongCode
}

// matchTOTP reports whether code is the TOTP of secret at now or one step
// either side, and which step it is.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.Join(strings.Fields(code), "")
	if secret == "" || len(code) != otp.DigitsSix.Length() {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for s := step - totpSkew; s <= step+totpSkew; s++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRecoveryCodes returns fresh codes like "abcd-efgh-ijkl-mnop".
func newRecoveryCodes() []string {
	codes := make([]string, recoveryCodes)
	for i := range codes {
		b := make([]byte, recoveryCodeSize)
		_, _ = rand.Read(b)
		s := strings.ToLower(recoveryEncoding.EncodeToString(b))
		codes[i] = s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
	}
	return codes
}

// normalRecoveryCode forgives case, dashes and spaces as people type them.
func normalRecoveryCode(code string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(code)))
}

// replaceRecoveryCodes stores the hashes of codes as userID's only ones.
func (a *Auth) replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID string, codes []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("deleting recovery codes: %w", err)
	}
	now := store.Millis(a.now())
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, hash, created_at, used_at)
			VALUES ($1, $2, $3, 0)`, userID, hashSecret(normalRecoveryCode(c)), now); err != nil {
			return fmt.Errorf("storing recovery codes: %w", err)
		}
	}
	return nil
}
