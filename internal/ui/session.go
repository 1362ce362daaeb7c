package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/web"
)

type sessionKey struct{}

// session is who is behind a request, resolved once by signedIn.
type session struct {
	actor access.Actor
	user  *auth.User
	token string
}

func sessionOf(r *http.Request) session {
	s, _ := r.Context().Value(sessionKey{}).(session)
	return s
}

// actorOf returns the signed-in actor of the request.
func actorOf(r *http.Request) access.Actor { return sessionOf(r).actor }

// signedIn resolves the session cookie; without a valid, complete session it
// sends the visitor to the login page and back here afterwards.
func (u *UI) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(web.SessionCookie)
		if err == nil {
			actor, user, err := u.auth.ActorForSession(r.Context(), c.Value, u.addrOf(r))
			switch {
			case err == nil:
				ctx := context.WithValue(r.Context(), sessionKey{}, session{actor: actor, user: &user, token: c.Value})
				h(w, r.WithContext(ctx))
				return
			case errors.Is(err, auth.ErrSecondFactorRequired):
				http.Redirect(w, r, "/login/second-factor", http.StatusSeeOther)
				return
			case !errors.Is(err, auth.ErrUnauthenticated):
				u.fail(w, r, err)
				return
			}
		}
		next := "/login"
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			next += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func (u *UI) setSessionCookie(w http.ResponseWriter, token string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: u.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())})
}

func (u *UI) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: u.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	p, err := url.Parse(next)
	if err != nil || next == "" || p.IsAbs() || p.Host != "" || len(next) < 1 || next[0] != '/' || (len(next) > 1 && next[1] == '/') || (len(next) > 1 && next[1] == '\\') {
		return "/"
	}
	return next
}
