package intel

import (
	"errors"
	"slices"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/valid"
)

func TestGroups(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		if _, err := s.CreateGroup(ctx, analyst("org-a"), Group{Name: "x"}); !errors.Is(err, access.ErrDenied) {
			t.Errorf("an analyst created a group: %v", err)
		}
		if _, err := s.CreateGroup(ctx, admin("org-a"), Group{Name: " "}); len(valid.List(err)) == 0 || valid.List(err)[0].Field != "name" {
			t.Errorf("a group without a name: %v", err)
		}
		g, err := s.CreateGroup(ctx, admin("org-a"), Group{Name: "Banking", Orgs: []string{"org-b", "org-b", "org-a"}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(g.Orgs, []string{"org-a", "org-b"}) || g.OwnerOrgID != "org-a" {
			t.Errorf("group %+v", g)
		}
		for org, want := range map[string]bool{"org-a": true, "org-b": true, "org-c": false} {
			ids, err := s.GroupsOf(ctx, org)
			if err != nil || slices.Contains(ids, g.ID) != want {
				t.Errorf("GroupsOf(%s) = %v %v", org, ids, err)
			}
			list, _ := s.Groups(ctx, analyst(org))
			if (len(list) == 1) != want {
				t.Errorf("Groups of %s: %+v", org, list)
			}
		}
		if _, err := s.UpdateGroup(ctx, admin("org-b"), Group{ID: g.ID, Name: "Mine now"}); !errors.Is(err, access.ErrDenied) {
			t.Errorf("a member's admin changed the group: %v", err)
		}
		if _, err := s.UpdateGroup(ctx, admin("org-c"), Group{ID: g.ID, Name: "Mine now"}); err != ErrNotFound {
			t.Errorf("an outsider changed the group: %v", err)
		}
		g2, err := s.UpdateGroup(ctx, admin("org-a"), Group{ID: g.ID, Name: "Banking sector", Orgs: []string{"org-c"}})
		if err != nil || g2.Name != "Banking sector" || !slices.Equal(g2.Orgs, []string{"org-a", "org-c"}) || !g2.Updated.After(g.Updated) {
			t.Fatalf("updated %+v %v", g2, err)
		}
		// Membership moves visibility with it.
		ind := indicator("x", "[ipv4-addr:value = '198.51.100.1']")
		mustPut(t, s, analyst("org-a"), Sharing{TLP: access.TLPAmber, Groups: []string{g.ID}}, ind)
		if _, err := s.Get(ctx, analyst("org-b"), idOf(t, ind)); err != ErrNotFound {
			t.Errorf("a former member still sees the group's object: %v", err)
		}
		if _, err := s.Get(ctx, analyst("org-c"), idOf(t, ind)); err != nil {
			t.Errorf("a new member does not see the group's object: %v", err)
		}
	})
}
