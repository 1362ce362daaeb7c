package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
)

// TestAssistancePagesShowOnlyWhatAccessAllows walks the pages as the
// secretariat, Costa Rica's government contact and a Mexican team's
// analyst: a member's contact sees and follows only the own country's
// requests (another's is not found, never "forbidden": its existence is
// not told), the board, roster and report are the secretariat's, and an
// actor with no part in the program sees no assistance at all.
func TestAssistancePagesShowOnlyWhatAccessAllows(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := buildAssistFixture(t, e)
		mx, cr := "/assistance/"+fx.Design.ID, "/assistance/"+fx.Implementation.ID
		mxAct := stored(t, e, fx.Design.ID).Activities[0].ID
		cases := []struct {
			who, method, path string
			want              int
		}{
			{secOfficer, "GET", mx, http.StatusOK},
			{secOfficer, "GET", "/assistance/board", http.StatusOK},
			{secOfficer, "GET", "/assistance/board?format=csv", http.StatusOK},
			{secOfficer, "GET", "/assistance/experts", http.StatusOK},
			{secOfficer, "GET", "/assistance/report?lang=es", http.StatusOK},
			{secOfficer, "GET", "/assistance/report.pdf?lang=fr", http.StatusOK},

			{crContact, "GET", cr, http.StatusOK},
			{crContact, "GET", mx, http.StatusNotFound},
			{crContact, "GET", mx + "/edit", http.StatusNotFound},
			{crContact, "GET", mx + "/attachments/none", http.StatusNotFound},
			{crContact, "POST", mx + "/move", http.StatusNotFound},
			{crContact, "POST", mx + "/activities/" + mxAct + "/deliver", http.StatusNotFound},
			{crContact, "POST", mx + "/adjustments", http.StatusNotFound},
			{crContact, "GET", "/assistance/" + fx.FollowUp.ID + "/edit", http.StatusForbidden},
			{crContact, "POST", cr + "/consideration", http.StatusForbidden},
			{crContact, "POST", cr + "/missions", http.StatusForbidden},
			{crContact, "GET", "/assistance/board", http.StatusForbidden},
			{crContact, "GET", "/assistance/board?format=csv", http.StatusForbidden},
			{crContact, "GET", "/assistance/experts", http.StatusForbidden},
			{crContact, "POST", "/assistance/experts", http.StatusForbidden},
			{crContact, "GET", "/assistance/report?year=2026&lang=es", http.StatusForbidden},
			{crContact, "GET", "/assistance/report.pdf?year=2026&lang=es", http.StatusForbidden},

			{mxAnalyst, "GET", "/assistance", http.StatusForbidden},
			{mxAnalyst, "GET", "/assistance/new", http.StatusForbidden},
			{mxAnalyst, "POST", "/assistance/new", http.StatusForbidden},
			{mxAnalyst, "GET", mx, http.StatusNotFound},
			{mxAnalyst, "GET", "/assistance/board", http.StatusForbidden},
			{mxAnalyst, "GET", "/assistance/experts", http.StatusForbidden},
			{mxAnalyst, "GET", "/assistance/report.pdf", http.StatusForbidden},
		}
		clients := map[string]*http.Client{}
		for _, tc := range cases {
			t.Run(tc.who+" "+tc.method+" "+tc.path, func(t *testing.T) {
				c := clients[tc.who]
				if c == nil {
					c = e.Login(t, tc.who)
					clients[tc.who] = c
				}
				var status int
				var body string
				if tc.method == "GET" {
					status, body = get(t, c, e.URL+tc.path)
				} else {
					status, body, _ = post(t, c, e.URL+tc.path, url.Values{"to": {"consideration"}, "version": {"1"},
						"delivered_on": {"2026-01-01"}, "people_trained": {"3"}, "reason": {"x"}, "name": {"x"}})
				}
				if status != tc.want {
					t.Fatalf("status %d, want %d", status, tc.want)
				}
				if status != http.StatusOK && strings.Contains(body, fx.Design.Number) {
					t.Errorf("a refused page names the Mexican request %s", fx.Design.Number)
				}
			})
		}
		// The refused writes changed nothing.
		if d := stored(t, e, fx.Design.ID); d.Request.State != assistance.Design || d.Activities[0].State != assistance.Planned ||
			len(d.Adjustments) != 0 {
			t.Errorf("refused posts changed the Mexican request: %s, activity %s, %d adjustments", d.Request.State,
				d.Activities[0].State, len(d.Adjustments))
		}

		t.Run("lists", func(t *testing.T) {
			_, body := get(t, e.Login(t, crContact), e.URL+"/assistance")
			if !strings.Contains(body, fx.Implementation.Number) || !strings.Contains(body, fx.Draft.Number) {
				t.Errorf("the contact's list lacks Costa Rica's requests %s, %s", fx.Implementation.Number, fx.Draft.Number)
			}
			if strings.Contains(body, fx.Design.Number) {
				t.Errorf("Costa Rica's contact sees Mexico's request %s on the list", fx.Design.Number)
			}
			// Asking for another country's requests still lists the own.
			_, body = get(t, e.Login(t, crContact), e.URL+"/assistance?country=MX")
			if strings.Contains(body, fx.Design.Number) || !strings.Contains(body, fx.Implementation.Number) {
				t.Errorf("?country=MX let the contact list Mexico's requests")
			}
			if strings.Contains(body, `id="board-link"`) {
				t.Error("the contact's list links to the board")
			}
			_, body = get(t, e.Login(t, secOfficer), e.URL+"/assistance")
			for _, r := range []assistance.Request{fx.Design, fx.Implementation, fx.FollowUp} {
				if !strings.Contains(body, r.Number) {
					t.Errorf("the secretariat's list lacks %s", r.Number)
				}
			}
		})

		t.Run("navigation", func(t *testing.T) {
			for who, want := range map[string]bool{secOfficer: true, crContact: true, mxAnalyst: false} {
				_, body := get(t, e.Login(t, who), e.URL+"/")
				if got := strings.Contains(body, `id="nav-assistance"`); got != want {
					t.Errorf("%s: navigation entry shown %v, want %v", who, got, want)
				}
			}
		})
	})
}

// TestAssistanceContactFilesOnlyForOwnCountry checks a government contact
// cannot file for another member by posting its code: the request is the
// contact's own country's.
func TestAssistanceContactFilesOnlyForOwnCountry(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, crContact)
		_, form := get(t, c, e.URL+"/assistance/new")
		if !strings.Contains(form, `id="country-fixed"`) || strings.Contains(form, `<select id="country"`) {
			t.Error("the contact's form lets the country be chosen")
		}
		f := completeForm("MX", "Institución ajena")
		status, _, loc := post(t, c, e.URL+"/assistance/new", requestFormValues(f, "save"))
		if status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", status)
		}
		if got := stored(t, e, requestIDFrom(t, loc)).Request.Country; got != "CR" {
			t.Errorf("the contact filed for %s, want CR", got)
		}
	})
}
