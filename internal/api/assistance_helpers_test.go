package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/app/apptest"
	"atalaya/internal/auth"
)

// The actors of technical assistance besides the demo's: no demo user is
// a government contact of Mexico, so taEach adds one, at Mexico's foreign
// ministry.
const (
	mxContact  = "contacto@sre-mx.example"
	mxMinistry = "DEMO-MX-CANC"
	taRequests = "/api/v1/assistance/requests"
)

// taEach runs fn over each engine, with Mexico's government contact
// added to the demo.
func taEach(t *testing.T, fn func(t *testing.T, e *apptest.Env)) {
	t.Helper()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if e.App.Assistance == nil {
			t.Fatal("the app has no technical assistance")
		}
		_, err := e.App.Auth.CreateUser(context.Background(), auth.SystemActor(), auth.NewUser{OrgID: e.Org(t, mxMinistry),
			Email: mxContact, Name: "Diego Demo (government contact)", Roles: []access.Role{access.GovernmentContact},
			Password: app.DemoPassword})
		if err != nil {
			t.Fatalf("creating %s: %v", mxContact, err)
		}
		fn(t, e)
	})
}

// The shapes the technical-assistance tests read.
type (
	taRequest struct {
		ID      string `json:"id"`
		Number  string `json:"number"`
		Country string `json:"country"`
		State   string `json:"state"`
		Version int64  `json:"version"`
	}
	taTransition struct {
		From   string `json:"from"`
		To     string `json:"to"`
		ByName string `json:"by_name"`
		Reason string `json:"reason"`
	}
	taDetails struct {
		Request     taRequest      `json:"request"`
		Transitions []taTransition `json:"transitions"`
		Attachments []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"attachments"`
		Activities []taActivity `json:"activities"`
		Missions   []struct {
			ExpertIDs []string `json:"expert_ids"`
		} `json:"missions"`
		Next []struct {
			To      string `json:"to"`
			Blocked string `json:"blocked"`
		} `json:"next"`
	}
	taActivity struct {
		ID            string   `json:"id"`
		State         string   `json:"state"`
		End           string   `json:"end"`
		ExpertIDs     []string `json:"expert_ids"`
		PeopleTrained int      `json:"people_trained"`
		Version       int64    `json:"version"`
	}
	taSummary struct {
		ID      string `json:"id"`
		Number  string `json:"number"`
		Country string `json:"country"`
		State   string `json:"state"`
	}
	taVersioned struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Version int64  `json:"version"`
	}
	taDonor struct {
		Donor    string `json:"donor"`
		Currency string `json:"currency"`
		Pledged  int64  `json:"pledged"`
		Received int64  `json:"received"`
	}
	taCountry struct {
		Country             string    `json:"country"`
		RequestsReceived    int       `json:"requests_received"`
		ActivitiesDelivered int       `json:"activities_delivered"`
		PeopleTrained       int       `json:"people_trained"`
		Results             []string  `json:"results"`
		Challenges          []string  `json:"challenges"`
		Funding             []taDonor `json:"funding"`
	}
	taReport struct {
		Year      int         `json:"year"`
		Countries []taCountry `json:"countries"`
		Totals    struct {
			RequestsReceived    int       `json:"requests_received"`
			ActivitiesDelivered int       `json:"activities_delivered"`
			PeopleTrained       int       `json:"people_trained"`
			Funding             []taDonor `json:"funding"`
		} `json:"totals"`
	}
)

// put is post with PUT.
func put(t *testing.T, e *apptest.Env, w who, path string, body any, want int, out any) answer {
	t.Helper()
	return expect(t, call(t, e, w, request{method: "PUT", path: path, body: body}), "PUT "+path, want, out)
}

// del is a DELETE, failing unless the status is want.
func del(t *testing.T, e *apptest.Env, w who, path string, want int, out any) answer {
	t.Helper()
	return expect(t, call(t, e, w, request{method: "DELETE", path: path}), "DELETE "+path, want, out)
}

// mxForm is a complete request form of Mexico's foreign ministry.
func mxForm() map[string]any {
	return map[string]any{
		"country": "MX",
		"institution": map[string]any{"name": "Secretaría de Relaciones Exteriores", "department": "Ciberseguridad",
			"contact_person": "Diego Demo", "email": "diego@sre-mx.example", "phone": "+52 55 0000 0000"},
		"need": "Fortalecer el CSIRT nacional y capacitar a su personal.",
		"support": []map[string]any{{"kind": "csirt_development", "priority": 1, "details": "Procesos y herramientas"},
			{"kind": "training", "priority": 2}},
		"topics":        []string{"incident_response", "csirt_management"},
		"beneficiaries": "Equipos de respuesta del gobierno federal",
		"partners":      []map[string]any{{"sector": "academia", "name": "UNAM", "engaged": true}},
		"timeframe":     "2027-Q1/2027-Q2",
		"resources":     "Dos analistas y un laboratorio",
	}
}

// fileRequest files a complete request as who (a draft, then submitted)
// and returns it submitted.
func fileRequest(t *testing.T, e *apptest.Env, w who) taRequest {
	t.Helper()
	var r taRequest
	post(t, e, w, taRequests, mxForm(), http.StatusCreated, &r)
	post(t, e, w, taRequests+"/"+r.ID+"/submit", map[string]any{"version": r.Version}, http.StatusOK, &r)
	return r
}

// move asks for a transition and returns the answer (checked against the
// document).
func move(t *testing.T, e *apptest.Env, w who, r *taRequest, to, reason string, want int) answer {
	t.Helper()
	a := call(t, e, w, request{method: "POST", path: taRequests + "/" + r.ID + "/move",
		body: map[string]any{"to": to, "reason": reason, "version": r.Version}})
	expect(t, a, "move to "+to, want, nil)
	if want == http.StatusOK {
		a.decode(t, r)
		if r.State != to {
			t.Fatalf("moved to %s, state is %s", to, r.State)
		}
	}
	return a
}

// fieldCodes lists "field code" for every error of a problem.
func fieldCodes(t *testing.T, a answer) []string {
	t.Helper()
	var out []string
	for _, f := range a.problem(t).Errors {
		out = append(out, f.Field+" "+f.Code)
	}
	return out
}

// refusedOn fails unless a is a 422 naming field with a code that starts
// with codePrefix.
func refusedOn(t *testing.T, a answer, field, codePrefix string) {
	t.Helper()
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422; body %s", a.status, a.body)
	}
	for _, fc := range fieldCodes(t, a) {
		f, code, _ := strings.Cut(fc, " ")
		if f == field && strings.HasPrefix(code, codePrefix) {
			return
		}
	}
	t.Fatalf("errors %v, want %s with a code starting %s", fieldCodes(t, a), field, codePrefix)
}

// upload attaches a file as a multipart body and returns the answer,
// checked against the document (the body is not JSON, so call cannot).
func upload(t *testing.T, e *apptest.Env, w who, requestID, field, name, contentType string, data []byte) answer {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="` + field + `"; filename="` + name + `"`}
	h["Content-Type"] = []string{contentType}
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	path := taRequests + "/" + requestID + "/attachments"
	a := send(t, e, w, request{method: "POST", path: path, body: body.Bytes(), contentType: mw.FormDataContentType()})
	checkDocumented(t, "POST", path, a)
	return a
}

// checkStatusDocumented fails unless the document gives the operation the
// status: for answers that are not JSON (files, CSV), which
// checkDocumented cannot read.
func checkStatusDocumented(t *testing.T, method, path string, status int) {
	t.Helper()
	s := loadSpec(t)
	tpl, op, ok := s.operation(method, path)
	if !ok {
		t.Fatalf("%s %s: no documented operation", method, path)
	}
	if _, ok := s.at(op + "/responses/" + strconv.Itoa(status)); !ok {
		t.Fatalf("%s %s: status %d is not documented", method, tpl, status)
	}
}

// officerID is the secretariat officer's user id, as the secretariat
// admin lists it.
func officerID(t *testing.T, e *apptest.Env) string {
	t.Helper()
	return userID(t, e, bearer(t, e, secAdmin), secOfficer)
}

// mxReport is Mexico's part of the year's report and its totals, as the
// secretariat reads them.
func mxReport(t *testing.T, e *apptest.Env, year string) (taCountry, taReport) {
	t.Helper()
	var rep taReport
	get(t, e, bearer(t, e, secOfficer), "/api/v1/assistance/report?year="+year, http.StatusOK, &rep)
	for _, c := range rep.Countries {
		if c.Country == "MX" {
			return c, rep
		}
	}
	return taCountry{Country: "MX"}, rep
}

// donorAmount finds the amounts of a donor in a currency.
func donorAmount(ds []taDonor, donor, currency string) taDonor {
	for _, d := range ds {
		if d.Donor == donor && d.Currency == currency {
			return d
		}
	}
	return taDonor{Donor: donor, Currency: currency}
}
