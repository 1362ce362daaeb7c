package taxii

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/web"
)

// Authenticator turns credentials into an actor. *auth.Auth implements it.
// A password is checked by Login, which throttles failures per account and
// per address; the session it starts lives for one request and is ended by
// Logout, so TAXII adds no password check that bypasses the throttle.
type Authenticator interface {
	ActorForToken(ctx context.Context, secret, addr string) (access.Actor, auth.User, error)
	Login(ctx context.Context, email, password, addr, userAgent string) (auth.LoginResult, error)
	ActorForSession(ctx context.Context, token, addr string) (access.Actor, auth.User, error)
	Logout(ctx context.Context, token, addr string) error
}

// tokenPrefix starts every API token secret: in a Basic password it says
// "this is a token", whatever the user name.
const tokenPrefix = "ata_"

// caller is who sends a request.
type caller struct {
	actor access.Actor
	// session is the one-request session a password sign-in started; it is
	// ended when the request is done.
	session string
}

// authenticate finds the caller of r from its Authorization header. Every
// failure is a 401 with the Basic challenge (TAXII clients speak Basic),
// except throttling, a 429 with Retry-After.
func (s *Server) authenticate(r *http.Request) (caller, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return caller{}, unauthorized("Authenticate with HTTP Basic (your e-mail and password, or your " +
			"e-mail and an API token as the password) or with \"Authorization: Bearer <API token>\".")
	}
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return s.tokenCaller(r, cred)
	case strings.EqualFold(scheme, "Basic"):
		user, password, ok := decodeBasic(cred)
		if !ok {
			return caller{}, unauthorized("The Basic credentials are not base64 of \"user:password\".")
		}
		if strings.HasPrefix(password, tokenPrefix) {
			return s.tokenCaller(r, password)
		}
		return s.passwordCaller(r, user, password)
	default:
		return caller{}, unauthorized("Use the Basic or the Bearer authentication scheme.")
	}
}

// decodeBasic reads the credentials of the Basic scheme (RFC 7617).
func decodeBasic(cred string) (user, password string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}

// tokenCaller authenticates an API token.
func (s *Server) tokenCaller(r *http.Request, secret string) (caller, error) {
	actor, _, err := s.authn.ActorForToken(r.Context(), secret, web.ClientAddr(r))
	if errors.Is(err, auth.ErrUnauthenticated) {
		return caller{}, unauthorized("The API token is unknown, expired or revoked, or its account is disabled.")
	}
	if err != nil {
		return caller{}, err
	}
	return caller{actor: actor}, nil
}

// passwordCaller signs in with an e-mail and a password for the length of
// one request.
func (s *Server) passwordCaller(r *http.Request, email, password string) (caller, error) {
	ctx, addr := r.Context(), web.ClientAddr(r)
	res, err := s.authn.Login(ctx, email, password, addr, r.UserAgent())
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		e := newError(http.StatusTooManyRequests, "Too many failed sign-in attempts; try again later.")
		e.header = http.Header{"Retry-After": {strconv.Itoa(int((te.RetryAfter + time.Second - 1) / time.Second))}}
		return caller{}, e
	case errors.Is(err, auth.ErrInvalidCredentials), errors.Is(err, auth.ErrAccountDisabled):
		return caller{}, unauthorized("Wrong e-mail or password, or the account is disabled.")
	case err != nil:
		return caller{}, err
	}
	if res.SecondFactorRequired {
		_ = s.authn.Logout(ctx, res.Token, addr)
		return caller{}, unauthorized("This account signs in with a second factor, which HTTP Basic cannot " +
			"carry: create an API token and send it as the password, or as \"Authorization: Bearer <token>\".")
	}
	actor, _, err := s.authn.ActorForSession(ctx, res.Token, addr)
	if err != nil {
		_ = s.authn.Logout(ctx, res.Token, addr)
		if errors.Is(err, auth.ErrUnauthenticated) {
			return caller{}, unauthorized("The account cannot sign in.")
		}
		return caller{}, err
	}
	return caller{actor: actor, session: res.Token}, nil
}

// done ends the one-request session of a password caller. It runs after
// the answer, so it uses a context of its own: a client that hung up must
// not leave the session behind.
func (s *Server) done(r *http.Request, c caller) {
	if c.session == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if err := s.authn.Logout(ctx, c.session, web.ClientAddr(r)); err != nil {
		s.logger.Warn("ending a TAXII sign-in session", "error", err)
	}
}

// unauthorized is a 401 with the challenges TAXII clients understand.
func unauthorized(description string) *httpError {
	e := newError(http.StatusUnauthorized, description)
	e.header = http.Header{"Www-Authenticate": {`Basic realm="atalaya"`, `Bearer realm="atalaya"`}}
	return e
}
