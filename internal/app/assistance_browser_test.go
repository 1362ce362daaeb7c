//go:build browser

package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
	"atalaya/internal/auth"
	"atalaya/internal/browsertest"
)

// TestBrowserAssistanceJourney is issue 5's journey in a real browser: Costa
// Rica's government contact files a request in Spanish; a secretariat
// officer takes it through every state, with a donor proposal, an expert
// assigned (after a conflicted one is refused with the reason shown) and a
// follow-up mission; the year's report shows it. A contact of another
// country cannot open it.
func TestBrowserAssistanceJourney(t *testing.T) {
	e := apptest.New(t)
	ctx := t.Context()
	officer := e.Actor(t, "officer@secretariat.example")
	now := time.Now().UTC()
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }

	b := browsertest.New(t)
	signedIn := false
	login := func(email string) {
		t.Helper()
		if signedIn {
			browsertest.Step(t, b, "sign out", chromedp.Click(chromedp.CSS("form.logout button")),
				chromedp.WaitVisible(chromedp.CSS("#email")))
		}
		signedIn = true
		browsertest.Step(t, b, "sign in as "+email,
			chromedp.Navigate(e.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#email"), email),
			chromedp.SendKeys(chromedp.CSS("#password"), app.DemoPassword),
			chromedp.Click(chromedp.CSS("#login-submit")),
			chromedp.WaitVisible(chromedp.CSS(`#nav-assistance`)))
	}

	// 1. The government contact, in Spanish.
	login("contact@ministry-cr.example")
	browsertest.Step(t, b, "switch to Spanish and open the request form",
		chromedp.SetValue(chromedp.CSS("#lang-select"), "es"),
		chromedp.Click(chromedp.CSS("#lang-submit")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="es"]`)),
		chromedp.Navigate(e.URL+"/assistance/new"),
		chromedp.WaitVisible(chromedp.CSS("#request-form")))
	if fixed := browsertest.Text(t, b, "#country-fixed"); !strings.Contains(fixed, "Costa Rica") {
		t.Errorf("the contact's country is not fixed to Costa Rica: %q", fixed)
	}
	browsertest.Step(t, b, "fill in and submit the request",
		chromedp.SetValue(chromedp.CSS("#institution-name"), "Ministerio de Seguridad Pública (prueba)"),
		chromedp.SetValue(chromedp.CSS("#institution-contact_person"), "Ana Prueba"),
		chromedp.SetValue(chromedp.CSS("#institution-email"), "ana@seguridad-cr.example"),
		chromedp.SetValue(chromedp.CSS("#need"), "Formación en respuesta a incidentes para el nuevo equipo policial."),
		chromedp.Click(chromedp.CSS("#support-training")),
		chromedp.SetValue(chromedp.CSS("#support-training-priority"), "1"),
		chromedp.SetValue(chromedp.CSS("#support-training-details"), "Dos cursos de una semana"),
		chromedp.Click(chromedp.CSS("#topic-incident_response")),
		chromedp.SetValue(chromedp.CSS("#timeframe"), day(0)[:4]+"-Q4"),
		chromedp.SetAttributeValue(chromedp.CSS("body"), "data-stale", "1"),
		chromedp.Click(chromedp.CSS("#submit-request")),
		chromedp.WaitVisible(chromedp.CSS("body:not([data-stale]) #request-number")))
	number := strings.TrimSpace(browsertest.Text(t, b, "#request-number"))
	list, _, err := e.App.Assistance.List(ctx, officer, assistance.Filter{Query: number})
	if err != nil || len(list) != 1 {
		t.Fatalf("request %q after the form: %v, %v", number, list, err)
	}
	req := list[0]
	if req.State != assistance.Submitted || req.Country != "CR" {
		t.Fatalf("request %s is %s of %s, want submitted of CR", number, req.State, req.Country)
	}
	if st := browsertest.Text(t, b, "#request-state"); !strings.Contains(st, "Enviada") && !strings.Contains(st, "Presentada") {
		t.Logf("state shown to the contact (Spanish): %q", st)
	}
	page := e.URL + "/assistance/" + req.ID

	// 2. A contact of another country: the request does not exist for them.
	mxContact := "contacto@cancilleria-mx.example"
	if _, err := e.App.Auth.CreateUser(ctx, auth.SystemActor(), auth.NewUser{OrgID: e.Org(t, "DEMO-MX-CANC"),
		Email: mxContact, Name: "Contacto MX (prueba)", Roles: []access.Role{access.GovernmentContact},
		Password: app.DemoPassword}); err != nil {
		t.Fatal(err)
	}
	resp, err := e.Login(t, mxContact).Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), number) {
		t.Errorf("Mexico's contact opening Costa Rica's request: %s (names it: %v)", resp.Status, strings.Contains(string(body), number))
	}

	// 3. The secretariat officer takes it through every state.
	login("officer@secretariat.example")
	state := func(want assistance.State) {
		t.Helper()
		r, err := e.App.Assistance.Get(ctx, officer, req.ID)
		if err != nil || r.State != want {
			t.Fatalf("request is %s (%v), want %s", r.State, err, want)
		}
	}
	move := func(to assistance.State) {
		t.Helper()
		browsertest.Step(t, b, "move to "+string(to),
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.CSS("#move-"+string(to))),
			chromedp.SetValue(chromedp.CSS("#move-reason"), "Paso del recorrido de prueba"),
			chromedp.SetAttributeValue(chromedp.CSS("body"), "data-stale", "1"),
			chromedp.Click(chromedp.CSS("#move-"+string(to))),
			chromedp.WaitVisible(chromedp.CSS("body:not([data-stale]) #request-state")))
		state(to)
	}
	// open unfolds a step's form and fills it; save submits it.
	open := func(details string, fill ...chromedp.Action[chromedp.Void]) []chromedp.Action[chromedp.Void] {
		acts := []chromedp.Action[chromedp.Void]{chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS("#" + details)),
			chromedp.SetAttributeValue(chromedp.CSS("#"+details), "open", "")}
		return append(acts, fill...)
	}
	// saved clicks a form's button and waits for the page it leads to (the
	// old page is marked first, so it cannot pass for the new one).
	saved := func(button string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{chromedp.SetAttributeValue(chromedp.CSS("body"), "data-stale", "1"),
			chromedp.Click(chromedp.CSS("#" + button)), chromedp.WaitVisible(chromedp.CSS("body:not([data-stale]) #request-state"))}
	}

	move(assistance.UnderConsideration)
	browsertest.Step(t, b, "record staff and work plan", append(open("consideration-edit",
		chromedp.Click(chromedp.CSS("#consideration-staff-"+officer.UserID)),
		chromedp.SetValue(chromedp.CSS("#consideration-work_plan"), "Dos cursos con un experto del roster."),
		chromedp.SetValue(chromedp.CSS("#consideration-budget_amount"), "25000"),
		chromedp.SetValue(chromedp.CSS("#consideration-budget_currency"), "USD")), saved("consideration-save")...)...)
	browsertest.Step(t, b, "draft a funding proposal to the donor", append(open("proposal-new-edit",
		chromedp.SetValue(chromedp.CSS("#proposal-new-donor_org"), e.Org(t, "DEMO-DONOR")),
		chromedp.SetValue(chromedp.CSS("#proposal-new-status"), "drafted"),
		chromedp.SetValue(chromedp.CSS("#proposal-new-requested_amount"), "20000"),
		chromedp.SetValue(chromedp.CSS("#proposal-new-requested_currency"), "USD")), saved("proposal-new-save")...)...)
	d, err := e.App.Assistance.Details(ctx, officer, req.ID)
	if err != nil || len(d.Proposals) != 1 {
		t.Fatalf("proposals after the form: %v, %v", d.Proposals, err)
	}
	pid := d.Proposals[0].ID
	for _, st := range []string{"sent", "pledged"} {
		fill := []chromedp.Action[chromedp.Void]{chromedp.SetValue(chromedp.CSS("#proposal-"+pid+"-status"), st)}
		if st == "pledged" {
			fill = append(fill, chromedp.SetValue(chromedp.CSS("#proposal-"+pid+"-pledged_amount"), "20000"),
				chromedp.SetValue(chromedp.CSS("#proposal-"+pid+"-pledged_currency"), "USD"))
		}
		browsertest.Step(t, b, "proposal "+st, append(open("proposal-"+pid+"-edit", fill...), saved("proposal-"+pid+"-save")...)...)
	}
	move(assistance.Design)
	browsertest.Step(t, b, "a site visit", append(open("analysis-new-edit",
		chromedp.SetValue(chromedp.CSS("#analysis-new-kind"), "site_visit"),
		chromedp.SetValue(chromedp.CSS("#analysis-new-title"), "Visita al equipo policial"),
		chromedp.SetValue(chromedp.CSS("#analysis-new-date"), day(-6)),
		chromedp.SetValue(chromedp.CSS("#analysis-new-place"), "San José"),
		chromedp.SetValue(chromedp.CSS("#analysis-new-participants_government"), "6")), saved("analysis-new-save")...)...)
	browsertest.Step(t, b, "a training in the plan", append(open("activity-new-edit",
		chromedp.SetValue(chromedp.CSS("#activity-new-title"), "Curso de respuesta a incidentes"),
		chromedp.SetValue(chromedp.CSS("#activity-new-kind"), "training"),
		chromedp.SetValue(chromedp.CSS("#activity-new-start"), day(-4)),
		chromedp.SetValue(chromedp.CSS("#activity-new-end"), day(-3)),
		chromedp.SetValue(chromedp.CSS("#activity-new-budget_amount"), "12000"),
		chromedp.SetValue(chromedp.CSS("#activity-new-budget_currency"), "USD")), saved("activity-new-save")...)...)
	if d, err = e.App.Assistance.Details(ctx, officer, req.ID); err != nil || len(d.Activities) != 1 {
		t.Fatalf("activities after the form: %v, %v", d.Activities, err)
	}
	aid := d.Activities[0].ID
	experts, err := e.App.Assistance.Experts(ctx, officer, assistance.ExpertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var conflicted, ruiz string
	for _, x := range experts {
		switch {
		case strings.HasPrefix(x.Name, "Example Security Labs"):
			conflicted = x.ID
		case strings.HasPrefix(x.Name, "Elena Ruiz"):
			ruiz = x.ID
		}
	}
	sel := "#activity-" + aid + "-expert-expert_id"
	browsertest.Step(t, b, "assign the expert with a conflict of interest",
		chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.SetValue(chromedp.CSS(sel), conflicted),
		chromedp.SetAttributeValue(chromedp.CSS("body"), "data-stale", "1"),
		chromedp.Click(chromedp.CSS("#assign-"+aid)),
		chromedp.WaitVisible(chromedp.CSS("body:not([data-stale]) "+sel+"-error")))
	if why := browsertest.Text(t, b, sel+"-error"); strings.TrimSpace(why) == "" {
		t.Error("the refused assignment shows no reason")
	} else {
		t.Logf("refused: %s", strings.TrimSpace(why))
	}
	browsertest.Step(t, b, "assign an available expert",
		chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.SetValue(chromedp.CSS(sel), ruiz),
		chromedp.SetAttributeValue(chromedp.CSS("body"), "data-stale", "1"),
		chromedp.Click(chromedp.CSS("#assign-"+aid)),
		chromedp.WaitVisible(chromedp.CSS("body:not([data-stale]) #request-state")))
	if d, _ = e.App.Assistance.Details(ctx, officer, req.ID); len(d.Activities[0].ExpertIDs) != 1 || d.Activities[0].ExpertIDs[0] != ruiz {
		t.Fatalf("experts of the activity: %v, want only %s", d.Activities[0].ExpertIDs, ruiz)
	}
	move(assistance.Implementation)
	pre := "#activity-" + aid + "-deliver"
	browsertest.Step(t, b, "deliver the training", append(open("activity-"+aid+"-deliver-edit",
		chromedp.SetValue(chromedp.CSS(pre+"-delivered_on"), day(-3)),
		chromedp.SetValue(chromedp.CSS(pre+"-people_trained"), "27"),
		chromedp.SetValue(chromedp.CSS(pre+"-results"), "27 agentes formados en respuesta a incidentes.")),
		saved("deliver-"+aid)...)...)
	move(assistance.FollowUp)
	browsertest.Step(t, b, "a follow-up mission", append(open("mission-new-edit",
		chromedp.SetValue(chromedp.CSS("#mission-new-kind"), "follow_up"),
		chromedp.SetValue(chromedp.CSS("#mission-new-start"), day(-1)),
		chromedp.SetValue(chromedp.CSS("#mission-new-end"), day(-1)),
		chromedp.SetValue(chromedp.CSS("#mission-new-places"), "San José"),
		chromedp.Click(chromedp.CSS("#mission-new-staff-"+officer.UserID)),
		chromedp.SetValue(chromedp.CSS("#mission-new-report"), "El equipo aplica la guía.")), saved("mission-new-save")...)...)
	browsertest.Step(t, b, "the external evaluation", append(open("evaluation-edit",
		chromedp.SetValue(chromedp.CSS("#evaluation-evaluator"), "Evaluación Independiente (prueba)"),
		chromedp.SetValue(chromedp.CSS("#evaluation-date"), day(0)),
		chromedp.SetValue(chromedp.CSS("#evaluation-results"), "Capacidad de respuesta establecida."),
		chromedp.SetValue(chromedp.CSS("#evaluation-challenges"), "Retener al personal formado")), saved("evaluation-save")...)...)
	move(assistance.Closed)

	d, err = e.App.Assistance.Details(ctx, officer, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	var path []string
	for _, tr := range d.Transitions {
		path = append(path, string(tr.To))
	}
	if got := strings.Join(path, ">"); got != "draft>submitted>consideration>design>implementation>follow_up>closed" {
		t.Errorf("transitions recorded: %s", got)
	}
	if len(d.Missions) != 1 || d.Evaluation == nil || d.Proposals[0].Status != assistance.ProposalPledged {
		t.Errorf("missions %d, evaluation %v, proposal %s", len(d.Missions), d.Evaluation != nil, d.Proposals[0].Status)
	}

	// 4. The year's report shows it.
	browsertest.Step(t, b, "open the year's report in Spanish",
		chromedp.Navigate(e.URL+"/assistance/report?year="+day(0)[:4]+"&lang=es"),
		chromedp.WaitVisible(chromedp.CSS("h1")))
	report := browsertest.Text(t, b, "body")
	for _, want := range []string{number, "Costa Rica", "27 agentes formados", "Retener al personal formado", "Example Capacity Building Fund"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report does not show %q", want)
		}
	}
}
