package ui

import (
	"net/http"

	"atalaya/internal/access"
	"atalaya/internal/directory"
)

// newOrgData is the form for adding an organisation to the directory.
type newOrgData struct {
	Kinds  []directory.Kind
	States []directory.MemberState
}

var newOrgFields = []string{"kind", "name", "short_name", "country", "description", "email", "phone", "website"}

func (u *UI) newOrgForm(w http.ResponseWriter, r *http.Request) {
	if !access.Can(actorOf(r), access.EditOrganization, access.Target{}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	u.renderNewOrg(w, r, http.StatusOK, &form{Values: map[string]string{"kind": string(directory.NationalCSIRT)}})
}

func (u *UI) renderNewOrg(w http.ResponseWriter, r *http.Request, status int, f *form) {
	d := newOrgData{Kinds: directory.Kinds, States: directory.MemberStates()}
	u.render(w, r, status, "org_new", page{TitleKey: "org.new", Nav: "teams", Data: d, Form: f})
}

func (u *UI) createOrg(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, newOrgFields...)
	o, err := u.dir.CreateOrganization(r.Context(), actorOf(r), directory.Organization{
		Kind: directory.Kind(f.Value("kind")), Name: f.Value("name"), ShortName: f.Value("short_name"),
		Country: f.Value("country"), Description: f.Value("description"), Email: f.Value("email"),
		Phone: f.Value("phone"), Website: f.Value("website")})
	if err != nil {
		if f.fail(err) {
			u.renderNewOrg(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	// A team goes on to its profile; everything else to its page.
	to := "/teams/" + o.ID
	if o.Kind.IsCSIRT() {
		to += "/edit"
	}
	redirect(w, r, to, "done.org_created")
}

func (u *UI) addPerson(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "name", "title", "email", "phone")
	orgID := r.PathValue("id")
	_, err := u.dir.AddPerson(r.Context(), actorOf(r), directory.Person{OrgID: orgID, Name: f.Value("name"),
		Title: f.Value("title"), Email: f.Value("email"), Phone: f.Value("phone")})
	if err != nil {
		if f.fail(err) {
			d, lerr := u.loadTeam(r)
			if lerr != nil {
				u.fail(w, r, lerr)
				return
			}
			u.render(w, r, http.StatusUnprocessableEntity, "team", page{Title: d.Org.Name, Nav: "teams", Data: d, Form: f})
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/teams/"+orgID+"#people", "done.person_added")
}
