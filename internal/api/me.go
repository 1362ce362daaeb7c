package api

import (
	"net/http"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
)

// meBody is GET /me: who the caller is and what it may use.
type meBody struct {
	User         auth.User              `json:"user"`
	Organization directory.Organization `json:"organization"`
	Roles        []access.Role          `json:"roles"`
	Secretariat  bool                   `json:"secretariat"`
	// Auth is "token" or "session". Scopes are the token's; a session has
	// every scope (its roles still bound what it may do).
	Auth   string         `json:"auth"`
	Scopes []access.Scope `json:"scopes"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request, c caller) error {
	org, err := a.dir.GetOrganization(r.Context(), c.actor, c.actor.OrgID)
	if err != nil {
		return err
	}
	body := meBody{User: c.user, Organization: org, Roles: c.actor.Roles, Secretariat: c.actor.Secretariat,
		Auth: "session", Scopes: access.Scopes}
	if c.token {
		body.Auth, body.Scopes = "token", c.actor.Scopes
	}
	if body.Roles == nil {
		body.Roles = []access.Role{}
	}
	return a.writeJSON(w, r, http.StatusOK, body)
}
