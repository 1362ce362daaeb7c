package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/stix"
)

// More demo accounts (internal/app/demo.go).
const (
	crContact   = "contact@ministry-cr.example"
	expertUser  = "expert@university.example"
	observer    = "observer@donor.example"
	brTeam      = "DEMO-BR-NAT"
	stixType    = "application/stix+json;version=2.1"
	sharedIP    = "203.0.113.99" // no demo object carries it
	stixCreated = "2026-01-05T10:00:00.000Z"
)

// The shapes of the intel answers the tests read.
type (
	intelObj struct {
		ID           string `json:"id"`
		Type         string `json:"type"`
		Version      string `json:"version"`
		Name         string `json:"name"`
		TLP          string `json:"tlp"`
		Distribution struct {
			Members bool     `json:"members"`
			Groups  []string `json:"groups"`
			Orgs    []string `json:"orgs"`
		} `json:"distribution"`
		Org     string         `json:"org"`
		Added   string         `json:"added"`
		Revoked bool           `json:"revoked"`
		Latest  bool           `json:"latest"`
		Object  map[string]any `json:"object"`
	}
	storedRef struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	}
	importReport struct {
		Accepted []storedRef `json:"accepted"`
		Existing []storedRef `json:"existing"`
		Refused  []struct {
			Index int    `json:"index"`
			ID    string `json:"id"`
			Field string `json:"field"`
			Code  string `json:"code"`
		} `json:"refused"`
	}
	sharingGroup struct {
		ID       string   `json:"id"`
		Name     string   `json:"name"`
		OwnerOrg string   `json:"owner_org"`
		Orgs     []string `json:"orgs"`
	}
)

func (r importReport) acceptedIDs() []string {
	var out []string
	for _, x := range r.Accepted {
		out = append(out, x.ID)
	}
	return out
}

// stixObject is a STIX 2.1 object the tests build, as a JSON object.
type stixObject map[string]any

func (o stixObject) id() string { return o["id"].(string) }

func newSDO(typ string, props map[string]any) stixObject {
	o := stixObject{"type": typ, "spec_version": "2.1", "id": stix.NewID(typ), "created": stixCreated, "modified": stixCreated}
	for k, v := range props {
		o[k] = v
	}
	return o
}

// indicatorOf is an indicator of the shared address and of a domain of its
// own, named after marker so a test can look for it in any document.
func indicatorOf(marker string) stixObject {
	return newSDO("indicator", map[string]any{"name": marker, "pattern_type": "stix", "valid_from": stixCreated,
		"indicator_types": []string{"malicious-activity"},
		"pattern":         fmt.Sprintf("[ipv4-addr:value = '%s'] OR [domain-name:value = '%s.example.org']", sharedIP, marker)})
}

func relationshipOf(typ, source, target string) stixObject {
	return newSDO("relationship", map[string]any{"relationship_type": typ, "source_ref": source, "target_ref": target})
}

// bundleOf wraps objects in a bundle, as JSON.
func bundleOf(t *testing.T, objs ...stixObject) []byte {
	t.Helper()
	buf, err := json.Marshal(map[string]any{"type": "bundle", "id": stix.NewID("bundle"), "objects": objs})
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

// shareAs posts objects as w with the sharing in query (tlp=…&members=…)
// and fails unless every one is accepted.
func shareAs(t *testing.T, e *apptest.Env, w who, query string, objs ...stixObject) importReport {
	t.Helper()
	var rep importReport
	a := call(t, e, w, request{method: "POST", path: "/api/v1/intel/objects?" + query, body: bundleOf(t, objs...),
		contentType: stixType})
	expect(t, a, "POST /intel/objects?"+query, http.StatusOK, &rep)
	if len(rep.Refused) != 0 || len(rep.Accepted) != len(objs) {
		t.Fatalf("sharing %d objects with %s: %s", len(objs), query, a.body)
	}
	return rep
}

// createGroup creates a sharing group as w with these member organisations.
func createGroup(t *testing.T, e *apptest.Env, w who, name string, orgs ...string) sharingGroup {
	t.Helper()
	var g sharingGroup
	if orgs == nil {
		orgs = []string{}
	}
	post(t, e, w, "/api/v1/sharing-groups", map[string]any{"name": name, "description": "for tests", "orgs": orgs},
		http.StatusCreated, &g)
	return g
}

// objectIDs follows a list of objects from path to its end and returns the
// ids in order.
func objectIDs(t *testing.T, e *apptest.Env, w who, path string) []string {
	t.Helper()
	var out []string
	for _, body := range walk(t, e, w, path) {
		var l list[intelObj]
		answer{body: body}.decode(t, &l)
		for _, o := range l.Items {
			out = append(out, o.ID)
		}
	}
	return out
}

// sendRaw sends a body that is not JSON (a CSV) and checks the answer
// against the document; call would also try to read the request as JSON.
func sendRaw(t *testing.T, e *apptest.Env, w who, req request) answer {
	t.Helper()
	a := send(t, e, w, req)
	if !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") {
		checkDocumented(t, req.method, req.path, a)
	}
	return a
}

// q builds a query string.
func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}
