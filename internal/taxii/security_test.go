package taxii_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
)

// shared is an object of the security test: its id and how it is shared.
type shared struct {
	id      string
	name    string
	sharing intel.Sharing
}

// TestNobodySeesWhatTheyMayNot shares objects of every TLP and kind of
// distribution from one team and reads them over TAXII as people of seven
// organisations, through every path that returns intel: objects, object by
// id, versions and manifest of the network collection, and the group and
// own collections. Each must show a person exactly the objects
// access.CanSeeIntel allows them, and a few hand-written expectations
// guard the oracle itself.
func TestNobodySeesWhatTheyMayNot(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		group, err := e.intel.CreateGroup(ctx, e.Actor(t, mxAdmin), intel.Group{Name: "taxii security test",
			Orgs: []string{e.Org(t, bankTeam), e.Org(t, crMinistry)}})
		if err != nil {
			t.Fatal(err)
		}
		objs := shareAll(t, e, group.ID)
		viewers := []string{mxAnalyst, bankAdmin, brAnalyst, crContact, secAdmin, uniExpert, donorObs}
		for _, email := range viewers {
			t.Run(email, func(t *testing.T) {
				actor := e.Actor(t, email)
				groups, err := e.intel.GroupsOf(ctx, actor.OrgID)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, o := range objs {
					if access.CanSeeIntel(actor, groups, intelOf(e.Org(t, mxTeam), o.sharing)) {
						want = append(want, o.id)
					}
				}
				checkViewer(t, e, email, objs, want, group.ID)
			})
		}
		// Hand-written cases: the oracle and the store agree on these.
		byName := map[string]string{}
		for _, o := range objs {
			byName[o.name] = o.id
		}
		sure := []struct {
			email, object string
			sees          bool
		}{
			{brAnalyst, "red to " + brTeam, true},
			{bankAdmin, "red to " + brTeam, false},
			{bankAdmin, "amber to the group", true},
			{brAnalyst, "amber to the group", false},
			{donorObs, "clear to members", true},
			{donorObs, "amber to members", false},
			{uniExpert, "green to members", true},
			{secAdmin, "amber+strict to the creator only", false},
			{mxAnalyst, "red to the creator only", true},
		}
		for _, s := range sure {
			c := e.bearer(t, s.email)
			network := e.collectionID(t, s.email, "network")
			a := c.request(t, "GET", objectsURL(network)+byName[s.object]+"/", nil, nil)
			if got := a.status == 200; got != s.sees {
				t.Errorf("%s GET %q: status %d, want seen=%v", s.email, s.object, a.status, s.sees)
			}
		}
	})
}

// shareAll stores, as the Mexican national team, one object (in two
// versions) per TLP and kind of distribution that may be chosen.
func shareAll(t *testing.T, e *env, groupID string) []shared {
	t.Helper()
	dists := []struct {
		name string
		sh   intel.Sharing
	}{
		{"the creator only", intel.Sharing{}},
		{"members", intel.Sharing{Members: true}},
		{"the group", intel.Sharing{Groups: []string{groupID}}},
		{brTeam, intel.Sharing{Orgs: []string{e.Org(t, brTeam)}}},
		{"the group and " + brTeam, intel.Sharing{Groups: []string{groupID}, Orgs: []string{e.Org(t, brTeam)}}},
	}
	var out []shared
	start := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tlp := range access.TLPs {
		for _, d := range dists {
			sh := d.sh
			sh.TLP = tlp
			if !access.SharingAllowed(intelOf(e.Org(t, mxTeam), sh)) {
				continue
			}
			name := fmt.Sprintf("%s to %s", tlp, d.name)
			id, v1 := indicator(name, "192.0.2.77", start)
			v2 := version(id, name, "192.0.2.78", start, start.Add(time.Minute))
			e.put(t, mxAnalyst, sh, v1, v2)
			out = append(out, shared{id: id, name: name, sharing: sh})
		}
	}
	return out
}

func intelOf(orgID string, sh intel.Sharing) access.Intel {
	return access.Intel{OrgID: orgID, TLP: sh.TLP, Members: sh.Members, Groups: sh.Groups, Orgs: sh.Orgs}
}

// checkViewer reads every path as email and compares what it shows of
// objs with want.
func checkViewer(t *testing.T, e *env, email string, objs []shared, want []string, groupID string) {
	t.Helper()
	c := e.bearer(t, email)
	network := e.collectionID(t, email, "network")
	mine := func(got []string) []string {
		var out []string
		for _, id := range got {
			if slices.ContainsFunc(objs, func(o shared) bool { return o.id == id }) {
				out = append(out, id)
			}
		}
		return sorted(out)
	}
	wantAll := sorted(append(slices.Clone(want), want...)) // two versions each

	got, _ := pageWithNext(t, c, objectsURL(network)+"?match[version]=all&limit=7")
	if g := mine(got); !slices.Equal(g, wantAll) {
		t.Errorf("objects of the network collection: %d versions of ours, want %d\n got %v\nwant %v", len(g), len(wantAll), g, wantAll)
	}
	var m manifest
	c.get(t, rootURL+"collections/"+network+"/manifest/?match[version]=all&limit=10000", 200, &m)
	var mids []string
	for _, r := range m.Objects {
		mids = append(mids, r.ID)
	}
	if g := mine(mids); !slices.Equal(g, wantAll) {
		t.Errorf("manifest: %d versions of ours, want %d", len(g), len(wantAll))
	}
	for _, o := range objs {
		sees := slices.Contains(want, o.id)
		checkObjectPaths(t, c, objectsURL(network)+o.id+"/", o.name, sees)
	}
	checkOtherCollections(t, e, c, email, mine, want, groupID)
}

// checkObjectPaths checks the object and versions endpoints of one object.
func checkObjectPaths(t *testing.T, c client, objURL, name string, sees bool) {
	t.Helper()
	for _, p := range []string{objURL + "?match[version]=all", objURL + "versions/"} {
		a := c.request(t, "GET", p, nil, nil)
		switch {
		case sees && a.status != 200:
			t.Errorf("GET %s (%s): status %d, want 200", p, name, a.status)
		case !sees && a.status != 404:
			t.Errorf("GET %s (%s): status %d, want 404; body %s", p, name, a.status, a.body)
		case sees:
			var body struct {
				Objects  []json.RawMessage `json:"objects"`
				Versions []string          `json:"versions"`
			}
			a.expect(t, p, 200, &body)
			if len(body.Objects)+len(body.Versions) != 2 {
				t.Errorf("GET %s (%s): %s, want both versions", p, name, a.body)
			}
		}
	}
}

// checkOtherCollections checks that the own collection holds none of the
// creator's objects for anyone else, and that the group collection (for
// the group's members) holds only objects a member may see.
func checkOtherCollections(t *testing.T, e *env, c client, email string, mine func([]string) []string,
	want []string, groupID string) {
	t.Helper()
	cols, err := e.intel.Collections(context.Background(), e.Actor(t, email))
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range cols {
		if !col.CanRead || col.Kind == "network" {
			continue
		}
		got, _ := pageWithNext(t, c, objectsURL(col.ID)+"?match[version]=all&limit=1000")
		for _, id := range mine(got) {
			if !slices.Contains(want, id) {
				t.Errorf("collection %s (%s) shows %s, which %s may not see", col.Title, col.Kind, id, email)
			}
			if col.Kind == "own" && e.Actor(t, email).OrgID != e.Org(t, mxTeam) {
				t.Errorf("own collection of %s shows %s of another organisation", email, id)
			}
		}
	}
}
