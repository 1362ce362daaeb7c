package ui_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/sharedtest"
)

func TestIntelImportPage(t *testing.T) {
	bundle, err := os.ReadFile(sharedtest.Path(t, "stix", "examples", "oasis-cti-documentation", "indicator-for-malicious-url.json"))
	if err != nil {
		t.Fatal(err)
	}
	const bundleIndicator = "indicator--d81f86b9-975b-4c0b-875e-810c5ad45a4f"
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, mxAnalyst)
		share := map[string][]string{"format": {"auto"}, "tlp": {"amber"}, "members": {"on"}}
		cases := []struct {
			name, file string
			content    []byte
			fields     map[string][]string
			status     int
			want       []string
		}{
			{"an OASIS bundle is imported and reported", "indicator-for-malicious-url.json", bundle, share, http.StatusOK,
				[]string{`id="import-report"`, `id="accepted">`, "indicator-for-malicious-url.json"}},
			{"the same bundle again: already stored", "again.json", bundle, share, http.StatusOK,
				[]string{`id="import-report"`, `id="existing">`}},
			{"a file that is not JSON: nothing stored, said beside the file", "broken.json", []byte(`{"type": "bundle", "objects": [`),
				map[string][]string{"format": {"stix"}, "tlp": {"amber"}, "members": {"on"}}, http.StatusUnprocessableEntity,
				[]string{`id="file-error"><p class="field-error"`}},
			{"a CSV with a bad line: the line is refused, the rest stored", "list.csv",
				[]byte("value,name\n192.0.2.77,Good line (test)\nnot a value at all,Bad line (test)\n"), share, http.StatusOK,
				[]string{`id="refused"`, "line 3"}},
			{"no file", "", nil, share, http.StatusUnprocessableEntity, []string{`id="file-error"><p class="field-error"`}},
			{"RED to all members", "x.json", bundle, map[string][]string{"tlp": {"red"}, "members": {"on"}},
				http.StatusUnprocessableEntity, []string{`id="members-error"><p class="field-error"`}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				status, body := upload(t, c, e.URL+"/intel/import", tc.file, tc.content, tc.fields)
				if status != tc.status {
					t.Fatalf("status %d, want %d", status, tc.status)
				}
				for _, w := range tc.want {
					if !strings.Contains(body, w) {
						t.Errorf("page lacks %q", w)
					}
				}
			})
		}
		_, list := get(t, c, e.URL+"/intel")
		if !strings.Contains(list, bundleIndicator) || !strings.Contains(list, "Good line (test)") {
			t.Error("the imported objects are not in the list")
		}
		if strings.Contains(list, "Bad line (test)") {
			t.Error("the refused line was stored")
		}
		_, accepted := upload(t, c, e.URL+"/intel/import", "again.json", bundle, share)
		if !strings.Contains(accepted, `id="accepted">0<`) {
			t.Error("a second import of the same bundle stored something again")
		}
		t.Run("an observer may not import", func(t *testing.T) {
			ob := e.Login(t, observer)
			if status, _ := get(t, ob, e.URL+"/intel/import"); status != http.StatusForbidden {
				t.Errorf("form: status %d, want 403", status)
			}
			if status, _ := upload(t, ob, e.URL+"/intel/import", "b.json", bundle, share); status != http.StatusForbidden {
				t.Errorf("upload: status %d, want 403", status)
			}
		})
	})
}

func TestSharingGroupsAndCollectionsThroughPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx := e.Login(t, mxAdmin)
		br, cr := e.Org(t, "DEMO-BR-NAT"), e.Org(t, "DEMO-CR-MIN")
		status, body, _ := post(t, mx, e.URL+"/sharing-groups", url.Values{"name": {""}, "orgs": {br}})
		if status != http.StatusUnprocessableEntity || !fieldError(body, "name") {
			t.Fatalf("group without a name: status %d, or no error beside the name", status)
		}
		status, _, loc := post(t, mx, e.URL+"/sharing-groups", url.Values{"name": {"Southern cone (test)"},
			"description": {"Test group."}, "orgs": {br}})
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/sharing-groups/") {
			t.Fatalf("create: %d to %q", status, loc)
		}
		groupURL := e.URL + strings.Split(loc, "?")[0]
		_, page := get(t, mx, groupURL)
		if !strings.Contains(section(page, "members"), "Centro de Tratamento de Incidentes do Brasil (demo)") {
			t.Error("the group page does not list Brazil")
		}
		t.Run("a member sees it but may not change it", func(t *testing.T) {
			c := e.Login(t, brAnalyst)
			if _, list := get(t, c, e.URL+"/sharing-groups"); !strings.Contains(list, "Southern cone (test)") {
				t.Error("Brazil does not see the group it is in")
			}
			if _, page := get(t, c, groupURL); strings.Contains(page, `id="group-form"`) {
				t.Error("the page offers the edit form to a member")
			}
			if status, _, _ := post(t, c, groupURL, url.Values{"name": {"Hijacked"}}); status != http.StatusForbidden {
				t.Errorf("status %d, want 403", status)
			}
		})
		t.Run("an outsider does not see it", func(t *testing.T) {
			c := e.Login(t, crContact)
			if status, _ := get(t, c, groupURL); status != http.StatusNotFound {
				t.Errorf("status %d, want 404", status)
			}
		})
		t.Run("the owner adds a member", func(t *testing.T) {
			status, _, _ := post(t, mx, groupURL, url.Values{"name": {"Southern cone (test)"}, "orgs": {br, cr}})
			if status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", status)
			}
			if status, _ := get(t, e.Login(t, crContact), groupURL); status != http.StatusOK {
				t.Errorf("the new member: status %d, want 200", status)
			}
		})
		t.Run("collections", func(t *testing.T) {
			_, page := get(t, mx, e.URL+"/collections")
			if !strings.Contains(page, "/taxii2/network/collections/") || strings.Contains(page, `id="collection-form"`) {
				t.Error("a team admin's collections page lacks TAXII addresses or offers the secretariat's form")
			}
			if status, _, _ := post(t, mx, e.URL+"/collections", url.Values{"title": {"Nope"}, "tlp": {"green"}}); status != http.StatusForbidden {
				t.Errorf("team admin defines a collection: status %d, want 403", status)
			}
			sec := e.Login(t, secAdmin)
			status, _, _ := post(t, sec, e.URL+"/collections", url.Values{"title": {"Advisories (test)"},
				"description": {"Secretariat advisories."}, "tlp": {"clear"}, "members": {"on"}})
			if status != http.StatusSeeOther {
				t.Fatalf("secretariat defines a collection: status %d, want 303", status)
			}
			if _, page := get(t, sec, e.URL+"/collections"); !strings.Contains(page, "Advisories (test)") {
				t.Error("the new collection is not listed")
			}
		})
	})
}
