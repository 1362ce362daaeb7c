package ui_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
)

// secOfficer is the demo secretariat officer; the other demo users the
// assistance tests read as are those of intel_helpers_test.go (crContact
// is Costa Rica's government contact, mxAnalyst a Mexican team's analyst).
const secOfficer = "officer@secretariat.example"

// completeForm is a request form that passes Submit, for country.
func completeForm(country, institution string) assistance.Form {
	return assistance.Form{Country: country,
		Institution: assistance.Institution{Name: institution, Department: "Dirección de Ciberseguridad",
			ContactPerson: "Ana Mora", Email: "ana.mora@example.go.cr", Phone: "+506 2222 0000"},
		Need:          "Crear el CSIRT nacional y formar a su personal.",
		Support:       []assistance.Support{{Kind: assistance.CSIRTDevelopment, Priority: 1, Details: "Diseño del servicio"}, {Kind: assistance.Training, Priority: 2}},
		Topics:        []assistance.Topic{assistance.IncidentResponse, assistance.CSIRTManagement},
		Beneficiaries: "Instituciones públicas",
		Partners:      []assistance.Partner{{Sector: assistance.Academia, Name: "Universidad Nacional", Engaged: true}},
		Timeframe:     "2027-Q1/2027-Q3", Resources: "Dos analistas", DonorsApproached: "Ninguno"}
}

// submitted files and submits a complete request for country as the
// secretariat officer, through the service.
func submitted(t *testing.T, e *apptest.Env, country, institution string) assistance.Request {
	t.Helper()
	a := e.Actor(t, secOfficer)
	r, err := e.App.Assistance.CreateDraft(t.Context(), a, completeForm(country, institution))
	if err != nil {
		t.Fatalf("creating a draft for %s: %v", country, err)
	}
	if r, err = e.App.Assistance.Submit(t.Context(), a, r.ID, r.Version); err != nil {
		t.Fatalf("submitting the draft for %s: %v", country, err)
	}
	return r
}

// stored reads a request as the secretariat sees it.
func stored(t *testing.T, e *apptest.Env, id string) assistance.Details {
	t.Helper()
	d, err := e.App.Assistance.Details(t.Context(), e.Actor(t, secOfficer), id)
	if err != nil {
		t.Fatalf("details of %s: %v", id, err)
	}
	return d
}

// requestFormValues is the posted request form of f, with the button.
func requestFormValues(f assistance.Form, action string) url.Values {
	v := url.Values{"country": {f.Country}, "institution.name": {f.Institution.Name},
		"institution.department": {f.Institution.Department}, "institution.contact_person": {f.Institution.ContactPerson},
		"institution.email": {f.Institution.Email}, "institution.phone": {f.Institution.Phone}, "need": {f.Need},
		"topic_other": {f.TopicOther}, "beneficiaries": {f.Beneficiaries}, "timeframe": {f.Timeframe},
		"resources": {f.Resources}, "donors_approached": {f.DonorsApproached}, "action": {action}}
	for _, s := range f.Support {
		k := "support." + string(s.Kind)
		v.Set(k, "on")
		v.Set(k+".details", s.Details)
		if s.Priority > 0 {
			v.Set(k+".priority", strconv.Itoa(s.Priority))
		}
	}
	for _, tp := range f.Topics {
		v.Add("topic", string(tp))
	}
	for i, p := range f.Partners {
		n := strconv.Itoa(i)
		v.Set("partner."+n+".sector", string(p.Sector))
		v.Set("partner."+n+".name", p.Name)
		v.Set("partner."+n+".engaged", map[bool]string{true: "yes", false: "no"}[p.Engaged])
	}
	return v
}

// requestIDFrom reads the request id from a redirect to its page.
func requestIDFrom(t *testing.T, location string) string {
	t.Helper()
	m := regexp.MustCompile(`^/assistance/([^/?#]+)`).FindStringSubmatch(location)
	if m == nil || m[1] == "new" {
		t.Fatalf("redirect to %q is not a request's page", location)
	}
	return m[1]
}

// readAll reads and closes a response's body.
func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// textOf is a page's text without its tags, so a test can look for what a
// reader sees (not attribute values such as ids and field names).
func textOf(body string) string {
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")
}

// leakedKey returns a catalog key, a template hole ("<no value>", escaped) or an
// untranslated validation code a page shows as text, "" when none.
var leakedKey = regexp.MustCompile(`\b(assistance(ui|api)?\.[a-z_]+(\.[a-z_]+)*|invalid\.[a-z_.]+)\b|&lt;no value&gt;|%!`)

func leak(body string) string {
	return leakedKey.FindString(textOf(body))
}

// assistFixture is a set of requests in the states whose pages differ,
// made through the service: Costa Rica's in follow-up with a record of
// every step, and in implementation with a planned activity; Mexico's in
// design; Costa Rica's draft of its government contact; one expert.
type assistFixture struct {
	FollowUp, Implementation, Design, Draft assistance.Request
	Expert                                  assistance.Expert
	DeliveredActivity                       assistance.Activity
}

func buildAssistFixture(t *testing.T, e *apptest.Env) assistFixture {
	t.Helper()
	ctx, sa, svc := t.Context(), e.Actor(t, secOfficer), e.App.Assistance
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	var fx assistFixture
	var err error
	fx.Expert, err = svc.SaveExpert(ctx, sa, assistance.Expert{Kind: assistance.Individual, Name: "Lucía Experta",
		Email: "lucia@university.example", Institution: "Universidad Demo", Sector: assistance.Academia,
		Fields: []assistance.Topic{assistance.IncidentResponse}, Languages: []string{"es", "en"},
		Available: []assistance.Period{{From: "2020-01-01", To: "2030-12-31"}}, Active: true})
	must("saving the expert", err)
	move := func(r assistance.Request, to assistance.State) assistance.Request {
		t.Helper()
		r, err := svc.Move(ctx, sa, r.ID, r.Version, to, "")
		must("moving "+r.Number+" to "+string(to), err)
		return r
	}
	consider := func(r assistance.Request) assistance.Request {
		t.Helper()
		r = move(r, assistance.UnderConsideration)
		r, err := svc.SetConsideration(ctx, sa, r.ID, r.Version, assistance.Consideration{Staff: []string{sa.UserID},
			WorkPlan: "Plan de trabajo en tres fases", Financial: assistance.Money{Amount: 1500000, Currency: "USD"},
			InKind: "Dos expertos", Budget: assistance.Money{Amount: 2500000, Currency: "USD"}})
		must("setting the consideration", err)
		return move(r, assistance.Design)
	}
	design := func(r assistance.Request, start, end string) assistance.Activity {
		t.Helper()
		_, err := svc.SaveAnalysis(ctx, sa, r.ID, assistance.Analysis{Kind: assistance.SiteVisit, Title: "Visita inicial",
			Date: "2025-02-01", Place: "San José", Participants: map[assistance.Sector]int{assistance.Government: 6},
			Findings: "Sin CSIRT nacional"})
		must("saving the analysis", err)
		act, err := svc.SaveActivity(ctx, sa, r.ID, assistance.Activity{Title: "Taller de respuesta a incidentes",
			Kind: assistance.Training, Start: start, End: end, Budget: assistance.Money{Amount: 500000, Currency: "USD"}})
		must("saving the activity", err)
		return act
	}

	r := consider(submitted(t, e, "CR", "Ministerio de Ciencia"))
	p, err := svc.SaveProposal(ctx, sa, r.ID, assistance.Proposal{Donor: "Fondo Cibernético", Status: assistance.ProposalDrafted,
		Requested: assistance.Money{Amount: 1000000, Currency: "USD"}})
	must("saving the proposal", err)
	p.Status = assistance.ProposalSent
	p, err = svc.SaveProposal(ctx, sa, r.ID, p)
	must("sending the proposal", err)
	p.Status, p.Pledged = assistance.ProposalPledged, assistance.Money{Amount: 800000, Currency: "USD"}
	_, err = svc.SaveProposal(ctx, sa, r.ID, p)
	must("pledging the proposal", err)
	act := design(r, "2025-03-10", "2025-03-12")
	_, err = svc.AssignExpert(ctx, sa, r.ID, act.ID, fx.Expert.ID)
	must("assigning the expert", err)
	r = move(stored(t, e, r.ID).Request, assistance.Implementation)
	_, err = svc.Adjust(ctx, sa, r.ID, assistance.Adjustment{ActivityID: act.ID, Source: assistance.ByMonitoring,
		Reason: "El ministerio pidió un día más", NewEnd: "2025-03-13"})
	must("adjusting the activity", err)
	fx.DeliveredActivity, err = svc.Deliver(ctx, sa, r.ID, act.ID, "2025-03-13", 25, "25 analistas formados")
	must("delivering the activity", err)
	_, err = svc.AddMonitoring(ctx, sa, r.ID, assistance.Monitoring{Date: "2025-03-20", Note: "Buen avance"})
	must("adding monitoring", err)
	r = move(stored(t, e, r.ID).Request, assistance.FollowUp)
	_, err = svc.SaveMission(ctx, sa, r.ID, assistance.Mission{Kind: assistance.FollowUpMission, Start: "2025-09-01",
		End: "2025-09-03", Places: "San José", ExpertIDs: []string{fx.Expert.ID}, Staff: []string{sa.UserID},
		Report: "El CSIRT funciona"})
	must("saving the mission", err)
	_, err = svc.SetEvaluation(ctx, sa, r.ID, assistance.Evaluation{Evaluator: "Evaluadora Externa", Date: "2025-10-01",
		Results: "Objetivos cumplidos", Challenges: []string{"Retener al personal"}})
	must("recording the evaluation", err)
	fx.FollowUp = stored(t, e, r.ID).Request

	// Implementation whose only activity ended long ago: its step is
	// overdue (30 days after the latest activity's end).
	r = consider(submitted(t, e, "CR", "Poder Judicial"))
	design(r, "2024-05-06", "2024-05-08")
	fx.Implementation = move(stored(t, e, r.ID).Request, assistance.Implementation)

	r = consider(submitted(t, e, "MX", "Secretaría de Seguridad"))
	design(r, "2026-04-06", "2026-04-08")
	fx.Design = stored(t, e, r.ID).Request

	fx.Draft, err = svc.CreateDraft(ctx, e.Actor(t, crContact), assistance.Form{Country: "CR",
		Institution: assistance.Institution{Name: "Borrador del ministerio"}})
	must("creating the contact's draft", err)
	return fx
}
