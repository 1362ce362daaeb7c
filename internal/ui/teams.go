package ui

import (
	"net/http"
	"net/url"

	"atalaya/internal/access"
	"atalaya/internal/directory"
)

// teamsData is the team directory: a page of organisations with filters.
type teamsData struct {
	Orgs    []directory.Organization
	Next    string // cursor of the next page
	Kinds   []directory.Kind
	States  []directory.MemberState
	NextURL string
	First   bool // this is the first page
}

func (u *UI) teams(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := &form{Values: map[string]string{"q": q.Get("q"), "kind": q.Get("kind"), "country": q.Get("country")}}
	filter := directory.Filter{Query: q.Get("q"), Kind: directory.Kind(q.Get("kind")), Country: q.Get("country"),
		After: q.Get("after"), Limit: 25}
	orgs, next, err := u.dir.ListOrganizations(r.Context(), actorOf(r), filter)
	if err != nil {
		if f.fail(err) {
			// A bad filter (an unknown kind or country) is said next to it.
			orgs, next = nil, ""
		} else {
			u.fail(w, r, err)
			return
		}
	}
	d := teamsData{Orgs: orgs, Next: next, Kinds: directory.Kinds, States: directory.MemberStates(), First: q.Get("after") == ""}
	if next != "" {
		nq := url.Values{"q": {q.Get("q")}, "kind": {q.Get("kind")}, "country": {q.Get("country")}, "after": {next}}
		d.NextURL = "/teams?" + nq.Encode()
	}
	u.render(w, r, http.StatusOK, "teams", page{TitleKey: "teams.title", Nav: "teams", Data: d, Form: f})
}

// teamData is an organisation's profile page.
type teamData struct {
	Org          directory.Organization
	State        directory.MemberState
	HasState     bool
	Entries      []directory.Entry
	Overlaps     []directory.Overlap
	People       []directory.Person
	CanEdit      bool
	CanEditConst bool
}

func (u *UI) loadTeam(r *http.Request) (teamData, error) {
	a := actorOf(r)
	ctx := r.Context()
	org, err := u.dir.GetOrganization(ctx, a, r.PathValue("id"))
	if err != nil {
		return teamData{}, err
	}
	d := teamData{Org: org,
		CanEdit:      access.Can(a, access.EditOrganization, access.Target{OrgID: org.ID}),
		CanEditConst: org.Kind.IsCSIRT() && access.Can(a, access.EditConstituency, access.Target{OrgID: org.ID})}
	d.State, d.HasState = directory.LookupMemberState(org.Country)
	if org.Kind.IsCSIRT() {
		if d.Entries, err = u.dir.Constituency(ctx, a, org.ID); err != nil {
			return d, err
		}
		if d.Overlaps, err = u.dir.Overlaps(ctx, a, org.ID); err != nil {
			return d, err
		}
	}
	if d.People, err = u.dir.People(ctx, a, org.ID); err != nil {
		return d, err
	}
	return d, nil
}

func (u *UI) team(w http.ResponseWriter, r *http.Request) {
	d, err := u.loadTeam(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "team", page{Title: d.Org.Name, Nav: "teams", Data: d})
}

// profileFields are the inputs of the profile form, named as the domain
// names them in its field errors.
var profileFields = []string{"name", "short_name", "description", "email", "phone", "website",
	"team.constituency", "team.email", "team.phone", "team.emergency_phone", "team.website", "team.pgp_key",
	"team.pgp_fingerprint", "team.business_hours", "team.time_zone", "team.established", "team.first_member",
	"team.first_member_since", "team.status", "team.sector"}

func (u *UI) teamEditForm(w http.ResponseWriter, r *http.Request) {
	d, err := u.loadTeam(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if !d.CanEdit {
		u.fail(w, r, access.ErrDenied)
		return
	}
	o := d.Org
	f := &form{Values: map[string]string{"name": o.Name, "short_name": o.ShortName, "description": o.Description,
		"email": o.Email, "phone": o.Phone, "website": o.Website}}
	if t := o.Team; t != nil {
		for k, v := range map[string]string{"team.constituency": t.Constituency, "team.email": t.Email,
			"team.phone": t.Phone, "team.emergency_phone": t.EmergencyPhone, "team.website": t.Website,
			"team.pgp_key": t.PGPKey, "team.pgp_fingerprint": t.PGPFingerprint, "team.business_hours": t.BusinessHours,
			"team.time_zone": t.TimeZone, "team.established": t.Established, "team.first_member_since": t.FIRSTSince,
			"team.status": string(t.Status), "team.sector": t.Sector} {
			f.Values[k] = v
		}
		if t.FIRSTMember {
			f.Values["team.first_member"] = "on"
		}
	}
	u.render(w, r, http.StatusOK, "team_edit", page{Title: o.Name, Nav: "teams", Data: d, Form: f})
}

func (u *UI) teamEdit(w http.ResponseWriter, r *http.Request) {
	d, err := u.loadTeam(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := newForm(r, profileFields...)
	o := d.Org
	o.Name, o.ShortName, o.Description = f.Value("name"), f.Value("short_name"), f.Value("description")
	o.Email, o.Phone, o.Website = f.Value("email"), f.Value("phone"), f.Value("website")
	if o.Kind.IsCSIRT() {
		o.Team = &directory.TeamProfile{Constituency: f.Value("team.constituency"), Email: f.Value("team.email"),
			Phone: f.Value("team.phone"), EmergencyPhone: f.Value("team.emergency_phone"),
			Website: f.Value("team.website"), PGPKey: f.Value("team.pgp_key"),
			PGPFingerprint: f.Value("team.pgp_fingerprint"), BusinessHours: f.Value("team.business_hours"),
			TimeZone: f.Value("team.time_zone"), Established: f.Value("team.established"),
			FIRSTMember: f.Value("team.first_member") != "", FIRSTSince: f.Value("team.first_member_since"),
			Status: directory.TeamStatus(f.Value("team.status")), Sector: f.Value("team.sector")}
	}
	if _, err := u.dir.UpdateOrganization(r.Context(), actorOf(r), o); err != nil {
		if f.fail(err) {
			u.render(w, r, http.StatusUnprocessableEntity, "team_edit", page{Title: d.Org.Name, Nav: "teams", Data: d, Form: f})
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/teams/"+o.ID, "done.profile_saved")
}

func (u *UI) constituency(w http.ResponseWriter, r *http.Request) {
	u.renderConstituency(w, r, http.StatusOK, nil, nil)
}

// constituencyData is the constituency editor: the entries, the overlaps
// with other teams, and what was just added.
type constituencyData struct {
	teamData
	Added        *directory.Entry
	AddedOverlap []directory.Overlap
}

func (u *UI) renderConstituency(w http.ResponseWriter, r *http.Request, status int, f *form, added *constituencyData) {
	d, err := u.loadTeam(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if !d.Org.Kind.IsCSIRT() {
		u.fail(w, r, errNotATeam)
		return
	}
	cd := constituencyData{teamData: d}
	if added != nil {
		cd.Added, cd.AddedOverlap = added.Added, added.AddedOverlap
	}
	u.render(w, r, status, "constituency", page{Title: d.Org.Name, Nav: "teams", Data: cd, Form: f})
}

func (u *UI) addConstituency(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "value", "note")
	entry, overlaps, err := u.dir.AddConstituency(r.Context(), actorOf(r), r.PathValue("id"), f.Value("value"), f.Value("note"))
	if err != nil && entry.ID != "" {
		// Stored, but the overlaps could not be read: say it was added
		// (the editor lists overlaps again on the next page).
		u.logger.Warn("constituency added, overlaps not read", "entry", entry.ID, "err", err)
		redirect(w, r, "/teams/"+r.PathValue("id")+"/constituency", "done.entry_added")
		return
	}
	if err != nil {
		if f.fail(err) {
			u.renderConstituency(w, r, http.StatusUnprocessableEntity, f, nil)
			return
		}
		u.fail(w, r, err)
		return
	}
	if len(overlaps) > 0 {
		// Stay on the page: the overlap warning is the point of the answer.
		u.renderConstituency(w, r, http.StatusOK, &form{Values: map[string]string{}},
			&constituencyData{Added: &entry, AddedOverlap: overlaps})
		return
	}
	redirect(w, r, "/teams/"+r.PathValue("id")+"/constituency", "done.entry_added")
}

func (u *UI) removeConstituency(w http.ResponseWriter, r *http.Request) {
	if err := u.dir.RemoveConstituency(r.Context(), actorOf(r), r.PathValue("entry")); err != nil {
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/teams/"+r.PathValue("id")+"/constituency", "done.entry_removed")
}
