package ui

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"atalaya/internal/auth"
	"atalaya/internal/valid"
	"atalaya/internal/web"
)

func (u *UI) loginForm(w http.ResponseWriter, r *http.Request) {
	f := &form{Values: map[string]string{"next": safeNext(r.URL.Query().Get("next"))}}
	u.render(w, r, http.StatusOK, "login", page{TitleKey: "login.title", Form: f})
}

func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "email", "next")
	password := r.PostFormValue("password")
	res, err := u.auth.Login(r.Context(), f.Value("email"), password, u.addrOf(r), r.UserAgent())
	if err != nil {
		status := http.StatusUnauthorized
		var te *auth.ThrottledError
		switch {
		case errors.As(err, &te):
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", retryAfter(te.RetryAfter))
			f.fail(throttled("email", te))
		case errors.Is(err, auth.ErrInvalidCredentials):
			f.fail(valid.New("password", "login.failed", "Wrong e-mail or password.", nil))
		case errors.Is(err, auth.ErrAccountDisabled):
			f.fail(valid.New("email", "login.disabled", "This account is disabled; ask your team administrator.", nil))
		case f.fail(err):
			status = http.StatusUnprocessableEntity
		default:
			u.fail(w, r, err)
			return
		}
		u.render(w, r, status, "login", page{TitleKey: "login.title", Form: f})
		return
	}
	u.setSessionCookie(w, res.Token, time.Until(res.ExpiresAt))
	if res.SecondFactorRequired {
		http.Redirect(w, r, "/login/second-factor?next="+safeNext(f.Value("next")), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, safeNext(f.Value("next")), http.StatusSeeOther)
}

// throttled is the field error shown while sign-in attempts are refused.
func throttled(field string, te *auth.ThrottledError) error {
	return valid.New(field, "login.throttled", "Too many failed attempts; try again later.",
		map[string]any{"Minutes": int(te.RetryAfter.Minutes()) + 1})
}

func retryAfter(d time.Duration) string { return strconv.Itoa(int(d.Seconds()) + 1) }

func (u *UI) secondFactorForm(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(web.SessionCookie); err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	f := &form{Values: map[string]string{"next": safeNext(r.URL.Query().Get("next"))}}
	u.render(w, r, http.StatusOK, "second_factor", page{TitleKey: "login.second_factor", Form: f})
}

func (u *UI) secondFactor(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(web.SessionCookie)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	f := newForm(r, "code", "next")
	res, err := u.auth.VerifySecondFactor(r.Context(), c.Value, f.Value("code"))
	if err != nil {
		var te *auth.ThrottledError
		switch {
		case errors.Is(err, auth.ErrUnauthenticated):
			u.clearSessionCookie(w)
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		case errors.As(err, &te):
			f.fail(throttled("code", te))
		case !f.fail(err):
			u.fail(w, r, err)
			return
		}
		u.render(w, r, http.StatusUnauthorized, "second_factor", page{TitleKey: "login.second_factor", Form: f})
		return
	}
	u.setSessionCookie(w, res.Token, time.Until(res.ExpiresAt))
	http.Redirect(w, r, safeNext(f.Value("next")), http.StatusSeeOther)
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		if err := u.auth.Logout(r.Context(), c.Value, u.addrOf(r)); err != nil {
			u.logger.Warn("logout", "err", err)
		}
	}
	u.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLanguage is the language switcher on every page: a plain form, so it
// works without JavaScript. It remembers the choice in a cookie and, for a
// signed-in person, in their account.
func (u *UI) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := u.i18n.Match(r.PostFormValue("lang"), "")
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: u.secure, SameSite: http.SameSiteLaxMode, HttpOnly: true})
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		if actor, _, err := u.auth.ActorForSession(r.Context(), c.Value, u.addrOf(r)); err == nil {
			if err := u.auth.SetLanguage(r.Context(), actor, lang); err != nil {
				u.logger.Warn("saving language", "err", err)
			}
		}
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("back")), http.StatusSeeOther)
}
