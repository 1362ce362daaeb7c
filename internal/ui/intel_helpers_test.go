package ui_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
	"atalaya/internal/intel"
)

// The demo users of five organisations the intel tests read as: the
// creator's team, the bank (in the demo sharing group with it), Brazil's
// team, a ministry (a plain member), a university expert and a donor's
// observer.
const (
	mxAnalyst = "analyst@csirt-mx.example"
	mxAdmin   = "admin@csirt-mx.example"
	bankAdmin = "admin@csirt-bank.example"
	brAnalyst = "analyst@cert-br.example"
	crContact = "contact@ministry-cr.example"
	expert    = "expert@university.example"
	observer  = "observer@donor.example"
	secAdmin  = "admin@secretariat.example"
)

// saveIndicator stores an indicator through the store, as email.
func saveIndicator(t *testing.T, e *apptest.Env, email, name, pattern string, sh intel.Sharing) intel.Object {
	t.Helper()
	o, err := e.App.Intel.SaveIndicator(context.Background(), e.Actor(t, email), intel.IndicatorInput{
		Name: name, Pattern: pattern, PatternType: "stix", IndicatorTypes: []string{"malicious-activity"}, Sharing: sh})
	if err != nil {
		t.Fatalf("saving indicator %q as %s: %v", name, email, err)
	}
	return o
}

// demoGroup returns the id of the demo sharing group of the Mexican
// national team and the bank.
func demoGroup(t *testing.T, e *apptest.Env) string {
	t.Helper()
	groups, err := e.App.Intel.Groups(context.Background(), e.Actor(t, mxAdmin))
	if err != nil || len(groups) == 0 {
		t.Fatalf("demo sharing group: %v (%d groups)", err, len(groups))
	}
	return groups[0].ID
}

// findByName returns the latest version of the object called name that
// email sees.
func findByName(t *testing.T, e *apptest.Env, email, name string) intel.Object {
	t.Helper()
	page, err := e.App.Intel.List(context.Background(), e.Actor(t, email), intel.Filter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range page.Objects {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("%s sees no object named %q", email, name)
	return intel.Object{}
}

// countNamed counts the objects called name that email sees.
func countNamed(t *testing.T, e *apptest.Env, email, name string) int {
	t.Helper()
	page, err := e.App.Intel.List(context.Background(), e.Actor(t, email), intel.Filter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range page.Objects {
		if o.Name == name {
			n++
		}
	}
	return n
}

// canSee is what access says about email seeing o: the single source of
// truth every page must agree with.
func canSee(t *testing.T, e *apptest.Env, email string, o intel.Object) bool {
	t.Helper()
	a := e.Actor(t, email)
	groups, err := e.App.Intel.GroupsOf(context.Background(), a.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	sh := o.Sharing
	return access.CanSeeIntel(a, groups, access.Intel{OrgID: o.OrgID, TLP: sh.TLP, Members: sh.Members, Groups: sh.Groups, Orgs: sh.Orgs})
}

// uuidOf is the part of a STIX id every export format keeps (MISP writes
// the uuid alone).
func uuidOf(id string) string {
	_, u, _ := strings.Cut(id, "--")
	return u
}

// upload posts a file and form fields as multipart/form-data.
func upload(t *testing.T, c *http.Client, u, fileName string, content []byte, fields map[string][]string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, u, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// fieldError reports whether the page shows an error beside field id.
func fieldError(body, id string) bool {
	return strings.Contains(body, `id="`+id+`-error"><p class="field-error"`)
}

// section returns the part of a page from the element with this id to the
// next <h2>, so a test can look at one section alone. Give it the id of a
// heading or of an element inside a section, not of a <section> whose own
// heading would end it at once.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], "<h2"); j >= 0 {
		return rest[:j+1]
	}
	return rest
}

var idPattern = regexp.MustCompile(`[a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// idsIn lists the STIX ids a page or file names.
func idsIn(body string) map[string]bool {
	out := map[string]bool{}
	for _, id := range idPattern.FindAllString(body, -1) {
		out[id] = true
	}
	return out
}
