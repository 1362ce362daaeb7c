package ui_test

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/pquerna/otp/totp"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// get fetches a page and returns status and body.
func get(t *testing.T, c *http.Client, u string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// catalogKeys reads every key of the English catalogs, so a test can spot
// one shown as-is (the localizer's answer for a key it does not know).
func catalogKeys(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("../i18n/catalog/*.en.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogs: %v", err)
	}
	keys := map[string]bool{}
	for _, f := range files {
		var m map[string]any
		if _, err := toml.DecodeFile(f, &m); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			keys[k] = true
		}
	}
	return keys
}

// visibleKey returns a catalog key (or a key-shaped text built from a known
// prefix, like "kind.unknown") standing alone as an element's text.
func visibleKey(body string, keys map[string]bool) string {
	for _, m := range regexp.MustCompile(`(<[^>]*>)\s*([a-z_]+\.[a-z_.]+)\s*<`).FindAllStringSubmatch(body, -1) {
		if strings.Contains(m[1], "mono") {
			continue // codes shown as data (audit actions), not text
		}
		k := m[2]
		prefix, _, _ := strings.Cut(k, ".")
		if keys[k] || keys[prefix+".title"] || prefix == "kind" || prefix == "role" || prefix == "invalid" {
			return k
		}
	}
	return ""
}

func TestEveryPageRendersInEveryLanguage(t *testing.T) {
	e := apptest.New(t)
	c := e.Login(t, "admin@secretariat.example")
	nat := e.Org(t, "DEMO-MX-NAT")
	pages := []string{"/", "/states", "/states/MX", "/states/BR?x=1", "/teams", "/teams?kind=sector_csirt",
		"/teams/" + nat, "/teams/" + nat + "/edit", "/teams/" + nat + "/constituency", "/users", "/tokens",
		"/account", "/audit", "/teams/new", "/teams/NOSUCHTEAM"}
	keys := catalogKeys(t)
	want := map[string]string{"en": "Member states", "es": "Estados miembros", "pt": "Estados membros", "fr": "États membres"}
	for lang, nav := range want {
		for _, p := range pages {
			t.Run(lang+p, func(t *testing.T) {
				status, body := get(t, c, e.URL+p, "Accept-Language", lang)
				wantStatus := http.StatusOK
				if strings.Contains(p, "NOSUCH") {
					wantStatus = http.StatusNotFound
				}
				if status != wantStatus {
					t.Fatalf("status %d, want %d", status, wantStatus)
				}
				if !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("page is not in %s", lang)
				}
				if !strings.Contains(body, nav) {
					t.Errorf("navigation does not say %q", nav)
				}
				if m := visibleKey(body, keys); m != "" {
					t.Errorf("untranslated key on the page: %s", m)
				}
			})
		}
	}
	t.Run("login page for a visitor", func(t *testing.T) {
		status, body := get(t, e.Client(t), e.URL+"/login", "Accept-Language", "pt-BR,pt;q=0.9")
		if status != http.StatusOK || !strings.Contains(body, `lang="pt"`) || !strings.Contains(body, "Senha") {
			t.Errorf("status %d; login page not in Portuguese", status)
		}
	})
}

func TestSignedOutVisitorIsSentToLogin(t *testing.T) {
	e := apptest.New(t)
	for _, p := range []string{"/", "/teams", "/users", "/audit", "/tokens"} {
		resp, err := e.Client(t).Get(e.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s: %d to %q, want 303 to /login", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestConstituencyEditorThroughPages(t *testing.T) {
	e := apptest.New(t)
	c := e.Login(t, "admin@csirt-mx.example")
	nat, bank := e.Org(t, "DEMO-MX-NAT"), e.Org(t, "DEMO-MX-BANK")
	editor := e.URL + "/teams/" + nat + "/constituency"
	cases := []struct {
		name, value string
		status      int
		wantOnPage  []string
	}{
		{"host bits set: error beside the field, value kept", "198.51.100.77/25", http.StatusUnprocessableEntity,
			[]string{`value="198.51.100.77/25"`, `aria-invalid="true"`, "198.51.100.0/25", `class="field-error"`}},
		{"bare public suffix refused", "gob.mx", http.StatusUnprocessableEntity, []string{`class="field-error"`}},
		{"AS 0 refused", "AS0", http.StatusUnprocessableEntity, []string{`class="field-error"`}},
		{"overlap with the banking team shown", "198.51.100.192/26", http.StatusOK,
			[]string{`id="overlaps"`, "198.51.100.128/25", "/teams/" + bank}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := post(t, c, editor, url.Values{"value": {tc.value}})
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			for _, w := range tc.wantOnPage {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
	// Errors changed nothing: only the overlapping entry was added.
	_, body := get(t, c, editor)
	if strings.Contains(body, ">gob.mx<") || strings.Count(body, "198.51.100.192/26") == 0 {
		t.Errorf("constituency after the attempts is wrong")
	}
}

func TestPagesKeepOrganisationsApart(t *testing.T) {
	e := apptest.New(t)
	mx := e.Login(t, "admin@csirt-mx.example")
	bank := e.Org(t, "DEMO-MX-BANK")
	bankToken := e.Token(t, "admin@csirt-bank.example", access.ScopeRead)
	_ = bankToken
	t.Run("cannot add to another team's constituency", func(t *testing.T) {
		status, _, _ := post(t, mx, e.URL+"/teams/"+bank+"/constituency", url.Values{"value": {"203.0.113.0/28"}})
		if status != http.StatusForbidden {
			t.Errorf("status %d, want 403", status)
		}
		_, body := get(t, mx, e.URL+"/teams/"+bank+"/constituency")
		if strings.Contains(body, "203.0.113.0/28") {
			t.Error("the entry was added anyway")
		}
		if strings.Contains(body, `id="add-entry"`) {
			t.Error("the page offers a form it would refuse")
		}
	})
	t.Run("cannot delete another team's entry", func(t *testing.T) {
		entries, err := e.App.Directory.Constituency(t.Context(), e.Actor(t, "admin@csirt-bank.example"), bank)
		if err != nil || len(entries) == 0 {
			t.Fatalf("bank entries: %v (%d)", err, len(entries))
		}
		status, _, _ := post(t, mx, e.URL+"/teams/"+bank+"/constituency/"+entries[0].ID+"/delete", nil)
		if status != http.StatusForbidden && status != http.StatusNotFound {
			t.Errorf("status %d, want 403 or 404", status)
		}
		after, _ := e.App.Directory.Constituency(t.Context(), e.Actor(t, "admin@csirt-bank.example"), bank)
		if len(after) != len(entries) {
			t.Error("the entry was deleted anyway")
		}
	})
	t.Run("cannot edit another team's profile", func(t *testing.T) {
		status, _, _ := post(t, mx, e.URL+"/teams/"+bank+"/edit", url.Values{"name": {"Hijacked"}})
		if status != http.StatusForbidden {
			t.Errorf("status %d, want 403", status)
		}
	})
	for _, who := range []string{"admin@csirt-mx.example", "admin@secretariat.example", "analyst@csirt-mx.example"} {
		t.Run(who+" does not see the bank's tokens", func(t *testing.T) {
			c := e.Login(t, who)
			for _, p := range []string{"/tokens", "/audit", "/"} {
				_, body := get(t, c, e.URL+p)
				if strings.Contains(body, "admin@csirt-bank.example") && p == "/tokens" {
					t.Errorf("%s shows a token of the bank", p)
				}
				if strings.Contains(body, bankToken[:8]) {
					t.Errorf("%s shows the bank token's prefix", p)
				}
			}
		})
	}
	t.Run("the bank admin sees the own token", func(t *testing.T) {
		_, body := get(t, e.Login(t, "admin@csirt-bank.example"), e.URL+"/tokens")
		if !strings.Contains(body, bankToken[:8]) {
			t.Error("own token missing: the test above would pass for the wrong reason")
		}
	})
}

func TestLoginWithSecondFactorAndLanguageSwitch(t *testing.T) {
	e := apptest.New(t)
	email := "analyst@csirt-mx.example"
	secret := e.EnrolTOTP(t, email)
	c := e.Client(t)
	status, _, loc := post(t, c, e.URL+"/login", url.Values{"email": {email}, "password": {"atalaya-demo-2026"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login/second-factor") {
		t.Fatalf("password step: %d to %q", status, loc)
	}
	if status, _ := get(t, c, e.URL+"/teams"); status != http.StatusSeeOther {
		t.Fatalf("a password-only session opened a page: %d", status)
	}
	status, body, _ := post(t, c, e.URL+"/login/second-factor", url.Values{"code": {"000000"}})
	if status != http.StatusUnauthorized || !strings.Contains(body, `class="field-error"`) {
		t.Fatalf("wrong code: %d", status)
	}
	code, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	status, _, loc = post(t, c, e.URL+"/login/second-factor", url.Values{"code": {code}})
	if status != http.StatusSeeOther || loc != "/" {
		t.Fatalf("code step: %d to %q", status, loc)
	}
	if status, _ := get(t, c, e.URL+"/teams"); status != http.StatusOK {
		t.Fatalf("after the second factor: %d", status)
	}
	status, _, loc = post(t, c, e.URL+"/language", url.Values{"lang": {"es"}, "back": {"/teams"}})
	if status != http.StatusSeeOther || loc != "/teams" {
		t.Fatalf("language switch: %d to %q", status, loc)
	}
	_, body = get(t, c, e.URL+"/teams", "Accept-Language", "fr")
	if !strings.Contains(body, `<html lang="es">`) {
		t.Error("the account's language does not win over Accept-Language")
	}
	status, _, loc = post(t, c, e.URL+"/language", url.Values{"lang": {"pt"}, "back": {"https://evil.example/"}})
	if loc != "/" {
		t.Errorf("switcher redirected off-site: %q", loc)
	}
}

func TestBadTextIsRefusedOnEveryEngine(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, "admin@csirt-mx.example")
		nat := e.Org(t, "DEMO-MX-NAT")
		for _, tc := range []struct{ name, method, path, value string }{
			{"NUL in a path", "GET", "/teams/%00", ""},
			{"invalid UTF-8 in a path", "GET", "/teams/%ff%fe", ""},
			{"invalid UTF-8 in a query", "GET", "/teams?q=%ff", ""},
			{"NUL in a form field", "POST", "/teams/" + nat + "/constituency", "198.51.100.0/24\x00"},
			{"invalid UTF-8 in a form field", "POST", "/teams/" + nat + "/constituency", "\xff\xfe"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var status int
				if tc.method == "GET" {
					status, _ = get(t, c, e.URL+tc.path)
				} else {
					status, _, _ = post(t, c, e.URL+tc.path, url.Values{"value": {tc.value}})
				}
				if status != http.StatusBadRequest {
					t.Errorf("status %d, want 400", status)
				}
			})
		}
	})
}

func TestDirectoryFormsThroughPages(t *testing.T) {
	e := apptest.New(t)
	sec := e.Login(t, "admin@secretariat.example")
	t.Run("bad input keeps what was typed and names the field", func(t *testing.T) {
		status, body, _ := post(t, sec, e.URL+"/teams/new", url.Values{"kind": {"national_csirt"},
			"name": {"CSIRT Nacional de Panamá (prueba)"}, "country": {"PA"}, "email": {"not-an-address"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", status)
		}
		for _, w := range []string{`value="CSIRT Nacional de Panamá (prueba)"`, `id="email-error"><p class="field-error"`} {
			if !strings.Contains(body, w) {
				t.Errorf("page lacks %q", w)
			}
		}
		_, list := get(t, sec, e.URL+"/teams?q=Panam")
		if strings.Contains(list, "(prueba)") {
			t.Error("the refused organisation was created")
		}
	})
	var id string
	t.Run("the secretariat adds a team", func(t *testing.T) {
		status, _, loc := post(t, sec, e.URL+"/teams/new", url.Values{"kind": {"national_csirt"},
			"name": {"CSIRT Nacional de Panamá (prueba)"}, "short_name": {"TEST-PA"}, "country": {"PA"}})
		if status != http.StatusSeeOther || !strings.HasSuffix(strings.Split(loc, "?")[0], "/edit") {
			t.Fatalf("status %d to %q, want 303 to the profile form", status, loc)
		}
		id = strings.Split(strings.TrimPrefix(loc, "/teams/"), "/")[0]
	})
	t.Run("a person is added to it", func(t *testing.T) {
		status, _, _ := post(t, sec, e.URL+"/teams/"+id+"/people", url.Values{"name": {"Rosa Prueba"}, "title": {"Jefa"}, "email": {"rosa@pa.example"}})
		if status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", status)
		}
		_, body := get(t, sec, e.URL+"/teams/"+id)
		if !strings.Contains(body, "Rosa Prueba") {
			t.Error("the person is not on the team's page")
		}
	})
	t.Run("a team admin may not add organisations", func(t *testing.T) {
		mx := e.Login(t, "admin@csirt-mx.example")
		if status, _ := get(t, mx, e.URL+"/teams/new"); status != http.StatusForbidden {
			t.Errorf("form: status %d, want 403", status)
		}
		status, _, _ := post(t, mx, e.URL+"/teams/new", url.Values{"kind": {"donor"}, "name": {"Sneaky"}})
		if status != http.StatusForbidden {
			t.Errorf("post: status %d, want 403", status)
		}
		if status, _, _ := post(t, mx, e.URL+"/teams/"+id+"/people", url.Values{"name": {"Intruder"}}); status != http.StatusForbidden {
			t.Errorf("adding a person to another organisation: status %d, want 403", status)
		}
	})
}
