package api

import (
	"net/http"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/valid"
)

// maxTTLDays bounds a token's lifetime, as the tokens page does.
const maxTTLDays = 3650

// listTokens answers the caller's own tokens and, for an administrator,
// every token of the own organisation; never another organisation's.
func (a *API) listTokens(w http.ResponseWriter, r *http.Request, c caller) error {
	f := auth.Filter{OrgID: c.actor.OrgID, UserID: c.actor.UserID}
	if access.Can(c.actor, access.ViewTokens, access.Target{OrgID: c.actor.OrgID}) {
		f.UserID = ""
	}
	tokens, err := a.auth.ListTokens(r.Context(), c.actor, f)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(tokens))
}

// tokenRequest is the body of creating a token for oneself.
type tokenRequest struct {
	Name    string         `json:"name"`
	Scopes  []access.Scope `json:"scopes"`
	TTLDays int            `json:"ttl_days"` // 0: never expires
}

// newToken answers a created token with its secret, shown this once.
type newToken struct {
	Token  auth.Token `json:"token"`
	Secret string     `json:"secret"`
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request, c caller) error {
	var req tokenRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.TTLDays < 0 || req.TTLDays > maxTTLDays {
		return valid.New("ttl_days", "token.ttl_days",
			"Give the lifetime as a whole number of days from 0 (never expires) to 3650.", map[string]any{"Max": maxTTLDays})
	}
	t, secret, err := a.auth.CreateToken(r.Context(), c.actor, req.Name, req.Scopes,
		time.Duration(req.TTLDays)*24*time.Hour)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusCreated, newToken{Token: t, Secret: secret})
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, c caller) error {
	if err := a.auth.RevokeToken(r.Context(), c.actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
