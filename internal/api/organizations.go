package api

import (
	"net/http"

	"atalaya/internal/directory"
	"atalaya/internal/valid"
)

func (a *API) listOrganizations(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	cursor, limit := q.page()
	f := directory.Filter{Query: q.get("q"), Kind: directory.Kind(q.get("kind")), Country: q.get("country"),
		After: cursor, Limit: limit}
	if err := q.err(); err != nil {
		return err
	}
	if err := checkOrgFilter(f); err != nil {
		return err
	}
	orgs, next, err := a.dir.ListOrganizations(r.Context(), c.actor, f)
	if err != nil {
		return err
	}
	return writePage(a, w, r, orgs, next)
}

// checkOrgFilter refuses filters that could only ever match nothing, so a
// typo is an error rather than an empty list.
func checkOrgFilter(f directory.Filter) error {
	var es valid.Errors
	if f.Kind != "" && !f.Kind.Valid() {
		es.Add("kind", "organization.kind", "Not a kind of organisation.", map[string]any{"Value": string(f.Kind)})
	}
	if _, member := directory.LookupMemberState(f.Country); f.Country != "" && !member && !isAlpha2(f.Country) {
		es.Add("country", "organization.country", "Not a country code: use ISO 3166-1 alpha-2, e.g. MX.",
			map[string]any{"Value": f.Country})
	}
	return es.Err()
}

func isAlpha2(s string) bool {
	if len(s) != 2 {
		return false
	}
	for _, b := range []byte(s) {
		if !(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z') {
			return false
		}
	}
	return true
}

func (a *API) createOrganization(w http.ResponseWriter, r *http.Request, c caller) error {
	var o directory.Organization
	if err := decode(w, r, &o); err != nil {
		return err
	}
	created, err := a.dir.CreateOrganization(r.Context(), c.actor, o)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/organizations/"+created.ID)
	return a.writeJSON(w, r, http.StatusCreated, created)
}

func (a *API) getOrganization(w http.ResponseWriter, r *http.Request, c caller) error {
	o, err := a.dir.GetOrganization(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, o)
}

// patchOrganization merges the fields the body gives into the stored
// organisation (nested: {"team": {"email": …}} changes only the team's
// e-mail) and saves the result. The stored updated_at goes along as the
// optimistic lock, so a change made by someone else between the read and
// the write is a 409 rather than silently overwritten; a client may send
// the updated_at it last read to extend that to its own read.
func (a *API) patchOrganization(w http.ResponseWriter, r *http.Request, c caller) error {
	id := r.PathValue("id")
	org, err := a.dir.GetOrganization(r.Context(), c.actor, id)
	if err != nil {
		return err
	}
	if org.Team != nil {
		t := *org.Team // decoding must not write through to org's profile
		org.Team = &t
	}
	if err := decode(w, r, &org); err != nil {
		return err
	}
	if org.ID != id {
		return valid.New("id", "organization.id_fixed", "The id of an organisation cannot change.", nil)
	}
	saved, err := a.dir.UpdateOrganization(r.Context(), c.actor, org)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, saved)
}

func (a *API) listPeople(w http.ResponseWriter, r *http.Request, c caller) error {
	o, err := a.dir.GetOrganization(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	people, err := a.dir.People(r.Context(), c.actor, o.ID)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(people))
}

// personRequest is the body of adding a person; the organisation is the
// path's.
type personRequest struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

func (a *API) addPerson(w http.ResponseWriter, r *http.Request, c caller) error {
	o, err := a.dir.GetOrganization(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	var req personRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p, err := a.dir.AddPerson(r.Context(), c.actor, directory.Person{OrgID: o.ID, Name: req.Name, Title: req.Title,
		Email: req.Email, Phone: req.Phone})
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusCreated, p)
}
