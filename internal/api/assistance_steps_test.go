package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/api"
	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
)

// TestAssistanceListsAndBoard: the list pages with its filters, the board
// counts what the list holds, and its CSV holds every request.
func TestAssistanceListsAndBoard(t *testing.T) {
	taEach(t, func(t *testing.T, e *apptest.Env) {
		contact, officer := bearer(t, e, mxContact), bearer(t, e, secOfficer)
		var filed []string
		for range 3 {
			filed = append(filed, fileRequest(t, e, contact).Number)
		}
		var draft taRequest
		post(t, e, contact, taRequests, map[string]any{"country": "MX"}, http.StatusCreated, &draft)

		var numbers []string
		for _, page := range walk(t, e, officer, taRequests+"?country=MX&state=submitted&limit=2") {
			var l list[taSummary]
			if err := json.Unmarshal(page, &l); err != nil {
				t.Fatal(err)
			}
			if len(l.Items) > 2 {
				t.Fatalf("a page of %d, limit 2", len(l.Items))
			}
			for _, s := range l.Items {
				if s.State != "submitted" {
					t.Errorf("state filter let %s in", s.State)
				}
				numbers = append(numbers, s.Number)
			}
		}
		for _, n := range filed {
			if !slices.Contains(numbers, n) {
				t.Errorf("list %v lacks %s", numbers, n)
			}
		}
		if slices.Contains(numbers, draft.Number) {
			t.Errorf("the draft %s is listed as submitted", draft.Number)
		}

		for _, bad := range []struct{ query, field string }{
			{"state=nowhere", "state"}, {"year=next", "year"}, {"overdue=maybe", "overdue"}, {"limit=0", "limit"},
		} {
			a := get(t, e, officer, taRequests+"?"+bad.query, http.StatusUnprocessableEntity, nil)
			if got := a.fields(t); !slices.Contains(got, bad.field) {
				t.Errorf("?%s: fields %v, want %s", bad.query, got, bad.field)
			}
		}

		var board struct {
			ByState   map[string]int            `json:"by_state"`
			ByCountry map[string]map[string]int `json:"by_country"`
			Requests  []taSummary               `json:"requests"`
		}
		get(t, e, officer, "/api/v1/assistance/board?country=MX", http.StatusOK, &board)
		if board.ByState["submitted"] < 3 || board.ByCountry["MX"]["submitted"] != board.ByState["submitted"] {
			t.Errorf("board counts %v / %v, want at least 3 submitted of MX", board.ByState, board.ByCountry)
		}

		for _, how := range []request{
			{method: "GET", path: "/api/v1/assistance/board?format=csv&country=MX"},
			{method: "GET", path: "/api/v1/assistance/board?country=MX", header: map[string]string{"Accept": "text/csv"}},
		} {
			a := send(t, e, officer, how)
			checkStatusDocumented(t, how.method, how.path, a.status)
			if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s: %d %q %s", how.path, a.status, a.header.Get("Content-Type"), a.body)
			}
			rows, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", how.path, err)
			}
			var cells []string
			for _, row := range rows {
				cells = append(cells, row...)
			}
			for _, n := range filed {
				if !slices.Contains(cells, n) {
					t.Errorf("%s: CSV lacks %s", how.path, n)
				}
			}
		}
		a := get(t, e, officer, "/api/v1/assistance/board?format=xlsx", http.StatusUnprocessableEntity, nil)
		if got := a.fields(t); !slices.Equal(got, []string{"format"}) {
			t.Errorf("fields %v, want format", got)
		}

		var overdue list[taSummary]
		get(t, e, officer, "/api/v1/assistance/overdue", http.StatusOK, &overdue)
		for _, s := range overdue.Items {
			if slices.Contains(filed, s.Number) {
				t.Errorf("%s, submitted just now, is overdue", s.Number)
			}
		}
	})
}

// TestAssistanceExpertChecks: the roster answers its filters, and an
// expert with a conflict of interest with the member, or not available,
// cannot be assigned.
func TestAssistanceExpertChecks(t *testing.T) {
	taEach(t, func(t *testing.T, e *apptest.Env) {
		officer := bearer(t, e, secOfficer)
		now := time.Now().UTC()
		day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
		newExpert := func(name string, conflicts []string, from, to string) taVersioned {
			var x taVersioned
			body := map[string]any{"kind": "individual", "name": name, "sector": "private",
				"fields": []string{"forensics"}, "languages": []string{"es"},
				"available": []map[string]string{{"from": from, "to": to}}}
			if conflicts != nil {
				body["conflicts"], body["conflict_note"] = conflicts, "Asesora al gobierno"
			}
			post(t, e, officer, "/api/v1/assistance/experts", body, http.StatusCreated, &x)
			return x
		}
		free := newExpert("Libre", nil, day(-1), day(100))
		conflicted := newExpert("Con conflicto", []string{"MX"}, day(-1), day(100))
		away := newExpert("Ausente", nil, day(50), day(100))

		var roster list[struct{ ID string }]
		get(t, e, officer, "/api/v1/assistance/experts?country=MX&field=forensics", http.StatusOK, &roster)
		var ids []string
		for _, x := range roster.Items {
			ids = append(ids, x.ID)
		}
		if !slices.Contains(ids, free.ID) || slices.Contains(ids, conflicted.ID) {
			t.Errorf("roster without conflict with MX %v, want %s and not %s", ids, free.ID, conflicted.ID)
		}
		a := get(t, e, officer, "/api/v1/assistance/experts?available_from="+day(0), http.StatusUnprocessableEntity, nil)
		if got := a.fields(t); !slices.Contains(got, "available_to") {
			t.Errorf("fields %v, want available_to", got)
		}

		// Changing an entry needs its version.
		var got taVersioned
		get(t, e, officer, "/api/v1/assistance/experts/"+free.ID, http.StatusOK, &got)
		put(t, e, officer, "/api/v1/assistance/experts/"+free.ID, map[string]any{"kind": "individual", "name": "Libre",
			"sector": "private", "fields": []string{"forensics"}, "languages": []string{"es", "pt"},
			"available": []map[string]string{{"from": day(-1), "to": day(100)}}, "version": got.Version}, http.StatusOK, &got)
		put(t, e, officer, "/api/v1/assistance/experts/"+free.ID, map[string]any{"kind": "individual", "name": "Libre",
			"version": got.Version - 1}, http.StatusConflict, nil)

		r := designRequest(t, e)
		var act taActivity
		post(t, e, officer, taRequests+"/"+r.ID+"/activities", map[string]any{"title": "Análisis forense", "kind": "expertise",
			"start": day(1), "end": day(3)}, http.StatusCreated, &act)
		assign := taRequests + "/" + r.ID + "/activities/" + act.ID + "/experts"
		for _, x := range []taVersioned{conflicted, away} {
			a := call(t, e, officer, request{method: "POST", path: assign, body: map[string]any{"expert_id": x.ID}})
			refusedOn(t, a, "expert_id", "")
		}
		post(t, e, officer, assign, map[string]any{"expert_id": free.ID}, http.StatusOK, &act)
		del(t, e, officer, assign+"/"+free.ID, http.StatusOK, &act)
		if len(act.ExpertIDs) != 0 {
			t.Errorf("experts after unassigning: %v", act.ExpertIDs)
		}
	})
}

// TestAssistanceWithdrawAndDecline: the ends of the workflow need a reason;
// the member may withdraw its own request.
func TestAssistanceWithdrawAndDecline(t *testing.T) {
	taEach(t, func(t *testing.T, e *apptest.Env) {
		contact, officer := bearer(t, e, mxContact), bearer(t, e, secOfficer)
		r := fileRequest(t, e, contact)
		refusedOn(t, move(t, e, contact, &r, "withdrawn", "", http.StatusUnprocessableEntity), "to", "assistance.transition.guard.reason")
		move(t, e, contact, &r, "withdrawn", "Lo financia otro programa", http.StatusOK)
		refusedOn(t, move(t, e, officer, &r, "consideration", "", http.StatusUnprocessableEntity), "to", "assistance.transition.invalid")

		r = fileRequest(t, e, contact)
		move(t, e, officer, &r, "declined", "Fuera del mandato del programa", http.StatusOK)
		var d taDetails
		get(t, e, contact, taRequests+"/"+r.ID, http.StatusOK, &d)
		last := d.Transitions[len(d.Transitions)-1]
		if last.To != "declined" || last.Reason != "Fuera del mandato del programa" {
			t.Errorf("last transition %+v", last)
		}
	})
}

// designRequest is a request of Mexico moved to design by the secretariat.
func designRequest(t *testing.T, e *apptest.Env) taRequest {
	t.Helper()
	officer := bearer(t, e, secOfficer)
	r := fileRequest(t, e, bearer(t, e, mxContact))
	move(t, e, officer, &r, "consideration", "", http.StatusOK)
	put(t, e, officer, taRequests+"/"+r.ID+"/consideration", map[string]any{"staff": []string{officerID(t, e)},
		"work_plan": "Plan", "version": r.Version}, http.StatusOK, &r)
	move(t, e, officer, &r, "design", "", http.StatusOK)
	return r
}

// TestAssistanceStepFields: a bad body of a step's endpoint is a 422 that
// names the field as that body does ("end", not the service's
// "activities.end").
func TestAssistanceStepFields(t *testing.T) {
	taEach(t, func(t *testing.T, e *apptest.Env) {
		officer := bearer(t, e, secOfficer)
		r := designRequest(t, e)
		base := taRequests + "/" + r.ID
		cases := []struct {
			name, method, path string
			body               map[string]any
			field              string
		}{
			{"activity ending before it starts", "POST", base + "/activities",
				map[string]any{"title": "Taller", "kind": "training", "start": "2027-03-10", "end": "2027-03-01"}, "end"},
			{"analysis of no kind", "POST", base + "/analyses", map[string]any{"kind": "panel", "title": "Mesa"}, "kind"},
			{"proposal of no status", "POST", base + "/proposals", map[string]any{"status": "promised", "donor": "Fondo"}, "status"},
			{"mission of no kind", "POST", base + "/missions",
				map[string]any{"kind": "holiday", "start": "2027-03-01", "end": "2027-03-02"}, "kind"},
			{"consideration with a negative budget", "PUT", base + "/consideration",
				map[string]any{"work_plan": "Plan", "budget": map[string]any{"amount": -1, "currency": "USD"}, "version": r.Version},
				"budget.amount"},
			{"move without version", "POST", base + "/move", map[string]any{"to": "implementation"}, "version"},
			{"unknown field", "POST", base + "/activities", map[string]any{"title": "Taller", "state": "delivered"}, "state"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := call(t, e, officer, request{method: tc.method, path: tc.path, body: tc.body})
				if a.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422; body %s", a.status, a.body)
				}
				if got := a.fields(t); !slices.Contains(got, tc.field) {
					t.Errorf("fields %v, want %s", got, tc.field)
				}
			})
		}
	})
}

// TestAssistanceAttachmentLimits: what an upload must be, each refusal
// named.
func TestAssistanceAttachmentLimits(t *testing.T) {
	taEach(t, func(t *testing.T, e *apptest.Env) {
		contact := bearer(t, e, mxContact)
		var r taRequest
		post(t, e, contact, taRequests, map[string]any{"country": "MX"}, http.StatusCreated, &r)
		for _, tc := range []struct {
			name  string
			field string
			data  []byte
		}{
			{"empty", "file", nil},
			{"one byte too large", "file", bytes.Repeat([]byte("a"), assistance.MaxAttachment+1)},
			{"in another part", "document", []byte("x")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := upload(t, e, contact, r.ID, tc.field, "nota.txt", "text/plain", tc.data)
				refusedOn(t, a, "file", "")
			})
		}
		a := call(t, e, contact, request{method: "POST", path: taRequests + "/" + r.ID + "/attachments", body: map[string]any{}})
		expect(t, a, "JSON upload", http.StatusUnsupportedMediaType, nil).problem(t)
		// A body far beyond the largest file is cut short, whatever part
		// it is in.
		a = upload(t, e, contact, r.ID, "padding", "x.bin", "application/octet-stream",
			bytes.Repeat([]byte("a"), assistance.MaxAttachment+128<<10))
		expect(t, a, "oversized body", http.StatusRequestEntityTooLarge, nil).problem(t)
		var atts list[struct{ ID string }]
		get(t, e, contact, taRequests+"/"+r.ID+"/attachments", http.StatusOK, &atts)
		if len(atts.Items) != 0 {
			t.Errorf("refused uploads stored: %+v", atts.Items)
		}
		ok := upload(t, e, contact, r.ID, "file", "nota.txt", "text/plain", bytes.Repeat([]byte("a"), assistance.MaxAttachment))
		expect(t, ok, "the largest upload", http.StatusCreated, nil)
	})
}

// TestAssistanceOff: an API built without technical assistance (or early
// warning) answers their routes 503, as a problem.
func TestAssistanceOff(t *testing.T) {
	e := apptest.New(t)
	mux := http.NewServeMux()
	api.New(api.Options{DB: e.App.DB, Directory: e.App.Directory, Auth: e.App.Auth, Intel: e.App.Intel,
		Logger: e.App.Logger}).Register(func(p string, h http.Handler) { mux.Handle(p, h) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	off := *e
	off.URL = srv.URL
	w := bearer(t, e, secOfficer)
	for _, p := range []string{taRequests, "/api/v1/assistance/board", "/api/v1/assistance/experts/x"} {
		get(t, &off, w, p, http.StatusServiceUnavailable, nil).problem(t)
	}
	// Nor is early warning there: its routes answer the same way.
	for _, p := range []string{"/api/v1/events", "/api/v1/feeds", "/api/v1/feeds/x/runs", "/api/v1/alert-rules",
		"/api/v1/alerts", "/api/v1/webhooks", "/api/v1/digests", "/api/v1/stream"} {
		get(t, &off, w, p, http.StatusServiceUnavailable, nil).problem(t)
	}
}
