package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// intelWorld is what TestSecurityIntel shares before it looks: objects of
// every TLP and distribution, by two organisations, with relationships, a
// report, a new version and sightings, and what each is shared with as the
// creator reads it back.
type intelWorld struct {
	ids        []string                // every object
	markers    map[string]string       // id -> text only that object holds (its name)
	sharing    map[string]access.Intel // as stored
	indicators []string                // carrying sharedIP
	malware    string                  // what every indicator "indicates"
	related    map[string]string       // indicator -> its relationship to the malware
	sightings  map[string][]string     // indicator -> sightings of it
	group      string                  // the national team's sharing group, with the bank in it
	clearAll   string                  // the indicator everyone may see
}

// distributions are the ways an object reaches others, as upload queries.
func distributions(w *intelWorld, br string) []struct{ name, query string } {
	return []struct{ name, query string }{
		{"own", ""}, {"members", "members=true"}, {"group", "group=" + w.group}, {"org", "org=" + br},
	}
}

// shareWorld builds the objects as the demo's users.
func shareWorld(t *testing.T, e *apptest.Env) *intelWorld {
	t.Helper()
	mx, bank, br := bearer(t, e, mxAnalyst), bearer(t, e, bankAdmin), bearer(t, e, brAnalyst)
	w := &intelWorld{markers: map[string]string{}, sharing: map[string]access.Intel{}, related: map[string]string{},
		sightings: map[string][]string{}}
	w.group = createGroup(t, e, bearer(t, e, mxAdmin), "MX banking", e.Org(t, bankTeam)).ID
	malware := newSDO("malware", map[string]any{"name": "sec-malware", "is_family": false})
	shareAs(t, e, mx, "tlp=clear&members=true", malware)
	w.add(malware.id(), "sec-malware")
	w.malware = malware.id()
	var forReport []string
	for _, tlp := range access.TLPs {
		for _, d := range distributions(w, e.Org(t, brTeam)) {
			if tlp == access.TLPRed && d.name == "members" {
				continue // not allowed: refused, see TestIntelObjectsReport
			}
			marker := "sec-" + strings.ReplaceAll(string(tlp), "+", "-") + "-" + d.name
			ind := indicatorOf(marker)
			rel := relationshipOf("indicates", ind.id(), malware.id())
			shareAs(t, e, mx, q("tlp", string(tlp))+"&"+d.query, ind, rel)
			w.add(ind.id(), marker)
			w.add(rel.id(), "")
			w.indicators = append(w.indicators, ind.id())
			w.related[ind.id()] = rel.id()
			if d.name == "members" && (tlp == access.TLPClear || tlp == access.TLPGreen) {
				forReport = append(forReport, ind.id())
			}
			if d.name == "members" && tlp == access.TLPClear {
				w.clearAll = ind.id()
			}
		}
	}
	for _, s := range []struct{ marker, query string }{
		{"sec-bank-amber-own", "tlp=amber"}, {"sec-bank-green-members", "tlp=green&members=true"},
	} {
		ind := indicatorOf(s.marker)
		shareAs(t, e, bank, s.query, ind)
		w.add(ind.id(), s.marker)
		w.indicators = append(w.indicators, ind.id())
	}
	report := newSDO("report", map[string]any{"name": "sec-report", "published": stixCreated,
		"object_refs": append(forReport, malware.id())})
	shareAs(t, e, mx, "tlp=green&members=true", report)
	w.add(report.id(), "sec-report")
	w.newVersion(t, e, mx)
	w.sight(t, e, br, "sec-green-members", map[string]any{"count": 3, "where": "sensor-br", "tlp": "amber"})
	w.sight(t, e, bank, "sec-amber-group", map[string]any{"count": 1, "tlp": "amber",
		"distribution": map[string]any{"groups": []string{w.group}}})
	w.readSharing(t, e)
	return w
}

func (w *intelWorld) add(id, marker string) {
	w.ids = append(w.ids, id)
	if marker != "" {
		w.markers[id] = marker
	}
}

// byMarker returns the object holding marker.
func (w *intelWorld) byMarker(t *testing.T, marker string) string {
	t.Helper()
	for id, m := range w.markers {
		if m == marker {
			return id
		}
	}
	t.Fatalf("no object %s", marker)
	return ""
}

// newVersion stores a second version of the green indicator for everyone.
func (w *intelWorld) newVersion(t *testing.T, e *apptest.Env, mx who) {
	t.Helper()
	id := w.byMarker(t, "sec-green-members")
	var cur intelObj
	get(t, e, mx, "/api/v1/intel/"+id, http.StatusOK, &cur)
	next := stixObject(cur.Object)
	next["modified"] = "2026-01-06T10:00:00.000Z"
	next["description"] = "second version"
	shareAs(t, e, mx, "tlp=green&members=true", next)
}

// sight reports the indicator holding marker seen, as w.
func (w *intelWorld) sight(t *testing.T, e *apptest.Env, as who, marker string, body map[string]any) {
	t.Helper()
	id := w.byMarker(t, marker)
	var s intelObj
	post(t, e, as, "/api/v1/intel/"+id+"/sightings", body, http.StatusCreated, &s)
	w.add(s.ID, "")
	w.sightings[id] = append(w.sightings[id], s.ID)
}

// intelViewers are one user of each demo organisation: the creator, a
// sharing-group member, a named recipient, a member state's ministry, the
// secretariat, an expert, an observer. Each sees every object of its own
// organisation.
var intelViewers = []string{mxAnalyst, bankAdmin, brAnalyst, crContact, secOfficer, expertUser, observer}

// readSharing reads every object's marking and distribution back through
// the API as its creator sees it, so the rows below judge what is stored.
// The objects the demo seeds join the world here, with no marker.
func (w *intelWorld) readSharing(t *testing.T, e *apptest.Env) {
	t.Helper()
	for _, email := range intelViewers {
		as := bearer(t, e, email, access.ScopeRead)
		own := orgOfToken(t, e, as)
		for _, body := range walk(t, e, as, "/api/v1/intel?limit=500") {
			var l list[intelObj]
			answer{body: body}.decode(t, &l)
			for _, o := range l.Items {
				if o.Org != own {
					continue
				}
				if !slices.Contains(w.ids, o.ID) {
					w.add(o.ID, "")
				}
				w.sharing[o.ID] = access.Intel{OrgID: o.Org, TLP: access.TLP(o.TLP), Members: o.Distribution.Members,
					Groups: o.Distribution.Groups, Orgs: o.Distribution.Orgs}
			}
		}
	}
	for _, id := range w.ids {
		if _, ok := w.sharing[id]; !ok {
			t.Fatalf("%s: its creator does not list it", id)
		}
	}
}

// orgOfToken is the organisation of the credentials' user.
func orgOfToken(t *testing.T, e *apptest.Env, w who) string {
	t.Helper()
	var me struct {
		Organization struct {
			ID string `json:"id"`
		} `json:"organization"`
	}
	get(t, e, w, "/api/v1/me", http.StatusOK, &me)
	return me.Organization.ID
}

// viewer is one user looking, and what access says they may see.
type viewer struct {
	email  string
	w      who
	actor  access.Actor
	groups []string
}

func (v viewer) may(w *intelWorld, id string) bool {
	return access.CanSeeIntel(v.actor, v.groups, w.sharing[id])
}

// leaks fails the test when body holds anything of an object the viewer
// may not see: its id, its UUID (MISP documents carry that alone) or its
// marker. Only answers that give something count: a 404 repeats the path
// asked for, which the caller already knows.
func (v viewer) leaks(t *testing.T, w *intelWorld, what string, a answer) {
	t.Helper()
	if a.status != http.StatusOK {
		return
	}
	s := string(a.body)
	for _, id := range w.ids {
		if v.may(w, id) {
			continue
		}
		_, uuid, _ := strings.Cut(id, "--")
		if strings.Contains(s, uuid) {
			t.Errorf("%s shows %s to %s", what, id, v.email)
		}
		if m := w.markers[id]; m != "" && containsWord(s, m) {
			t.Errorf("%s shows %s's text %q to %s", what, id, m, v.email)
		}
	}
}

// TestSecurityIntel walks every API path that returns intel, for users of
// seven organisations (the creator, a sharing-group member, a named
// recipient, a member state's ministry, the secretariat, an expert, an
// observer) over objects of every TLP and distribution. It fails if any
// answer holds anything of an object access.CanSeeIntel says the user may
// not see, and if the user misses what they may.
func TestSecurityIntel(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		world := shareWorld(t, e)
		checkWorld(t, e, world)
		for _, email := range intelViewers {
			t.Run(email, func(t *testing.T) {
				v := viewer{email: email, w: bearer(t, e, email, access.ScopeRead), actor: e.Actor(t, email)}
				var err error
				if v.groups, err = e.App.Intel.GroupsOf(context.Background(), v.actor.OrgID); err != nil {
					t.Fatal(err)
				}
				checkGroupsListed(t, e, world, v)
				t.Run("list", func(t *testing.T) { checkList(t, e, world, v) })
				t.Run("objects and versions", func(t *testing.T) { checkEachObject(t, e, world, v) })
				t.Run("related", func(t *testing.T) { checkRelated(t, e, world, v) })
				t.Run("correlations and lookup", func(t *testing.T) { checkCorrelations(t, e, world, v) })
				t.Run("sightings", func(t *testing.T) { checkSightings(t, e, world, v) })
				t.Run("exports", func(t *testing.T) { checkExports(t, e, world, v) })
			})
		}
	})
}

// checkWorld checks the fixture is what the rows assume: each object
// shared as asked, so that every row can fail.
func checkWorld(t *testing.T, e *apptest.Env, w *intelWorld) {
	t.Helper()
	cases := []struct {
		marker string
		want   access.Intel
	}{
		{"sec-red-org", access.Intel{OrgID: e.Org(t, mxTeam), TLP: access.TLPRed, Orgs: []string{e.Org(t, brTeam)}}},
		{"sec-amber-strict-group", access.Intel{OrgID: e.Org(t, mxTeam), TLP: access.TLPAmberStrict, Groups: []string{w.group}}},
		{"sec-green-members", access.Intel{OrgID: e.Org(t, mxTeam), TLP: access.TLPGreen, Members: true}},
		{"sec-clear-own", access.Intel{OrgID: e.Org(t, mxTeam), TLP: access.TLPClear}},
		{"sec-bank-amber-own", access.Intel{OrgID: e.Org(t, bankTeam), TLP: access.TLPAmber}},
	}
	for _, tc := range cases {
		got := w.sharing[w.byMarker(t, tc.marker)]
		if got.OrgID != tc.want.OrgID || got.TLP != tc.want.TLP || got.Members != tc.want.Members ||
			!slices.Equal(got.Groups, tc.want.Groups) || !slices.Equal(got.Orgs, tc.want.Orgs) {
			t.Errorf("%s is shared as %+v, want %+v", tc.marker, got, tc.want)
		}
	}
	if len(w.ids) < 48 {
		t.Fatalf("only %d objects", len(w.ids))
	}
}

// checkGroupsListed checks that the groups the store says the viewer's
// organisation is in are the ones the API lists, and that the rows can
// fail: the test's group reaches the two Mexican teams only.
func checkGroupsListed(t *testing.T, e *apptest.Env, w *intelWorld, v viewer) {
	t.Helper()
	var l list[sharingGroup]
	get(t, e, v.w, "/api/v1/sharing-groups", http.StatusOK, &l)
	var ids []string
	for _, g := range l.Items {
		ids = append(ids, g.ID)
	}
	slices.Sort(ids)
	want := slices.Sorted(slices.Values(v.groups))
	if !slices.Equal(ids, want) {
		t.Fatalf("%s is in groups %v, the API lists %v", v.email, want, ids)
	}
	inGroup := v.actor.OrgID == e.Org(t, mxTeam) || v.actor.OrgID == e.Org(t, bankTeam)
	if slices.Contains(v.groups, w.group) != inGroup {
		t.Fatalf("%s in the test's group: %v", v.email, !inGroup)
	}
}

// visible lists the ids of ids the viewer may see.
func (v viewer) visible(w *intelWorld, ids []string) []string {
	var out []string
	for _, id := range ids {
		if v.may(w, id) {
			out = append(out, id)
		}
	}
	return out
}

func checkList(t *testing.T, e *apptest.Env, w *intelWorld, v viewer) {
	for _, path := range []string{"/api/v1/intel?limit=7", "/api/v1/intel?limit=5&order=oldest"} {
		var got []string
		for _, body := range walk(t, e, v.w, path) {
			v.leaks(t, w, "GET "+path, answer{status: http.StatusOK, body: body})
			var l list[intelObj]
			answer{body: body}.decode(t, &l)
			for _, o := range l.Items {
				got = append(got, o.ID)
			}
		}
		want := v.visible(w, w.ids)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("GET %s: %d objects, want the %d %s may see", path, len(got), len(want), v.email)
		}
	}
	a := get(t, e, v.w, "/api/v1/intel?"+q("q", sharedIP, "limit", "500"), http.StatusOK, nil)
	v.leaks(t, w, "search by value", a)
	for _, id := range v.visible(w, w.indicators) {
		if !strings.Contains(string(a.body), id) {
			t.Errorf("search by value misses %s", id)
		}
	}
}

// checkEachObject asks for every object, and its versions, by id: what the
// viewer may not see is not found, exactly as what does not exist.
func checkEachObject(t *testing.T, e *apptest.Env, w *intelWorld, v viewer) {
	for _, id := range w.ids {
		for _, path := range []string{"/api/v1/intel/" + id, "/api/v1/intel/" + id + "/versions"} {
			a := call(t, e, v.w, request{method: "GET", path: path})
			want := http.StatusNotFound
			if v.may(w, id) {
				want = http.StatusOK
			}
			if a.status != want {
				t.Errorf("GET %s: status %d, want %d", path, a.status, want)
			}
			v.leaks(t, w, "GET "+path, a)
		}
	}
	versions := objectIDs(t, e, v.w, "/api/v1/intel/"+w.byMarker(t, "sec-green-members")+"/versions?limit=1")
	if len(versions) != 2 {
		t.Errorf("%d versions of the green indicator, want 2", len(versions))
	}
}

// checkRelated asks for the objects linked to every object: the malware
// every indicator indicates must list exactly the visible ones.
func checkRelated(t *testing.T, e *apptest.Env, w *intelWorld, v viewer) {
	for _, id := range w.ids {
		a := call(t, e, v.w, request{method: "GET", path: "/api/v1/intel/" + id + "/related"})
		if v.may(w, id) != (a.status == http.StatusOK) {
			t.Errorf("related of %s: status %d", id, a.status)
		}
		v.leaks(t, w, "related of "+id, a)
	}
	a := get(t, e, v.w, "/api/v1/intel/"+w.malware+"/related", http.StatusOK, nil)
	for ind, rel := range w.related {
		if v.may(w, rel) && !strings.Contains(string(a.body), ind) {
			t.Errorf("related of the malware misses %s", ind)
		}
	}
}

func checkCorrelations(t *testing.T, e *apptest.Env, w *intelWorld, v viewer) {
	for _, id := range w.indicators {
		a := call(t, e, v.w, request{method: "GET", path: "/api/v1/intel/" + id + "/correlations"})
		if v.may(w, id) != (a.status == http.StatusOK) {
			t.Errorf("correlations of %s: status %d", id, a.status)
		}
		v.leaks(t, w, "correlations of "+id, a)
	}
	a := get(t, e, v.w, "/api/v1/intel/"+w.clearAll+"/correlations", http.StatusOK, nil)
	for _, id := range v.visible(w, w.indicators) {
		if id != w.clearAll && !strings.Contains(string(a.body), id) {
			t.Errorf("correlations of the clear indicator miss %s", id)
		}
	}
	var found struct {
		Items []intelObj `json:"items"`
	}
	a = get(t, e, v.w, "/api/v1/lookup?"+q("value", sharedIP, "limit", "500"), http.StatusOK, &found)
	v.leaks(t, w, "lookup", a)
	var got []string
	for _, o := range found.Items {
		got = append(got, o.ID)
	}
	want := v.visible(w, w.indicators)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("lookup: %d objects, want %d", len(got), len(want))
	}
}

func checkSightings(t *testing.T, e *apptest.Env, w *intelWorld, v viewer) {
	for _, id := range w.indicators {
		a := call(t, e, v.w, request{method: "GET", path: "/api/v1/intel/" + id + "/sightings"})
		if v.may(w, id) != (a.status == http.StatusOK) {
			t.Errorf("sightings of %s: status %d", id, a.status)
		}
		v.leaks(t, w, "sightings of "+id, a)
		for _, s := range w.sightings[id] {
			if v.may(w, s) && !strings.Contains(string(a.body), s) {
				t.Errorf("sightings of %s miss %s", id, s)
			}
		}
	}
}

// checkExports downloads everything in every format.
func checkExports(t *testing.T, e *apptest.Env, w *intelWorld, v viewer) {
	for _, format := range []string{"stix", "misp", "csv"} {
		a := sendRaw(t, e, v.w, request{method: "GET", path: "/api/v1/intel/export?format=" + format})
		if a.status != http.StatusOK {
			t.Fatalf("export %s: status %d: %s", format, a.status, a.body)
		}
		v.leaks(t, w, "export "+format, a)
		for _, id := range v.visible(w, w.indicators) {
			_, uuid, _ := strings.Cut(id, "--")
			if format != "csv" && !strings.Contains(string(a.body), uuid) {
				t.Errorf("export %s misses %s", format, id)
			}
			if m := w.markers[id]; format == "csv" && !containsWord(string(a.body), m) {
				t.Errorf("export %s misses %s (%s)", format, id, m)
			}
		}
	}
}

// containsWord reports whether s holds marker as a whole word: neither
// preceded nor followed by a letter, digit or hyphen ("sec-amber-own" is
// not in "sec-bank-amber-own").
func containsWord(s, marker string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], marker)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(marker)
		if (start == 0 || !wordByte(s[start-1])) && (end == len(s) || !wordByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func wordByte(b byte) bool {
	return b == '-' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
