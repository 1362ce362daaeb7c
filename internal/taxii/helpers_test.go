package taxii_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
	"atalaya/internal/intel"
	"atalaya/internal/stix"
	"atalaya/internal/taxii"
)

// The demo accounts the tests act as (internal/app/demo.go).
const (
	secAdmin   = "admin@secretariat.example"
	mxAdmin    = "admin@csirt-mx.example"
	mxAnalyst  = "analyst@csirt-mx.example"
	bankAdmin  = "admin@csirt-bank.example"
	brAnalyst  = "analyst@cert-br.example"
	crContact  = "contact@ministry-cr.example"
	uniExpert  = "expert@university.example"
	donorObs   = "observer@donor.example"
	mxTeam     = "DEMO-MX-NAT"
	bankTeam   = "DEMO-MX-BANK"
	brTeam     = "DEMO-BR-NAT"
	crMinistry = "DEMO-CR-MIN"
)

const rootURL = taxii.Prefix + "/" + taxii.APIRoot + "/"

// env is a running Atalaya with the demo data (whose app mounts TAXII).
type env struct {
	*apptest.Env
	intel *intel.Store
	taxii string // base URL of the TAXII server (scheme and host)
}

// each runs fn on a fresh Atalaya over each engine.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	apptest.Each(t, func(t *testing.T, a *apptest.Env) { fn(t, wrapEnv(a)) })
}

// newSQLite starts a fresh Atalaya on SQLite only.
func newSQLite(t testing.TB) *env { return wrapEnv(apptest.New(t)) }

func wrapEnv(a *apptest.Env) *env { return &env{Env: a, intel: a.App.Intel, taxii: a.URL} }

// client is a TAXII client with one set of credentials.
type client struct {
	e             *env
	authorization string // the Authorization header; "" for none
}

// bearer is a client with a new API token of email (write scope).
func (e *env) bearer(t testing.TB, email string) client {
	t.Helper()
	return client{e: e, authorization: "Bearer " + e.Token(t, email, access.ScopeWrite)}
}

// basic is a client sending user and password with HTTP Basic.
func (e *env) basic(user, password string) client {
	return client{e: e, authorization: "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}
}

// answer is what the server sent back.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// request sends method to path (under the TAXII server) with the TAXII
// Accept header unless hdr sets one, and returns the answer.
func (c client) request(t testing.TB, method, path string, body []byte, hdr http.Header) answer {
	t.Helper()
	req, err := http.NewRequest(method, c.e.taxii+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", taxii.MediaTAXII)
	if body != nil {
		req.Header.Set("Content-Type", taxii.MediaTAXII)
	}
	if c.authorization != "" {
		req.Header.Set("Authorization", c.authorization)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// get is a GET that must answer want; it decodes the body into v.
func (c client) get(t testing.TB, path string, want int, v any) answer {
	t.Helper()
	a := c.request(t, "GET", path, nil, nil)
	a.expect(t, "GET "+path, want, v)
	return a
}

// expect checks the status and the TAXII media type and decodes the body
// into v (when v is not nil).
func (a answer) expect(t testing.TB, what string, want int, v any) {
	t.Helper()
	if a.status != want {
		t.Fatalf("%s: status %d, want %d; body %s", what, a.status, want, a.body)
	}
	if len(a.body) > 0 {
		if ct := a.header.Get("Content-Type"); ct != taxii.MediaTAXII {
			t.Fatalf("%s: Content-Type %q, want %q", what, ct, taxii.MediaTAXII)
		}
	}
	if v != nil {
		if err := json.Unmarshal(a.body, v); err != nil {
			t.Fatalf("%s: decoding %s: %v", what, a.body, err)
		}
	}
}

// taxiiError is the TAXII error message as a client reads it.
type taxiiError struct {
	Title       string            `json:"title"`
	Description string            `json:"description"`
	HTTPStatus  string            `json:"http_status"`
	Details     map[string]string `json:"details"`
}

// errorOf checks that the answer is a TAXII error message of status want.
func (a answer) errorOf(t testing.TB, what string, want int) taxiiError {
	t.Helper()
	var m taxiiError
	a.expect(t, what, want, &m)
	if m.Title == "" || m.HTTPStatus != fmt.Sprint(want) {
		t.Fatalf("%s: error message %s, want a title and http_status %q", what, a.body, fmt.Sprint(want))
	}
	return m
}

// envelope is the envelope resource as a client reads it.
type envelope struct {
	More    *bool             `json:"more"`
	Next    string            `json:"next"`
	Objects []json.RawMessage `json:"objects"`
}

// manifest is the manifest resource as a client reads it.
type manifest struct {
	More    *bool `json:"more"`
	Next    string
	Objects []struct {
		ID        string `json:"id"`
		DateAdded string `json:"date_added"`
		Version   string `json:"version"`
		MediaType string `json:"media_type"`
	} `json:"objects"`
}

// status is the status resource as a client reads it.
type status struct {
	ID               string `json:"id"`
	Status           string `json:"status"`
	RequestTimestamp string `json:"request_timestamp"`
	TotalCount       int    `json:"total_count"`
	SuccessCount     int    `json:"success_count"`
	FailureCount     int    `json:"failure_count"`
	PendingCount     int    `json:"pending_count"`
	Successes        []struct {
		ID, Version, Message string
	} `json:"successes"`
	Failures []struct {
		ID, Version, Message string
	} `json:"failures"`
}

// ref is the id and version of an object in a page.
type ref struct{ ID, Version string }

// refs reads the id and version (modified, else created) of each object.
func refs(t testing.TB, objs []json.RawMessage) []ref {
	t.Helper()
	out := make([]ref, len(objs))
	for i, raw := range objs {
		env, err := stix.ParseEnvelope(raw)
		if err != nil {
			t.Fatalf("object %d of the page: %v", i, err)
		}
		out[i] = ref{env.ID, env.Version()}
	}
	return out
}

// ids reads the ids of the objects of a page, in order.
func ids(t testing.TB, objs []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, r := range refs(t, objs) {
		out = append(out, r.ID)
	}
	return out
}

// collectionID returns the id of the actor's collection of this kind
// ("network", "own", "group").
func (e *env) collectionID(t testing.TB, email, kind string) string {
	t.Helper()
	cs, err := e.intel.Collections(context.Background(), e.Actor(t, email))
	if err != nil {
		t.Fatalf("collections of %s: %v", email, err)
	}
	for _, c := range cs {
		if c.Kind == kind {
			return c.ID
		}
	}
	t.Fatalf("%s has no %s collection among %+v", email, kind, cs)
	return ""
}

// objectsURL is the objects path of a collection.
func objectsURL(collection string) string {
	return rootURL + "collections/" + collection + "/objects/"
}

// indicator is a STIX 2.1 indicator for value, a new id, modified at mod.
func indicator(name, ip string, mod time.Time) (string, json.RawMessage) {
	id := stix.NewID("indicator")
	return id, version(id, name, ip, mod, mod)
}

// version is a version of indicator id, created at created and modified
// at mod.
func version(id, name, ip string, created, mod time.Time) json.RawMessage {
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	return json.RawMessage(fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":%q,"created":%q,`+
		`"modified":%q,"name":%q,"pattern":"[ipv4-addr:value = '%s']","pattern_type":"stix","valid_from":%q}`,
		id, ts(created), ts(mod), name, ip, ts(created)))
}

// put stores objects as email with sharing, and fails unless all are
// accepted.
func (e *env) put(t testing.TB, email string, sh intel.Sharing, objs ...json.RawMessage) {
	t.Helper()
	rep, err := e.intel.Put(context.Background(), e.Actor(t, email), objs, intel.PutOptions{Sharing: sh, Source: "api"})
	if err != nil {
		t.Fatalf("put as %s: %v", email, err)
	}
	if len(rep.Accepted) != len(objs) {
		t.Fatalf("put as %s: %d of %d accepted; refused %+v", email, len(rep.Accepted), len(objs), rep.Refused)
	}
}

// envelopeOf is a TAXII envelope holding objs.
func envelopeOf(objs ...json.RawMessage) []byte {
	if objs == nil {
		objs = []json.RawMessage{}
	}
	b, _ := json.Marshal(map[string]any{"objects": objs})
	return b
}

// sorted returns a sorted copy.
func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

// contains reports whether s holds sub, ignoring case.
func contains(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }
