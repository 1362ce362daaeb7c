package ui_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
)

// TestAssistanceStepsThroughPages takes a request from submitted to closed
// with the forms of its page, as the secretariat (and, for one adjustment,
// the member's contact): every form's post lands in the store, a refused
// expert shows why beside the choice, and the board, its CSV and the
// report count the result.
func TestAssistanceStepsThroughPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		r := submitted(t, e, "CR", "Ministerio de Ciencia")
		sc, gc := e.Login(t, secOfficer), e.Login(t, crContact)
		base := e.URL + "/assistance/" + r.ID
		officer := e.Actor(t, secOfficer).UserID
		version := func() string { return strconv.FormatInt(stored(t, e, r.ID).Request.Version, 10) }
		ok := func(c *http.Client, path string, v url.Values, done string) {
			t.Helper()
			status, body, loc := post(t, c, base+path, v)
			if status != http.StatusSeeOther || !strings.Contains(loc, "done=assistanceui.done."+done) {
				t.Fatalf("POST %s: status %d to %q; page:\n%s", path, status, loc, errorsOf(body))
			}
		}
		move := func(to string) {
			t.Helper()
			ok(sc, "/move", url.Values{"to": {to}, "version": {version()}}, "moved")
			if got := stored(t, e, r.ID).Request.State; string(got) != to {
				t.Fatalf("moved to %s, want %s", got, to)
			}
		}

		move("consideration")
		ok(sc, "/consideration", url.Values{"version": {version()}, "staff": {officer}, "work_plan": {"Tres fases"},
			"financial_amount": {"15.000,50"}, "financial_currency": {"usd"}, "in_kind": {"Sala"},
			"budget_amount": {"25,000"}, "budget_currency": {"USD"}}, "consideration")
		c := stored(t, e, r.ID).Request.Consideration
		if c.WorkPlan != "Tres fases" || c.Financial != (assistance.Money{Amount: 1500050, Currency: "USD"}) ||
			c.Budget != (assistance.Money{Amount: 2500000, Currency: "USD"}) || len(c.Staff) != 1 || c.Staff[0] != officer {
			t.Fatalf("consideration %+v", c)
		}
		ok(sc, "/proposals", url.Values{"donor": {"Fondo Cibernético"}, "status": {"drafted"},
			"requested_amount": {"10000"}, "requested_currency": {"USD"}}, "proposal")
		p := stored(t, e, r.ID).Proposals[0]
		for _, st := range []string{"sent", "pledged"} {
			ok(sc, "/proposals", url.Values{"id": {p.ID}, "version": {strconv.FormatInt(p.Version, 10)}, "donor": {p.Donor},
				"status": {st}, "requested_amount": {"10000"}, "requested_currency": {"USD"},
				"pledged_amount": {"8000"}, "pledged_currency": {"USD"}}, "proposal")
			p = stored(t, e, r.ID).Proposals[0]
		}
		if p.Status != assistance.ProposalPledged || p.Pledged.Amount != 800000 {
			t.Fatalf("proposal %+v", p)
		}
		move("design")
		ok(sc, "/analyses", url.Values{"kind": {"roundtable"}, "title": {"Mesa redonda"}, "date": {"2025-02-01"},
			"participants_government": {"6"}, "participants_academia": {"2"}}, "analysis")
		if an := stored(t, e, r.ID).Analyses[0]; an.Participants[assistance.Government] != 6 || an.Participants[assistance.Academia] != 2 {
			t.Fatalf("analysis %+v", an)
		}
		ok(sc, "/activities", url.Values{"title": {"Taller"}, "kind": {"training"}, "start": {"2025-03-10"},
			"end": {"2025-03-12"}, "budget_amount": {"5000"}, "budget_currency": {"USD"}}, "activity")
		act := stored(t, e, r.ID).Activities[0]

		for _, f := range []url.Values{
			{"kind": {"individual"}, "name": {"Experta Disponible"}, "languages": {"es"}, "fields": {"incident_response"},
				"available.0.from": {"2020-01-01"}, "available.0.to": {"2030-12-31"}, "active": {"on"}},
			{"kind": {"individual"}, "name": {"Experto Ocupado"}, "languages": {"en"},
				"available.0.from": {"2019-01-01"}, "available.0.to": {"2019-12-31"}, "active": {"on"}},
		} {
			status, body, _ := post(t, sc, e.URL+"/assistance/experts", f)
			if status != http.StatusSeeOther {
				t.Fatalf("adding %s to the roster: %d\n%s", f.Get("name"), status, errorsOf(body))
			}
		}
		experts := map[string]string{}
		list, err := e.App.Assistance.Experts(t.Context(), e.Actor(t, secOfficer), assistance.ExpertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			experts[x.Name] = x.ID
		}
		status, body, _ := post(t, sc, base+"/activities/"+act.ID+"/experts", url.Values{"expert_id": {experts["Experto Ocupado"]}})
		if status != http.StatusUnprocessableEntity || !fieldError(body, "activity-"+act.ID+"-expert-expert_id") {
			t.Fatalf("assigning an expert not available: status %d, reason beside the choice %v", status,
				fieldError(body, "activity-"+act.ID+"-expert-expert_id"))
		}
		ok(sc, "/activities/"+act.ID+"/experts", url.Values{"expert_id": {experts["Experta Disponible"]}}, "expert_assigned")
		if got := stored(t, e, r.ID).Activities[0].ExpertIDs; len(got) != 1 || got[0] != experts["Experta Disponible"] {
			t.Fatalf("experts of the activity %v", got)
		}
		move("implementation")

		// The member's contact asks for one more day.
		ok(gc, "/adjustments", url.Values{"activity_id": {act.ID}, "reason": {"Un día más"}, "new_end": {"2025-03-13"},
			"source": {"monitoring"}}, "adjustment")
		adj := stored(t, e, r.ID).Adjustments
		if len(adj) != 1 || adj[0].Source != assistance.ByMember || stored(t, e, r.ID).Activities[0].End != "2025-03-13" {
			t.Fatalf("adjustments %+v", adj)
		}
		ok(sc, "/activities/"+act.ID+"/deliver", url.Values{"delivered_on": {"2025-03-13"}, "people_trained": {"25"},
			"results": {"25 analistas"}}, "delivered")
		ok(sc, "/monitoring", url.Values{"date": {"2025-03-20"}, "note": {"Buen avance"}}, "monitoring")
		move("follow_up")
		ok(sc, "/missions", url.Values{"kind": {"follow_up"}, "start": {"2025-09-01"}, "end": {"2025-09-03"},
			"places": {"San José"}, "experts": {experts["Experta Disponible"]}, "staff": {officer}, "report": {"Funciona"}}, "mission")
		ok(sc, "/evaluation", url.Values{"evaluator": {"Evaluadora"}, "date": {"2025-10-01"}, "results": {"Cumplido"},
			"challenges": {"Retener personal\n\nFinanciar el CSIRT"}}, "evaluation")
		move("closed")

		d := stored(t, e, r.ID)
		if act := d.Activities[0]; act.State != assistance.Delivered || act.PeopleTrained != 25 || act.Results != "25 analistas" {
			t.Errorf("delivered activity %+v", act)
		}
		if len(d.Monitoring) != 1 || len(d.Missions) != 1 || d.Missions[0].ExpertIDs[0] != experts["Experta Disponible"] {
			t.Errorf("monitoring %+v, missions %+v", d.Monitoring, d.Missions)
		}
		if d.Evaluation == nil || len(d.Evaluation.Challenges) != 2 || d.Evaluation.Challenges[1] != "Financiar el CSIRT" {
			t.Errorf("evaluation %+v", d.Evaluation)
		}
		if len(d.Transitions) != 7 { // the draft opened, then six moves
			t.Errorf("%d transitions, want 7", len(d.Transitions))
		}

		// The board counts the closed request under Costa Rica, and its
		// CSV has it.
		_, body = get(t, sc, e.URL+"/assistance/board?country=CR&state=closed")
		if !strings.Contains(section(body, "by-country-title"), `id="country-CR"`) || !strings.Contains(body, r.Number) {
			t.Error("the board does not list the closed request under Costa Rica")
		}
		resp, err := sc.Get(e.URL + "/assistance/board?country=CR&state=closed&format=csv")
		if err != nil {
			t.Fatal(err)
		}
		raw := readAll(t, resp)
		rows, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
		if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV %q: %v (%s)", raw, err, resp.Header.Get("Content-Type"))
		}
		if len(rows) != 2 || rows[1][0] != r.Number || rows[1][1] != "CR" {
			t.Errorf("CSV rows %q, want the header and %s", rows, r.Number)
		}

		// This year's report (the request was received this year) names
		// Costa Rica and the request, in the language asked for.
		year := strconv.Itoa(d.Request.SubmittedAt.Year())
		resp, err = sc.Get(e.URL + "/assistance/report?year=" + year + "&lang=es")
		if err != nil {
			t.Fatal(err)
		}
		html := readAll(t, resp)
		if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "script-src") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("the report's content security policy %q", csp)
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Language") != "es" ||
			!strings.Contains(html, "Costa Rica") || !strings.Contains(html, r.Number) {
			t.Errorf("the %s report: status %d, language %q, Costa Rica shown %v, %s shown %v", year, resp.StatusCode,
				resp.Header.Get("Content-Language"), strings.Contains(html, "Costa Rica"), r.Number, strings.Contains(html, r.Number))
		}
		resp, err = sc.Get(e.URL + "/assistance/report.pdf?year=" + year + "&lang=pt")
		if err != nil {
			t.Fatal(err)
		}
		pdf := readAll(t, resp)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
			t.Errorf("the PDF: status %d, type %q, starts %q", resp.StatusCode, resp.Header.Get("Content-Type"), pdf[:min(len(pdf), 8)])
		}
	})
}

// errorsOf is the error summary of a page, for a failure's message.
func errorsOf(body string) string {
	if i := strings.Index(body, `class="error-summary"`); i >= 0 {
		return textOf(body[i:min(len(body), i+2000)])
	}
	return textOf(body[:min(len(body), 3000)])
}
