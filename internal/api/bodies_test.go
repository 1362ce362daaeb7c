package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
)

// TestBadBodies sends bodies that are not what the API takes to every kind
// of write, and checks the status, the field named and that nothing
// changed.
func TestBadBodies(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx := e.Org(t, mxTeam)
		w := bearer(t, e, secAdmin)
		huge := `{"value": "AS64511", "note": "` + strings.Repeat("x", 1<<20) + `"}`
		cases := []struct {
			name        string
			body        string
			contentType string
			want        int
			field       string
			code        string
		}{
			{"text/plain", `{"value": "AS64511"}`, "text/plain", http.StatusUnsupportedMediaType, "", ""},
			{"form", `value=AS64511`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, "", ""},
			{"no content type", `{"value": "AS64511"}`, "-", http.StatusUnsupportedMediaType, "", ""},
			{"over 1 MiB", huge, "", http.StatusRequestEntityTooLarge, "", ""},
			{"empty", ``, "", http.StatusBadRequest, "body", "json.empty"},
			{"bad syntax", `{"value": `, "", http.StatusBadRequest, "body", "json.syntax"},
			{"not JSON at all", `AS64511`, "", http.StatusBadRequest, "body", "json.syntax"},
			{"two values", `{"value": "AS64511"} {}`, "", http.StatusBadRequest, "body", "json.trailing"},
			{"array instead of object", `["AS64511"]`, "", http.StatusUnprocessableEntity, "body", "json.type"},
			{"null instead of object", `null`, "", http.StatusUnprocessableEntity, "body", "json.type"},
			{"wrong type", `{"value": 64511}`, "", http.StatusUnprocessableEntity, "value", "json.type"},
			{"unknown field", `{"value": "AS64511", "org": "x"}`, "", http.StatusUnprocessableEntity, "org", "json.unknown_field"},
			{"null value", `{"value": null}`, "", http.StatusUnprocessableEntity, "value", ""},
		}
		path := "/api/v1/organizations/" + mx + "/constituency"
		before := constituency(t, e, mx)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				req := request{method: "POST", path: path, body: tc.body, contentType: tc.contentType}
				if tc.contentType == "-" {
					req.contentType, req.header = "", map[string]string{"Content-Type": ""}
				}
				a := call(t, e, w, req)
				if a.status != tc.want {
					t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
				}
				p := a.problem(t)
				if tc.field == "" {
					return
				}
				if len(p.Errors) != 1 || p.Errors[0].Field != tc.field || (tc.code != "" && p.Errors[0].Code != tc.code) {
					t.Errorf("errors %+v, want %s %s", p.Errors, tc.field, tc.code)
				}
			})
		}
		if now := constituency(t, e, mx); !slices.Equal(now, before) {
			t.Errorf("bad bodies changed the constituency: %v", now)
		}
	})
}

// TestBadBodiesEverywhere sends a body with an unknown field to every
// write that takes one: each answers 422 naming it, never a 500.
func TestBadBodiesEverywhere(t *testing.T) {
	e := apptest.New(t)
	w := bearer(t, e, secAdmin)
	mx := e.Org(t, mxTeam)
	var contacts list[contact]
	get(t, e, w, "/api/v1/member-states/MX/contacts", http.StatusOK, &contacts)
	paths := []struct{ method, path string }{
		{"POST", "/api/v1/member-states/MX/contacts"},
		{"POST", "/api/v1/contacts/" + contacts.Items[0].ID + "/end"},
		{"POST", "/api/v1/organizations"},
		{"PATCH", "/api/v1/organizations/" + mx},
		{"POST", "/api/v1/organizations/" + mx + "/people"},
		{"POST", "/api/v1/organizations/" + mx + "/constituency"},
		{"POST", "/api/v1/users"},
		{"POST", "/api/v1/tokens"},
	}
	for _, p := range paths {
		t.Run(p.method+" "+p.path, func(t *testing.T) {
			for _, body := range []string{`{"surprise": 1}`, `{`, `[]`, `"text"`, `null`, `{"name": {"first": "x"}}`} {
				a := call(t, e, w, request{method: p.method, path: p.path, body: body})
				if a.status != http.StatusUnprocessableEntity && a.status != http.StatusBadRequest {
					t.Errorf("%s: status %d: %s", body, a.status, a.body)
					continue
				}
				if len(a.problem(t).Errors) == 0 {
					t.Errorf("%s: no field named", body)
				}
			}
		})
	}
	get(t, e, w, "/api/v1/member-states/MX/contacts", http.StatusOK, &contacts)
	if len(contacts.Items) != 2 || contacts.Items[0].EndedOn != "" {
		t.Errorf("bad bodies changed the contacts: %+v", contacts.Items)
	}
}

// TestUncleanText sends text PostgreSQL would refuse with an error (not
// UTF-8, or holding NUL) in the path, the query and the body: each is a
// client error on both engines, never a 500, and nothing is stored.
func TestUncleanText(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := bearer(t, e, secAdmin)
		mx := e.Org(t, mxTeam)
		cases := []struct {
			name, method, path, body string
			want                     int
			field                    string
		}{
			{"path not UTF-8", "GET", "/api/v1/organizations/%ff", "", http.StatusNotFound, ""},
			{"path with NUL", "GET", "/api/v1/organizations/%00/people", "", http.StatusNotFound, ""},
			{"delete path not UTF-8", "DELETE", "/api/v1/tokens/%ff", "", http.StatusNotFound, ""},
			{"entry path not UTF-8", "DELETE", "/api/v1/organizations/" + mx + "/constituency/%fe", "", http.StatusNotFound, ""},
			{"cursor not UTF-8", "GET", "/api/v1/organizations?cursor=%ff", "", http.StatusUnprocessableEntity, "cursor"},
			{"org filter with NUL", "GET", "/api/v1/users?org=a%00", "", http.StatusUnprocessableEntity, "org"},
			{"audit type not UTF-8", "GET", "/api/v1/audit?type=%c3", "", http.StatusUnprocessableEntity, "type"},
			{"NUL in a field", "POST", "/api/v1/organizations", `{"kind": "donor", "name": "a\u0000b"}`, http.StatusUnprocessableEntity, "name"},
			{"NUL in a nested field", "POST", "/api/v1/organizations", `{"kind": "donor", "name": "X", "team": {"email": "\u0000"}}`,
				http.StatusUnprocessableEntity, "team.email"},
			{"NUL in a list", "POST", "/api/v1/tokens", `{"name": "x", "scopes": ["read\u0000"]}`, http.StatusUnprocessableEntity, "scopes"},
		}
		before := len(allOrgIDs(t, e, w))
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				req := request{method: tc.method, path: tc.path}
				if tc.body != "" {
					req.body = tc.body
				}
				a := call(t, e, w, req)
				if a.status != tc.want {
					t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
				}
				if tc.field != "" && !slices.Equal(a.fields(t), []string{tc.field}) {
					t.Errorf("fields %v, want %s", a.fields(t), tc.field)
				}
			})
		}
		if after := len(allOrgIDs(t, e, w)); after != before {
			t.Errorf("%d organisations, %d before", after, before)
		}
		// Text that only looks like a NUL is text like any other.
		var o org
		post(t, e, w, "/api/v1/organizations", `{"kind": "donor", "name": "Literal \\u0000 fund"}`, http.StatusCreated, &o)
		if o.Name != `Literal \u0000 fund` {
			t.Errorf("name %q", o.Name)
		}
	})
}
