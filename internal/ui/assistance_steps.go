package ui

import (
	"net/http"
	"strconv"
	"strings"

	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// readSection reads the posted fields of one form of the request page,
// keeping them under the form's prefix so the page shows them back.
func readSection(r *http.Request, prefix string, fields ...string) *form {
	f := &form{Values: map[string]string{}}
	for _, k := range fields {
		f.Values[prefix+"."+k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return f
}

// readChecks reads the ticked boxes of a multiple choice, keeping them as
// prefix.name.value = "on".
func readChecks(r *http.Request, f *form, prefix, name string) []string {
	var out []string
	for _, v := range r.PostForm[name] {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		f.Values[prefix+"."+name+"."+v] = "on"
		out = append(out, v)
	}
	return out
}

// sectionMoney reads the amount and currency inputs name_amount and
// name_currency of a form.
func sectionMoney(f *form, prefix, name string, es *valid.Errors) assistance.Money {
	m, err := parseMoney(name+"_amount", f.Value(prefix+"."+name+"_amount"), f.Value(prefix+"."+name+"_currency"))
	if err != nil {
		*es = append(*es, valid.List(err)...)
	}
	return m
}

// wholeNumber reads a count typed in a form; empty is 0.
func wholeNumber(field, s string, es *valid.Errors) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1_000_000 {
		es.Add(field, "assistanceui.count", "Give a whole number, 0 or more.", nil)
	}
	return n
}

func (u *UI) moveRequest(w http.ResponseWriter, r *http.Request) {
	a, id := actorOf(r), r.PathValue("id")
	f := readSection(r, "move", "to", "reason")
	to := assistance.State(f.Value("move.to"))
	var err error
	if to == assistance.Submitted {
		// Submitting a draft checks the whole form: the domain's Submit.
		_, err = u.assist.Submit(r.Context(), a, id, formVersion(r))
	} else {
		_, err = u.assist.Move(r.Context(), a, id, formVersion(r), to, f.Value("move.reason"))
	}
	if err != nil {
		u.sectionFailed(w, r, f, "move", nameStates(u.localizer(r), err))
		return
	}
	http.Redirect(w, r, requestURL(id, "assistanceui.done.moved", ""), http.StatusSeeOther)
}

// nameStates words the states a refused move names (From, To, Next: the
// domain gives their codes) in the reader's language.
func nameStates(l *i18n.Localizer, err error) error {
	es := valid.List(err)
	if es == nil {
		return err
	}
	out := make(valid.Errors, 0, len(es))
	for _, e := range es {
		c := *e
		if len(e.Args) > 0 {
			c.Args = make(map[string]any, len(e.Args))
			for k, v := range e.Args {
				c.Args[k] = v
				if s, ok := v.(string); ok && (k == "From" || k == "To" || k == "Next") {
					c.Args[k] = stateNames(l, s)
				}
			}
		}
		out = append(out, &c)
	}
	return out
}

// stateNames names each state of a comma-separated list; other text is
// kept.
func stateNames(l *i18n.Localizer, list string) string {
	parts := strings.Split(list, ", ")
	for i, p := range parts {
		if inVocabulary("state", p) {
			parts[i] = tOr(l, "assistance.state.", p)
		}
	}
	return strings.Join(parts, ", ")
}

func (u *UI) postConsideration(w http.ResponseWriter, r *http.Request) {
	const p = "consideration"
	a, id := actorOf(r), r.PathValue("id")
	f := readSection(r, p, "work_plan", "in_kind", "financial_amount", "financial_currency", "budget_amount",
		"budget_currency")
	var es valid.Errors
	c := assistance.Consideration{Staff: readChecks(r, f, p, "staff"), WorkPlan: f.Value(p + ".work_plan"),
		InKind: f.Value(p + ".in_kind"), Financial: sectionMoney(f, p, "financial", &es),
		Budget: sectionMoney(f, p, "budget", &es)}
	err := es.Err()
	if err == nil {
		_, err = u.assist.SetConsideration(r.Context(), a, id, formVersion(r), c)
	}
	u.sectionDone(w, r, f, p, err, "assistanceui.done.consideration", "consideration")
}

// sectionDone answers a form of the request page: back to the page at the
// section with a flash message, or the page with the form's errors.
func (u *UI) sectionDone(w http.ResponseWriter, r *http.Request, f *form, prefix string, err error, done, anchor string) {
	if err != nil {
		u.sectionFailed(w, r, f, prefix, err)
		return
	}
	http.Redirect(w, r, requestURL(r.PathValue("id"), done, anchor), http.StatusSeeOther)
}

// recordPrefix is the prefix of the form of a record: "proposal-new" for
// a new one, "proposal-<id>" for an existing one.
func recordPrefix(kind, id string) string {
	if id == "" {
		return kind + "-new"
	}
	return kind + "-" + id
}

func (u *UI) postProposal(w http.ResponseWriter, r *http.Request) {
	a, ctx, id := actorOf(r), r.Context(), r.PathValue("id")
	pid := strings.TrimSpace(r.PostFormValue("id"))
	p := recordPrefix("proposal", pid)
	f := readSection(r, p, "donor", "donor_org", "status", "note", "requested_amount", "requested_currency",
		"pledged_amount", "pledged_currency", "received_amount", "received_currency")
	var es valid.Errors
	prop := assistance.Proposal{ID: pid, DonorOrgID: f.Value(p + ".donor_org"), Donor: f.Value(p + ".donor"),
		Status: assistance.ProposalStatus(f.Value(p + ".status")), Note: f.Value(p + ".note"), Version: formVersion(r),
		Requested: sectionMoney(f, p, "requested", &es), Pledged: sectionMoney(f, p, "pledged", &es),
		Received: sectionMoney(f, p, "received", &es)}
	err := es.Err()
	if err == nil {
		_, err = u.assist.SaveProposal(ctx, a, id, prop)
	}
	u.sectionDone(w, r, f, p, err, "assistanceui.done.proposal", "proposals")
}

func (u *UI) postAnalysis(w http.ResponseWriter, r *http.Request) {
	aid := strings.TrimSpace(r.PostFormValue("id"))
	p := recordPrefix("analysis", aid)
	fields := []string{"kind", "title", "date", "place", "findings"}
	for _, s := range assistance.Sectors {
		fields = append(fields, "participants_"+string(s))
	}
	f := readSection(r, p, fields...)
	var es valid.Errors
	an := assistance.Analysis{ID: aid, Kind: assistance.AnalysisKind(f.Value(p + ".kind")), Title: f.Value(p + ".title"),
		Date: f.Value(p + ".date"), Place: f.Value(p + ".place"), Findings: f.Value(p + ".findings"),
		Participants: map[assistance.Sector]int{}}
	for _, s := range assistance.Sectors {
		k := "participants_" + string(s)
		if n := wholeNumber(k, f.Value(p+"."+k), &es); n > 0 {
			an.Participants[s] = n
		}
	}
	err := es.Err()
	if err == nil {
		_, err = u.assist.SaveAnalysis(r.Context(), actorOf(r), r.PathValue("id"), an)
	}
	u.sectionDone(w, r, f, p, err, "assistanceui.done.analysis", "analyses")
}

func (u *UI) postActivity(w http.ResponseWriter, r *http.Request) {
	a, ctx, id := actorOf(r), r.Context(), r.PathValue("id")
	aid := strings.TrimSpace(r.PostFormValue("id"))
	p := recordPrefix("activity", aid)
	f := readSection(r, p, "title", "kind", "start", "end", "budget_amount", "budget_currency")
	act := assistance.Activity{ID: aid}
	if aid != "" {
		// Start from the stored activity: its experts and delivery are
		// changed by their own forms.
		det, err := u.assist.Details(ctx, a, id)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		found := false
		for _, x := range det.Activities {
			if x.ID == aid {
				act, found = x, true
			}
		}
		if !found {
			u.fail(w, r, store.ErrNotFound)
			return
		}
	}
	var es valid.Errors
	act.Title, act.Kind = f.Value(p+".title"), assistance.SupportKind(f.Value(p+".kind"))
	act.Start, act.End = f.Value(p+".start"), f.Value(p+".end")
	act.Budget = sectionMoney(f, p, "budget", &es)
	if aid != "" {
		act.Version = formVersion(r)
	}
	err := es.Err()
	if err == nil {
		_, err = u.assist.SaveActivity(ctx, a, id, act)
	}
	u.sectionDone(w, r, f, p, err, "assistanceui.done.activity", "activities")
}

func (u *UI) postAssignExpert(w http.ResponseWriter, r *http.Request) {
	aid := r.PathValue("aid")
	p := "activity-" + aid + "-expert"
	f := readSection(r, p, "expert_id")
	var err error
	if f.Value(p+".expert_id") == "" {
		err = valid.New("expert_id", "assistanceui.expert", "Choose an expert of the roster.", nil)
	} else {
		_, err = u.assist.AssignExpert(r.Context(), actorOf(r), r.PathValue("id"), aid, f.Value(p+".expert_id"))
	}
	u.sectionDone(w, r, f, p, err, "assistanceui.done.expert_assigned", "activity-"+aid)
}

func (u *UI) postUnassignExpert(w http.ResponseWriter, r *http.Request) {
	aid := r.PathValue("aid")
	f := &form{Values: map[string]string{}}
	_, err := u.assist.UnassignExpert(r.Context(), actorOf(r), r.PathValue("id"), aid, r.PathValue("eid"))
	u.sectionDone(w, r, f, "activity-"+aid+"-expert", err, "assistanceui.done.expert_unassigned", "activity-"+aid)
}

func (u *UI) postDeliver(w http.ResponseWriter, r *http.Request) {
	aid := r.PathValue("aid")
	p := "activity-" + aid + "-deliver"
	f := readSection(r, p, "delivered_on", "people_trained", "results")
	var es valid.Errors
	people := wholeNumber("people_trained", f.Value(p+".people_trained"), &es)
	err := es.Err()
	if err == nil {
		_, err = u.assist.Deliver(r.Context(), actorOf(r), r.PathValue("id"), aid, f.Value(p+".delivered_on"), people,
			f.Value(p+".results"))
	}
	u.sectionDone(w, r, f, p, err, "assistanceui.done.delivered", "activity-"+aid)
}

func (u *UI) postMonitoring(w http.ResponseWriter, r *http.Request) {
	const p = "monitoring"
	f := readSection(r, p, "date", "note")
	_, err := u.assist.AddMonitoring(r.Context(), actorOf(r), r.PathValue("id"),
		assistance.Monitoring{Date: f.Value(p + ".date"), Note: f.Value(p + ".note")})
	u.sectionDone(w, r, f, p, err, "assistanceui.done.monitoring", "monitoring")
}

func (u *UI) postAdjustment(w http.ResponseWriter, r *http.Request) {
	const p = "adjustment"
	a := actorOf(r)
	f := readSection(r, p, "activity_id", "source", "reason", "new_start", "new_end", "new_budget_amount",
		"new_budget_currency", "cancel")
	var es valid.Errors
	adj := assistance.Adjustment{ActivityID: f.Value(p + ".activity_id"), Source: assistance.AdjustmentSource(f.Value(p + ".source")),
		Reason: f.Value(p + ".reason"), NewStart: f.Value(p + ".new_start"), NewEnd: f.Value(p + ".new_end"),
		Cancel: f.Value(p+".cancel") != ""}
	if !mayManage(a, "") {
		// A member's contact asks; only monitoring finds.
		adj.Source = assistance.ByMember
	}
	if m := sectionMoney(f, p, "new_budget", &es); m.Amount != 0 || f.Value(p+".new_budget_amount") != "" {
		adj.NewBudget = &m
	}
	err := es.Err()
	if err == nil {
		_, err = u.assist.Adjust(r.Context(), a, r.PathValue("id"), adj)
	}
	u.sectionDone(w, r, f, p, err, "assistanceui.done.adjustment", "adjustments")
}

func (u *UI) postMission(w http.ResponseWriter, r *http.Request) {
	mid := strings.TrimSpace(r.PostFormValue("id"))
	p := recordPrefix("mission", mid)
	f := readSection(r, p, "kind", "start", "end", "places", "report")
	m := assistance.Mission{ID: mid, Kind: assistance.MissionKind(f.Value(p + ".kind")), Start: f.Value(p + ".start"),
		End: f.Value(p + ".end"), Places: f.Value(p + ".places"), Report: f.Value(p + ".report"),
		ExpertIDs: readChecks(r, f, p, "experts"), Staff: readChecks(r, f, p, "staff")}
	_, err := u.assist.SaveMission(r.Context(), actorOf(r), r.PathValue("id"), m)
	u.sectionDone(w, r, f, p, err, "assistanceui.done.mission", "missions")
}

func (u *UI) postEvaluation(w http.ResponseWriter, r *http.Request) {
	const p = "evaluation"
	f := readSection(r, p, "evaluator", "date", "results", "challenges")
	var challenges []string
	for _, line := range strings.Split(f.Value(p+".challenges"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			challenges = append(challenges, line)
		}
	}
	_, err := u.assist.SetEvaluation(r.Context(), actorOf(r), r.PathValue("id"), assistance.Evaluation{
		Evaluator: f.Value(p + ".evaluator"), Date: f.Value(p + ".date"), Results: f.Value(p + ".results"),
		Challenges: challenges})
	u.sectionDone(w, r, f, p, err, "assistanceui.done.evaluation", "follow-up")
}
