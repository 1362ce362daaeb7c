package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atalaya/internal/directory"
	"atalaya/internal/web"
)

// FuzzDecode feeds decode arbitrary bodies into the largest request type
// (an organisation with its team profile): it must never panic, and every
// refusal must be a client error (4xx), never a 500.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `1`, `{"name": "a"}`, `{"team": {"email": "\u0000"}}`, `{"team": null}`,
		`{"kind": 5}`, `{"name": "a"} {}`, `{"nope": 1}`, `{"team": {"first_member": "yes"}}`, "{\"name\": \"\xff\"}",
		`{"created_at": "yesterday"}`, `{"a\u0000": 1}`, `{`, `[{"team": {}}]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/organizations", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var o directory.Organization
		err := decode(httptest.NewRecorder(), r, &o)
		if err == nil {
			if strings.Contains(o.Name+o.Description+o.Email, "\x00") {
				t.Fatalf("accepted a NUL: %q", body)
			}
			return
		}
		if p := web.ProblemFromError(err); p.Status >= 500 {
			t.Fatalf("body %q: status %d (%v)", body, p.Status, err)
		}
	})
}
