package api_test

import (
	"net/http"
	"slices"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// TestSecurityAssistance: a request of Mexico under consideration is seen
// by Mexico's government contacts and the secretariat, and by nobody else,
// on every path that reads it (a 404, as if it did not exist, and absent
// from lists); the secretariat's views are the secretariat's; a read
// token reads and changes nothing.
func TestSecurityAssistance(t *testing.T) {
	taEach(t, func(t *testing.T, e *apptest.Env) {
		contact := bearer(t, e, mxContact)
		r := fileRequest(t, e, contact)
		var att struct{ ID string }
		expect(t, upload(t, e, contact, r.ID, "file", "carta.txt", "text/plain", []byte("Solicitud oficial")),
			"upload", http.StatusCreated, &att)
		move(t, e, bearer(t, e, secOfficer), &r, "consideration", "", http.StatusOK)
		reqPath := taRequests + "/" + r.ID

		cases := []struct {
			name   string
			w      func(t *testing.T, e *apptest.Env) who
			see    int  // GET of the request, its timeline, attachments and a file
			list   int  // the list of requests (403: the caller lists no member's)
			listed bool // the request is on the list
			file   int  // POST a draft for Mexico, attach a file to the request
			manage int  // PUT the consideration
			board  int  // board, overdue steps, roster, report
		}{
			{"mx contact", tokenOf(mxContact), 200, 200, true, 201, 403, 403},
			{"mx contact session", sessionOf(mxContact), 200, 200, true, 201, 403, 403},
			{"mx contact read token", tokenOf(mxContact, access.ScopeRead), 200, 200, true, 403, 403, 403},
			{"cr contact", tokenOf(crContact), 404, 200, false, 403, 404, 403},
			{"mx analyst", tokenOf(mxAnalyst), 404, 403, false, 403, 404, 403},
			{"mx team admin", tokenOf(mxAdmin), 404, 403, false, 403, 404, 403},
			{"observer", tokenOf(observer), 404, 403, false, 403, 404, 403},
			{"expert", tokenOf(expertUser), 404, 403, false, 403, 404, 403},
			{"secretariat officer", tokenOf(secOfficer), 200, 200, true, 201, 200, 200},
			{"secretariat officer session", sessionOf(secOfficer), 200, 200, true, 201, 200, 200},
			{"secretariat officer read token", tokenOf(secOfficer, access.ScopeRead), 200, 200, true, 403, 403, 200},
			{"secretariat admin", tokenOf(secAdmin), 200, 200, true, 201, 200, 200},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				w := tc.w(t, e)
				for _, p := range []string{reqPath, reqPath + "/timeline", reqPath + "/attachments"} {
					if a := get(t, e, w, p, tc.see, nil); tc.see != 200 {
						a.problem(t)
					}
				}
				dl := send(t, e, w, request{method: "GET", path: reqPath + "/attachments/" + att.ID})
				checkStatusDocumented(t, "GET", reqPath+"/attachments/"+att.ID, dl.status)
				if dl.status != tc.see || (tc.see == 200) != (string(dl.body) == "Solicitud oficial") {
					t.Errorf("download: status %d, body %q; want %d", dl.status, dl.body, tc.see)
				}

				var l list[taSummary]
				if a := get(t, e, w, taRequests+"?limit=500", tc.list, nil); tc.list == 200 {
					a.decode(t, &l)
				} else {
					a.problem(t)
				}
				listed := slices.ContainsFunc(l.Items, func(s taSummary) bool { return s.ID == r.ID })
				if listed != tc.listed {
					t.Errorf("listed %v, want %v", listed, tc.listed)
				}
				for _, s := range l.Items {
					if !tc.listed && s.Country == "MX" {
						t.Errorf("lists %s of MX", s.Number)
					}
				}

				expect(t, call(t, e, w, request{method: "POST", path: taRequests, body: map[string]any{"country": "MX"}}),
					"draft for MX", tc.file, nil)
				attach := tc.file
				if tc.see == 404 {
					attach = 404
				}
				expect(t, upload(t, e, w, r.ID, "file", "otra.txt", "text/plain", []byte("x")), "attach", attach, nil)
				var changed taRequest
				put(t, e, w, reqPath+"/consideration", map[string]any{"work_plan": "Plan", "version": r.Version},
					tc.manage, &changed)
				if tc.manage == 200 {
					r = changed
				}

				for _, p := range []string{"/api/v1/assistance/board", "/api/v1/assistance/overdue",
					"/api/v1/assistance/experts", "/api/v1/assistance/report?year=2026"} {
					if a := get(t, e, w, p, tc.board, nil); tc.board != 200 {
						a.problem(t)
					}
				}
				csv := send(t, e, w, request{method: "GET", path: "/api/v1/assistance/board?format=csv"})
				if csv.status != tc.board {
					t.Errorf("board CSV: status %d, want %d", csv.status, tc.board)
				}
			})
		}
	})
}

// TestSecurityAssistanceWrites: another member's contact can change
// nothing of a request it cannot see, and learns nothing of it: every
// write answers 404 (a missing request), never 403.
func TestSecurityAssistanceWrites(t *testing.T) {
	taEach(t, func(t *testing.T, e *apptest.Env) {
		r := fileRequest(t, e, bearer(t, e, mxContact))
		cr := bearer(t, e, crContact)
		base := taRequests + "/" + r.ID
		for _, req := range []request{
			{method: "PUT", path: base, body: mxForm()},
			{method: "POST", path: base + "/submit", body: map[string]any{"version": r.Version}},
			{method: "POST", path: base + "/move", body: map[string]any{"to": "withdrawn", "reason": "x", "version": r.Version}},
			{method: "POST", path: base + "/adjustments", body: map[string]any{"activity_id": "x", "source": "member", "reason": "x"}},
			{method: "DELETE", path: base + "/attachments/x"},
		} {
			if req.method == "PUT" {
				req.body.(map[string]any)["version"] = r.Version
			}
			a := call(t, e, cr, req)
			if a.status != http.StatusNotFound {
				t.Errorf("%s %s: status %d, want 404; body %s", req.method, req.path, a.status, a.body)
			}
		}
		var d taDetails
		get(t, e, bearer(t, e, secOfficer), base, http.StatusOK, &d)
		if d.Request.State != "submitted" || d.Request.Version != r.Version {
			t.Errorf("the request changed: %+v", d.Request)
		}
	})
}
