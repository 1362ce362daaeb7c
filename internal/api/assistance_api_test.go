package api_test

import (
	"bytes"
	"mime"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/app/apptest"
)

// TestAssistanceJourney walks a request through the API: a government
// contact of Mexico drafts it, completes it, attaches a file and submits
// it; a secretariat officer moves it through every step with the data each
// guard needs, and the year's report counts it.
func TestAssistanceJourney(t *testing.T) {
	taEach(t, func(t *testing.T, e *apptest.Env) {
		contact, officer := bearer(t, e, mxContact), bearer(t, e, secOfficer)
		now := time.Now().UTC()
		year := now.Format("2006")
		day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
		donorName := "Example Capacity Building Fund (demo)"
		before, beforeAll := mxReport(t, e, year)

		// A draft may be incomplete; submitting it names what is missing.
		var r taRequest
		a := post(t, e, contact, taRequests, map[string]any{"country": "MX",
			"institution": map[string]any{"name": "Secretaría de Relaciones Exteriores"}}, http.StatusCreated, &r)
		if r.State != "draft" || r.Country != "MX" || !strings.HasPrefix(r.Number, "TA-"+year+"-") {
			t.Fatalf("draft %+v", r)
		}
		if loc := a.header.Get("Location"); loc != taRequests+"/"+r.ID {
			t.Errorf("Location %q", loc)
		}
		a = call(t, e, contact, request{method: "POST", path: taRequests + "/" + r.ID + "/submit",
			body: map[string]any{"version": r.Version}})
		for _, field := range []string{"need", "topics", "timeframe", "institution.email"} {
			refusedOn(t, a, field, "")
		}

		// The whole form, with the version read; a stale version is a 409.
		stale := r.Version
		draft := mxForm()
		draft["version"] = r.Version
		put(t, e, contact, taRequests+"/"+r.ID, draft, http.StatusOK, &r)
		draft["version"] = stale
		put(t, e, contact, taRequests+"/"+r.ID, draft, http.StatusConflict, nil).problem(t)
		delete(draft, "version")
		a = call(t, e, contact, request{method: "PUT", path: taRequests + "/" + r.ID, body: draft})
		refusedOn(t, a, "version", "assistanceapi.version")

		// A file, listed and read back as it was sent.
		pdf := []byte("%PDF-1.4 plan de trabajo")
		var att struct{ ID, Name string }
		expect(t, upload(t, e, contact, r.ID, "file", "plan.pdf", "application/pdf", pdf), "upload", http.StatusCreated, &att)
		var atts list[struct{ ID, Name string }]
		get(t, e, contact, taRequests+"/"+r.ID+"/attachments", http.StatusOK, &atts)
		if len(atts.Items) != 1 || atts.Items[0].Name != "plan.pdf" {
			t.Fatalf("attachments %+v", atts.Items)
		}
		dl := send(t, e, contact, request{method: "GET", path: taRequests + "/" + r.ID + "/attachments/" + att.ID})
		checkStatusDocumented(t, "GET", taRequests+"/"+r.ID+"/attachments/"+att.ID, dl.status)
		if dl.status != http.StatusOK || !bytes.Equal(dl.body, pdf) || dl.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("download: %d %q %q", dl.status, dl.header.Get("Content-Type"), dl.body)
		}
		if d, ps, _ := mime.ParseMediaType(dl.header.Get("Content-Disposition")); d != "attachment" || ps["filename"] != "plan.pdf" {
			t.Errorf("Content-Disposition %q", dl.header.Get("Content-Disposition"))
		}
		expect(t, upload(t, e, contact, r.ID, "other", "x.txt", "text/plain", []byte("x")), "upload without file",
			http.StatusUnprocessableEntity, nil)

		post(t, e, contact, taRequests+"/"+r.ID+"/submit", map[string]any{"version": r.Version}, http.StatusOK, &r)
		if r.State != "submitted" {
			t.Fatalf("submitted: state %s", r.State)
		}

		// Skipping steps is refused with a message naming the next one.
		a = move(t, e, officer, &r, "implementation", "", http.StatusUnprocessableEntity)
		refusedOn(t, a, "to", "assistance.transition.invalid")
		if msg := a.problem(t).Errors[0].Message; !strings.Contains(msg, "consideration") {
			t.Errorf("message %q does not name the next step", msg)
		}
		// The member cannot run the secretariat's workflow.
		move(t, e, contact, &r, "consideration", "", http.StatusForbidden).problem(t)
		move(t, e, officer, &r, "consideration", "", http.StatusOK)

		// Consideration: design needs staff and a work plan.
		refusedOn(t, move(t, e, officer, &r, "design", "", http.StatusUnprocessableEntity), "to", "assistance.transition.guard.")
		put(t, e, officer, taRequests+"/"+r.ID+"/consideration", map[string]any{
			"staff": []string{officerID(t, e)}, "work_plan": "Diagnóstico, plan de acción y capacitación.",
			"financial": map[string]any{"amount": 2000000, "currency": "USD"}, "in_kind": "Expertos de la red",
			"budget": map[string]any{"amount": 8000000, "currency": "USD"}, "version": r.Version}, http.StatusOK, &r)

		// A funding proposal to a donor of the directory, from drafted
		// to received.
		var p taVersioned
		post(t, e, officer, taRequests+"/"+r.ID+"/proposals", map[string]any{"donor_org_id": e.Org(t, "DEMO-DONOR"),
			"status": "drafted", "requested": map[string]any{"amount": 6000000, "currency": "USD"}}, http.StatusCreated, &p)
		for _, step := range []map[string]any{
			{"status": "sent"},
			{"status": "pledged", "pledged": map[string]any{"amount": 5000000, "currency": "USD"}},
			{"status": "received", "pledged": map[string]any{"amount": 5000000, "currency": "USD"},
				"received": map[string]any{"amount": 4500000, "currency": "USD"}},
		} {
			step["donor_org_id"] = e.Org(t, "DEMO-DONOR")
			step["requested"] = map[string]any{"amount": 6000000, "currency": "USD"}
			step["version"] = p.Version
			put(t, e, officer, taRequests+"/"+r.ID+"/proposals/"+p.ID, step, http.StatusOK, &p)
			if p.Status != step["status"] {
				t.Fatalf("proposal status %s, want %s", p.Status, step["status"])
			}
		}
		move(t, e, officer, &r, "design", "", http.StatusOK)

		// Design: a situational analysis and a planned activity, with an
		// expert of the roster assigned.
		refusedOn(t, move(t, e, officer, &r, "implementation", "", http.StatusUnprocessableEntity), "to", "assistance.transition.guard.")
		post(t, e, officer, taRequests+"/"+r.ID+"/analyses", map[string]any{"kind": "roundtable",
			"title": "Mesa redonda con el sector bancario", "date": day(0), "place": "Ciudad de México",
			"participants": map[string]int{"government": 6, "private": 9}, "findings": "Faltan procedimientos."},
			http.StatusCreated, nil)
		var expert struct{ ID string }
		post(t, e, officer, "/api/v1/assistance/experts", map[string]any{"kind": "individual", "name": "Ana Experta",
			"email": "ana@expertos.example", "institution": "Universidad Interamericana", "sector": "academia",
			"fields": []string{"incident_response"}, "languages": []string{"es", "en"},
			"available": []map[string]string{{"from": day(-30), "to": day(365)}}}, http.StatusCreated, &expert)
		var act taActivity
		post(t, e, officer, taRequests+"/"+r.ID+"/activities", map[string]any{"title": "Taller de respuesta a incidentes",
			"kind": "training", "start": day(0), "end": day(2), "budget": map[string]any{"amount": 1500000, "currency": "USD"}},
			http.StatusCreated, &act)
		post(t, e, officer, taRequests+"/"+r.ID+"/activities/"+act.ID+"/experts", map[string]any{"expert_id": expert.ID},
			http.StatusOK, &act)
		if !slices.Contains(act.ExpertIDs, expert.ID) {
			t.Fatalf("activity experts %v, want %s", act.ExpertIDs, expert.ID)
		}
		move(t, e, officer, &r, "implementation", "", http.StatusOK)

		// Implementation: monitoring, an adjustment the member asked
		// for, the activity delivered.
		post(t, e, officer, taRequests+"/"+r.ID+"/monitoring", map[string]any{"date": day(0), "note": "Avance según el plan."},
			http.StatusCreated, nil)
		post(t, e, contact, taRequests+"/"+r.ID+"/adjustments", map[string]any{"activity_id": act.ID, "source": "member",
			"reason": "Feriado nacional", "new_end": day(3)}, http.StatusCreated, nil)
		refusedOn(t, move(t, e, officer, &r, "follow_up", "", http.StatusUnprocessableEntity), "to", "assistance.transition.guard.")
		post(t, e, officer, taRequests+"/"+r.ID+"/activities/"+act.ID+"/deliver", map[string]any{"delivered_on": day(0),
			"people_trained": 25, "results": "25 analistas capacitados en respuesta a incidentes"}, http.StatusOK, &act)
		if act.State != "delivered" || act.PeopleTrained != 25 || act.End != day(3) {
			t.Fatalf("delivered activity %+v", act)
		}
		move(t, e, officer, &r, "follow_up", "", http.StatusOK)

		// Follow-up: a mission with the expert, then the evaluation
		// closes it.
		post(t, e, officer, taRequests+"/"+r.ID+"/missions", map[string]any{"kind": "follow_up", "start": day(5),
			"end": day(6), "places": "Ciudad de México", "expert_ids": []string{expert.ID},
			"staff": []string{officerID(t, e)}, "report": "Procedimientos en uso."}, http.StatusCreated, nil)
		refusedOn(t, move(t, e, officer, &r, "closed", "", http.StatusUnprocessableEntity), "to", "assistance.transition.guard.evaluation")
		put(t, e, officer, taRequests+"/"+r.ID+"/evaluation", map[string]any{"evaluator": "Evaluadores Independientes",
			"date": day(7), "results": "El CSIRT atiende incidentes con procedimientos escritos.",
			"challenges": []string{"Retener al personal capacitado"}}, http.StatusOK, nil)
		move(t, e, officer, &r, "closed", "", http.StatusOK)

		// Every move is on the record, with who, in order.
		var d taDetails
		get(t, e, contact, taRequests+"/"+r.ID, http.StatusOK, &d)
		var path []string
		for _, tr := range d.Transitions {
			path = append(path, tr.To)
		}
		want := []string{"draft", "submitted", "consideration", "design", "implementation", "follow_up", "closed"}
		if !slices.Equal(path, want) {
			t.Errorf("transitions %v, want %v", path, want)
		}
		if len(d.Missions) != 1 || !slices.Equal(d.Missions[0].ExpertIDs, []string{expert.ID}) || len(d.Attachments) != 1 {
			t.Errorf("details: missions %+v, attachments %+v", d.Missions, d.Attachments)
		}
		var tl list[struct{ Kind, State string }]
		get(t, e, officer, taRequests+"/"+r.ID+"/timeline", http.StatusOK, &tl)
		kinds := map[string]bool{}
		for _, x := range tl.Items {
			kinds[x.Kind] = true
		}
		for _, k := range []string{"transition", "proposal", "analysis", "activity", "monitoring", "adjustment", "mission", "evaluation", "attachment"} {
			if !kinds[k] {
				t.Errorf("timeline has no %s: %+v", k, tl.Items)
			}
		}

		// The year's report counts it from the data.
		after, afterAll := mxReport(t, e, year)
		if got := after.RequestsReceived - before.RequestsReceived; got != 1 {
			t.Errorf("requests received grew by %d, want 1", got)
		}
		if got := after.ActivitiesDelivered - before.ActivitiesDelivered; got != 1 {
			t.Errorf("activities delivered grew by %d, want 1", got)
		}
		if got := after.PeopleTrained - before.PeopleTrained; got != 25 {
			t.Errorf("people trained grew by %d, want 25", got)
		}
		if got := afterAll.Totals.PeopleTrained - beforeAll.Totals.PeopleTrained; got != 25 {
			t.Errorf("total people trained grew by %d, want 25", got)
		}
		b, f := donorAmount(before.Funding, donorName, "USD"), donorAmount(after.Funding, donorName, "USD")
		if f.Pledged-b.Pledged != 5000000 || f.Received-b.Received != 4500000 {
			t.Errorf("funding of %s: %+v then %+v, want 5000000 more pledged and 4500000 more received", donorName, b, f)
		}
		if !slices.Contains(after.Challenges, "Retener al personal capacitado") {
			t.Errorf("challenges %v", after.Challenges)
		}
	})
}
