package api_test

import (
	"net/http"
	"slices"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// TestSightings has a member report another's indicator seen: the sighting
// is listed on the indicator, the creator is notified and marks it read.
func TestSightings(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx, br := bearer(t, e, mxAnalyst), bearer(t, e, brAnalyst)
		ind := indicatorOf("seen")
		shareAs(t, e, mx, "tlp=green&members=true", ind)
		var s intelObj
		a := post(t, e, br, "/api/v1/intel/"+ind.id()+"/sightings", map[string]any{"count": 4,
			"first_seen": "2026-01-10T08:00:00Z", "last_seen": "2026-01-11T08:00:00Z", "where": "sensor 3",
			"note": "seen at the border", "tlp": "amber"}, http.StatusCreated, &s)
		if s.Type != "sighting" || s.Org != e.Org(t, brTeam) || s.Object["sighting_of_ref"] != ind.id() {
			t.Fatalf("sighting %+v", s)
		}
		if got := a.header.Get("Location"); got != "/api/v1/intel/"+s.ID {
			t.Errorf("Location %q", got)
		}
		if !slices.Contains(s.Distribution.Orgs, e.Org(t, mxTeam)) {
			t.Errorf("the indicator's creator is not a recipient: %+v", s.Distribution)
		}

		t.Run("listed on the indicator", func(t *testing.T) {
			for _, w := range []who{mx, br} {
				var l list[struct {
					Object    intelObj `json:"object"`
					Count     int      `json:"count"`
					FirstSeen string   `json:"first_seen"`
					Where     string   `json:"where"`
					Org       string   `json:"org"`
				}]
				get(t, e, w, "/api/v1/intel/"+ind.id()+"/sightings", http.StatusOK, &l)
				if len(l.Items) != 1 || l.Items[0].Object.ID != s.ID || l.Items[0].Count != 4 ||
					l.Items[0].FirstSeen != "2026-01-10T08:00:00Z" || l.Items[0].Where != "sensor 3" || l.Items[0].Org != e.Org(t, brTeam) {
					t.Errorf("sightings %+v", l.Items)
				}
			}
			var l list[struct{}]
			get(t, e, bearer(t, e, bankAdmin), "/api/v1/intel/"+ind.id()+"/sightings", http.StatusOK, &l)
			if len(l.Items) != 0 {
				t.Error("the bank sees an AMBER sighting not meant for it")
			}
		})

		t.Run("the creator is notified", func(t *testing.T) {
			// of returns the notifications about the sighting (the demo
			// raises others).
			of := func(path string, w who) []notification {
				t.Helper()
				var l list[notification]
				get(t, e, w, path, http.StatusOK, &l)
				var out []notification
				for _, n := range l.Items {
					if n.ObjectID == s.ID {
						out = append(out, n)
					}
				}
				return out
			}
			ns := of("/api/v1/notifications?unread=true", mx)
			if len(ns) != 1 || ns[0].ByOrg != e.Org(t, brTeam) || ns[0].Read || ns[0].Kind == "" {
				t.Fatalf("notifications %+v", ns)
			}
			if others := of("/api/v1/notifications", br); len(others) != 0 {
				t.Errorf("the sighting team is notified too: %+v", others)
			}
			a := call(t, e, br, request{method: "POST", path: "/api/v1/notifications/read",
				body: map[string]any{"ids": []string{ns[0].ID}}})
			if a.status != http.StatusNoContent {
				t.Fatalf("another org marking read: status %d", a.status)
			}
			if len(of("/api/v1/notifications?unread=true", mx)) != 1 {
				t.Fatal("another organisation marked it read")
			}
			a = call(t, e, mx, request{method: "POST", path: "/api/v1/notifications/read",
				body: map[string]any{"ids": []string{ns[0].ID}}})
			if a.status != http.StatusNoContent {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if unread := of("/api/v1/notifications?unread=true", mx); len(unread) != 0 {
				t.Errorf("still unread: %+v", unread)
			}
			if all := of("/api/v1/notifications", mx); len(all) != 1 || !all[0].Read {
				t.Errorf("all: %+v", all)
			}
		})

		t.Run("bad sightings", func(t *testing.T) {
			cases := []struct {
				name  string
				body  any
				field string
			}{
				{"count zero", map[string]any{"count": 0}, "count"},
				{"first seen not a time", map[string]any{"count": 1, "first_seen": "yesterday"}, "first_seen"},
				{"last seen before first", map[string]any{"count": 1, "first_seen": "2026-01-10T00:00:00Z",
					"last_seen": "2026-01-09T00:00:00Z"}, "last_seen"},
				{"unknown TLP", map[string]any{"count": 1, "tlp": "purple"}, "tlp"},
				{"red to members", map[string]any{"count": 1, "tlp": "red", "distribution": map[string]any{"members": true}},
					"distribution.members"},
				{"unknown field", map[string]any{"count": 1, "seen": true}, "seen"},
				{"count as text", map[string]any{"count": "one"}, "count"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					a := call(t, e, br, request{method: "POST", path: "/api/v1/intel/" + ind.id() + "/sightings", body: tc.body})
					if a.status != http.StatusUnprocessableEntity {
						t.Fatalf("status %d, want 422: %s", a.status, a.body)
					}
					if !slices.Contains(a.fields(t), tc.field) {
						t.Errorf("fields %v, want %s", a.fields(t), tc.field)
					}
				})
			}
			var l list[struct{}]
			get(t, e, br, "/api/v1/intel/"+ind.id()+"/sightings", http.StatusOK, &l)
			if len(l.Items) != 1 {
				t.Errorf("%d sightings after the refusals", len(l.Items))
			}
		})
	})
}

// notification is what the tests read of one.
type notification struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	ObjectID string `json:"object_id"`
	ByOrg    string `json:"by_org"`
	Read     bool   `json:"read"`
}

// TestSharingGroups creates a group, lists it for its members only, and
// lets only its owner's administrators change it.
func TestSharingGroups(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx, bank, br := bearer(t, e, mxAdmin), bearer(t, e, bankAdmin), bearer(t, e, brAnalyst)
		var g sharingGroup
		a := post(t, e, mx, "/api/v1/sharing-groups", map[string]any{"name": "Mexico", "description": "national",
			"orgs": []string{e.Org(t, bankTeam)}}, http.StatusCreated, &g)
		if g.OwnerOrg != e.Org(t, mxTeam) || g.Name != "Mexico" || a.header.Get("Location") != "/api/v1/sharing-groups/"+g.ID {
			t.Fatalf("group %+v, Location %q", g, a.header.Get("Location"))
		}
		t.Run("seen by its members only", func(t *testing.T) {
			get(t, e, bank, "/api/v1/sharing-groups/"+g.ID, http.StatusOK, nil)
			get(t, e, br, "/api/v1/sharing-groups/"+g.ID, http.StatusNotFound, nil)
			var l list[sharingGroup]
			get(t, e, br, "/api/v1/sharing-groups", http.StatusOK, &l)
			if len(l.Items) != 0 {
				t.Errorf("Brazil lists %+v", l.Items)
			}
		})
		t.Run("changed by its owner", func(t *testing.T) {
			var saved sharingGroup
			a := call(t, e, mx, request{method: "PUT", path: "/api/v1/sharing-groups/" + g.ID,
				body: map[string]any{"name": "Mexico and Brazil", "orgs": []string{e.Org(t, bankTeam), e.Org(t, brTeam)}}})
			expect(t, a, "PUT group", http.StatusOK, &saved)
			if saved.Name != "Mexico and Brazil" || !slices.Contains(saved.Orgs, e.Org(t, brTeam)) ||
				!slices.Contains(saved.Orgs, e.Org(t, bankTeam)) {
				t.Errorf("saved %+v", saved)
			}
			get(t, e, br, "/api/v1/sharing-groups/"+g.ID, http.StatusOK, nil)
		})
		t.Run("not by a member", func(t *testing.T) {
			a := call(t, e, bank, request{method: "PUT", path: "/api/v1/sharing-groups/" + g.ID,
				body: map[string]any{"name": "Taken", "orgs": []string{}}})
			if a.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", a.status)
			}
			a = call(t, e, bearer(t, e, crContact), request{method: "PUT", path: "/api/v1/sharing-groups/" + g.ID,
				body: map[string]any{"name": "Taken"}})
			if a.status != http.StatusNotFound {
				t.Fatalf("outsider: status %d, want 404", a.status)
			}
			var now sharingGroup
			get(t, e, mx, "/api/v1/sharing-groups/"+g.ID, http.StatusOK, &now)
			if now.Name != "Mexico and Brazil" {
				t.Errorf("renamed to %q", now.Name)
			}
		})
		t.Run("bad groups", func(t *testing.T) {
			cases := []struct {
				name   string
				method string
				path   string
				body   any
				field  string
			}{
				{"no name", "POST", "/api/v1/sharing-groups", map[string]any{"orgs": []string{}}, "name"},
				{"unknown field", "POST", "/api/v1/sharing-groups", map[string]any{"name": "x", "owner": "y"}, "owner"},
				{"orgs not a list", "POST", "/api/v1/sharing-groups", map[string]any{"name": "x", "orgs": "all"}, "orgs"},
				{"rename to nothing", "PUT", "/api/v1/sharing-groups/" + g.ID, map[string]any{"name": ""}, "name"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					a := call(t, e, mx, request{method: tc.method, path: tc.path, body: tc.body})
					if a.status != http.StatusUnprocessableEntity || !slices.Contains(a.fields(t), tc.field) {
						t.Fatalf("status %d, want 422 naming %s: %s", a.status, tc.field, a.body)
					}
				})
			}
		})
	})
}

// TestCollections lists the TAXII collections a member sees and lets the
// secretariat's administrator define one.
func TestCollections(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx := bearer(t, e, mxAdmin)
		g := createGroup(t, e, mx, "Mexico", e.Org(t, bankTeam))
		type collection struct {
			ID       string `json:"id"`
			Title    string `json:"title"`
			Kind     string `json:"kind"`
			CanRead  bool   `json:"can_read"`
			CanWrite bool   `json:"can_write"`
			Write    struct {
				TLP    string   `json:"tlp"`
				Groups []string `json:"groups"`
			} `json:"write"`
		}
		var l list[collection]
		get(t, e, bearer(t, e, bankAdmin, access.ScopeRead), "/api/v1/collections", http.StatusOK, &l)
		kinds, groupWritten := map[string]int{}, false
		for _, c := range l.Items {
			kinds[c.Kind]++
			if !c.CanRead {
				t.Errorf("%s (%s) listed but not readable", c.Title, c.Kind)
			}
			groupWritten = groupWritten || c.Kind == "group" && slices.Equal(c.Write.Groups, []string{g.ID})
		}
		if kinds["network"] != 1 || kinds["own"] != 1 || kinds["group"] < 1 || !groupWritten {
			t.Errorf("kinds %v; a collection of the group: %v", kinds, groupWritten)
		}

		sec := bearer(t, e, secAdmin)
		var c collection
		post(t, e, sec, "/api/v1/collections", map[string]any{"title": "Advisories", "description": "from the secretariat",
			"alias": "advisories", "write": map[string]any{"tlp": "clear", "members": true}}, http.StatusCreated, &c)
		if c.Kind != "custom" || c.Title != "Advisories" || c.Write.TLP != "clear" || !c.CanWrite {
			t.Errorf("created %+v", c)
		}
		get(t, e, bearer(t, e, brAnalyst), "/api/v1/collections", http.StatusOK, &l)
		found := false
		for _, x := range l.Items {
			found = found || x.ID == c.ID
		}
		if !found {
			t.Error("members do not see the new collection")
		}

		cases := []struct {
			name  string
			w     who
			body  any
			want  int
			field string
		}{
			{"a team admin", mx, map[string]any{"title": "Mine"}, http.StatusForbidden, ""},
			{"no title", sec, map[string]any{"description": "x"}, http.StatusUnprocessableEntity, "title"},
			{"unknown TLP", sec, map[string]any{"title": "x", "write": map[string]any{"tlp": "purple"}}, http.StatusUnprocessableEntity, "write.tlp"},
			{"red to members", sec, map[string]any{"title": "x", "write": map[string]any{"tlp": "red", "members": true}},
				http.StatusUnprocessableEntity, "write.members"},
			{"unknown field", sec, map[string]any{"title": "x", "kind": "network"}, http.StatusUnprocessableEntity, "kind"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := call(t, e, tc.w, request{method: "POST", path: "/api/v1/collections", body: tc.body})
				if a.status != tc.want {
					t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
				}
				if tc.field != "" && !slices.Contains(a.fields(t), tc.field) {
					t.Errorf("fields %v, want %s", a.fields(t), tc.field)
				}
			})
		}
	})
}
