package api

import (
	"errors"
	"net/http"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/web"
)

// caller is who sends a request.
type caller struct {
	actor access.Actor
	user  auth.User
	token bool // authenticated with an API token rather than a session
}

// errNoCredentials and errBadCredentials are the two 401 answers: nothing
// presented, or something presented that does not authenticate (an
// unknown, revoked or expired token, an ended session, a malformed
// Authorization header).
var (
	errNoCredentials  = errors.New("no credentials")
	errBadCredentials = errors.New("bad credentials")
)

// authenticate finds the caller of r. A bearer token wins over a cookie: a
// script that sends one means it, whatever its cookie jar holds.
func (a *API) authenticate(r *http.Request) (caller, error) {
	ctx, addr := r.Context(), web.ClientAddr(r)
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return caller{}, errBadCredentials
		}
		actor, user, err := a.auth.ActorForToken(ctx, strings.TrimSpace(secret), addr)
		if err != nil {
			return caller{}, credentialError(err)
		}
		return caller{actor: actor, user: user, token: true}, nil
	}
	ck, err := r.Cookie(web.SessionCookie)
	if err != nil || ck.Value == "" {
		return caller{}, errNoCredentials
	}
	actor, user, err := a.auth.ActorForSession(ctx, ck.Value, addr)
	if err != nil {
		// A session still waiting for its second factor is not signed
		// in yet, as far as the API is concerned.
		return caller{}, credentialError(err)
	}
	return caller{actor: actor, user: user}, nil
}

// credentialError keeps the store's own failures (a 500) apart from
// credentials that do not authenticate (a 401).
func credentialError(err error) error {
	if errors.Is(err, auth.ErrUnauthenticated) || errors.Is(err, auth.ErrSecondFactorRequired) {
		return errBadCredentials
	}
	return err
}

// unauthorized answers 401 with the challenge of RFC 6750: a client that
// presented a token learns that it is no good (error="invalid_token").
func unauthorized(w http.ResponseWriter, r *http.Request, err error) {
	challenge := `Bearer realm="atalaya"`
	detail := "Send an API token as \"Authorization: Bearer <token>\" or sign in."
	if errors.Is(err, errBadCredentials) {
		challenge += `, error="invalid_token"`
		detail = "The token or session is unknown, expired or revoked, or its account is disabled."
	}
	w.Header().Set("WWW-Authenticate", challenge)
	writeProblem(w, r, http.StatusUnauthorized, detail)
}

// wrap serves rt: it authenticates the caller unless the route is public,
// runs the handler and answers its error as a problem. API answers are
// private to their caller, so no cache may keep them.
func (a *API) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		var c caller
		if !rt.Public {
			var err error
			if c, err = a.authenticate(r); errors.Is(err, errNoCredentials) || errors.Is(err, errBadCredentials) {
				unauthorized(w, r, err)
				return
			} else if err != nil {
				a.fail(w, r, err)
				return
			}
		}
		if err := checkPath(r); err != nil {
			a.fail(w, r, err)
			return
		}
		if err := rt.serve(a, w, r, c); err != nil {
			a.fail(w, r, err)
		}
	})
}
