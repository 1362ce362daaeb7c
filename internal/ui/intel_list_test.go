package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
	"atalaya/internal/intel"
)

// exportHref finds the href of a download link on the list page.
var exportHref = regexp.MustCompile(`<a href="([^"]+)" id="export-stix"`)

// TestIntelListRevokedFilter: the list's revoked filter is the store's, so
// a page of live objects is full even when newer revoked objects exist,
// and the export link of the page downloads exactly what it lists.
func TestIntelListRevokedFilter(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		a := e.Actor(t, mxAnalyst)
		sh := intel.Sharing{TLP: access.TLPGreen, Members: true}
		// A full page of live objects, then 3 newer ones revoked: filtered
		// after reading, the first page would show 47 and a next link.
		const pageSize = 50
		live, revoked := map[string]bool{}, map[string]bool{}
		for i := range pageSize + 3 {
			o := saveIndicator(t, e, mxAnalyst, fmt.Sprintf("uirev %d", i), fmt.Sprintf("[ipv4-addr:value = '198.51.100.%d']", i+1), sh)
			if i < pageSize {
				live[o.ID] = true
				continue
			}
			if _, err := e.App.Intel.Revoke(ctx, a, o.ID); err != nil {
				t.Fatal(err)
			}
			revoked[o.ID] = true
		}
		c := e.Login(t, brAnalyst)
		cases := []struct {
			name, query string
			want        map[string]bool
		}{
			{"live only", "revoked=no", live},
			{"revoked only", "revoked=only", revoked},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				status, page := get(t, c, e.URL+"/intel?q=uirev&"+tc.query)
				if status != http.StatusOK {
					t.Fatalf("status %d", status)
				}
				if strings.Contains(page, `id="more"`) {
					t.Error("the page has a next link: it is not full")
				}
				checkIndicators(t, "list", page, tc.want)
				m := exportHref.FindStringSubmatch(page)
				if m == nil {
					t.Fatal("no STIX export link")
				}
				href := html.UnescapeString(m[1])
				if !strings.Contains(href, tc.query) {
					t.Errorf("export link %s does not carry %s", href, tc.query)
				}
				status, file := get(t, c, e.URL+href)
				if status != http.StatusOK {
					t.Fatalf("export: status %d", status)
				}
				checkIndicators(t, "export", file, tc.want)
			})
		}
	})
}

// checkIndicators checks that the indicators body names are exactly want.
func checkIndicators(t *testing.T, what, body string, want map[string]bool) {
	t.Helper()
	n := 0
	for id := range idsIn(body) {
		if !strings.HasPrefix(id, "indicator--") {
			continue
		}
		n++
		if !want[id] {
			t.Errorf("%s names %s", what, id)
		}
	}
	if n != len(want) {
		t.Errorf("%s names %d indicators, want %d", what, n, len(want))
	}
}
