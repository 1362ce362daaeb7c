package ui

import (
	"net/http"
	"net/url"

	"atalaya/internal/access"
	"atalaya/internal/alerts"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// alertsPageSize is how many recent alerts the live page lists below the
// stream.
const alertsPageSize = 50

// alertsData is the live alerts page.
type alertsData struct {
	Rows      []alertRow
	NextURL   string
	First     bool
	CanManage bool
}

// alertRow is one alert as the pages show it.
type alertRow struct{ alerts.Alert }

// Row is the delivery the alert is about, with the event helpers.
func (a alertRow) Row() eventRow { return eventRow{a.Event} }

func (u *UI) alertsLive(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.ownEvents(w, r)
	if !ok {
		return
	}
	a := actorOf(r)
	cursor := r.URL.Query().Get("cursor")
	list, next, err := u.alerts.Alerts(r.Context(), a, orgID, cursor, alertsPageSize)
	if err != nil {
		u.failInput(w, r, err)
		return
	}
	d := alertsData{First: cursor == "", CanManage: access.Can(a, access.ManageAlerts, access.Target{OrgID: orgID})}
	for _, al := range list {
		d.Rows = append(d.Rows, alertRow{al})
	}
	if next != "" {
		d.NextURL = "/alerts?cursor=" + url.QueryEscape(next)
	}
	u.render(w, r, http.StatusOK, "ew_alerts", page{TitleKey: "ewui.alerts.title", Nav: "alerts", Data: d})
}

// rulesData is the rules page: the list and the editor, with a try-out's
// result when one was asked for.
type rulesData struct {
	Rules     []alerts.Rule
	EditID    string // the rule in the editor; "" for a new one
	Try       *tryView
	CanManage bool
	Open      string // "delete" keeps the delete confirmation open
}

// tryView is a try-out's result for the page.
type tryView struct {
	alerts.TryResult
	Rows []eventRow
}

// ruleFields are the editor's inputs.
var ruleFields = []string{"id", "name", "expr"}

func (u *UI) alertRules(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.ownEvents(w, r)
	if !ok {
		return
	}
	f := &form{Values: map[string]string{"enabled": "on"}}
	if id := r.PathValue("id"); id != "" {
		rule, err := u.ownRule(r, orgID, id)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		f.Values = ruleValues(rule)
	}
	u.renderRules(w, r, http.StatusOK, orgID, f, nil, "")
}

// ruleValues fills the editor with a stored rule.
func ruleValues(rule alerts.Rule) map[string]string {
	v := map[string]string{"id": rule.ID, "name": rule.Name, "expr": rule.Expr}
	if rule.Enabled {
		v["enabled"] = "on"
	}
	return v
}

// ownRule finds rule id among orgID's rules: a rule of another
// organisation is not found.
func (u *UI) ownRule(r *http.Request, orgID, id string) (alerts.Rule, error) {
	rules, err := u.alerts.Rules(r.Context(), actorOf(r), orgID)
	if err != nil {
		return alerts.Rule{}, err
	}
	for _, rule := range rules {
		if rule.ID == id && rule.OrgID == orgID {
			return rule, nil
		}
	}
	return alerts.Rule{}, store.ErrNotFound
}

func (u *UI) renderRules(w http.ResponseWriter, r *http.Request, status int, orgID string, f *form, try *tryView, open string) {
	a := actorOf(r)
	rules, err := u.alerts.Rules(r.Context(), a, orgID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := rulesData{Rules: rules, EditID: f.Value("id"), Try: try, Open: open,
		CanManage: access.Can(a, access.ManageAlerts, access.Target{OrgID: orgID})}
	u.render(w, r, status, "ew_rules", page{TitleKey: "ewui.rules.title", Nav: "alerts", Data: d, Form: f})
}

// postRule tries the editor's expression ("try") or saves the rule
// ("save"). Either way a bad expression is shown beside the field with
// what was typed kept.
func (u *UI) postRule(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.ownEvents(w, r)
	if !ok {
		return
	}
	a := actorOf(r)
	if !access.Can(a, access.ManageAlerts, access.Target{OrgID: orgID}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	f := newForm(r, ruleFields...)
	if r.PostFormValue("enabled") != "" {
		f.Values["enabled"] = "on"
	}
	if id := f.Value("id"); id != "" {
		if _, err := u.ownRule(r, orgID, id); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	if r.PostFormValue("action") == "try" {
		res, err := u.alerts.TryRule(r.Context(), a, orgID, f.Value("expr"))
		if err != nil {
			if !f.fail(err) {
				u.fail(w, r, err)
				return
			}
			u.renderRules(w, r, http.StatusUnprocessableEntity, orgID, f, nil, "")
			return
		}
		try := &tryView{TryResult: res}
		for _, e := range res.Sample {
			try.Rows = append(try.Rows, eventRow{e})
		}
		u.renderRules(w, r, http.StatusOK, orgID, f, try, "")
		return
	}
	_, err := u.alerts.SaveRule(r.Context(), a, alerts.Rule{ID: f.Value("id"), OrgID: orgID, Name: f.Value("name"),
		Expr: f.Value("expr"), Enabled: f.Value("enabled") != ""})
	if err != nil {
		if !f.fail(err) {
			u.fail(w, r, err)
			return
		}
		u.renderRules(w, r, http.StatusUnprocessableEntity, orgID, f, nil, "")
		return
	}
	redirect(w, r, "/alerts/rules", "done.ew_rule_saved")
}

// errConfirm is the field error of a deletion not confirmed.
var errConfirm = valid.New("confirm", "ewui.confirm", "Tick the box to confirm.", nil)

func (u *UI) deleteRule(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.ownEvents(w, r)
	if !ok {
		return
	}
	a := actorOf(r)
	rule, err := u.ownRule(r, orgID, r.PathValue("id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if !access.Can(a, access.ManageAlerts, access.Target{OrgID: orgID}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	if r.PostFormValue("confirm") == "" {
		f := &form{Values: ruleValues(rule)}
		f.fail(errConfirm)
		u.renderRules(w, r, http.StatusUnprocessableEntity, orgID, f, nil, "delete")
		return
	}
	if err := u.alerts.DeleteRule(r.Context(), a, rule.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/alerts/rules", "done.ew_rule_deleted")
}
