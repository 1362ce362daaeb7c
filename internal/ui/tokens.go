package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/auth"
)

// tokensData is the API tokens page: the reader's own tokens, and for an
// administrator those of the own organisation (never another's).
type tokensData struct {
	Tokens []auth.Token
	Secret string // the new token, shown once
	Scopes []access.Scope
	Now    time.Time
}

func (u *UI) tokens(w http.ResponseWriter, r *http.Request) {
	u.renderTokens(w, r, http.StatusOK, nil, "")
}

func (u *UI) renderTokens(w http.ResponseWriter, r *http.Request, status int, f *form, secret string) {
	a := actorOf(r)
	filter := auth.Filter{OrgID: a.OrgID, UserID: a.UserID}
	if access.Can(a, access.ViewTokens, access.Target{OrgID: a.OrgID}) {
		filter.UserID = "" // an admin sees every token of the own organisation
	}
	toks, err := u.auth.ListTokens(r.Context(), a, filter)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := tokensData{Tokens: toks, Secret: secret, Scopes: access.Scopes, Now: time.Now()}
	u.render(w, r, status, "tokens", page{TitleKey: "tokens.title", Nav: "tokens", Data: d, Form: f})
}

func (u *UI) createToken(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "name", "ttl_days")
	var scopes []access.Scope
	for _, s := range r.PostForm["scopes"] {
		scopes = append(scopes, access.Scope(s))
	}
	f.Values["scopes"] = strings.Join(r.PostForm["scopes"], ",")
	var ttl time.Duration
	if days := f.Value("ttl_days"); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 3650 {
			f.fail(errTTL)
			u.renderTokens(w, r, http.StatusUnprocessableEntity, f, "")
			return
		}
		ttl = time.Duration(n) * 24 * time.Hour
	}
	_, secret, err := u.auth.CreateToken(r.Context(), actorOf(r), f.Value("name"), scopes, ttl)
	if err != nil {
		if f.fail(err) {
			u.renderTokens(w, r, http.StatusUnprocessableEntity, f, "")
			return
		}
		u.fail(w, r, err)
		return
	}
	// The secret is shown on this response only; it is stored hashed.
	u.renderTokens(w, r, http.StatusCreated, nil, secret)
}

func (u *UI) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := u.auth.RevokeToken(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/tokens", "done.token_revoked")
}
