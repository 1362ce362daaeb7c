package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// TestIntelListRevokedPages: ?revoked= is the store's filter, applied
// before the page is cut: with 3 revoked and 3 live objects and pages of
// 2, every page but the last is full and the pages hold exactly the
// objects asked for.
func TestIntelListRevokedPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx, bank := bearer(t, e, mxAnalyst, access.ScopeWrite), bearer(t, e, bankAdmin, access.ScopeRead)
		var objs []stixObject
		for i := range 6 {
			objs = append(objs, indicatorOf("revpage-"+strconv.Itoa(i)))
		}
		shareAs(t, e, mx, "tlp=green&members=true", objs...)
		var live, revoked []string
		for i, o := range objs {
			if i%2 == 1 {
				live = append(live, o.id())
				continue
			}
			post(t, e, mx, "/api/v1/intel/"+o.id()+"/revoke", nil, http.StatusOK, nil)
			revoked = append(revoked, o.id())
		}
		cases := []struct {
			name, query string
			want        []string
		}{
			{"live, newest first", "revoked=false", live},
			{"live, oldest first", "revoked=false&order=oldest", live},
			{"revoked, newest first", "revoked=true", revoked},
			{"revoked, oldest first", "revoked=true&order=oldest", revoked},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				pages := walk(t, e, bank, "/api/v1/intel?q=revpage&limit=2&"+tc.query)
				var got []string
				for i, body := range pages {
					var l list[intelObj]
					answer{body: body}.decode(t, &l)
					if i < len(pages)-1 && len(l.Items) != 2 {
						t.Errorf("page %d of %d holds %d objects", i+1, len(pages), len(l.Items))
					}
					for _, o := range l.Items {
						got = append(got, o.ID)
					}
				}
				slices.Sort(got)
				if want := slices.Sorted(slices.Values(tc.want)); !slices.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			})
		}
		// The export takes the same filter.
		for _, tc := range []struct {
			query string
			want  []string
		}{{"revoked=false", live}, {"revoked=true", revoked}} {
			a := sendRaw(t, e, bank, request{method: "GET", path: "/api/v1/intel/export?format=stix&q=revpage&" + tc.query})
			var b struct {
				Objects []struct {
					ID string `json:"id"`
				} `json:"objects"`
			}
			expect(t, a, "export", http.StatusOK, &b)
			var got []string
			for _, o := range b.Objects {
				got = append(got, o.ID)
			}
			slices.Sort(got)
			if want := slices.Sorted(slices.Values(tc.want)); !slices.Equal(got, want) {
				t.Errorf("export ?%s: got %v, want %v", tc.query, got, want)
			}
		}
	})
}

// TestIntelShareAndRead shares a bundle, reads it back every way, stores a
// new version, revokes, and changes the sharing.
func TestIntelShareAndRead(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx, bank := bearer(t, e, mxAnalyst), bearer(t, e, bankAdmin, access.ScopeRead)
		ind := indicatorOf("read-me")
		rep := shareAs(t, e, mx, "tlp=green&members=true", ind)
		if rep.Accepted[0].ID != ind.id() || rep.Accepted[0].Version != stixCreated {
			t.Fatalf("accepted %+v", rep.Accepted)
		}

		t.Run("list and one object", func(t *testing.T) {
			if ids := objectIDs(t, e, bank, "/api/v1/intel?type=indicator"); !slices.Contains(ids, ind.id()) {
				t.Fatalf("the bank does not list it: %v", ids)
			}
			var o intelObj
			get(t, e, bank, "/api/v1/intel/"+ind.id(), http.StatusOK, &o)
			if o.Type != "indicator" || o.Name != "read-me" || o.TLP != "green" || !o.Distribution.Members ||
				o.Org != e.Org(t, mxTeam) || !o.Latest || o.Revoked || o.Object["pattern"] != ind["pattern"] {
				t.Errorf("got %+v", o)
			}
		})

		t.Run("filters", func(t *testing.T) {
			cases := []struct {
				name, query string
				want        bool
			}{
				{"type", "type=indicator", true},
				{"other type", "type=report,malware", false},
				{"tlp", "tlp=green", true},
				{"other tlp", "tlp=clear&tlp=amber", false},
				{"creator", "org=" + e.Org(t, mxTeam), true},
				{"other creator", "org=" + e.Org(t, bankTeam), false},
				{"value", q("q", "read-me.example.org"), true},
				{"words of the name", "q=read-me", true},
				{"added before", q("added_after", "2999-01-01T00:00:00Z"), false},
				{"not revoked", "revoked=false", true},
				{"revoked", "revoked=true", false},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					ids := objectIDs(t, e, bank, "/api/v1/intel?"+tc.query)
					if slices.Contains(ids, ind.id()) != tc.want {
						t.Errorf("?%s lists it: %v, want %v", tc.query, !tc.want, tc.want)
					}
				})
			}
		})

		t.Run("versions", func(t *testing.T) {
			v2 := stixObject{}
			for k, v := range ind {
				v2[k] = v
			}
			v2["modified"], v2["description"] = "2026-01-07T00:00:00.000Z", "more"
			shareAs(t, e, mx, "tlp=green&members=true", v2)
			var latest, first intelObj
			get(t, e, bank, "/api/v1/intel/"+ind.id(), http.StatusOK, &latest)
			get(t, e, bank, "/api/v1/intel/"+ind.id()+"?version="+stixCreated, http.StatusOK, &first)
			if latest.Version != "2026-01-07T00:00:00.000Z" || first.Version != stixCreated || first.Latest {
				t.Errorf("latest %s, asked for %s got %s (latest %v)", latest.Version, stixCreated, first.Version, first.Latest)
			}
			var l list[intelObj]
			get(t, e, bank, "/api/v1/intel/"+ind.id()+"/versions", http.StatusOK, &l)
			if len(l.Items) != 2 || l.Items[0].Version != stixCreated {
				t.Errorf("versions %+v", l.Items)
			}
			a := call(t, e, bank, request{method: "GET", path: "/api/v1/intel/" + ind.id() + "?version=2020-01-01T00:00:00.000Z"})
			if a.status != http.StatusNotFound {
				t.Errorf("an unknown version: status %d", a.status)
			}
		})

		t.Run("revoke", func(t *testing.T) {
			var o intelObj
			post(t, e, mx, "/api/v1/intel/"+ind.id()+"/revoke", nil, http.StatusOK, &o)
			if !o.Revoked || !o.Latest || o.Object["revoked"] != true {
				t.Errorf("revoked %+v", o)
			}
			if ids := objectIDs(t, e, bank, "/api/v1/intel?revoked=true"); !slices.Contains(ids, ind.id()) {
				t.Error("not listed as revoked")
			}
			if ids := objectIDs(t, e, bank, "/api/v1/intel?revoked=false"); slices.Contains(ids, ind.id()) {
				t.Error("listed as not revoked")
			}
		})

		t.Run("sharing", func(t *testing.T) {
			var o intelObj
			a := call(t, e, mx, request{method: "PUT", path: "/api/v1/intel/" + ind.id() + "/sharing",
				body: map[string]any{"tlp": "amber", "orgs": []string{e.Org(t, brTeam)}}})
			expect(t, a, "PUT sharing", http.StatusOK, &o)
			if o.TLP != "amber" || o.Distribution.Members || !slices.Equal(o.Distribution.Orgs, []string{e.Org(t, brTeam)}) {
				t.Errorf("shared as %+v", o.Distribution)
			}
			get(t, e, bank, "/api/v1/intel/"+ind.id(), http.StatusNotFound, nil)
			get(t, e, bearer(t, e, brAnalyst), "/api/v1/intel/"+ind.id(), http.StatusOK, nil)
		})
	})
}

// TestIntelObjectsReport checks the report of a bundle: objects accepted,
// already there and refused one by one, and the 4xx for a body that is not
// a bundle at all or sharing that cannot be.
func TestIntelObjectsReport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx := bearer(t, e, mxAnalyst)
		old := indicatorOf("already-there")
		shareAs(t, e, mx, "", old)
		bad := indicatorOf("bad-pattern")
		bad["pattern"] = "[ipv4-addr:value = ]"
		good := indicatorOf("good")
		var rep importReport
		post(t, e, mx, "/api/v1/intel/objects", bundleOf(t, good, bad, old), http.StatusOK, &rep)
		if !slices.Equal(rep.acceptedIDs(), []string{good.id()}) || len(rep.Existing) != 1 || rep.Existing[0].ID != old.id() {
			t.Errorf("accepted %v, existing %v", rep.Accepted, rep.Existing)
		}
		if len(rep.Refused) != 1 || rep.Refused[0].Index != 1 || rep.Refused[0].ID != bad.id() || rep.Refused[0].Field != "pattern" {
			t.Errorf("refused %+v", rep.Refused)
		}

		t.Run("another organisation's id is refused", func(t *testing.T) {
			var rep importReport
			taken := stixObject{}
			for k, v := range good {
				taken[k] = v
			}
			taken["modified"] = "2026-02-01T00:00:00.000Z"
			post(t, e, bearer(t, e, bankAdmin), "/api/v1/intel/objects", bundleOf(t, taken), http.StatusOK, &rep)
			if len(rep.Accepted) != 0 || len(rep.Refused) != 1 || rep.Refused[0].ID != good.id() {
				t.Errorf("report %+v", rep)
			}
		})

		cases := []struct {
			name, query, body, contentType string
			want                           int
			field                          string
		}{
			{"not JSON", "", `{"type": "bundle",`, stixType, http.StatusUnprocessableEntity, "bundle"},
			{"not a bundle", "", `{"type": "indicator", "id": "indicator--1"}`, jsonType, http.StatusUnprocessableEntity, "type"},
			{"an array", "", `[]`, jsonType, http.StatusUnprocessableEntity, "bundle"},
			{"text/plain", "", string(bundleOf(t, indicatorOf("x"))), "text/plain", http.StatusUnsupportedMediaType, ""},
			{"unknown TLP", "tlp=purple", string(bundleOf(t, indicatorOf("x"))), stixType, http.StatusUnprocessableEntity, "tlp"},
			{"red to all members", "tlp=red&members=true", string(bundleOf(t, indicatorOf("x"))), stixType, http.StatusUnprocessableEntity, "members"},
			{"members not a boolean", "members=yes", string(bundleOf(t, indicatorOf("x"))), stixType, http.StatusUnprocessableEntity, "members"},
			{"a group the organisation is not in", "group=nope", string(bundleOf(t, indicatorOf("x"))), stixType, http.StatusUnprocessableEntity, "group"},
		}
		before := objectIDs(t, e, mx, "/api/v1/intel")
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := call(t, e, mx, request{method: "POST", path: "/api/v1/intel/objects?" + tc.query, body: tc.body,
					contentType: tc.contentType})
				if a.status != tc.want {
					t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
				}
				if tc.field != "" && !slices.Contains(a.fields(t), tc.field) {
					t.Errorf("fields %v, want %s", a.fields(t), tc.field)
				}
			})
		}
		if after := objectIDs(t, e, mx, "/api/v1/intel"); len(after) != len(before) {
			t.Errorf("%d objects after the refusals, %d before", len(after), len(before))
		}
	})
}

// TestIntelBadQueries sends parameters the intel reads cannot take: each
// is a 422 naming the parameter.
func TestIntelBadQueries(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := bearer(t, e, mxAnalyst)
		ind := indicatorOf("q")
		shareAs(t, e, w, "", ind)
		cases := []struct{ name, path, field string }{
			{"tlp", "/api/v1/intel?tlp=purple", "tlp"},
			{"added_after", "/api/v1/intel?added_after=yesterday", "added_after"},
			{"revoked", "/api/v1/intel?revoked=maybe", "revoked"},
			{"order", "/api/v1/intel?order=sideways", "order"},
			{"limit", "/api/v1/intel?limit=0", "limit"},
			{"type not UTF-8", "/api/v1/intel?type=%ff", "type"},
			{"cursor not given", "/api/v1/intel?cursor=made-up", "cursor"},
			{"versions cursor not given", "/api/v1/intel/" + ind.id() + "/versions?cursor=made-up", "cursor"},
			{"version", "/api/v1/intel/" + ind.id() + "?version=last-tuesday", "version"},
			{"versions limit", "/api/v1/intel/" + ind.id() + "/versions?limit=501", "limit"},
			{"lookup without a value", "/api/v1/lookup", "value"},
			{"lookup of no value", "/api/v1/lookup?" + q("value", "not a value at all"), "value"},
			{"export without a format", "/api/v1/intel/export", "format"},
			{"export to PDF", "/api/v1/intel/export?format=pdf", "format"},
			{"export a feed", "/api/v1/intel/export?format=misp-feed", "format"},
			{"export tlp", "/api/v1/intel/export?format=stix&tlp=purple", "tlp"},
			{"notifications unread", "/api/v1/notifications?unread=perhaps", "unread"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := call(t, e, w, request{method: "GET", path: tc.path})
				if a.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", a.status, a.body)
				}
				if tc.field != "" && !slices.Equal(a.fields(t), []string{tc.field}) {
					t.Errorf("fields %v, want %s", a.fields(t), tc.field)
				}
			})
		}
	})
}

// TestIntelReadTokenCannotWrite checks that a read token changes nothing
// in intel, whatever its owner may do, and that an observer cannot share.
func TestIntelReadTokenCannotWrite(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := bearer(t, e, mxAdmin)
		ind := indicatorOf("read-only")
		shareAs(t, e, admin, "tlp=green&members=true", ind)
		g := createGroup(t, e, admin, "read only")
		ro := bearer(t, e, mxAdmin, access.ScopeRead)
		objectsBefore := objectIDs(t, e, ro, "/api/v1/intel?limit=500")
		cases := []struct {
			name string
			w    who
			req  request
		}{
			{"share a bundle", ro, request{method: "POST", path: "/api/v1/intel/objects", body: bundleOf(t, indicatorOf("ro-1"))}},
			{"import", ro, request{method: "POST", path: "/api/v1/intel/import?format=stix", body: bundleOf(t, indicatorOf("ro-2"))}},
			{"report a sighting", ro, request{method: "POST", path: "/api/v1/intel/" + ind.id() + "/sightings", body: map[string]any{"count": 1}}},
			{"revoke", ro, request{method: "POST", path: "/api/v1/intel/" + ind.id() + "/revoke"}},
			{"change sharing", ro, request{method: "PUT", path: "/api/v1/intel/" + ind.id() + "/sharing", body: map[string]any{"tlp": "red"}}},
			{"create a group", ro, request{method: "POST", path: "/api/v1/sharing-groups", body: map[string]any{"name": "x"}}},
			{"change a group", ro, request{method: "PUT", path: "/api/v1/sharing-groups/" + g.ID, body: map[string]any{"name": "y"}}},
			{"define a collection", bearer(t, e, secAdmin, access.ScopeWrite), request{method: "POST", path: "/api/v1/collections", body: map[string]any{"title": "x"}}},
			{"observer shares", bearer(t, e, observer), request{method: "POST", path: "/api/v1/intel/objects", body: bundleOf(t, indicatorOf("ro-3"))}},
			{"analyst creates a group", bearer(t, e, mxAnalyst), request{method: "POST", path: "/api/v1/sharing-groups", body: map[string]any{"name": "z"}}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if a := call(t, e, tc.w, tc.req); a.status != http.StatusForbidden {
					t.Fatalf("status %d, want 403: %s", a.status, a.body)
				}
			})
		}
		var o intelObj
		get(t, e, ro, "/api/v1/intel/"+ind.id(), http.StatusOK, &o)
		if o.Revoked || o.TLP != "green" {
			t.Errorf("the object changed: %+v", o)
		}
		if ids := objectIDs(t, e, ro, "/api/v1/intel?limit=500"); !slices.Equal(ids, objectsBefore) {
			t.Errorf("objects %v, before %v", ids, objectsBefore)
		}
		var gs list[sharingGroup]
		get(t, e, ro, "/api/v1/sharing-groups", http.StatusOK, &gs)
		for _, g := range gs.Items {
			if g.Name == "x" || g.Name == "y" || g.Name == "z" {
				t.Errorf("group %+v", g)
			}
		}
	})
}

// TestIntelOtherOrganisation checks what another organisation's objects
// answer: those the caller may not see are not found on every path, those
// it sees cannot be changed by it.
func TestIntelOtherOrganisation(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		bank := bearer(t, e, bankAdmin)
		private, shared := indicatorOf("bank-private"), indicatorOf("bank-shared")
		shareAs(t, e, bank, "tlp=amber", private)
		shareAs(t, e, bank, "tlp=green&members=true", shared)
		mx := bearer(t, e, mxAdmin)
		cases := []struct {
			name string
			req  request
			want int
		}{
			{"get", request{method: "GET", path: "/api/v1/intel/" + private.id()}, http.StatusNotFound},
			{"get a version", request{method: "GET", path: "/api/v1/intel/" + private.id() + "?version=" + stixCreated}, http.StatusNotFound},
			{"versions", request{method: "GET", path: "/api/v1/intel/" + private.id() + "/versions"}, http.StatusNotFound},
			{"related", request{method: "GET", path: "/api/v1/intel/" + private.id() + "/related"}, http.StatusNotFound},
			{"correlations", request{method: "GET", path: "/api/v1/intel/" + private.id() + "/correlations"}, http.StatusNotFound},
			{"sightings", request{method: "GET", path: "/api/v1/intel/" + private.id() + "/sightings"}, http.StatusNotFound},
			{"sight", request{method: "POST", path: "/api/v1/intel/" + private.id() + "/sightings", body: map[string]any{"count": 1}}, http.StatusNotFound},
			{"revoke", request{method: "POST", path: "/api/v1/intel/" + private.id() + "/revoke"}, http.StatusNotFound},
			{"share", request{method: "PUT", path: "/api/v1/intel/" + private.id() + "/sharing", body: map[string]any{"tlp": "clear", "members": true}}, http.StatusNotFound},
			{"no such object", request{method: "GET", path: "/api/v1/intel/indicator--00000000-0000-4000-8000-000000000000"}, http.StatusNotFound},
			{"revoke a shared one", request{method: "POST", path: "/api/v1/intel/" + shared.id() + "/revoke"}, http.StatusForbidden},
			{"widen a shared one", request{method: "PUT", path: "/api/v1/intel/" + shared.id() + "/sharing", body: map[string]any{"tlp": "clear", "members": true}}, http.StatusForbidden},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := call(t, e, mx, tc.req)
				if a.status != tc.want {
					t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
				}
				if strings.Contains(string(a.body), "bank-private") {
					t.Error("the answer shows the object")
				}
			})
		}
		var o intelObj
		get(t, e, bank, "/api/v1/intel/"+shared.id(), http.StatusOK, &o)
		if o.Revoked || o.TLP != "green" {
			t.Errorf("the bank's object changed: %+v", o)
		}
		get(t, e, bank, "/api/v1/intel/"+private.id(), http.StatusOK, &o)
		if o.Revoked || o.TLP != "amber" || o.Distribution.Members {
			t.Errorf("the bank's private object changed: %+v", o)
		}
	})
}

// TestIntelBadBodies sends bodies the intel writes cannot take: each
// answers 400 or 422 naming the field, never a 500, and changes nothing.
func TestIntelBadBodies(t *testing.T) {
	e := apptest.New(t)
	mx := bearer(t, e, mxAdmin)
	ind := indicatorOf("bad-bodies")
	shareAs(t, e, mx, "tlp=green&members=true", ind)
	g := createGroup(t, e, mx, "bad bodies")
	paths := []struct{ method, path string }{
		{"PUT", "/api/v1/intel/" + ind.id() + "/sharing"},
		{"POST", "/api/v1/intel/" + ind.id() + "/sightings"},
		{"POST", "/api/v1/sharing-groups"},
		{"PUT", "/api/v1/sharing-groups/" + g.ID},
		{"POST", "/api/v1/notifications/read"},
		{"POST", "/api/v1/collections"},
	}
	for _, p := range paths {
		t.Run(p.method+" "+p.path, func(t *testing.T) {
			for _, body := range []string{`{"surprise": 1}`, `{`, `[]`, `"text"`, `null`, `{"tlp": {"level": "red"}}`} {
				w := mx
				if p.path == "/api/v1/collections" {
					w = bearer(t, e, secAdmin)
				}
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
	var o intelObj
	get(t, e, mx, "/api/v1/intel/"+ind.id(), http.StatusOK, &o)
	if o.TLP != "green" || !o.Distribution.Members {
		t.Errorf("bad bodies changed the sharing: %+v", o)
	}
}

// TestIntelUnserved checks the answers beside the intel routes: a method
// a path does not serve is a 405 naming those it does, also where a fixed
// segment sits beside an id (/intel/objects and /intel/{id}).
func TestIntelUnserved(t *testing.T) {
	e := apptest.New(t)
	w := bearer(t, e, mxAnalyst)
	cases := []struct{ method, path, allow string }{
		{"GET", "/api/v1/intel/objects", "POST"},
		{"GET", "/api/v1/intel/import", "POST"},
		{"POST", "/api/v1/intel/export", "GET, HEAD"},
		{"DELETE", "/api/v1/intel/indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "GET, HEAD"},
		{"PATCH", "/api/v1/intel/x/sharing", "PUT"},
		{"DELETE", "/api/v1/sharing-groups/x", "GET, HEAD, PUT"},
		{"OPTIONS", "/api/v1/lookup", "GET, HEAD"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			a := send(t, e, w, request{method: tc.method, path: tc.path})
			if a.status != http.StatusMethodNotAllowed {
				t.Fatalf("status %d, want 405: %s", a.status, a.body)
			}
			a.problem(t)
			if got := a.header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
		})
	}
}
