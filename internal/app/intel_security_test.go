package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
	"atalaya/internal/intel"
)

// The one test that walks every path returning intel (pages, API, TAXII
// objects, manifest and versions, exports, search, correlations, sightings)
// for users of several organisations over objects of every TLP and
// distribution. It fails if anyone sees what access.CanSeeIntel says they
// may not, and if anyone misses what they may see on a listing path.

// securityUsers are the readers, one per organisation: the creator, a member
// of the creator's sharing group, a named organisation, a plain member
// (a government), an expert, and the secretariat.
var securityUsers = []string{
	"analyst@csirt-mx.example",    // DEMO-MX-NAT: creates the objects
	"admin@csirt-bank.example",    // DEMO-MX-BANK: in the sharing group
	"analyst@cert-br.example",     // DEMO-BR-NAT: named organisation
	"contact@ministry-cr.example", // DEMO-CR-MIN: plain member
	"expert@university.example",   // DEMO-UNI: expert, CLEAR and GREEN only
	"officer@secretariat.example", // CICTE: no override
}

// secValue is the IP every fixture indicator carries, so each one
// correlates with all the others and a search finds them all.
const secValue = "192.0.2.99"

type secObject struct {
	id    string
	label string
	meta  access.Intel
}

type secFixture struct {
	objects []secObject
	groups  map[string][]string // sharing groups by organisation id
}

func TestIntelSecurityEveryPath(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := buildSecFixture(t, e)
		for _, email := range securityUsers {
			t.Run(email, func(t *testing.T) {
				reader := e.Actor(t, email)
				visible := func(o secObject) bool {
					return access.CanSeeIntel(reader, fx.groups[reader.OrgID], o.meta)
				}
				token := e.Token(t, email, access.ScopeRead)
				page := e.Login(t, email)
				checkListings(t, e, fx, visible, page, token)
				checkObjectPaths(t, e, fx, visible, page, token)
			})
		}
	})
}

// buildSecFixture shares one indicator (in two versions) per TLP and
// distribution from DEMO-MX-NAT, one GREEN indicator from the bank carrying
// the same value, and a sighting by the bank of every object it sees.
func buildSecFixture(t *testing.T, e *apptest.Env) secFixture {
	t.Helper()
	ctx := context.Background()
	creator := e.Actor(t, "analyst@csirt-mx.example")
	bank := e.Actor(t, "admin@csirt-bank.example")
	named := e.Org(t, "DEMO-BR-NAT")
	group, err := e.App.Intel.CreateGroup(ctx, e.Actor(t, "admin@csirt-mx.example"),
		intel.Group{Name: "security test group", Orgs: []string{bank.OrgID}})
	if err != nil {
		t.Fatalf("creating the sharing group: %v", err)
	}
	dists := map[string]intel.Sharing{
		"members": {Members: true},
		"group":   {Groups: []string{group.ID}},
		"named":   {Orgs: []string{named}},
	}
	var objs []secObject
	add := func(a access.Actor, label string, sh intel.Sharing) string {
		in := intel.IndicatorInput{Name: "sec " + label, Pattern: "[ipv4-addr:value = '" + secValue + "']",
			PatternType: "stix", IndicatorTypes: []string{"malicious-activity"},
			ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Sharing: sh}
		obj, err := e.App.Intel.SaveIndicator(ctx, a, in)
		if err != nil {
			t.Fatalf("sharing %s: %v", label, err)
		}
		in.ID, in.Description = obj.ID, "second version"
		if _, err := e.App.Intel.SaveIndicator(ctx, a, in); err != nil {
			t.Fatalf("second version of %s: %v", label, err)
		}
		objs = append(objs, storedSecObject(t, e, a, obj.ID, label, sh))
		return obj.ID
	}
	for _, tlp := range access.TLPs {
		for _, d := range []string{"members", "group", "named"} {
			sh := dists[d]
			sh.TLP = tlp
			if !access.SharingAllowed(access.Intel{TLP: tlp, Members: sh.Members}) {
				continue
			}
			add(creator, string(tlp)+"/"+d, sh)
		}
	}
	add(bank, "bank green/members", intel.Sharing{TLP: access.TLPGreen, Members: true})
	// The bank reports a sighting of every creator object it sees, shared
	// with the group only: the creator's organisation is added by intel.
	for _, o := range slices.Clone(objs) {
		if o.meta.OrgID != creator.OrgID || !access.CanSeeIntel(bank, []string{group.ID}, o.meta) {
			continue
		}
		sh := intel.Sharing{TLP: access.TLPAmber, Groups: []string{group.ID}}
		s, err := e.App.Intel.Sight(ctx, bank, intel.SightingInput{IndicatorID: o.id, Count: 3,
			FirstSeen: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC),
			Where: "bank mail gateway", Sharing: sh})
		if err != nil {
			t.Fatalf("sighting of %s: %v", o.label, err)
		}
		so := storedSecObject(t, e, bank, s.ID, "sighting of "+o.label, intel.Sharing{})
		if !slices.Contains(so.meta.Orgs, creator.OrgID) && !so.meta.Members {
			t.Errorf("sighting of %s does not reach the indicator's creator: %+v", o.label, so.meta)
		}
		objs = append(objs, so)
	}
	groups := map[string][]string{}
	for _, email := range securityUsers {
		org := e.Actor(t, email).OrgID
		g, err := e.App.Intel.GroupsOf(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		groups[org] = g
	}
	return secFixture{objects: objs, groups: groups}
}

// storedSecObject reads back an object's sharing as stored, checks it is
// what the creator chose (when want is set), and returns what access needs.
func storedSecObject(t *testing.T, e *apptest.Env, creator access.Actor, id, label string, want intel.Sharing) secObject {
	t.Helper()
	obj, err := e.App.Intel.Get(context.Background(), creator, id)
	if err != nil {
		t.Fatalf("creator reading %s back: %v", label, err)
	}
	sh := obj.Sharing
	if want.TLP != "" && (sh.TLP != want.TLP || sh.Members != want.Members ||
		!sameSet(sh.Groups, want.Groups) || !sameSet(sh.Orgs, want.Orgs)) {
		t.Errorf("%s stored with sharing %+v, creator chose %+v", label, sh, want)
	}
	return secObject{id: id, label: label, meta: access.Intel{OrgID: obj.OrgID, TLP: sh.TLP, Members: sh.Members,
		Groups: sh.Groups, Orgs: sh.Orgs}}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// checkListings: on every path that lists, each fixture object is present
// exactly when the reader may see it.
func checkListings(t *testing.T, e *apptest.Env, fx secFixture, visible func(secObject) bool, page *http.Client, token string) {
	t.Helper()
	q := url.QueryEscape(secValue)
	api := func(path string) string { return get(t, e, nil, token, "/api/v1"+path, http.StatusOK) }
	paths := map[string]func() string{
		"page list":          func() string { return get(t, e, page, "", "/intel?limit=500", http.StatusOK) },
		"page search":        func() string { return get(t, e, page, "", "/intel?q="+q, http.StatusOK) },
		"page export stix":   func() string { return get(t, e, page, "", "/intel/export?format=stix", http.StatusOK) },
		"page export misp":   func() string { return get(t, e, page, "", "/intel/export?format=misp", http.StatusOK) },
		"page export csv":    func() string { return get(t, e, page, "", "/intel/export?format=csv", http.StatusOK) },
		"api list":           func() string { return api("/intel?limit=500") },
		"api search":         func() string { return api("/intel?q=" + q + "&limit=500") },
		"api lookup":         func() string { return api("/lookup?value=" + q) },
		"api export stix":    func() string { return api("/intel/export?format=stix") },
		"api export misp":    func() string { return api("/intel/export?format=misp") },
		"api export csv":     func() string { return api("/intel/export?format=csv") },
		"taxii objects":      func() string { return taxiiAll(t, e, token, "objects/") },
		"taxii manifest":     func() string { return taxiiAll(t, e, token, "manifest/") },
		"taxii objects type": func() string { return taxiiAll(t, e, token, "objects/?match[type]=indicator,sighting") },
	}
	for name, fetch := range paths {
		body := fetch()
		for _, o := range fx.objects {
			if strings.Contains(name, "search") || strings.Contains(name, "lookup") || strings.Contains(name, "csv") {
				// These list only what carries the value: the indicators.
				if strings.HasPrefix(o.label, "sighting") {
					if has(body, o.id) && !visible(o) {
						t.Errorf("%s shows %s (%s) that the reader may not see", name, o.label, o.id)
					}
					continue
				}
			}
			switch got, want := has(body, o.id), visible(o); {
			case got && !want:
				t.Errorf("%s shows %s (%s) that the reader may not see", name, o.label, o.id)
			case !got && want:
				t.Errorf("%s misses %s (%s) that the reader may see", name, o.label, o.id)
			}
		}
	}
}

// checkObjectPaths: each object's own paths answer 200 exactly when the
// reader may see it, 404 otherwise, and what they show about other objects
// (versions, relationships, correlations, sightings) is only what the
// reader may see.
func checkObjectPaths(t *testing.T, e *apptest.Env, fx secFixture, visible func(secObject) bool, page *http.Client, token string) {
	t.Helper()
	for _, o := range fx.objects {
		status := http.StatusNotFound
		if visible(o) {
			status = http.StatusOK
		}
		id := url.PathEscape(o.id)
		bodies := map[string]string{
			"page":              get(t, e, page, "", "/intel/"+id, status),
			"api object":        get(t, e, nil, token, "/api/v1/intel/"+id, status),
			"api versions":      get(t, e, nil, token, "/api/v1/intel/"+id+"/versions", status),
			"api related":       get(t, e, nil, token, "/api/v1/intel/"+id+"/related", status),
			"api correlations":  get(t, e, nil, token, "/api/v1/intel/"+id+"/correlations", status),
			"api sightings":     get(t, e, nil, token, "/api/v1/intel/"+id+"/sightings", status),
			"taxii object":      taxiiGet(t, e, token, "objects/"+id+"/", status),
			"taxii versions":    taxiiGet(t, e, token, "objects/"+id+"/versions/", status),
			"taxii all version": taxiiGet(t, e, token, "objects/"+id+"/?match[version]=all", status),
		}
		for name, body := range bodies {
			for _, other := range fx.objects {
				if other.id == o.id && !visible(o) {
					// A 404 may repeat the path asked for; it must not say
					// anything the path did not.
					if strings.Contains(body, "sec "+o.label) {
						t.Errorf("%s of %s answers with its name", name, o.label)
					}
					continue
				}
				if has(body, other.id) && !visible(other) {
					t.Errorf("%s of %s shows %s (%s) that the reader may not see", name, o.label, other.label, other.id)
				}
			}
		}
		if visible(o) {
			// The page shows the correlations with every other visible
			// fixture object (they all carry secValue).
			for _, other := range fx.objects {
				if other.id != o.id && visible(other) && !strings.HasPrefix(other.label, "sighting") &&
					!strings.HasPrefix(o.label, "sighting") && !has(bodies["api correlations"], other.id) {
					t.Errorf("correlations of %s miss %s", o.label, other.label)
				}
			}
		}
	}
}

// has reports whether body mentions the object: by its STIX id, or by its
// UUID alone (MISP exports name objects by UUID).
func has(body, id string) bool {
	_, uuid, _ := strings.Cut(id, "--")
	return strings.Contains(body, id) || (uuid != "" && strings.Contains(body, uuid))
}

// get fetches path with the page client (session) or the token, checks the
// status and returns the body.
func get(t *testing.T, e *apptest.Env, c *http.Client, token, path string, want int) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c == nil {
		c = http.DefaultClient
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, c, req, want)
}

func do(t *testing.T, c *http.Client, req *http.Request, want int) string {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Errorf("%s %s: status %d, want %d: %.300s", req.Method, req.URL, resp.StatusCode, want, b)
	}
	return string(b)
}

// taxiiGet fetches a path under the network collection of the reader.
func taxiiGet(t *testing.T, e *apptest.Env, token, rel string, want int) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.URL+networkCollection(t, e, token)+rel, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/taxii+json;version=2.1")
	req.Header.Set("Authorization", "Bearer "+token)
	return do(t, http.DefaultClient, req, want)
}

// taxiiAll follows a listing's pages (limit 5, so paging is walked too) and
// returns every page's body joined.
func taxiiAll(t *testing.T, e *apptest.Env, token, rel string) string {
	t.Helper()
	var all strings.Builder
	sep := "?"
	if strings.Contains(rel, "?") {
		sep = "&"
	}
	next := ""
	for range 200 {
		path := rel + sep + "limit=5"
		if next != "" {
			path += "&next=" + url.QueryEscape(next)
		}
		body := taxiiGet(t, e, token, path, http.StatusOK)
		all.WriteString(body)
		var env struct {
			More bool   `json:"more"`
			Next string `json:"next"`
		}
		if err := json.Unmarshal([]byte(body), &env); err != nil {
			t.Fatalf("TAXII %s: %v", rel, err)
		}
		if !env.More {
			return all.String()
		}
		next = env.Next
	}
	t.Fatalf("TAXII %s: more than 200 pages", rel)
	return ""
}

// networkCollection finds the collection holding everything the reader may
// see, from the TAXII collections resource itself.
func networkCollection(t *testing.T, e *apptest.Env, token string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.URL+"/taxii2/network/collections/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/taxii+json;version=2.1")
	req.Header.Set("Authorization", "Bearer "+token)
	body := do(t, http.DefaultClient, req, http.StatusOK)
	var cols struct {
		Collections []struct {
			ID    string `json:"id"`
			Alias string `json:"alias"`
		} `json:"collections"`
	}
	if err := json.Unmarshal([]byte(body), &cols); err != nil {
		t.Fatalf("TAXII collections: %v", err)
	}
	for _, c := range cols.Collections {
		if c.Alias == "network" {
			return fmt.Sprintf("/taxii2/network/collections/%s/", c.ID)
		}
	}
	t.Fatalf("no collection with alias network in %s", body)
	return ""
}
