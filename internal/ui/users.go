package ui

import (
	"net/http"
	"net/url"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
)

// usersData is the accounts page of an organisation.
type usersData struct {
	Users     []auth.User
	NextURL   string
	Orgs      []directory.Organization // organisations the reader may manage
	OrgID     string
	CanManage bool
	Roles     []access.Role
}

func (u *UI) users(w http.ResponseWriter, r *http.Request) {
	u.renderUsers(w, r, http.StatusOK, nil)
}

func (u *UI) renderUsers(w http.ResponseWriter, r *http.Request, status int, f *form) {
	a := actorOf(r)
	q := r.URL.Query()
	orgID := q.Get("org")
	if orgID == "" && !a.Has(access.SecretariatAdmin) {
		orgID = a.OrgID
	}
	d := usersData{OrgID: orgID, Roles: access.Roles,
		CanManage: access.Can(a, access.ManageUsers, access.Target{OrgID: a.OrgID})}
	users, next, err := u.auth.ListUsers(r.Context(), a, auth.Filter{OrgID: orgID, Query: q.Get("q"), After: q.Get("after"), Limit: 50})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d.Users = users
	if next != "" {
		d.NextURL = "/users?" + url.Values{"org": {orgID}, "q": {q.Get("q")}, "after": {next}}.Encode()
	}
	if a.Has(access.SecretariatAdmin) {
		for after := ""; ; {
			orgs, n, err := u.dir.ListOrganizations(r.Context(), a, directory.Filter{After: after, Limit: directory.MaxLimit})
			if err != nil {
				u.fail(w, r, err)
				return
			}
			d.Orgs = append(d.Orgs, orgs...)
			if n == "" {
				break
			}
			after = n
		}
	}
	if f == nil {
		f = &form{Values: map[string]string{"q": q.Get("q"), "org_id": orgID}}
	}
	u.render(w, r, status, "users", page{TitleKey: "users.title", Nav: "users", Data: d, Form: f})
}

func (u *UI) createUser(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "org_id", "email", "name", "language")
	a := actorOf(r)
	orgID := f.Value("org_id")
	if orgID == "" {
		orgID = a.OrgID
		f.Values["org_id"] = orgID
	}
	var roles []access.Role
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, access.Role(v))
	}
	f.Values["roles"] = strings.Join(r.PostForm["roles"], ",")
	_, err := u.auth.CreateUser(r.Context(), a, auth.NewUser{OrgID: orgID, Email: f.Value("email"),
		Name: f.Value("name"), Roles: roles, Password: r.PostFormValue("password"), Language: f.Value("language")})
	if err != nil {
		if f.fail(err) {
			u.renderUsers(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/users?org="+url.QueryEscape(orgID), "done.user_created")
}

func (u *UI) disableUser(w http.ResponseWriter, r *http.Request) {
	disable := r.PostFormValue("disabled") != "false"
	if err := u.auth.SetDisabled(r.Context(), actorOf(r), r.PathValue("id"), disable); err != nil {
		u.fail(w, r, err)
		return
	}
	done := "done.user_disabled"
	if !disable {
		done = "done.user_enabled"
	}
	redirect(w, r, safeNext(r.PostFormValue("back")), done)
}
