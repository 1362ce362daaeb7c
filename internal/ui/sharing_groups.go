package ui

import (
	"net/http"
	"slices"

	"atalaya/internal/access"
	"atalaya/internal/directory"
	"atalaya/internal/intel"
)

// groupsData lists the sharing groups the actor's organisation owns or is
// in, with the form to create one for those who may.
type groupsData struct {
	Rows      []groupRow
	CanCreate bool
	Orgs      []directory.Organization // organisations a group may hold
	Chosen    map[string]bool
}

// groupRow is a group with its owner's and members' names.
type groupRow struct {
	intel.Group
	OwnerName string
	Members   []string
	CanManage bool
}

func (u *UI) sharingGroups(w http.ResponseWriter, r *http.Request) {
	u.renderGroups(w, r, http.StatusOK, nil)
}

func (u *UI) renderGroups(w http.ResponseWriter, r *http.Request, status int, f *form) {
	a := actorOf(r)
	groups, err := u.intel.Groups(r.Context(), a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	orgs, err := u.loadOrgs(r.Context(), a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := groupsData{CanCreate: access.Can(a, access.ManageSharingGroups, access.Target{OrgID: a.OrgID}),
		Orgs: otherOrgs(orgs, a.OrgID), Chosen: chosenOrgs(r, f)}
	for _, g := range groups {
		d.Rows = append(d.Rows, newGroupRow(a, g, orgs))
	}
	u.render(w, r, status, "sharing_groups", page{TitleKey: "group.title", Nav: "intel", Data: d, Form: f})
}

func newGroupRow(a access.Actor, g intel.Group, orgs orgIndex) groupRow {
	row := groupRow{Group: g, OwnerName: orgs.Name(g.OwnerOrgID),
		CanManage: access.Can(a, access.ManageSharingGroups, access.Target{OrgID: g.OwnerOrgID})}
	for _, id := range g.Orgs {
		row.Members = append(row.Members, orgs.Name(id))
	}
	slices.Sort(row.Members)
	return row
}

// otherOrgs are the organisations a group of org may add.
func otherOrgs(orgs orgIndex, org string) []directory.Organization {
	var out []directory.Organization
	for _, o := range orgs.All {
		if o.ID != org {
			out = append(out, o)
		}
	}
	return out
}

// chosenOrgs is the member choice of a posted form (none on a fresh page).
func chosenOrgs(r *http.Request, f *form) map[string]bool {
	chosen := map[string]bool{}
	if f != nil {
		for _, id := range r.PostForm["orgs"] {
			chosen[id] = true
		}
	}
	return chosen
}

func (u *UI) createGroup(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "name", "description")
	g, err := u.intel.CreateGroup(r.Context(), actorOf(r), intel.Group{Name: f.Value("name"),
		Description: f.Value("description"), Orgs: r.PostForm["orgs"]})
	if err != nil {
		if formErrors(f, err, "") {
			u.renderGroups(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/sharing-groups/"+g.ID, "group.done.created")
}

// groupData is one sharing group's page, with the edit form for its
// owner's admins.
type groupData struct {
	groupRow
	Orgs   []directory.Organization
	Chosen map[string]bool
}

func (u *UI) sharingGroup(w http.ResponseWriter, r *http.Request) {
	u.renderGroup(w, r, http.StatusOK, nil)
}

func (u *UI) renderGroup(w http.ResponseWriter, r *http.Request, status int, f *form) {
	a := actorOf(r)
	g, err := u.findGroup(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	orgs, err := u.loadOrgs(r.Context(), a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := groupData{groupRow: newGroupRow(a, g, orgs), Orgs: otherOrgs(orgs, g.OwnerOrgID), Chosen: chosenOrgs(r, f)}
	if f == nil {
		f = &form{Values: map[string]string{"name": g.Name, "description": g.Description}}
		for _, id := range g.Orgs {
			d.Chosen[id] = true
		}
	}
	u.render(w, r, status, "sharing_group", page{Title: g.Name, Nav: "intel", Data: d, Form: f})
}

// findGroup returns the group in the path among those the actor's
// organisation owns or is in: any other is not found.
func (u *UI) findGroup(r *http.Request) (intel.Group, error) {
	groups, err := u.intel.Groups(r.Context(), actorOf(r))
	if err != nil {
		return intel.Group{}, err
	}
	i := slices.IndexFunc(groups, func(g intel.Group) bool { return g.ID == r.PathValue("id") })
	if i < 0 {
		return intel.Group{}, intel.ErrNotFound
	}
	return groups[i], nil
}

func (u *UI) updateGroup(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "name", "description")
	_, err := u.intel.UpdateGroup(r.Context(), actorOf(r), intel.Group{ID: r.PathValue("id"), Name: f.Value("name"),
		Description: f.Value("description"), Orgs: r.PostForm["orgs"]})
	if err != nil {
		if formErrors(f, err, "") {
			u.renderGroup(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/sharing-groups/"+r.PathValue("id"), "group.done.saved")
}
