package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/sharedtest"
)

// TestIntelImport imports a document of each format through the API and
// checks the report; documents that cannot be read are a 422 naming the
// line or field, and store nothing.
func TestIntelImport(t *testing.T) {
	stixDoc, err := os.ReadFile(sharedtest.Path(t, "stix", "examples", "oasis-cti-documentation", "indicator-for-malicious-url.json"))
	if err != nil {
		t.Fatal(err)
	}
	mispDoc, err := os.ReadFile(sharedtest.Path(t, "misp", "core", "57c4445b-c548-4654-af0b-4be3950d210f.json"))
	if err != nil {
		t.Fatal(err)
	}
	csvDoc, err := os.ReadFile("testdata/intel/indicators.csv")
	if err != nil {
		t.Fatal(err)
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := bearer(t, e, mxAnalyst)
		cases := []struct {
			name, query, contentType string
			body                     []byte
			accepted                 int    // at least
			has                      string // an id the report must name
		}{
			{"STIX bundle", "format=stix&tlp=green&members=true", stixType, stixDoc, 3, "indicator--d81f86b9-975b-4c0b-875e-810c5ad45a4f"},
			{"STIX, format from the media type", "", stixType, stixDoc, 0, "indicator--d81f86b9-975b-4c0b-875e-810c5ad45a4f"},
			{"MISP event", "format=misp&tlp=amber", jsonType, mispDoc, 1, ""},
			{"CSV", "tlp=green&members=true", "text/csv", csvDoc, 2, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := sendRaw(t, e, w, request{method: "POST", path: "/api/v1/intel/import?" + tc.query, body: tc.body,
					contentType: tc.contentType})
				var rep importReport
				expect(t, a, "import", http.StatusOK, &rep)
				if len(rep.Accepted) < tc.accepted {
					t.Errorf("accepted %d, want at least %d: %s", len(rep.Accepted), tc.accepted, a.body)
				}
				if tc.has != "" && !strings.Contains(string(a.body), tc.has) {
					t.Errorf("the report does not name %s", tc.has)
				}
			})
		}
		var o intelObj
		get(t, e, bearer(t, e, bankAdmin), "/api/v1/intel/indicator--d81f86b9-975b-4c0b-875e-810c5ad45a4f", http.StatusOK, &o)
		if o.TLP != "green" {
			t.Errorf("imported as %s", o.TLP)
		}

		before := len(objectIDs(t, e, w, "/api/v1/intel"))
		bad := []struct {
			name, query, contentType, body string
			want                           int
			field                          string
		}{
			{"CSV without a value column", "format=csv", "text/csv", "name,type\nx,ipv4-addr\n", http.StatusUnprocessableEntity, ""},
			{"CSV sent as JSON", "format=csv", jsonType, "value\n192.0.2.1\n", http.StatusUnsupportedMediaType, ""},
			{"no format", "", jsonType, `{}`, http.StatusUnprocessableEntity, "format"},
			{"unknown format", "format=pdf", jsonType, `{}`, http.StatusUnprocessableEntity, "format"},
			{"a feed", "format=misp-feed", jsonType, `{}`, http.StatusUnprocessableEntity, "format"},
			{"STIX that is not JSON", "format=stix", stixType, `{"type": "bundle", `, http.StatusUnprocessableEntity, ""},
			{"MISP that is not MISP", "format=misp", jsonType, `{"hello": "world"}`, http.StatusUnprocessableEntity, ""},
			{"bad TLP", "format=csv&tlp=purple", "text/csv", "value\n192.0.2.1\n", http.StatusUnprocessableEntity, "tlp"},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				a := sendRaw(t, e, w, request{method: "POST", path: "/api/v1/intel/import?" + tc.query, body: tc.body,
					contentType: tc.contentType})
				if a.status != tc.want {
					t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
				}
				if tc.want == http.StatusUnprocessableEntity && len(a.fields(t)) == 0 {
					t.Error("no field named")
				}
				if tc.field != "" && !slices.Contains(a.fields(t), tc.field) {
					t.Errorf("fields %v, want %s", a.fields(t), tc.field)
				}
			})
		}
		if after := len(objectIDs(t, e, w, "/api/v1/intel")); after != before {
			t.Errorf("%d objects after the refusals, %d before", after, before)
		}
	})
}

// TestIntelExport downloads what a member shared in each format.
func TestIntelExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx := bearer(t, e, mxAnalyst)
		ind, other := indicatorOf("export-me"), indicatorOf("not-me")
		shareAs(t, e, mx, "tlp=green&members=true", ind)
		shareAs(t, e, mx, "tlp=amber", other)
		bank := bearer(t, e, bankAdmin)
		cases := []struct {
			format, contentType, filename string
		}{
			{"stix", "application/stix+json;version=2.1", "atalaya-intel.json"},
			{"misp", "application/json", "atalaya-intel.json"},
			{"csv", "text/csv; charset=utf-8", "atalaya-intel.csv"},
		}
		for _, tc := range cases {
			t.Run(tc.format, func(t *testing.T) {
				a := sendRaw(t, e, bank, request{method: "GET", path: "/api/v1/intel/export?format=" + tc.format + "&type=indicator"})
				if a.status != http.StatusOK {
					t.Fatalf("status %d: %s", a.status, a.body)
				}
				if ct := a.header.Get("Content-Type"); ct != tc.contentType {
					t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
				}
				if cd := a.header.Get("Content-Disposition"); cd != `attachment; filename="`+tc.filename+`"` {
					t.Errorf("Content-Disposition %q", cd)
				}
				if !containsWord(string(a.body), "export-me") || containsWord(string(a.body), "not-me") {
					t.Errorf("export holds the wrong objects: %s", a.body)
				}
			})
		}
		for _, tc := range []struct {
			query string
			want  bool
		}{{"tlp=amber", false}, {"tlp=green", true}, {"type=report", false}, {"org=" + e.Org(t, bankTeam), false}} {
			a := sendRaw(t, e, bank, request{method: "GET", path: "/api/v1/intel/export?format=stix&" + tc.query})
			var b struct {
				Type    string            `json:"type"`
				Objects []json.RawMessage `json:"objects"`
			}
			expect(t, a, "export", http.StatusOK, &b)
			if b.Type != "bundle" || strings.Contains(string(a.body), ind.id()) != tc.want {
				t.Errorf("?%s: the bundle holds the indicator: %v", tc.query, !tc.want)
			}
		}
	})
}

// TestIntelLookupAndCorrelations shares two indicators carrying the same
// address and finds each from the other and by the value.
func TestIntelLookupAndCorrelations(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx, bank := bearer(t, e, mxAnalyst), bearer(t, e, bankAdmin)
		first, second := indicatorOf("corr-one"), indicatorOf("corr-two")
		shareAs(t, e, mx, "tlp=green&members=true", first)
		shareAs(t, e, bank, "tlp=green&members=true", second)

		var cs list[struct {
			Value struct {
				Kind  string `json:"kind"`
				Value string `json:"value"`
			} `json:"value"`
			Objects []intelObj `json:"objects"`
		}]
		get(t, e, mx, "/api/v1/intel/"+first.id()+"/correlations", http.StatusOK, &cs)
		found := false
		for _, c := range cs.Items {
			if c.Value.Value == sharedIP {
				for _, o := range c.Objects {
					found = found || o.ID == second.id()
				}
			}
		}
		if !found {
			t.Errorf("correlations of the first do not show the second: %+v", cs.Items)
		}

		cases := []struct {
			name, value, kind string
			want              []string
		}{
			{"address", sharedIP, "ip", []string{first.id(), second.id()}},
			{"domain", "corr-two.example.org", "domain", []string{second.id()}},
			{"domain in capitals", "CORR-ONE.example.ORG", "domain", []string{first.id()}},
			{"nothing carries it", "198.51.100.1", "ip", nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var got struct {
					Value struct {
						Kind string `json:"kind"`
					} `json:"value"`
					Items []intelObj `json:"items"`
				}
				get(t, e, mx, "/api/v1/lookup?"+q("value", tc.value), http.StatusOK, &got)
				var ids []string
				for _, o := range got.Items {
					ids = append(ids, o.ID)
				}
				slices.Sort(ids)
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if got.Value.Kind != tc.kind || !slices.Equal(ids, want) {
					t.Errorf("kind %s, ids %v; want %s %v", got.Value.Kind, ids, tc.kind, want)
				}
			})
		}
	})
}
