package ui

import (
	"net/http"
	"sort"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/directory"
	"atalaya/internal/store"
)

// dashboardData is the first page after login: the own organisation, the
// network at a glance, and the latest changes the reader may see.
type dashboardData struct {
	Org       directory.Organization
	States    int
	Teams     int
	Overlaps  int
	Entries   int
	Recent    []audit.Entry
	CanAudit  bool
	TeamsByKd []kindCount
	Intel     *intelDashboard // unread sighting notifications; nil without intel
	// Overdue reminds the secretariat of assistance steps past due; nil
	// for others.
	Overdue *overdueReminders
}

type kindCount struct {
	Kind  directory.Kind
	Count int
}

func (u *UI) dashboard(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ctx := r.Context()
	d := dashboardData{States: len(directory.MemberStates())}
	org, err := u.dir.GetOrganization(ctx, a, a.OrgID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d.Org = org
	teams, err := u.dir.ListTeams(ctx, a, "")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d.Teams = len(teams)
	counts := map[directory.Kind]int{}
	for _, o := range teams {
		counts[o.Kind]++
	}
	for _, k := range directory.Kinds {
		if counts[k] > 0 {
			d.TeamsByKd = append(d.TeamsByKd, kindCount{k, counts[k]})
		}
	}
	if org.Kind.IsCSIRT() {
		entries, err := u.dir.Constituency(ctx, a, org.ID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		overlaps, err := u.dir.Overlaps(ctx, a, org.ID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		d.Entries, d.Overlaps = len(entries), len(overlaps)
	}
	if d.Intel, err = u.loadIntelDashboard(ctx, a); err != nil {
		u.fail(w, r, err)
		return
	}
	if d.Overdue, err = u.loadOverdue(ctx, a); err != nil {
		u.fail(w, r, err)
		return
	}
	if access.Can(a, access.ViewAudit, access.Target{OrgID: a.OrgID}) {
		d.CanAudit = true
		d.Recent, _, err = u.visibleAudit(ctx, a, audit.Filter{Limit: 10})
		if err != nil {
			u.fail(w, r, err)
			return
		}
	}
	u.render(w, r, http.StatusOK, "dashboard", page{TitleKey: "dashboard.title", Nav: "dashboard", Data: d})
}

// stateRow is a member state in the list, named in the reader's language.
type stateRow struct {
	directory.MemberState
	LocalName string
	Teams     int
}

func (u *UI) states(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	lang := u.language(r, sessionOf(r).user)
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	region := r.URL.Query().Get("region")
	teams, err := u.dir.ListTeams(r.Context(), a, "")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	perState := map[string]int{}
	for _, o := range teams {
		perState[o.Country]++
	}
	var rows []stateRow
	for _, m := range directory.MemberStates() {
		name := m.Name(lang)
		if q != "" && !strings.Contains(strings.ToLower(name), q) && !strings.EqualFold(m.Code, q) && !strings.Contains(strings.ToLower(m.NameEN), q) {
			continue
		}
		if region != "" && string(m.Region) != region {
			continue
		}
		rows = append(rows, stateRow{MemberState: m, LocalName: name, Teams: perState[m.Code]})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].LocalName < rows[j].LocalName })
	f := &form{Values: map[string]string{"q": r.URL.Query().Get("q"), "region": region}}
	u.render(w, r, http.StatusOK, "states", page{TitleKey: "states.title", Nav: "states", Data: rows, Form: f})
}

// stateData is one member state's page.
type stateData struct {
	State      directory.MemberState
	LocalName  string
	Current    []directory.Contact
	History    []directory.Contact
	Teams      []directory.Organization
	People     []directory.Person // candidates for a nomination
	CanEdit    bool
	ContactKds []directory.ContactKind
}

func (u *UI) state(w http.ResponseWriter, r *http.Request) {
	u.renderState(w, r, http.StatusOK, nil)
}

func (u *UI) renderState(w http.ResponseWriter, r *http.Request, status int, f *form) {
	a := actorOf(r)
	ctx := r.Context()
	m, ok := directory.LookupMemberState(r.PathValue("code"))
	if !ok {
		u.fail(w, r, store.ErrNotFound)
		return
	}
	d := stateData{State: m, LocalName: m.Name(u.language(r, sessionOf(r).user)),
		CanEdit:    access.Can(a, access.EditContacts, access.Target{}),
		ContactKds: []directory.ContactKind{directory.IncidentResponse, directory.Policy, directory.Cybercrime}}
	var err error
	if d.Current, err = u.dir.CurrentContacts(ctx, a, m.Code); err != nil {
		u.fail(w, r, err)
		return
	}
	for _, k := range d.ContactKds {
		h, err := u.dir.ContactHistory(ctx, a, m.Code, k)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		for _, c := range h {
			if !c.Current() {
				d.History = append(d.History, c)
			}
		}
	}
	if d.Teams, err = u.dir.ListTeams(ctx, a, m.Code); err != nil {
		u.fail(w, r, err)
		return
	}
	if d.CanEdit {
		orgs, _, err := u.dir.ListOrganizations(ctx, a, directory.Filter{Country: m.Code, Limit: directory.MaxLimit})
		if err != nil {
			u.fail(w, r, err)
			return
		}
		for _, o := range orgs {
			people, err := u.dir.People(ctx, a, o.ID)
			if err != nil {
				u.fail(w, r, err)
				return
			}
			d.People = append(d.People, people...)
		}
	}
	u.render(w, r, status, "state", page{Title: d.LocalName, Nav: "states", Data: d, Form: f})
}

func (u *UI) nominateContact(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "kind", "person_id", "nominated_on", "note")
	code := r.PathValue("code")
	_, err := u.dir.NominateContact(r.Context(), actorOf(r), directory.Nomination{Country: code,
		Kind: directory.ContactKind(f.Value("kind")), PersonID: f.Value("person_id"),
		NominatedOn: f.Value("nominated_on"), Note: f.Value("note")})
	if err != nil {
		if f.fail(err) {
			u.renderState(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/states/"+code, "done.contact_nominated")
}

func (u *UI) endContact(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "ended_on")
	code := r.PathValue("code")
	if _, err := u.dir.EndContact(r.Context(), actorOf(r), r.PathValue("id"), f.Value("ended_on")); err != nil {
		if f.fail(err) {
			u.renderState(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/states/"+code, "done.contact_ended")
}
