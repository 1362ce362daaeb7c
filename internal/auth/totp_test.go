package auth

import (
	"bytes"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"atalaya/internal/access"
	"atalaya/internal/audit"
)

// enrol turns TOTP on for the account of actor and returns its secret and
// recovery codes.
func (f *fixture) enrol(actor access.Actor) (string, []string) {
	f.t.Helper()
	e, err := f.auth.BeginEnrolment(f.ctx, actor)
	if err != nil {
		f.t.Fatalf("begin enrolment: %v", err)
	}
	codes, err := f.auth.ConfirmEnrolment(f.ctx, actor, f.code(e.Secret, 0))
	if err != nil {
		f.t.Fatalf("confirm enrolment: %v", err)
	}
	return e.Secret, codes
}

// code is the TOTP of secret steps periods from the fixture's now.
func (f *fixture) code(secret string, steps int) string {
	f.t.Helper()
	c, err := totp.GenerateCode(secret, f.now.Add(time.Duration(steps)*totpPeriod*time.Second))
	if err != nil {
		f.t.Fatalf("generating code: %v", err)
	}
	return c
}

func TestEnrolment(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		actor := f.userActor(orgA, "ana@example.org", access.Analyst)
		_, err := f.auth.ConfirmEnrolment(f.ctx, actor, "123456")
		wantField(t, err, "totp", "auth.totp.not_started")
		_, err = f.auth.BeginEnrolment(f.ctx, access.Anonymous)
		wantErr(t, err, access.ErrDenied)

		e, err := f.auth.BeginEnrolment(f.ctx, actor)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e.URL, "otpauth://totp/Atalaya:ana@example.org?") || !strings.Contains(e.URL, "secret="+e.Secret) {
			t.Errorf("URL %q does not hold the account and secret %q", e.URL, e.Secret)
		}
		img, err := png.Decode(bytes.NewReader(e.QRCode))
		if err != nil || img.Bounds().Dx() != qrCodeSize {
			t.Errorf("QR code: %v, %v; want a %d px PNG", err, img, qrCodeSize)
		}
		if n := f.count("users WHERE totp_secret = '" + e.Secret + "' AND totp_enabled = FALSE"); n != 1 {
			t.Errorf("the pending secret is not kept (or already on)")
		}

		_, err = f.auth.ConfirmEnrolment(f.ctx, actor, f.code(e.Secret, 3))
		wantField(t, err, "code", "auth.totp.wrong_code")
		codes, err := f.auth.ConfirmEnrolment(f.ctx, actor, " "+f.code(e.Secret, -1)+" ")
		if err != nil {
			t.Fatal(err)
		}
		shape := regexp.MustCompile(`^[a-z2-7]{4}(-[a-z2-7]{4}){3}$`)
		seen := map[string]bool{}
		for _, c := range codes {
			if !shape.MatchString(c) || seen[c] {
				t.Errorf("recovery code %q: malformed or repeated", c)
			}
			seen[c] = true
		}
		if len(codes) != 10 || f.count("recovery_codes") != 10 {
			t.Errorf("%d codes returned, %d stored; want 10", len(codes), f.count("recovery_codes"))
		}
		if n := f.count("recovery_codes WHERE hash = '" + codes[0] + "'"); n != 0 {
			t.Errorf("recovery codes stored in the clear")
		}
		_, err = f.auth.BeginEnrolment(f.ctx, actor)
		wantField(t, err, "totp", "auth.totp.already_enabled")
		if u, _ := f.auth.GetUser(f.ctx, actor, actor.UserID); !u.TOTPEnabled {
			t.Errorf("TOTP not on after confirming")
		}
	})
}

func TestSecondFactorLogin(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		secret, recovery := f.enrol(f.userActor(orgA, "ana@example.org", access.Analyst))
		pending := func() string {
			t.Helper()
			res, err := f.auth.Login(f.ctx, "ana@example.org", goodPassword, "192.0.2.1", "test")
			if err != nil || !res.SecondFactorRequired || !res.ExpiresAt.Equal(f.now.Add(5*time.Minute)) {
				t.Fatalf("login: %+v, %v; want a pending session for 5 minutes", res, err)
			}
			_, u, err := f.auth.ActorForSession(f.ctx, res.Token, "192.0.2.1")
			wantErr(t, err, ErrSecondFactorRequired)
			if u.Email != "ana@example.org" {
				t.Errorf("pending session's user %+v", u)
			}
			return res.Token
		}
		f.advance(time.Minute) // past the step used to confirm
		cases := []struct {
			name    string
			advance time.Duration
			code    func() string
			ok      bool
		}{
			{"wrong code", 0, func() string { return "000000" }, false},
			{"current code", 0, func() string { return f.code(secret, 0) }, true},
			{"the same code again", 0, func() string { return f.code(secret, 0) }, false},
			{"code of the next step, a step early", 0, func() string { return f.code(secret, 1) }, true},
			{"code two steps ahead", 0, func() string { return f.code(secret, 2) }, false},
			{"unused code of the previous step", 3 * totpPeriod * time.Second, func() string { return f.code(secret, -1) }, true},
			{"recovery code, typed loosely", 0, func() string { return " " + strings.ToUpper(recovery[0]) }, true},
			{"recovery code again", 0, func() string { return recovery[0] }, false},
			{"another recovery code", 0, func() string { return strings.ReplaceAll(recovery[1], "-", "") }, true},
			{"code after the pending session ended", 5 * time.Minute, func() string { return f.code(secret, 0) }, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				token := pending()
				f.advance(tc.advance)
				res, err := f.auth.VerifySecondFactor(f.ctx, token, tc.code())
				if !tc.ok {
					if err == nil {
						t.Fatalf("accepted")
					}
					if tc.advance < 5*time.Minute {
						wantField(t, err, "code", "auth.totp.wrong_code")
					} else {
						wantErr(t, err, ErrUnauthenticated)
					}
					return
				}
				if err != nil || res.SecondFactorRequired || res.Token == token {
					t.Fatalf("verify: %+v, %v; want a full session with a new token", res, err)
				}
				_, _, err = f.auth.ActorForSession(f.ctx, token, "")
				wantErr(t, err, ErrUnauthenticated)
				if actor, _, err := f.auth.ActorForSession(f.ctx, res.Token, ""); err != nil || actor.Name != "ana@example.org" {
					t.Errorf("full session: %+v, %v", actor, err)
				}
				_, err = f.auth.VerifySecondFactor(f.ctx, res.Token, f.code(secret, 0))
				wantErr(t, err, ErrUnauthenticated)
			})
		}
		entries, _, _ := audit.List(f.ctx, f.db, audit.Filter{Action: "auth.second_factor"})
		if len(entries) != 5 {
			t.Errorf("%d auth.second_factor entries, want 5", len(entries))
		}
		if _, err := audit.Verify(f.ctx, f.db); err != nil {
			t.Error(err)
		}
	})
}

func TestSecondFactorThrottled(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		secret, _ := f.enrol(f.userActor(orgA, "ana@example.org", access.Analyst))
		f.advance(time.Minute)
		var err error
		for range 3 {
			// A new pending session does not reset the count: only a
			// completed sign-in does.
			res, lerr := f.auth.Login(f.ctx, "ana@example.org", goodPassword, "192.0.2.1", "")
			if lerr != nil {
				err = lerr
				break
			}
			for range 2 {
				_, err = f.auth.VerifySecondFactor(f.ctx, res.Token, "111111")
			}
		}
		wantErr(t, err, ErrThrottled)
		f.advance(15 * time.Minute)
		res, err := f.auth.Login(f.ctx, "ana@example.org", goodPassword, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.auth.VerifySecondFactor(f.ctx, res.Token, f.code(secret, 0)); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

func TestDisableAndResetTOTP(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ana := f.userActor(orgA, "ana@example.org", access.Analyst)
		adminA := f.userActor(orgA, "admin-a@example.org", access.TeamAdmin)
		adminB := f.userActor(orgB, "admin-b@example.org", access.TeamAdmin)
		secret, _ := f.enrol(ana)
		f.advance(time.Minute)

		wantField(t, f.auth.DisableTOTP(f.ctx, ana, "999999"), "code", "auth.totp.wrong_code")
		if err := f.auth.DisableTOTP(f.ctx, ana, f.code(secret, 0)); err != nil {
			t.Fatal(err)
		}
		wantField(t, f.auth.DisableTOTP(f.ctx, ana, f.code(secret, 0)), "totp", "auth.totp.not_enabled")
		if res, err := f.auth.Login(f.ctx, "ana@example.org", goodPassword, "", ""); err != nil || res.SecondFactorRequired {
			t.Errorf("login after disabling: %+v, %v; want a full session", res, err)
		}
		if f.count("recovery_codes") != 0 {
			t.Errorf("recovery codes kept after disabling")
		}

		f.enrol(ana)
		wantErr(t, f.auth.ResetTOTP(f.ctx, ana, ana.UserID), access.ErrDenied)
		wantErr(t, f.auth.ResetTOTP(f.ctx, adminB, ana.UserID), access.ErrDenied)
		if err := f.auth.ResetTOTP(f.ctx, adminA, ana.UserID); err != nil {
			t.Fatal(err)
		}
		if res, err := f.auth.Login(f.ctx, "ana@example.org", goodPassword, "", ""); err != nil || res.SecondFactorRequired {
			t.Errorf("login after reset: %+v, %v; want a full session", res, err)
		}
		if !containsAll(f.auditActions(), "user.totp_begin", "user.totp_enable", "user.totp_disable", "user.totp_reset") {
			t.Errorf("audit log %v lacks TOTP changes", f.auditActions())
		}
	})
}
