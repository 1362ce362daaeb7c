package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

func TestProblemFromError(t *testing.T) {
	var two valid.Errors
	two.Add("name", "required", "name is required", nil)
	two.Add("email", "email.format", "not an e-mail address", map[string]any{"Value": "x"})
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantErrors []FieldError
		wantDetail string
	}{
		{"one field", valid.New("prefix", "prefix.not_canonical", "use 192.0.2.0/24", nil), 422,
			[]FieldError{{"prefix", "prefix.not_canonical", "use 192.0.2.0/24"}}, "The request has invalid fields."},
		{"several fields, wrapped", fmt.Errorf("saving team: %w", two), 422,
			[]FieldError{{"name", "required", "name is required"}, {"email", "email.format", "not an e-mail address"}}, "The request has invalid fields."},
		{"denied", fmt.Errorf("deleting token: %w", access.ErrDenied), 403, nil, "You do not have permission to do this."},
		{"not found", fmt.Errorf("team 42: %w", store.ErrNotFound), 404, nil, "No such resource, or you may not see it."},
		{"conflict", fmt.Errorf("team name: %w", store.ErrConflict), 409, nil, "The change conflicts with existing data."},
		{"status error", &StatusError{Status: 413, Detail: "too big"}, 413, nil, "too big"},
		{"unknown error hides internals", errors.New(`pq: relation "secret_table" does not exist at /srv/x.go:12`), 500, nil, genericDetail},
		{"nil", nil, 500, nil, genericDetail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ProblemFromError(tc.err)
			if p.Status != tc.wantStatus || p.Detail != tc.wantDetail || !reflect.DeepEqual(p.Errors, tc.wantErrors) {
				t.Errorf("ProblemFromError = %+v, want status %d detail %q errors %v", p, tc.wantStatus, tc.wantDetail, tc.wantErrors)
			}
		})
	}
}

func TestWriteProblem(t *testing.T) {
	tests := []struct {
		name     string
		problem  Problem
		wantBody string
	}{
		{"defaults filled", Problem{Status: 404, Detail: "gone"},
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"gone","instance":"/things/7"}`},
		{"no status is 500", Problem{},
			`{"type":"about:blank","title":"Internal Server Error","status":500,"instance":"/things/7"}`},
		{"own members kept", Problem{Type: "https://atalaya.example/problems/quota", Title: "Quota", Status: 429, Instance: "/q/1"},
			`{"type":"https://atalaya.example/problems/quota","title":"Quota","status":429,"instance":"/q/1"}`},
		{"field errors", ProblemFromError(valid.New("email", "email.format", "bad e-mail", nil)),
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"The request has invalid fields.","instance":"/things/7","errors":[{"field":"email","code":"email.format","message":"bad e-mail"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				WriteProblem(w, r, tc.problem)
			}))
			defer srv.Close()
			res, err := http.Get(srv.URL + "/things/7")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			want := tc.problem.Status
			if want == 0 {
				want = 500
			}
			if res.StatusCode != want {
				t.Errorf("status = %d, want %d", res.StatusCode, want)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if got := strings.TrimSpace(string(body)); got != tc.wantBody {
				t.Errorf("body = %s\nwant   %s", got, tc.wantBody)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantLogged bool
	}{
		{"client error not logged", access.ErrDenied, 403, false},
		{"server error logged", errors.New("disk on fire"), 500, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := newLogger()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				WriteError(w, r, logger, tc.err)
			}))
			status, body := get(t, srv.URL+"/x")
			srv.Close()
			if status != tc.wantStatus {
				t.Errorf("status = %d, want %d", status, tc.wantStatus)
			}
			if strings.Contains(body, "disk on fire") {
				t.Errorf("body leaks the error: %s", body)
			}
			var p Problem
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Status != tc.wantStatus {
				t.Errorf("body %s is not the problem: %v", body, err)
			}
			lines := logs.lines(t)
			if logged := len(lines) == 1 && lines[0]["err"] == tc.err.Error(); logged != tc.wantLogged {
				t.Errorf("logs = %v, want logged: %v", lines, tc.wantLogged)
			}
		})
	}
}
