package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
	"atalaya/internal/web"
)

// The demo accounts the tests act as (internal/app/demo.go).
const (
	secAdmin    = "admin@secretariat.example"
	secOfficer  = "officer@secretariat.example"
	mxAdmin     = "admin@csirt-mx.example"
	mxAnalyst   = "analyst@csirt-mx.example"
	bankAdmin   = "admin@csirt-bank.example"
	brAnalyst   = "analyst@cert-br.example"
	mxTeam      = "DEMO-MX-NAT"
	bankTeam    = "DEMO-MX-BANK"
	crMinistry  = "DEMO-CR-MIN"
	jsonType    = "application/json"
	problemType = "application/problem+json"
)

// who is a set of credentials: a bearer token, a signed-in cookie client,
// or neither.
type who struct {
	token  string
	client *http.Client
}

var nobody = who{}

// bearer returns credentials with a new token of email with scopes (admin
// for administrators, write for the others, when none are given).
func bearer(t *testing.T, e *apptest.Env, email string, scopes ...access.Scope) who {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []access.Scope{access.ScopeWrite}
		if strings.HasPrefix(email, "admin@") {
			scopes = []access.Scope{access.ScopeAdmin}
		}
	}
	return who{token: e.Token(t, email, scopes...)}
}

// session returns credentials holding the session cookie of email.
func session(t *testing.T, e *apptest.Env, email string) who {
	t.Helper()
	return who{client: e.Login(t, email)}
}

// answer is what the server sent back.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// decode reads the body as JSON into v.
func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decoding %s: %v", a.body, err)
	}
}

// problem reads a problem body, after checking its content type.
func (a answer) problem(t *testing.T) web.Problem {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != problemType {
		t.Fatalf("Content-Type %q, want %s; body %s", ct, problemType, a.body)
	}
	var p web.Problem
	a.decode(t, &p)
	return p
}

// fields lists the fields a problem names.
func (a answer) fields(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, f := range a.problem(t).Errors {
		out = append(out, f.Field)
	}
	return out
}

// request describes one call.
type request struct {
	method, path string
	body         any               // nil: none; string or []byte: sent as is; else JSON
	contentType  string            // default application/json when there is a body
	header       map[string]string // extra headers
}

// call sends req with the credentials and checks the answer against the
// OpenAPI document: the status must be documented for the operation and
// the body must match the documented schema.
func call(t *testing.T, e *apptest.Env, w who, req request) answer {
	t.Helper()
	a := send(t, e, w, req)
	checkDocumented(t, req.method, req.path, a)
	if a.status < 300 {
		checkRequestDocumented(t, req.method, req.path, bodyBytes(t, req))
	}
	return a
}

// send is call without the document check, for paths the API does not
// serve.
func send(t *testing.T, e *apptest.Env, w who, req request) answer {
	t.Helper()
	var body io.Reader
	ct := req.contentType
	if buf := bodyBytes(t, req); buf != nil {
		body = bytes.NewReader(buf)
	}
	if body != nil && ct == "" {
		ct = jsonType
	}
	r, err := http.NewRequest(req.method, e.URL+req.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	if w.token != "" {
		r.Header.Set("Authorization", "Bearer "+w.token)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	c := w.client
	if c == nil {
		c = e.Client(t)
	}
	resp, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer resp.Body.Close()
	buf, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.method, req.path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: buf}
}

// bodyBytes is the body req sends: nil for none.
func bodyBytes(t *testing.T, req request) []byte {
	t.Helper()
	switch b := req.body.(type) {
	case nil:
		return nil
	case string:
		return []byte(b)
	case []byte:
		return b
	}
	buf, err := json.Marshal(req.body)
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

// get and post are the usual calls, failing the test unless the status is
// want; they decode a JSON answer into out (when not nil).
func get(t *testing.T, e *apptest.Env, w who, path string, want int, out any) answer {
	t.Helper()
	return expect(t, call(t, e, w, request{method: "GET", path: path}), "GET "+path, want, out)
}

func post(t *testing.T, e *apptest.Env, w who, path string, body any, want int, out any) answer {
	t.Helper()
	return expect(t, call(t, e, w, request{method: "POST", path: path, body: body}), "POST "+path, want, out)
}

func expect(t *testing.T, a answer, what string, want int, out any) answer {
	t.Helper()
	if a.status != want {
		t.Fatalf("%s: status %d, want %d; body %s", what, a.status, want, a.body)
	}
	if out != nil {
		a.decode(t, out)
	}
	return a
}

// The shapes the tests read; the document's schemas say the rest.
type (
	org struct {
		ID        string         `json:"id"`
		Kind      string         `json:"kind"`
		Name      string         `json:"name"`
		ShortName string         `json:"short_name"`
		Country   string         `json:"country"`
		Email     string         `json:"email"`
		UpdatedAt string         `json:"updated_at"`
		Team      map[string]any `json:"team"`
	}
	entry struct {
		ID    string `json:"id"`
		OrgID string `json:"org_id"`
		Value string `json:"value"`
	}
	token struct {
		ID     string `json:"id"`
		OrgID  string `json:"org_id"`
		UserID string `json:"user_id"`
	}
	auditEntry struct {
		Seq        int64  `json:"seq"`
		Action     string `json:"action"`
		ObjectType string `json:"object_type"`
		ObjectID   string `json:"object_id"`
		OrgID      string `json:"org_id"`
	}
	list[T any] struct {
		Items      []T    `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
)

// constituency returns the values of a team's constituency.
func constituency(t *testing.T, e *apptest.Env, orgID string) []string {
	t.Helper()
	var l list[entry]
	get(t, e, bearer(t, e, secAdmin), "/api/v1/organizations/"+orgID+"/constituency", http.StatusOK, &l)
	var out []string
	for _, x := range l.Items {
		out = append(out, x.Value)
	}
	return out
}

// entryID returns the id of value in a team's constituency.
func entryID(t *testing.T, e *apptest.Env, orgID, value string) string {
	t.Helper()
	var l list[entry]
	get(t, e, bearer(t, e, secAdmin), "/api/v1/organizations/"+orgID+"/constituency", http.StatusOK, &l)
	for _, x := range l.Items {
		if x.Value == value {
			return x.ID
		}
	}
	t.Fatalf("%s not in the constituency of %s", value, orgID)
	return ""
}

// tokenIDs returns the ids of the tokens w lists.
func tokenIDs(t *testing.T, e *apptest.Env, w who) []string {
	t.Helper()
	var l list[token]
	get(t, e, w, "/api/v1/tokens", http.StatusOK, &l)
	var out []string
	for _, x := range l.Items {
		out = append(out, x.ID)
	}
	return out
}

// newestToken creates a token of email and returns its id and secret.
func newestToken(t *testing.T, e *apptest.Env, email string, scopes ...access.Scope) (string, string) {
	t.Helper()
	var nt struct {
		Token  token  `json:"token"`
		Secret string `json:"secret"`
	}
	if len(scopes) == 0 {
		scopes = []access.Scope{access.ScopeRead}
	}
	post(t, e, session(t, e, email), "/api/v1/tokens", map[string]any{"name": "test " + strconv.Itoa(len(scopes)),
		"scopes": scopes}, http.StatusCreated, &nt)
	return nt.Token.ID, nt.Secret
}

// walk follows the Link header from path and returns every page's body.
func walk(t *testing.T, e *apptest.Env, w who, path string) [][]byte {
	t.Helper()
	var pages [][]byte
	for next := path; next != ""; {
		a := get(t, e, w, next, http.StatusOK, nil)
		pages = append(pages, a.body)
		next = nextLink(t, a.header.Get("Link"))
		if len(pages) > 1000 {
			t.Fatalf("walking %s: more than 1000 pages", path)
		}
	}
	return pages
}

// nextLink reads `<url>; rel="next"`; "" when there is none.
func nextLink(t *testing.T, h string) string {
	t.Helper()
	if h == "" {
		return ""
	}
	target, params, ok := strings.Cut(h, ";")
	if !ok || strings.TrimSpace(params) != `rel="next"` || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
		t.Fatalf("Link header %q, want <url>; rel=\"next\"", h)
	}
	return strings.Trim(target, "<>")
}

func contains(xs []string, x string) bool { return slices.Contains(xs, x) }
