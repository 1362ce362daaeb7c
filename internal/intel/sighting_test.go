package intel

import (
	"errors"
	"slices"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/valid"
)

func TestSightNotifiesTheCreator(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a, b := analyst("org-a"), analyst("org-b")
		g, err := s.CreateGroup(ctx, admin("org-a"), Group{Name: "A and B", Orgs: []string{"org-b"}})
		if err != nil {
			t.Fatal(err)
		}
		ind := indicator("C2", "[ipv4-addr:value = '198.51.100.1']")
		mustPut(t, s, a, Sharing{TLP: access.TLPAmber, Groups: []string{g.ID}}, ind)
		first := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		// b shares its sighting with c only: a is added anyway.
		sight, err := s.Sight(ctx, b, SightingInput{IndicatorID: idOf(t, ind), Count: 3, FirstSeen: first,
			LastSeen: first.Add(time.Hour), Where: "bank network", Note: "blocked at the edge",
			Sharing: Sharing{TLP: access.TLPAmber, Orgs: []string{"org-c"}}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(sight.Sharing.Orgs, "org-a") || sight.OrgID != "org-b" {
			t.Errorf("sighting sharing %+v by %s: the indicator's creator must be a recipient", sight.Sharing, sight.OrgID)
		}
		list, err := s.Sightings(ctx, a, idOf(t, ind))
		if err != nil || len(list) != 1 {
			t.Fatalf("a's sightings: %+v %v", list, err)
		}
		si := list[0]
		if si.Count != 3 || si.Where != "bank network" || si.OrgID != "org-b" || !si.FirstSeen.Equal(first) || !si.LastSeen.Equal(first.Add(time.Hour)) {
			t.Errorf("sighting %+v", si)
		}
		ns, err := s.Notifications(ctx, a, true, 0)
		if err != nil || len(ns) != 1 || ns[0].Kind != NotifySighting || ns[0].ObjectID != sight.ID || ns[0].ByOrgID != "org-b" {
			t.Fatalf("a's notifications: %+v %v", ns, err)
		}
		if ns, _ := s.Notifications(ctx, b, false, 0); len(ns) != 0 {
			t.Errorf("b notified of its own sighting: %+v", ns)
		}
		if err := s.MarkRead(ctx, b, []string{ns[0].ID}); err != nil {
			t.Fatal(err)
		}
		if ns, _ := s.Notifications(ctx, a, true, 0); len(ns) != 1 {
			t.Errorf("another organisation marked a's notification read")
		}
		if err := s.MarkRead(ctx, a, []string{ns[0].ID}); err != nil {
			t.Fatal(err)
		}
		if ns, _ := s.Notifications(ctx, a, true, 0); len(ns) != 0 {
			t.Errorf("still unread after MarkRead: %+v", ns)
		}
		if ns, _ := s.Notifications(ctx, a, false, 0); len(ns) != 1 || !ns[0].Read {
			t.Errorf("all notifications: %+v", ns)
		}
		// c sees the sighting (named) but not the indicator: Sightings of
		// the indicator is not found for c.
		if _, err := s.Sightings(ctx, analyst("org-c"), idOf(t, ind)); err != ErrNotFound {
			t.Errorf("c reads sightings of an indicator it cannot see: %v", err)
		}
		if _, err := s.Get(ctx, analyst("org-c"), sight.ID); err != nil {
			t.Errorf("c cannot see a sighting shared with it: %v", err)
		}
	})
}

func TestSightRules(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		ind := indicator("C2", "[ipv4-addr:value = '198.51.100.1']")
		mustPut(t, s, a, Sharing{TLP: access.TLPGreen, Members: true}, ind)
		rep := indicator("not an indicator", "[ipv4-addr:value = '198.51.100.2']")
		_ = rep
		t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		cases := []struct {
			name  string
			actor access.Actor
			in    SightingInput
			err   error
			field string
		}{
			{"observer may not", observer("org-b"), SightingInput{IndicatorID: idOf(t, ind), Sharing: Sharing{TLP: access.TLPGreen}}, access.ErrDenied, ""},
			{"unknown indicator", analyst("org-b"), SightingInput{IndicatorID: "indicator--00000000-0000-4000-8000-000000000000", Sharing: Sharing{TLP: access.TLPGreen}}, ErrNotFound, ""},
			{"negative count", analyst("org-b"), SightingInput{IndicatorID: idOf(t, ind), Count: -1, Sharing: Sharing{TLP: access.TLPGreen}}, nil, "count"},
			{"last before first", analyst("org-b"), SightingInput{IndicatorID: idOf(t, ind), FirstSeen: t0, LastSeen: t0.Add(-time.Hour), Sharing: Sharing{TLP: access.TLPGreen}}, nil, "last_seen"},
			{"no TLP", analyst("org-b"), SightingInput{IndicatorID: idOf(t, ind)}, nil, "tlp"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Sight(ctx, tc.actor, tc.in)
				if tc.err != nil && !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				if tc.field != "" {
					if es := valid.List(err); len(es) == 0 || es[0].Field != tc.field {
						t.Fatalf("err %v, want a valid.Error on %s", err, tc.field)
					}
				}
			})
		}
		if list, _ := s.Sightings(ctx, a, idOf(t, ind)); len(list) != 0 {
			t.Errorf("refused sightings were stored: %+v", list)
		}
	})
}
