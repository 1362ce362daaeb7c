// Package ui serves Atalaya's server-rendered pages: html/template, embedded
// assets, every string from the message catalogs, working without
// JavaScript. Handlers decode the form, call a domain function, render.
package ui

import (
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"atalaya/internal/access"
	"atalaya/internal/alerts"
	"atalaya/internal/assistance"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
	"atalaya/internal/feeds"
	"atalaya/internal/i18n"
	"atalaya/internal/intel"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// LangCookie remembers the language chosen by a visitor not signed in.
const LangCookie = "atalaya_lang"

// UI holds what the pages need.
type UI struct {
	db     *store.DB
	dir    *directory.Directory
	intel  *intel.Store
	feeds  *feeds.Service
	alerts *alerts.Service
	assist *assistance.Service
	auth   *auth.Auth
	i18n   *i18n.Bundle
	logger *slog.Logger
	pages  pageSet
	secure bool // cookies only over HTTPS
	addrOf func(*http.Request) string
}

// Options configure the UI.
type Options struct {
	DB           *store.DB
	Directory    *directory.Directory
	Intel        *intel.Store
	Auth         *auth.Auth
	I18n         *i18n.Bundle
	Logger       *slog.Logger
	SecureCookie bool
	ClientAddr   func(*http.Request) string
	// Feeds and Alerts are early warning's services; without them there
	// are no events, alerts or feeds pages.
	Feeds  *feeds.Service
	Alerts *alerts.Service
	// Assistance is technical assistance; without it there are no
	// assistance pages.
	Assistance *assistance.Service
}

// New parses every template once; a broken template fails here, at start-up.
func New(o Options) (*UI, error) {
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &UI{db: o.DB, dir: o.Directory, intel: o.Intel, feeds: o.Feeds, alerts: o.Alerts, assist: o.Assistance, auth: o.Auth, i18n: o.I18n,
		logger: o.Logger, pages: pages, secure: o.SecureCookie, addrOf: o.ClientAddr}, nil
}

// Register adds the pages' routes through handle (the app wraps each with
// metrics under its pattern).
func (u *UI) Register(register func(pattern string, h http.Handler)) {
	handle := func(pattern string, h http.Handler) { register(pattern, u.cleanText(h)) }
	handle("GET /static/", http.FileServerFS(staticFS))
	handle("GET /login", http.HandlerFunc(u.loginForm))
	handle("POST /login", http.HandlerFunc(u.login))
	handle("GET /login/second-factor", http.HandlerFunc(u.secondFactorForm))
	handle("POST /login/second-factor", http.HandlerFunc(u.secondFactor))
	handle("POST /logout", http.HandlerFunc(u.logout))
	handle("POST /language", http.HandlerFunc(u.setLanguage))

	handle("GET /{$}", http.HandlerFunc(u.signedIn(u.dashboard)))
	handle("GET /states", http.HandlerFunc(u.signedIn(u.states)))
	handle("GET /states/{code}", http.HandlerFunc(u.signedIn(u.state)))
	handle("POST /states/{code}/contacts", http.HandlerFunc(u.signedIn(u.nominateContact)))
	handle("POST /states/{code}/contacts/{id}/end", http.HandlerFunc(u.signedIn(u.endContact)))
	handle("GET /teams", http.HandlerFunc(u.signedIn(u.teams)))
	handle("GET /teams/new", http.HandlerFunc(u.signedIn(u.newOrgForm)))
	handle("POST /teams/new", http.HandlerFunc(u.signedIn(u.createOrg)))
	handle("POST /teams/{id}/people", http.HandlerFunc(u.signedIn(u.addPerson)))
	handle("GET /teams/{id}", http.HandlerFunc(u.signedIn(u.team)))
	handle("GET /teams/{id}/edit", http.HandlerFunc(u.signedIn(u.teamEditForm)))
	handle("POST /teams/{id}/edit", http.HandlerFunc(u.signedIn(u.teamEdit)))
	handle("GET /teams/{id}/constituency", http.HandlerFunc(u.signedIn(u.constituency)))
	handle("POST /teams/{id}/constituency", http.HandlerFunc(u.signedIn(u.addConstituency)))
	handle("POST /teams/{id}/constituency/{entry}/delete", http.HandlerFunc(u.signedIn(u.removeConstituency)))
	handle("GET /users", http.HandlerFunc(u.signedIn(u.users)))
	handle("POST /users", http.HandlerFunc(u.signedIn(u.createUser)))
	handle("POST /users/{id}/disable", http.HandlerFunc(u.signedIn(u.disableUser)))
	handle("GET /tokens", http.HandlerFunc(u.signedIn(u.tokens)))
	handle("POST /tokens", http.HandlerFunc(u.signedIn(u.createToken)))
	handle("POST /tokens/{id}/revoke", http.HandlerFunc(u.signedIn(u.revokeToken)))
	handle("GET /account", http.HandlerFunc(u.signedIn(u.account)))
	handle("POST /account/password", http.HandlerFunc(u.signedIn(u.changePassword)))
	handle("POST /account/totp", http.HandlerFunc(u.signedIn(u.beginTOTP)))
	handle("POST /account/totp/confirm", http.HandlerFunc(u.signedIn(u.confirmTOTP)))
	handle("GET /audit", http.HandlerFunc(u.signedIn(u.auditLog)))
	u.registerIntel(handle)
	u.registerEarlyWarning(handle)
	u.registerAssistance(handle)
}

// fail renders the page for a domain error: 403, 404, or 500 (logged; the
// reader sees a generic message).
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := http.StatusInternalServerError, "error.server"
	switch {
	case errors.Is(err, access.ErrDenied):
		status, key = http.StatusForbidden, "error.forbidden"
	case errors.Is(err, store.ErrNotFound):
		status, key = http.StatusNotFound, "error.not_found"
	default:
		u.logger.Error("page failed", "path", r.URL.Path, "err", err)
	}
	u.render(w, r, status, "error", page{TitleKey: key + ".title", Data: key})
}

// errNotATeam answers a constituency page for an organisation that is not a
// CSIRT: there is nothing to show, as for a missing page.
var errNotATeam = store.ErrNotFound

// errTTL is the field error of a token lifetime that is not a number of days.
var errTTL = valid.New("ttl_days", "token.ttl_days", "Give the lifetime as a whole number of days from 0 (never expires) to 3650.", nil)

// errPasswordsDiffer is the field error when the confirmation differs.
var errPasswordsDiffer = valid.New("confirm_password", "password.mismatch", "The two new passwords differ.", nil)

// cleanText answers 400 to a request whose path, query or form holds text
// that is not valid UTF-8 or holds a NUL: no store keeps such text
// (PostgreSQL refuses it), and no person types it.
func (u *UI) cleanText(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok := cleanString(r.URL.Path)
		if ok && r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				ok = false
			}
		}
		if ok {
			for k, vs := range r.Form {
				ok = ok && cleanString(k)
				for _, v := range vs {
					ok = ok && cleanString(v)
				}
			}
			if r.Form == nil {
				for _, vs := range r.URL.Query() {
					for _, v := range vs {
						ok = ok && cleanString(v)
					}
				}
			}
		}
		if !ok {
			u.render(w, r, http.StatusBadRequest, "error", page{TitleKey: "error.bad_request.title", Data: "error.bad_request"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

func cleanString(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
