package api_test

import (
	"bytes"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"atalaya/internal/api"
	"atalaya/internal/app/apptest"
)

// methods are the operation keys of an OpenAPI path item.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// documented lists "METHOD /path" for every operation of the document.
func documented(t *testing.T, s *spec) []string {
	t.Helper()
	var out []string
	paths, ok := s.doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("the document has no paths")
	}
	for p, item := range paths {
		for m := range item.(map[string]any) {
			if slices.Contains(methods, m) {
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

func registered() []string {
	var out []string
	for _, r := range api.Routes() {
		out = append(out, r.Method+" "+r.Pattern)
	}
	sort.Strings(out)
	return out
}

// TestDocumentMatchesRoutes checks both ways that every route of the table
// is documented and every documented operation is a route.
func TestDocumentMatchesRoutes(t *testing.T) {
	s := loadSpec(t)
	doc, routes := documented(t, s), registered()
	if len(routes) == 0 {
		t.Fatal("no routes")
	}
	for _, r := range routes {
		if !slices.Contains(doc, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range doc {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json documents %s, which the API does not serve", d)
		}
	}
}

var wildcard = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestDocumentIsWellFormed checks what a client generator relies on: every
// $ref resolves, every path parameter is declared, operation ids are
// unique, and the security of each operation matches the route's.
func TestDocumentIsWellFormed(t *testing.T) {
	s := loadSpec(t)
	if v, _ := s.doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	checkRefs(t, s, s.doc, "#")
	public := map[string]bool{}
	for _, r := range api.Routes() {
		public[r.Method+" "+r.Pattern] = r.Public
	}
	ids := map[string]string{}
	for _, op := range documented(t, s) {
		method, path, _ := strings.Cut(op, " ")
		item, _ := s.at("#/paths/" + escape(path))
		o, _ := s.at("#/paths/" + escape(path) + "/" + strings.ToLower(method))
		t.Run(op, func(t *testing.T) {
			id, _ := o["operationId"].(string)
			if id == "" || ids[id] != "" {
				t.Errorf("operationId %q missing or also used by %s", id, ids[id])
			}
			ids[id] = op
			declared := pathParams(s, item["parameters"], o["parameters"])
			for _, m := range wildcard.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("path parameter %s is not declared (in: path, required: true)", m[1])
				}
			}
			if len(declared) != len(wildcard.FindAllString(path, -1)) {
				t.Errorf("declares path parameters %v that the path does not have", declared)
			}
			checkSecurity(t, o, public[op])
		})
	}
}

// checkRefs walks the document and fails on a $ref that names nothing.
func checkRefs(t *testing.T, s *spec, v any, at string) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			if _, found := s.at(ref); !found || !strings.HasPrefix(ref, "#/components/") {
				t.Errorf("%s: $ref %q does not resolve", at, ref)
			}
		}
		for k, c := range x {
			checkRefs(t, s, c, at+"/"+k)
		}
	case []any:
		for _, c := range x {
			checkRefs(t, s, c, at+"/[]")
		}
	}
}

// pathParams collects the names of the path parameters declared on a path
// item and its operation.
func pathParams(s *spec, lists ...any) map[string]bool {
	out := map[string]bool{}
	for _, l := range lists {
		ps, _ := l.([]any)
		for _, p := range ps {
			m, _ := p.(map[string]any)
			m, _, _ = s.resolve(m, "")
			if m["in"] == "path" && m["required"] == true {
				out[m["name"].(string)] = true
			}
		}
	}
	return out
}

// checkSecurity: a public route says "security: []"; the others inherit
// the document's bearer-or-cookie and document 401.
func checkSecurity(t *testing.T, op map[string]any, public bool) {
	t.Helper()
	sec, has := op["security"].([]any)
	responses, _ := op["responses"].(map[string]any)
	_, has401 := responses["401"]
	switch {
	case public && (!has || len(sec) != 0):
		t.Error("public route must declare security: []")
	case !public && has:
		t.Error("authenticated route must not override the document's security")
	case !public && !has401:
		t.Error("authenticated route must document 401")
	}
}

// TestEveryRouteIsServed calls every route of the table through the whole
// application without credentials: each must answer 401 (200 for the
// public ones) as a problem, never the mux's 404 or 405.
func TestEveryRouteIsServed(t *testing.T) {
	e := apptest.New(t)
	for _, r := range api.Routes() {
		t.Run(r.Method+" "+r.Pattern, func(t *testing.T) {
			path := wildcard.ReplaceAllString(r.Pattern, "X1")
			req := request{method: r.Method, path: path}
			if r.Method == "POST" || r.Method == "PATCH" {
				req.body = "{}"
			}
			a := call(t, e, nobody, req)
			if r.Public {
				if a.status != http.StatusOK {
					t.Fatalf("status %d, want 200", a.status)
				}
				return
			}
			if a.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401; body %s", a.status, a.body)
			}
			if got := a.header.Get("WWW-Authenticate"); got != `Bearer realm="atalaya"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
			a.problem(t)
		})
	}
}

func TestOpenAPIServedAsIs(t *testing.T) {
	e := apptest.New(t)
	a := get(t, e, nobody, "/api/v1/openapi.json", http.StatusOK, nil)
	if !bytes.Equal(a.body, api.OpenAPI()) {
		t.Error("served document differs from the embedded one")
	}
	if ct := a.header.Get("Content-Type"); ct != jsonType {
		t.Errorf("Content-Type %q", ct)
	}
}

// TestUnservedAnswersAreProblems checks the answers outside the table: an
// unknown path is a 404 and a known path with another method a 405 with
// Allow, both as problems.
func TestUnservedAnswersAreProblems(t *testing.T) {
	e := apptest.New(t)
	w := bearer(t, e, secAdmin)
	cases := []struct {
		name, method, path string
		want               int
		allow              string
	}{
		{"unknown path", "GET", "/api/v1/nothing-here", http.StatusNotFound, ""},
		{"unknown version", "GET", "/api/v1/organizations/x/unknown", http.StatusNotFound, ""},
		{"PUT on a list", "PUT", "/api/v1/organizations", http.StatusMethodNotAllowed, "GET, HEAD, POST"},
		{"DELETE on an organisation", "DELETE", "/api/v1/organizations/x", http.StatusMethodNotAllowed, "GET, HEAD, PATCH"},
		{"GET on an action", "GET", "/api/v1/users/x/disable", http.StatusMethodNotAllowed, "POST"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := send(t, e, w, request{method: tc.method, path: tc.path})
			if a.status != tc.want {
				t.Fatalf("status %d, want %d", a.status, tc.want)
			}
			if p := a.problem(t); p.Status != tc.want {
				t.Errorf("problem status %d", p.Status)
			}
			if got := a.header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
		})
	}
}
