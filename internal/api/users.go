package api

import (
	"errors"
	"net/http"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/store"
)

// listUsers answers a page of accounts of ?org= (by default the caller's
// own organisation, or every organisation for who may see them all).
func (a *API) listUsers(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	cursor, limit := q.page()
	org, search := q.get("org"), q.get("q")
	if err := q.err(); err != nil {
		return err
	}
	if org == "" && !access.Can(c.actor, access.ViewUsers, access.Target{}) {
		org = c.actor.OrgID
	}
	users, next, err := a.auth.ListUsers(r.Context(), c.actor, auth.Filter{OrgID: org, Query: search,
		After: cursor, Limit: limit})
	if err != nil {
		return err
	}
	return writePage(a, w, r, users, next)
}

// userRequest is the body of creating an account. OrgID defaults to the
// caller's organisation.
type userRequest struct {
	OrgID    string        `json:"org_id"`
	Email    string        `json:"email"`
	Name     string        `json:"name"`
	Roles    []access.Role `json:"roles"`
	Password string        `json:"password"`
	Language string        `json:"language"`
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request, c caller) error {
	var req userRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.OrgID == "" {
		req.OrgID = c.actor.OrgID
	}
	u, err := a.auth.CreateUser(r.Context(), c.actor, auth.NewUser{OrgID: req.OrgID, Email: req.Email,
		Name: req.Name, Roles: req.Roles, Password: req.Password, Language: req.Language})
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusCreated, u)
}

func (a *API) disableUser(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.setDisabled(w, r, c, true)
}

func (a *API) enableUser(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.setDisabled(w, r, c, false)
}

// setDisabled disables or enables account {id} and answers it as stored.
// A caller who may manage no accounts at all (a read token, an analyst)
// is told 403; one who manages some learns nothing of the accounts it may
// not see: they are not found (404), like unknown ones.
func (a *API) setDisabled(w http.ResponseWriter, r *http.Request, c caller, disabled bool) error {
	ctx, id := r.Context(), r.PathValue("id")
	if !access.Can(c.actor, access.ManageUsers, access.Target{OrgID: c.actor.OrgID}) {
		return access.ErrDenied
	}
	if _, err := a.auth.GetUser(ctx, c.actor, id); errors.Is(err, access.ErrDenied) {
		return store.ErrNotFound
	} else if err != nil {
		return err
	}
	if err := a.auth.SetDisabled(ctx, c.actor, id, disabled); err != nil {
		return err
	}
	u, err := a.auth.GetUser(ctx, c.actor, id)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, u)
}
