package intel

import (
	"encoding/json"
	"errors"
	"testing"

	"atalaya/internal/access"
)

func secretariatAdmin() access.Actor {
	return access.Actor{UserID: "sec-admin", Name: "admin@oas.example.org", OrgID: "org-sec", Secretariat: true,
		Roles: []access.Role{access.SecretariatAdmin}}
}

func TestCollections(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a, b := analyst("org-a"), analyst("org-b")
		g, err := s.CreateGroup(ctx, admin("org-a"), Group{Name: "A and B", Orgs: []string{"org-b"}})
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.Collections(ctx, a)
		if err != nil || len(cs) != 3 {
			t.Fatalf("a's collections: %+v %v", cs, err)
		}
		byKind := map[string]Collection{}
		for _, c := range cs {
			byKind[c.Kind] = c
		}
		if byKind[KindNetwork].ID != DefaultCollectionID(KindNetwork, "") || byKind[KindGroup].ID != DefaultCollectionID(KindGroup, g.ID) ||
			byKind[KindOwn].ID != DefaultCollectionID(KindOwn, "org-a") || !byKind[KindGroup].CanWrite {
			t.Errorf("collections %+v", cs)
		}
		if _, err := s.Collection(ctx, b, byKind[KindOwn].ID); err != ErrNotFound {
			t.Errorf("b opened a's own collection: %v", err)
		}
		if _, err := s.Collection(ctx, analyst("org-c"), byKind[KindGroup].ID); err != ErrNotFound {
			t.Errorf("an outsider opened the group's collection: %v", err)
		}
		if _, err := s.List(ctx, analyst("org-c"), Filter{Collection: byKind[KindGroup].ID}); err != ErrNotFound {
			t.Errorf("an outsider listed the group's collection: %v", err)
		}
		if obs, _ := s.Collections(ctx, observer("org-a")); len(obs) == 0 || obs[0].CanWrite {
			t.Errorf("an observer's collections: %+v", obs)
		}

		// Custom collections: the secretariat defines them.
		if _, err := s.CreateCollection(ctx, admin("org-a"), Collection{Title: "x"}); !errors.Is(err, access.ErrDenied) {
			t.Errorf("a team admin defined a collection: %v", err)
		}
		adv, err := s.CreateCollection(ctx, secretariatAdmin(), Collection{Title: "Advisories", Alias: "advisories",
			Write: Sharing{TLP: access.TLPGreen, Members: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCollection(ctx, secretariatAdmin(), Collection{Title: "Again", Alias: "advisories"}); err == nil {
			t.Errorf("two collections with one alias")
		}
		in := indicator("advisory", "[ipv4-addr:value = '198.51.100.1']")
		if _, err := s.Put(ctx, a, []json.RawMessage{in}, PutOptions{Sharing: adv.Write, Collection: adv.ID}); err != nil {
			t.Fatal(err)
		}
		mustPut(t, s, a, Sharing{TLP: access.TLPGreen, Members: true}, indicator("elsewhere", "[ipv4-addr:value = '198.51.100.2']"))
		p, err := s.List(ctx, b, Filter{Collection: adv.ID})
		if err != nil || len(p.Objects) != 1 || p.Objects[0].ID != idOf(t, in) {
			t.Errorf("the custom collection holds %d objects (%v), want the one added through it", len(p.Objects), err)
		}
		own, _ := s.List(ctx, b, Filter{Collection: DefaultCollectionID(KindOwn, "org-b")})
		if len(own.Objects) != 0 {
			t.Errorf("b's own collection holds a's objects")
		}
	})
}

// withToken is the actor through an API token with the scopes (read when
// none are given).
func withToken(a access.Actor, scopes ...access.Scope) access.Actor {
	if len(scopes) == 0 {
		scopes = []access.Scope{access.ScopeRead}
	}
	a.Scopes = scopes
	return a
}

func TestStatus(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		objs := []json.RawMessage{indicator("x", "[ipv4-addr:value = '198.51.100.1']"), json.RawMessage(`{"type":"x"}`)}
		rep, err := s.Put(ctx, a, objs, PutOptions{Sharing: Sharing{TLP: access.TLPAmber}, Source: "taxii"})
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.SaveStatus(ctx, a, rep, len(objs))
		if err != nil {
			t.Fatal(err)
		}
		if st.Status != "complete" || st.Total != 2 || st.Success != 1 || st.Failure != 1 || len(st.Failures) != 1 {
			t.Errorf("status %+v", st)
		}
		cases := []struct {
			name  string
			actor access.Actor
			ok    bool
		}{
			{"owner", a, true},
			{"owner with a read token", withToken(a), true},
			{"admin of the organisation", admin("org-a"), true},
			{"admin of the organisation with a read token", withToken(admin("org-a")), true},
			{"colleague", access.Actor{UserID: "other", OrgID: "org-a", Roles: []access.Role{access.Analyst}}, false},
			{"colleague with an admin token", withToken(access.Actor{UserID: "other", OrgID: "org-a",
				Roles: []access.Role{access.Analyst, access.GovernmentContact}}, access.ScopeAdmin), false},
			{"admin elsewhere", admin("org-b"), false},
			{"secretariat admin", secretariatAdmin(), false},
			{"anonymous", access.Anonymous, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.Status(ctx, tc.actor, st.ID)
				if tc.ok && (err != nil || got.Success != 1 || got.Failures[0].ID != "" && got.Failures[0].Message == "") {
					t.Errorf("status %+v %v", got, err)
				}
				if !tc.ok && err != ErrNotFound {
					t.Errorf("read another's status: %v", err)
				}
			})
		}
	})
}
