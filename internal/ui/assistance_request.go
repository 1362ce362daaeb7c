package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/assistance"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
	"atalaya/internal/i18n"
	"atalaya/internal/valid"
)

// requestData is a request's page: every step's records, the timeline,
// and the forms of what the reader may do now.
type requestData struct {
	D        assistance.Details
	R        assistance.Request
	Timeline []assistance.TimelineEntry
	Moves    []moveView
	// Show names the forms offered now (by the request's state and the
	// reader's rights): "consideration", "proposals", "analyses",
	// "activities", "deliver", "monitoring", "adjustments", "missions",
	// "evaluation", "attach".
	Show        map[string]bool
	CanManage   bool
	CanFile     bool
	CanEdit     bool
	Staff       []namedID // the staff in charge, named when the reader may know the names
	StaffChoice []namedID // the secretariat's officers, for the forms
	Experts     []assistance.Expert
	ExpertNames map[string]string
	Donors      []directory.Organization
	Section     string // the form whose errors the page shows
	MaxMB       int
}

// namedID is a user or expert by id with a name to show.
type namedID struct{ ID, Name string }

// moveView is a transition the reader could ask for, and why it would be
// refused now ("" when it would not).
type moveView struct {
	To      assistance.State
	Blocked string
}

func (u *UI) requestPage(w http.ResponseWriter, r *http.Request) {
	u.renderRequest(w, r, http.StatusOK, &form{Values: map[string]string{}}, "")
}

// renderRequest shows the request of the path. f holds what a failed form
// posted (under its section's prefix) and its errors; the page fills the
// other forms from the stored records.
func (u *UI) renderRequest(w http.ResponseWriter, r *http.Request, status int, f *form, section string) {
	a, ctx := actorOf(r), r.Context()
	det, err := u.assist.Details(ctx, a, r.PathValue("id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	tl, err := u.assist.Timeline(ctx, a, det.Request.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	l := u.localizer(r)
	req := det.Request
	d := requestData{D: det, R: req, Timeline: tl, Section: section, MaxMB: assistance.MaxAttachment >> 20,
		CanManage: mayManage(a, req.Country),
		CanFile:   access.Can(a, access.FileAssistance, access.Target{Country: req.Country}),
		CanEdit:   mayEdit(a, req), ExpertNames: map[string]string{}}
	for _, m := range det.Next {
		d.Moves = append(d.Moves, moveView{To: m.To, Blocked: blockedReason(l, m.Blocked)})
	}
	d.Show = shownForms(d)
	if err := u.loadRequestChoices(ctx, a, &d); err != nil {
		u.fail(w, r, err)
		return
	}
	values := requestPageValues(d)
	for k, v := range f.Values {
		values[k] = v // what the failed form posted wins
	}
	f.Values = values
	u.render(w, r, status, "assistance_request", page{Title: requestTitle(l, req), Nav: "assistance", Data: d, Form: f})
}

// requestTitle is "TA-2026-0007 · Costa Rica".
func requestTitle(l *i18n.Localizer, req assistance.Request) string {
	return l.T("assistanceui.request.title", "Number", req.Number, "Country", countryName(l, req.Country))
}

// blockedReason words the unmet guard of a move: the domain's message for
// its code, else a general one.
func blockedReason(l *i18n.Localizer, code string) string {
	if code == "" {
		return ""
	}
	for _, k := range []string{"invalid." + code, code} {
		if s := l.T(k); s != k && !strings.Contains(s, "<no value>") {
			return s
		}
	}
	return l.T("assistanceui.move.blocked")
}

// IsOpen reports whether the form of prefix shows unfolded: the form that
// failed, else the forms of the request's current step.
func (d requestData) IsOpen(prefix string) bool {
	if d.Section != "" {
		return d.Section == prefix
	}
	switch d.R.State {
	case assistance.UnderConsideration:
		return prefix == "consideration" || prefix == "proposal-new"
	case assistance.Design:
		return prefix == "analysis-new" || prefix == "activity-new"
	case assistance.Implementation:
		return strings.HasSuffix(prefix, "-deliver") || prefix == "monitoring"
	case assistance.FollowUp:
		return prefix == "mission-new" || prefix == "evaluation"
	}
	return false
}

// openStates are the states of a request being worked on.
var openStates = []assistance.State{assistance.Submitted, assistance.UnderConsideration, assistance.Design,
	assistance.Implementation, assistance.FollowUp}

// stepStates are the states in which each of the secretariat's forms is
// offered, as the domain accepts them.
var stepStates = map[string][]assistance.State{
	"consideration": openStates,
	"proposals":     openStates,
	"analyses":      {assistance.Design, assistance.Implementation},
	"activity_new":  {assistance.Design},
	"activities":    {assistance.Design, assistance.Implementation},
	"deliver":       {assistance.Implementation},
	"monitoring":    {assistance.Implementation, assistance.FollowUp},
	"missions":      {assistance.UnderConsideration, assistance.Design, assistance.Implementation, assistance.FollowUp},
	"evaluation":    {assistance.FollowUp},
	"adjustments":   {assistance.Implementation, assistance.FollowUp},
}

// shownForms decides which forms the page offers: the step's forms to the
// secretariat, adjustments also to the member's contact during
// implementation, attachments to who may file while the request is open.
func shownForms(d requestData) map[string]bool {
	show := map[string]bool{}
	st := d.R.State
	for name, states := range stepStates {
		show[name] = d.CanManage && slices.Contains(states, st)
	}
	show["adjustments"] = len(d.D.Activities) > 0 &&
		(show["adjustments"] || (d.CanFile && st == assistance.Implementation))
	show["attach"] = (d.CanFile || d.CanManage) && (st == assistance.Draft || slices.Contains(openStates, st))
	return show
}

// loadRequestChoices reads what the secretariat's forms choose from (its
// officers, the roster, the donors) and the names of staff and experts.
func (u *UI) loadRequestChoices(ctx context.Context, a access.Actor, d *requestData) error {
	names := map[string]string{}
	if d.CanManage {
		officers, err := u.secretariatOfficers(ctx, a)
		if err != nil {
			return err
		}
		d.StaffChoice = officers
		for _, o := range officers {
			names[o.ID] = o.Name
		}
		if access.Can(a, access.ViewExperts, access.Target{}) {
			if d.Experts, err = u.assist.Experts(ctx, a, assistance.ExpertFilter{}); err != nil {
				return err
			}
			for _, e := range d.Experts {
				d.ExpertNames[e.ID] = e.Name
			}
		}
		if d.Donors, err = u.donors(ctx, a); err != nil {
			return err
		}
	}
	for _, id := range d.R.Consideration.Staff {
		d.Staff = append(d.Staff, namedID{ID: id, Name: names[id]})
	}
	return nil
}

// secretariatOfficers lists the accounts of the reader's organisation
// (the secretariat) holding a secretariat role, by name.
func (u *UI) secretariatOfficers(ctx context.Context, a access.Actor) ([]namedID, error) {
	if !a.Secretariat || !access.Can(a, access.ViewUsers, access.Target{OrgID: a.OrgID}) {
		return nil, nil
	}
	var out []namedID
	after := ""
	for {
		users, next, err := u.auth.ListUsers(ctx, a, auth.Filter{OrgID: a.OrgID, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, us := range users {
			if !us.Disabled && (slices.Contains(us.Roles, access.SecretariatAdmin) || slices.Contains(us.Roles, access.SecretariatOfficer)) {
				out = append(out, namedID{ID: us.ID, Name: us.Name})
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// donors lists the directory's donor organisations, by name.
func (u *UI) donors(ctx context.Context, a access.Actor) ([]directory.Organization, error) {
	var out []directory.Organization
	after := ""
	for {
		orgs, next, err := u.dir.ListOrganizations(ctx, a, directory.Filter{Kind: directory.Donor, After: after,
			Limit: directory.MaxLimit})
		if err != nil {
			return nil, err
		}
		out = append(out, orgs...)
		if next == "" {
			break
		}
		after = next
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// requestPageValues fills the page's forms from the stored records, each
// under its form's prefix.
func requestPageValues(d requestData) map[string]string {
	v := map[string]string{"move.version": strconv.FormatInt(d.R.Version, 10)}
	c := d.R.Consideration
	set := func(prefix string, kv map[string]string) {
		for k, s := range kv {
			v[prefix+"."+k] = s
		}
	}
	set("consideration", map[string]string{"work_plan": c.WorkPlan, "in_kind": c.InKind,
		"financial_amount": moneyInput(c.Financial), "financial_currency": orUSD(c.Financial.Currency),
		"budget_amount": moneyInput(c.Budget), "budget_currency": orUSD(c.Budget.Currency)})
	for _, id := range c.Staff {
		v["consideration.staff."+id] = "on"
	}
	set("proposal-new", map[string]string{"status": string(assistance.ProposalDrafted), "requested_currency": "USD",
		"pledged_currency": "USD", "received_currency": "USD"})
	for _, p := range d.D.Proposals {
		set("proposal-"+p.ID, proposalValues(p))
	}
	set("analysis-new", map[string]string{"kind": string(assistance.SiteVisit)})
	for _, an := range d.D.Analyses {
		set("analysis-"+an.ID, analysisValues(an))
	}
	set("activity-new", map[string]string{"kind": string(firstSupport(d.R)), "budget_currency": "USD"})
	for _, act := range d.D.Activities {
		set("activity-"+act.ID, map[string]string{"title": act.Title, "kind": string(act.Kind), "start": act.Start,
			"end": act.End, "budget_amount": moneyInput(act.Budget), "budget_currency": orUSD(act.Budget.Currency)})
	}
	set("adjustment", map[string]string{"source": string(assistance.ByMonitoring), "new_budget_currency": "USD"})
	if !d.CanManage {
		v["adjustment.source"] = string(assistance.ByMember)
	}
	set("mission-new", map[string]string{"kind": string(assistance.FollowUpMission)})
	for _, m := range d.D.Missions {
		set("mission-"+m.ID, missionValues(m))
	}
	if e := d.D.Evaluation; e != nil {
		set("evaluation", map[string]string{"evaluator": e.Evaluator, "date": e.Date, "results": e.Results,
			"challenges": strings.Join(e.Challenges, "\n")})
	}
	return v
}

func orUSD(currency string) string {
	if currency == "" {
		return "USD"
	}
	return currency
}

// firstSupport is the request's support of first priority, the likely kind
// of a new activity.
func firstSupport(req assistance.Request) assistance.SupportKind {
	best := assistance.Support{Kind: assistance.NeedsAssessment}
	for _, s := range req.Support {
		if best.Priority == 0 || (s.Priority > 0 && s.Priority < best.Priority) {
			best = s
		}
	}
	return best.Kind
}

func proposalValues(p assistance.Proposal) map[string]string {
	return map[string]string{"donor": p.Donor, "donor_org": p.DonorOrgID, "status": string(p.Status), "note": p.Note,
		"requested_amount": moneyInput(p.Requested), "requested_currency": orUSD(p.Requested.Currency),
		"pledged_amount": moneyInput(p.Pledged), "pledged_currency": orUSD(p.Pledged.Currency),
		"received_amount": moneyInput(p.Received), "received_currency": orUSD(p.Received.Currency)}
}

func analysisValues(an assistance.Analysis) map[string]string {
	v := map[string]string{"kind": string(an.Kind), "title": an.Title, "date": an.Date, "place": an.Place,
		"findings": an.Findings}
	for s, n := range an.Participants {
		v["participants_"+string(s)] = strconv.Itoa(n)
	}
	return v
}

func missionValues(m assistance.Mission) map[string]string {
	v := map[string]string{"kind": string(m.Kind), "start": m.Start, "end": m.End, "places": m.Places, "report": m.Report}
	for _, id := range m.ExpertIDs {
		v["experts."+id] = "on"
	}
	for _, id := range m.Staff {
		v["staff."+id] = "on"
	}
	return v
}

// requestURL is the request's page, with a flash message and the section
// to scroll to.
func requestURL(id, done, anchor string) string {
	to := "/assistance/" + url.PathEscape(id)
	if done != "" {
		to += "?done=" + url.QueryEscape(done)
	}
	if anchor != "" {
		to += "#" + anchor
	}
	return to
}

// sectionFailed shows the request page again after a form of section
// failed: a validation error beside the fields (their names under the
// section's prefix), anything else as the error page.
func (u *UI) sectionFailed(w http.ResponseWriter, r *http.Request, f *form, section string, err error) {
	err = asFormError(err)
	es := valid.List(err)
	if es == nil {
		u.fail(w, r, err)
		return
	}
	renamed := renameFields(es, func(f string) string { return section + "." + sectionField(f) })
	f.fail(renamed)
	if err == errChanged {
		// The page shows the stored record: the posted one was older.
		f.Values = map[string]string{}
	}
	u.renderRequest(w, r, http.StatusUnprocessableEntity, f, section)
}

// sectionPrefixes are the record names the domain may put before a
// field ("activity.end", "activities.end"); the forms' inputs go without.
var sectionPrefixes = []string{"consideration.", "proposal.", "proposals.", "analysis.", "analyses.", "activity.",
	"activities.", "monitoring.", "adjustment.", "adjustments.", "mission.", "missions.", "evaluation.", "expert."}

// sectionField is the input a domain field name stands for: without the
// record's name and positions, dots as underscores ("budget.amount" is
// the input budget_amount, "challenges[2]" the challenges).
func sectionField(field string) string {
	field = strings.ToLower(field)
	for _, p := range sectionPrefixes {
		if strings.HasPrefix(field, p) {
			field = strings.TrimPrefix(field, p)
			break
		}
	}
	field = indexPart.ReplaceAllString(field, "")
	return strings.ReplaceAll(field, ".", "_")
}

// renameFields copies es with each field renamed for the page's form (the
// domain names fields by its types, a page by its form's inputs).
func renameFields(es valid.Errors, rename func(string) string) valid.Errors {
	out := make(valid.Errors, 0, len(es))
	for _, e := range es {
		c := *e
		c.Field = rename(c.Field)
		out = append(out, &c)
	}
	return out
}
