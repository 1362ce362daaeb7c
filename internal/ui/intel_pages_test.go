package ui_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
	"atalaya/internal/intel"
)

// TestIntelPagesRenderInEveryLanguage opens every intel page in the four
// languages and fails on a missing translation or a broken template.
func TestIntelPagesRenderInEveryLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, mxAdmin)
		sec := e.Login(t, secAdmin)
		botnet := findByName(t, e, mxAdmin, "Botnet C2 server (demo)")
		phishing := findByName(t, e, mxAdmin, "Phishing site imitating a bank (demo)")
		report := findByName(t, e, mxAdmin, "Ransomware campaign against health providers (demo)")
		pages := []struct {
			client *http.Client
			path   string
			status int
		}{
			{c, "/intel", 200}, {c, "/intel?q=203.0.113.77", 200}, {c, "/intel?q=Botnet&type=indicator&tlp=green", 200},
			{c, "/intel?tlp=purple", 200}, {c, "/intel/new/indicator", 200}, {c, "/intel/new/report", 200},
			{c, "/intel/import", 200}, {c, "/intel/" + botnet.ID, 200}, {c, "/intel/" + phishing.ID, 200},
			{c, "/intel/" + report.ID, 200}, {c, "/intel/" + botnet.ID + "/edit", 200},
			{c, "/intel/" + botnet.ID + "?version=" + url.QueryEscape(botnet.Version), 200},
			{c, "/collections", 200}, {c, "/sharing-groups", 200}, {c, "/sharing-groups/" + demoGroup(t, e), 200},
			{c, "/", 200}, {sec, "/collections", 200}, {c, "/intel/indicator--00000000-0000-4000-8000-000000000000", 404},
		}
		keys := catalogKeys(t)
		for _, lang := range []string{"en", "es", "pt", "fr"} {
			for _, p := range pages {
				t.Run(lang+p.path, func(t *testing.T) {
					status, body := get(t, p.client, e.URL+p.path, "Accept-Language", lang)
					if status != p.status {
						t.Fatalf("status %d, want %d", status, p.status)
					}
					if !strings.Contains(body, `<html lang="`+lang+`">`) {
						t.Errorf("page is not in %s", lang)
					}
					if m := visibleKey(body, keys); m != "" {
						t.Errorf("untranslated key on the page: %s", m)
					}
				})
			}
		}
	})
}

// indicatorForm is a filled indicator form; change what a case needs.
func indicatorForm(name, pattern string, tlp access.TLP, members bool) url.Values {
	v := url.Values{"name": {name}, "description": {"Seen in phishing e-mails (test)."}, "pattern": {pattern},
		"pattern_type": {"stix"}, "types": {"malicious-activity"}, "valid_from": {"2026-03-01T10:00"},
		"labels": {"phishing, test"}, "confidence": {"80"}, "tlp": {string(tlp)}}
	if members {
		v.Set("members", "on")
	}
	return v
}

func TestIntelIndicatorFormErrorsBesideTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, mxAnalyst)
		badPattern := "[ipv4-addr:value = '192.0.2.10' AND"
		cases := []struct {
			name    string
			form    url.Values
			field   string
			kept    string
			notSave string
		}{
			{"bad pattern: the parser's message beside the pattern", indicatorForm("Bad pattern (test)", badPattern, access.TLPAmber, true),
				"pattern", html.EscapeString(badPattern), "Bad pattern (test)"},
			{"RED to all members", indicatorForm("Red to everyone (test)", "[ipv4-addr:value = '192.0.2.11']", access.TLPRed, true),
				"members", `value="Red to everyone (test)"`, "Red to everyone (test)"},
			{"missing name", indicatorForm("", "[ipv4-addr:value = '192.0.2.12']", access.TLPGreen, true),
				"name", html.EscapeString("[ipv4-addr:value = '192.0.2.12']"), ""},
			{"no TLP chosen", indicatorForm("No marking (test)", "[ipv4-addr:value = '192.0.2.14']", "", true),
				"tlp", `value="No marking (test)"`, "No marking (test)"},
			{"valid_from that is not a time", func() url.Values {
				v := indicatorForm("Bad time (test)", "[ipv4-addr:value = '192.0.2.13']", access.TLPGreen, true)
				v.Set("valid_from", "yesterday")
				return v
			}(), "valid_from", `value="yesterday"`, "Bad time (test)"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				status, body, _ := post(t, c, e.URL+"/intel/new/indicator", tc.form)
				if status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", status)
				}
				if !fieldError(body, tc.field) {
					t.Errorf("no error beside %q", tc.field)
				}
				if !strings.Contains(body, tc.kept) {
					t.Errorf("the page lost what was typed: %q", tc.kept)
				}
				if !strings.Contains(body, `class="error-summary"`) {
					t.Error("no error summary above the form")
				}
				if tc.notSave != "" && countNamed(t, e, mxAnalyst, tc.notSave) != 0 {
					t.Error("the refused indicator was stored")
				}
			})
		}
		t.Run("the pattern error names the column", func(t *testing.T) {
			_, body, _ := post(t, c, e.URL+"/intel/new/indicator", indicatorForm("Col (test)", "[ipv4-addr:value = ]", access.TLPAmber, true))
			errText := section(body, "pattern-error")
			if !strings.Contains(errText, "20") {
				t.Errorf("the error beside the pattern does not say column 20: %q", errText)
			}
		})
	})
}

func TestIntelCreateEditReportThroughPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, mxAnalyst)
		status, _, loc := post(t, c, e.URL+"/intel/new/indicator",
			indicatorForm("Credential phishing host (test)", "[ipv4-addr:value = '192.0.2.20']", access.TLPAmber, true))
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/intel/indicator--") {
			t.Fatalf("create: %d to %q, want 303 to the indicator", status, loc)
		}
		id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/intel/")
		_, body := get(t, c, e.URL+loc)
		for _, want := range []string{"Credential phishing host (test)", "192.0.2.20", "TLP:AMBER", `class="flash"`,
			"/teams/" + e.Org(t, "DEMO-MX-NAT")} {
			if !strings.Contains(body, want) {
				t.Errorf("object page lacks %q", want)
			}
		}
		t.Run("a report refers to it", func(t *testing.T) {
			status, body, loc := post(t, c, e.URL+"/intel/new/report", url.Values{"name": {"Phishing wave (test)"},
				"types": {"threat-report"}, "published": {"2026-03-02T09:00"}, "object_refs": {id}, "tlp": {"green"}, "members": {"on"}})
			if status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303: %s", status, section(body, "main"))
			}
			_, page := get(t, c, e.URL+loc)
			if !strings.Contains(page, `href="/intel/`+id+`"`) || !strings.Contains(page, "Phishing wave (test)") {
				t.Error("the report page does not link its object")
			}
			_, ind := get(t, c, e.URL+"/intel/"+id)
			if !strings.Contains(section(ind, "relationships"), "Phishing wave (test)") {
				t.Error("the indicator's relationships do not show the report")
			}
		})
		t.Run("edit makes a new version", func(t *testing.T) {
			_, form := get(t, c, e.URL+"/intel/"+id+"/edit")
			if !strings.Contains(form, `value="Credential phishing host (test)"`) || !strings.Contains(form, `value="2026-03-01T10:00"`) {
				t.Fatal("the edit form is not filled with the object")
			}
			v := indicatorForm("Credential phishing host, updated (test)", "[ipv4-addr:value = '192.0.2.20']", access.TLPAmber, true)
			if status, _, _ := post(t, c, e.URL+"/intel/"+id+"/edit", v); status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", status)
			}
			_, page := get(t, c, e.URL+"/intel/"+id)
			versions := section(page, "versions")
			if n := strings.Count(versions, "?version="); n != 2 {
				t.Errorf("versions list shows %d versions, want 2", n)
			}
			if !strings.Contains(page, "Credential phishing host, updated (test)") {
				t.Error("the page does not show the new version")
			}
		})
		t.Run("others may not edit, share or revoke it", func(t *testing.T) {
			br := e.Login(t, brAnalyst)
			for _, p := range []string{"/edit", "/sharing", "/revoke"} {
				status, _, _ := post(t, br, e.URL+"/intel/"+id+p, url.Values{"name": {"Hijacked"}, "tlp": {"clear"}, "members": {"on"}, "confirm": {"yes"}})
				if status != http.StatusForbidden {
					t.Errorf("%s: status %d, want 403", p, status)
				}
			}
			if status, _ := get(t, br, e.URL+"/intel/"+id+"/edit"); status != http.StatusForbidden {
				t.Errorf("edit form: status %d, want 403", status)
			}
			_, page := get(t, br, e.URL+"/intel/"+id)
			if strings.Contains(page, `id="creator-actions"`) {
				t.Error("the page offers the creator's actions to another organisation")
			}
		})
		t.Run("change sharing", func(t *testing.T) {
			status, body, _ := post(t, c, e.URL+"/intel/"+id+"/sharing", url.Values{"tlp": {"red"}, "members": {"on"}})
			if status != http.StatusUnprocessableEntity || !fieldError(body, "members") {
				t.Fatalf("RED to all members: status %d, or no error beside members", status)
			}
			status, _, _ = post(t, c, e.URL+"/intel/"+id+"/sharing", url.Values{"tlp": {"red"}, "orgs": {e.Org(t, "DEMO-BR-NAT")}})
			if status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", status)
			}
			if st, _ := get(t, e.Login(t, crContact), e.URL+"/intel/"+id); st != http.StatusNotFound {
				t.Errorf("the ministry still sees it after RED to Brazil: %d", st)
			}
			if st, _ := get(t, e.Login(t, brAnalyst), e.URL+"/intel/"+id); st != http.StatusOK {
				t.Errorf("Brazil, named, does not see it: %d", st)
			}
		})
		t.Run("revoke asks for confirmation", func(t *testing.T) {
			status, body, _ := post(t, c, e.URL+"/intel/"+id+"/revoke", nil)
			if status != http.StatusUnprocessableEntity || !fieldError(body, "confirm") {
				t.Fatalf("without confirmation: status %d, or no error beside the box", status)
			}
			status, _, _ = post(t, c, e.URL+"/intel/"+id+"/revoke", url.Values{"confirm": {"yes"}})
			if status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", status)
			}
			_, page := get(t, c, e.URL+"/intel/"+id)
			if !strings.Contains(page, `id="revoked"`) {
				t.Error("the page does not say it is revoked")
			}
			_, list := get(t, c, e.URL+"/intel?revoked=no")
			if strings.Contains(list, id) {
				t.Error("the list hides no revoked object")
			}
		})
	})
}

func TestIntelSightingThroughPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ind := saveIndicator(t, e, mxAnalyst, "Scanner (test)", "[ipv4-addr:value = '192.0.2.30']",
			intel.Sharing{TLP: access.TLPAmber, Members: true})
		br := e.Login(t, brAnalyst)
		objectURL := e.URL + "/intel/" + ind.ID
		t.Run("a bad count is said beside the field", func(t *testing.T) {
			status, body, _ := post(t, br, objectURL+"/sightings", url.Values{"sighting.count": {"many"}, "sighting.tlp": {"amber"}})
			if status != http.StatusUnprocessableEntity || !fieldError(body, "sighting-count") || !strings.Contains(body, `value="many"`) {
				t.Fatalf("status %d; want 422 with the error beside the count and the value kept", status)
			}
		})
		t.Run("Brazil reports it seen", func(t *testing.T) {
			status, _, loc := post(t, br, objectURL+"/sightings", url.Values{"sighting.count": {"3"},
				"sighting.first_seen": {"2026-03-01T08:00"}, "sighting.last_seen": {"2026-03-01T09:00"},
				"sighting.where": {"university network (test)"}, "sighting.tlp": {"amber"}})
			if status != http.StatusSeeOther || !strings.Contains(loc, "#sightings") {
				t.Fatalf("status %d to %q, want 303 to the sightings", status, loc)
			}
		})
		mx := e.Login(t, mxAnalyst)
		_, page := get(t, mx, objectURL)
		sightings := section(page, "sightings")
		for _, want := range []string{"university network (test)", ">3<", "Centro de Tratamento de Incidentes do Brasil (demo)"} {
			if !strings.Contains(sightings, want) {
				t.Errorf("the creator's page lacks %q in the sightings", want)
			}
		}
		if _, cr := get(t, e.Login(t, crContact), objectURL); strings.Contains(cr, "university network (test)") {
			t.Error("the ministry sees a sighting shared with the creator only")
		}
		t.Run("the creator is notified on the dashboard", func(t *testing.T) {
			_, dash := get(t, mx, e.URL+"/")
			notes := section(dash, "sighting-notes-title")
			if !strings.Contains(notes, "/intel/"+ind.ID) {
				t.Fatalf("the dashboard does not link the sighted indicator")
			}
			status, _, _ := post(t, mx, e.URL+"/notifications/read", url.Values{"all": {"yes"}})
			if status != http.StatusSeeOther {
				t.Fatalf("mark read: status %d", status)
			}
			if _, dash := get(t, mx, e.URL+"/"); strings.Contains(dash, `id="sighting-notes"`) {
				t.Error("the notifications are still shown after marking them read")
			}
		})
		t.Run("an expert may not report sightings", func(t *testing.T) {
			ex := e.Login(t, expert)
			green := saveIndicator(t, e, mxAnalyst, "Green scanner (test)", "[ipv4-addr:value = '192.0.2.31']",
				intel.Sharing{TLP: access.TLPGreen, Members: true})
			_, page := get(t, ex, e.URL+"/intel/"+green.ID)
			if strings.Contains(page, `id="sighting-form"`) {
				t.Error("the page offers a form the store would refuse")
			}
			status, _, _ := post(t, ex, e.URL+"/intel/"+green.ID+"/sightings", url.Values{"sighting.tlp": {"amber"}})
			if status != http.StatusForbidden {
				t.Errorf("status %d, want 403", status)
			}
		})
	})
}

func TestIntelListPagesKeepTheFilters(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		want := map[string]bool{}
		for i := range 60 {
			o := saveIndicator(t, e, brAnalyst, fmt.Sprintf("Paged %02d (test)", i), fmt.Sprintf("[ipv4-addr:value = '198.18.0.%d']", i),
				intel.Sharing{TLP: access.TLPGreen, Members: true})
			want[o.ID] = true
		}
		c := e.Login(t, crContact)
		seen := map[string]bool{}
		next := "/intel?type=indicator&org=" + e.Org(t, "DEMO-BR-NAT")
		pages := 0
		for ; next != ""; pages++ {
			if pages > 3 {
				t.Fatal("more pages than 60 objects fill")
			}
			_, body := get(t, c, e.URL+next)
			for id := range idsIn(section(body, "main")) {
				if seen[id] && want[id] {
					t.Errorf("%s is on two pages", id)
				}
				seen[id] = true
			}
			next = ""
			if m := regexp.MustCompile(`<a href="([^"]+)" rel="next" id="more">`).FindStringSubmatch(body); m != nil {
				next = html.UnescapeString(m[1])
				if !strings.Contains(next, "type=indicator") || !strings.Contains(next, "org=") {
					t.Errorf("the more link %q drops the filters", next)
				}
			}
		}
		if pages < 2 {
			t.Errorf("%d page(s) for 60 objects, want a second page", pages)
		}
		for id := range want {
			if !seen[id] {
				t.Errorf("%s is on no page", id)
			}
		}
	})
}
