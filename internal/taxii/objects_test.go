package taxii_test

import (
	"encoding/json"
	"net/url"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/sharedtest"
	"atalaya/internal/taxii"
)

// medallion is the collection "91a7b528-…" of the reference server's test
// data: three versions of one indicator, another indicator, a
// relationship, a TLP marking and a malware in two versions, one of them
// STIX 2.0 (no spec_version).
const (
	medallionCollection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
	urlIndicator        = "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e"
	hashIndicator       = "indicator--cd981c25-8042-4166-8945-51178443bdac"
	malware             = "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec"
)

// The three versions of urlIndicator, oldest first (also the order POSTed).
var urlVersions = []string{"2016-11-03T12:30:59.000Z", "2016-12-25T12:30:59.444Z", "2017-01-27T13:49:53.935Z"}

// medallionObjects reads the objects of that collection.
func medallionObjects(t *testing.T) []json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(sharedtest.Path(t, "taxii", "medallion", "default_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		TrustGroup struct {
			Collections []struct {
				ID      string            `json:"id"`
				Objects []json.RawMessage `json:"objects"`
			} `json:"collections"`
		} `json:"trustgroup1"`
	}
	if err := json.Unmarshal(b, &data); err != nil {
		t.Fatal(err)
	}
	for _, c := range data.TrustGroup.Collections {
		if c.ID == medallionCollection {
			return c.Objects
		}
	}
	t.Fatalf("no collection %s in the medallion data", medallionCollection)
	return nil
}

// taxiiTime is the form of date_added and the X-TAXII-Date-Added headers.
var taxiiTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)

// TestPostAndStatus posts the reference server's objects and reads the
// status back as the poster, a colleague, an administrator of the
// poster's organisation and someone else.
func TestPostAndStatus(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		objs := medallionObjects(t)
		network := e.collectionID(t, mxAnalyst, "network")
		poster := e.bearer(t, mxAnalyst)
		var st status
		poster.request(t, "POST", objectsURL(network), envelopeOf(objs...), nil).expect(t, "POST", 202, &st)
		if st.ID == "" || st.Status != "complete" || st.TotalCount != len(objs) || st.PendingCount != 0 ||
			st.SuccessCount+st.FailureCount != st.TotalCount || len(st.Successes) != st.SuccessCount ||
			len(st.Failures) != st.FailureCount || !taxiiTime.MatchString(st.RequestTimestamp) {
			t.Fatalf("status %+v", st)
		}
		var stored []string
		for _, s := range st.Successes {
			if s.ID == urlIndicator {
				stored = append(stored, s.Version)
			}
		}
		if !slices.Equal(sorted(stored), urlVersions) {
			t.Errorf("successes hold versions %v of %s, want %v", stored, urlIndicator, urlVersions)
		}
		// The STIX 2.0 malware is refused, with its version (section
		// 4.3.1: a status detail has an id and a version).
		failed := false
		for _, f := range st.Failures {
			failed = failed || (f.ID == malware && f.Version == "2018-02-23T18:30:00.000Z" && contains(f.Message, "spec_version"))
		}
		if !failed {
			t.Errorf("failures %+v do not list the STIX 2.0 malware with its version and a reason", st.Failures)
		}

		path := rootURL + "status/" + st.ID + "/"
		cases := []struct {
			name string
			who  client
			want int
		}{
			{"the poster", poster, 200},
			{"the poster with a read token", tokenOf(e, t, mxAnalyst, access.ScopeRead), 200},
			{"the poster's organisation's admin", tokenOf(e, t, mxAdmin, access.ScopeAdmin), 200},
			// Reading a status is reading: the read scope is enough.
			{"the poster's organisation's admin with a read token", tokenOf(e, t, mxAdmin, access.ScopeRead), 200},
			{"another organisation", e.bearer(t, brAnalyst), 404},
			{"another organisation's admin", tokenOf(e, t, bankAdmin, access.ScopeAdmin), 404},
			{"the secretariat", e.bearer(t, secAdmin), 404},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := tc.who.request(t, "GET", path, nil, nil)
				if tc.want != 200 {
					a.errorOf(t, tc.name, tc.want)
					return
				}
				var again status
				a.expect(t, tc.name, 200, &again)
				if again.ID != st.ID || again.SuccessCount != st.SuccessCount || again.FailureCount != st.FailureCount {
					t.Errorf("status read back %+v, posted %+v", again, st)
				}
			})
		}

		// The admin's own POST is not the analyst's to read.
		var adminSt status
		e.bearer(t, mxAdmin).request(t, "POST", objectsURL(network), envelopeOf(objs[0]), nil).expect(t, "admin POST", 202, &adminSt)
		e.bearer(t, mxAnalyst).request(t, "GET", rootURL+"status/"+adminSt.ID+"/", nil, nil).
			errorOf(t, "a colleague reads the admin's status", 404)

		// Posting the same objects again changes nothing and fails nothing
		// that succeeded (section 5.5: a duplicate is not an error).
		var st2 status
		poster.request(t, "POST", objectsURL(network), envelopeOf(objs...), nil).expect(t, "POST again", 202, &st2)
		if st2.SuccessCount != st.SuccessCount || st2.FailureCount != st.FailureCount {
			t.Errorf("second POST %d successes, %d failures; first %d, %d",
				st2.SuccessCount, st2.FailureCount, st.SuccessCount, st.FailureCount)
		}
	})
}

// TestFilters checks the match filters and added_after on the objects,
// object, versions and manifest endpoints over the reference server's data.
func TestFilters(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		network := e.collectionID(t, mxAnalyst, "network")
		c := e.bearer(t, mxAnalyst)
		c.request(t, "POST", objectsURL(network), envelopeOf(medallionObjects(t)...), nil).expect(t, "POST", 202, nil)
		objects := objectsURL(network)
		future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"))
		cases := []struct {
			name  string
			path  string
			want  []ref // nil: the empty envelope {}
			empty bool
		}{
			{"id: last version by default", objects + "?match[id]=" + urlIndicator, []ref{{urlIndicator, urlVersions[2]}}, false},
			{"version first", objects + "?match[id]=" + urlIndicator + "&match[version]=first", []ref{{urlIndicator, urlVersions[0]}}, false},
			{"version last", objects + "?match[id]=" + urlIndicator + "&match[version]=last", []ref{{urlIndicator, urlVersions[2]}}, false},
			{"version all", objects + "?match[id]=" + urlIndicator + "&match[version]=all",
				[]ref{{urlIndicator, urlVersions[0]}, {urlIndicator, urlVersions[1]}, {urlIndicator, urlVersions[2]}}, false},
			{"version by timestamp", objects + "?match[id]=" + urlIndicator + "&match[version]=" + urlVersions[1],
				[]ref{{urlIndicator, urlVersions[1]}}, false},
			{"version first and last", objects + "?match[id]=" + urlIndicator + "&match[version]=first,last",
				[]ref{{urlIndicator, urlVersions[0]}, {urlIndicator, urlVersions[2]}}, false},
			{"two ids", objects + "?match[id]=" + urlIndicator + "," + hashIndicator,
				[]ref{{hashIndicator, "2014-05-08T09:00:00.000Z"}, {urlIndicator, urlVersions[2]}}, false},
			{"two ids in two parameters", objects + "?match[id]=" + urlIndicator + "&match[id]=" + hashIndicator,
				[]ref{{hashIndicator, "2014-05-08T09:00:00.000Z"}, {urlIndicator, urlVersions[2]}}, false},
			{"type matches", objects + "?match[id]=" + urlIndicator + "&match[type]=indicator", []ref{{urlIndicator, urlVersions[2]}}, false},
			{"type does not match", objects + "?match[id]=" + urlIndicator + "&match[type]=malware", nil, true},
			{"spec_version 2.1", objects + "?match[id]=" + urlIndicator + "&match[spec_version]=2.1", []ref{{urlIndicator, urlVersions[2]}}, false},
			{"spec_version 2.0", objects + "?match[id]=" + urlIndicator + "&match[spec_version]=2.0", nil, true},
			{"added after now", objects + "?match[id]=" + urlIndicator + "&added_after=" + future, nil, true},
			{"object: last by default", objects + urlIndicator + "/", []ref{{urlIndicator, urlVersions[2]}}, false},
			{"object: all versions", objects + urlIndicator + "/?match[version]=all",
				[]ref{{urlIndicator, urlVersions[0]}, {urlIndicator, urlVersions[1]}, {urlIndicator, urlVersions[2]}}, false},
			{"object: first", objects + urlIndicator + "/?match[version]=first", []ref{{urlIndicator, urlVersions[0]}}, false},
			{"object: no such version", objects + urlIndicator + "/?match[version]=1999-01-01T00:00:00Z", nil, true},
			{"object: added after now", objects + urlIndicator + "/?added_after=" + future, nil, true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var env envelope
				a := c.get(t, tc.path, 200, &env)
				if tc.empty {
					if string(a.body) != "{}" {
						t.Errorf("body %s, want the empty envelope {}", a.body)
					}
					if a.header.Get("X-TAXII-Date-Added-First") != "" {
						t.Error("an empty page has X-TAXII-Date-Added-First")
					}
					return
				}
				got := refs(t, env.Objects)
				if !sameRefs(got, tc.want) {
					t.Errorf("objects %v, want %v", got, tc.want)
				}
				if env.More == nil || *env.More {
					t.Errorf("more = %v, want false", env.More)
				}
				checkAddedHeaders(t, a)
			})
		}
	})
}

// sameRefs compares two sets of refs, ignoring order.
func sameRefs(a, b []ref) bool {
	key := func(r ref) string { return r.ID + "@" + r.Version }
	var ka, kb []string
	for _, r := range a {
		ka = append(ka, key(r))
	}
	for _, r := range b {
		kb = append(kb, key(r))
	}
	return slices.Equal(sorted(ka), sorted(kb))
}

// checkAddedHeaders checks the X-TAXII-Date-Added headers of a page.
func checkAddedHeaders(t *testing.T, a answer) {
	t.Helper()
	first, last := a.header.Get("X-TAXII-Date-Added-First"), a.header.Get("X-TAXII-Date-Added-Last")
	if !taxiiTime.MatchString(first) || !taxiiTime.MatchString(last) || first > last {
		t.Errorf("X-TAXII-Date-Added-First %q, -Last %q", first, last)
	}
}

// TestAlias checks that a collection's alias stands for its id in URLs.
func TestAlias(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.bearer(t, mxAnalyst)
		network := e.collectionID(t, mxAnalyst, "network")
		var col struct{ ID, Alias string }
		c.get(t, rootURL+"collections/"+network+"/", 200, &col)
		if col.Alias == "" {
			t.Fatal("the network collection has no alias")
		}
		c.get(t, rootURL+"collections/"+col.Alias+"/", 200, &col)
		if col.ID != network {
			t.Errorf("collection by alias has id %s, want %s", col.ID, network)
		}
		var byID, byAlias envelope
		c.get(t, objectsURL(network)+"?match[version]=all", 200, &byID)
		c.get(t, objectsURL(col.Alias)+"?match[version]=all", 200, &byAlias)
		if len(byID.Objects) == 0 || !slices.Equal(ids(t, byID.Objects), ids(t, byAlias.Objects)) {
			t.Errorf("objects by alias %v, by id %v", ids(t, byAlias.Objects), ids(t, byID.Objects))
		}
		c.request(t, "GET", objectsURL("no-such-alias"), nil, nil).errorOf(t, "unknown alias", 404)
	})
}

// TestVersionsAndManifest checks the versions and manifest resources.
func TestVersionsAndManifest(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		network := e.collectionID(t, mxAnalyst, "network")
		c := e.bearer(t, mxAnalyst)
		c.request(t, "POST", objectsURL(network), envelopeOf(medallionObjects(t)...), nil).expect(t, "POST", 202, nil)

		var vs struct {
			More     *bool    `json:"more"`
			Versions []string `json:"versions"`
		}
		a := c.get(t, objectsURL(network)+urlIndicator+"/versions/", 200, &vs)
		if !slices.Equal(vs.Versions, urlVersions) || vs.More == nil || *vs.More {
			t.Errorf("versions %v more %v, want %v oldest first and more false", vs.Versions, vs.More, urlVersions)
		}
		checkAddedHeaders(t, a)
		c.get(t, objectsURL(network)+urlIndicator+"/versions/?limit=2", 200, &vs)
		if len(vs.Versions) != 2 || vs.More == nil || !*vs.More {
			t.Errorf("versions with limit 2: %v more %v", vs.Versions, vs.More)
		}
		a = c.request(t, "GET", objectsURL(network)+"indicator--00000000-0000-4000-8000-000000000000/versions/", nil, nil)
		a.errorOf(t, "versions of an unknown object", 404)

		var m manifest
		a = c.get(t, rootURL+"collections/"+network+"/manifest/?match[id]="+urlIndicator+"&match[version]=all", 200, &m)
		checkAddedHeaders(t, a)
		if len(m.Objects) != 3 {
			t.Fatalf("manifest %+v, want the three versions", m)
		}
		prev := ""
		for i, r := range m.Objects {
			if r.ID != urlIndicator || r.Version != urlVersions[i] || r.MediaType != taxii.MediaSTIX ||
				!taxiiTime.MatchString(r.DateAdded) || r.DateAdded <= prev {
				t.Errorf("manifest record %d: %+v", i, r)
			}
			prev = r.DateAdded
		}
		if a.header.Get("X-TAXII-Date-Added-First") != m.Objects[0].DateAdded ||
			a.header.Get("X-TAXII-Date-Added-Last") != m.Objects[2].DateAdded {
			t.Errorf("headers %q..%q, records %q..%q", a.header.Get("X-TAXII-Date-Added-First"),
				a.header.Get("X-TAXII-Date-Added-Last"), m.Objects[0].DateAdded, m.Objects[2].DateAdded)
		}
	})
}

// TestPagination pages through 250 objects with next and with added_after,
// and checks that no object is skipped or repeated.
func TestPagination(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		const n = 250
		var want []string
		var objs []json.RawMessage
		start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			id, obj := indicator("paged", "198.51.100.9", start.Add(time.Duration(i)*time.Second))
			want = append(want, id)
			objs = append(objs, obj)
		}
		e.put(t, mxAnalyst, intel.Sharing{TLP: access.TLPGreen, Members: true}, objs...)
		network := e.collectionID(t, brAnalyst, "network")
		c := e.bearer(t, brAnalyst)
		base := objectsURL(network) + "?match[type]=indicator&limit=100"

		t.Run("next", func(t *testing.T) {
			got, pages := pageWithNext(t, c, base)
			checkPaged(t, got, want, pages)
		})
		t.Run("added_after", func(t *testing.T) {
			var got []string
			pages, after := 0, ""
			for ; pages < 20; pages++ {
				path := base
				if after != "" {
					path += "&added_after=" + url.QueryEscape(after)
				}
				var env envelope
				a := c.get(t, path, 200, &env)
				got = append(got, ids(t, env.Objects)...)
				if len(env.Objects) == 0 {
					break
				}
				if len(env.Objects) > 100 {
					t.Fatalf("page of %d objects with limit 100", len(env.Objects))
				}
				after = a.header.Get("X-TAXII-Date-Added-Last")
			}
			checkPaged(t, got, want, pages)
		})
		t.Run("manifest", func(t *testing.T) {
			var got []string
			path, pages := rootURL+"collections/"+network+"/manifest/?match[type]=indicator&limit=100", 0
			for next := ""; pages < 20; pages++ {
				var m manifest
				p := path
				if next != "" {
					p += "&next=" + url.QueryEscape(next)
				}
				c.get(t, p, 200, &m)
				for _, r := range m.Objects {
					got = append(got, r.ID)
				}
				if m.More == nil || !*m.More {
					break
				}
				next = m.Next
			}
			checkPaged(t, got, want, pages+1)
		})
	})
}

// pageWithNext follows next from path until more is false, and returns the
// ids seen and the number of pages.
func pageWithNext(t *testing.T, c client, path string) ([]string, int) {
	t.Helper()
	var got []string
	pages := 0
	for next := ""; pages < 100; {
		p := path
		if next != "" {
			p += "&next=" + url.QueryEscape(next)
		}
		var env envelope
		a := c.get(t, p, 200, &env)
		pages++
		got = append(got, ids(t, env.Objects)...)
		if len(env.Objects) > 0 {
			checkAddedHeaders(t, a)
		}
		if env.More == nil || !*env.More {
			break
		}
		if env.Next == "" {
			t.Fatal("more is true but next is empty")
		}
		next = env.Next
	}
	return got, pages
}

// checkPaged checks that every wanted id was seen exactly once, over at
// least three pages.
func checkPaged(t *testing.T, got, want []string, pages int) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("%s seen %d times", id, seen[id])
		}
	}
	if pages < 3 {
		t.Errorf("%d pages for %d objects at 100 a page", pages, len(want))
	}
}

// TestDelete checks who may delete what, and that a deleted object is
// gone from every endpoint.
func TestDelete(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		network := e.collectionID(t, mxAdmin, "network")
		start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		id, v1 := indicator("to delete", "203.0.113.5", start)
		v2 := version(id, "to delete", "203.0.113.6", start, start.Add(time.Hour))
		v3 := version(id, "to delete", "203.0.113.7", start, start.Add(2*time.Hour))
		e.put(t, mxAnalyst, intel.Sharing{TLP: access.TLPGreen, Members: true}, v1, v2, v3)
		objURL := objectsURL(network) + id + "/"
		admin := e.bearer(t, mxAdmin)
		cases := []struct {
			name string
			who  client
			path string
			want int
		}{
			{"another organisation may not", e.bearer(t, brAnalyst), objURL, 403},
			{"an analyst of the creator may not", e.bearer(t, mxAnalyst), objURL, 403},
			{"a read-only token may not", client{e: e, authorization: "Bearer " + e.Token(t, mxAdmin, access.ScopeRead)}, objURL, 403},
			{"unknown object", admin, objectsURL(network) + "indicator--00000000-0000-4000-8000-000000000000/", 404},
			{"no such version", admin, objURL + "?match[version]=1999-01-01T00:00:00.000Z", 404},
			{"the first version", admin, objURL + "?match[version]=first", 200},
			{"a version by timestamp", admin, objURL + "?match[version]=" + start.Add(time.Hour).Format("2006-01-02T15:04:05.000Z"), 200},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := tc.who.request(t, "DELETE", tc.path, nil, nil)
				if tc.want != 200 {
					a.errorOf(t, tc.name, tc.want)
					return
				}
				a.expect(t, tc.name, 200, nil)
			})
		}
		var vs struct{ Versions []string }
		admin.get(t, objURL+"versions/", 200, &vs)
		if want := []string{start.Add(2 * time.Hour).Format("2006-01-02T15:04:05.000Z")}; !slices.Equal(vs.Versions, want) {
			t.Errorf("versions after deleting two: %v, want %v", vs.Versions, want)
		}
		admin.request(t, "DELETE", objURL, nil, nil).expect(t, "DELETE the rest", 200, nil)
		admin.request(t, "GET", objURL, nil, nil).errorOf(t, "GET after DELETE", 404)
		admin.request(t, "GET", objURL+"versions/", nil, nil).errorOf(t, "versions after DELETE", 404)
		var m manifest
		admin.get(t, rootURL+"collections/"+network+"/manifest/?match[id]="+id+"&match[version]=all", 200, &m)
		if len(m.Objects) != 0 {
			t.Errorf("manifest after DELETE: %+v", m.Objects)
		}
		admin.request(t, "DELETE", objURL, nil, nil).errorOf(t, "DELETE again", 404)
	})
}
