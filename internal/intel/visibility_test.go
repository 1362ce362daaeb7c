package intel

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/stix"
)

// matrix is the world of the visibility test: organisation A shares
// objects of every TLP level with every kind of distribution; B is in a
// sharing group with A, C is named, D is a plain member, E has only an
// observer (who sees only CLEAR and GREEN of others) and is both in the
// group and named, so the role rule is tested on every distribution.
type matrix struct {
	s       *Store
	group   string
	actors  map[string]access.Actor
	objects map[string]Sharing // id -> sharing as stored (the oracle's input)
	anchor  string             // an indicator of A every member sees, carrying the shared value
	report  string             // a report of A every member sees, listing every object
}

// matrixValue is the value every matrix indicator carries.
const matrixValue = "matrix.example"

func newMatrix(t *testing.T, s *Store) *matrix {
	t.Helper()
	m := &matrix{s: s, objects: map[string]Sharing{}, actors: map[string]access.Actor{
		"A": analyst("org-a"), "B": analyst("org-b"), "C": analyst("org-c"), "D": analyst("org-d"), "E": observer("org-e"),
	}}
	g, err := s.CreateGroup(ctx, admin("org-a"), Group{Name: "A, B and E", Orgs: []string{"org-b", "org-e"}})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	m.group = g.ID
	a := m.actors["A"]
	anchor := indicator("anchor", fmt.Sprintf("[domain-name:value = '%s']", matrixValue))
	mustPut(t, s, a, Sharing{TLP: access.TLPClear, Members: true}, anchor)
	m.anchor = idOf(t, anchor)
	var members []string
	for i, tlp := range access.TLPs {
		for j, dist := range m.distributions() {
			sh := dist
			sh.TLP = tlp
			if !access.SharingAllowed(intelOf("org-a", sh)) {
				continue
			}
			pattern := fmt.Sprintf("[ipv4-addr:value = '203.0.113.%d'] OR [domain-name:value = '%s']", i*10+j, matrixValue)
			ind := indicator(fmt.Sprintf("matrix %s %d", tlp, j), pattern)
			mustPut(t, s, a, sh, ind)
			m.objects[idOf(t, ind)] = sh
			members = append(members, idOf(t, ind))
			sight, err := s.Sight(ctx, a, SightingInput{IndicatorID: m.anchor, Count: 2, Where: "matrix", Sharing: sh})
			if err != nil {
				t.Fatalf("Sight %s: %v", tlp, err)
			}
			m.objects[sight.ID] = sh
			members = append(members, sight.ID)
		}
	}
	rep, err := s.SaveReport(ctx, a, ReportInput{Name: "matrix report", ObjectRefs: members,
		Sharing: Sharing{TLP: access.TLPClear, Members: true}})
	if err != nil {
		t.Fatalf("SaveReport: %v", err)
	}
	m.report = rep.ID
	return m
}

// distributions are the kinds of distribution, without a level.
func (m *matrix) distributions() []Sharing {
	return []Sharing{{Members: true}, {Groups: []string{m.group}}, {Orgs: []string{"org-c", "org-e"}}, {}}
}

// want returns the matrix objects access says the actor may see, of the
// given type ("" any).
func (m *matrix) want(t *testing.T, a access.Actor, typ string) []string {
	t.Helper()
	groups, err := m.s.GroupsOf(ctx, a.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for id, sh := range m.objects {
		if (typ == "" || stix.IDType(id) == typ) && access.CanSeeIntel(a, groups, intelOf("org-a", sh)) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// only keeps the matrix objects of a list of ids, sorted.
func (m *matrix) only(ids []string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := m.objects[id]; ok && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// readers are every read function, each returning the matrix ids it shows.
func (m *matrix) readers() map[string]func(t *testing.T, a access.Actor) ([]string, string) {
	all := func(objs []Object) []string { return m.only(ids(objs)) }
	return map[string]func(t *testing.T, a access.Actor) ([]string, string){
		"List": func(t *testing.T, a access.Actor) ([]string, string) {
			return all(must(m.s.List(ctx, a, Filter{Limit: 1000})).Objects), ""
		},
		"List all versions newest first": func(t *testing.T, a access.Actor) ([]string, string) {
			return all(must(m.s.List(ctx, a, Filter{Limit: 1000, Versions: []string{"all"}, NewestFirst: true})).Objects), ""
		},
		"List paged by 3": func(t *testing.T, a access.Actor) ([]string, string) {
			var got []string
			f := Filter{Limit: 3}
			for {
				p := must(m.s.List(ctx, a, f))
				got = append(got, ids(p.Objects)...)
				if !p.More {
					return m.only(got), ""
				}
				f.Next = p.Next
			}
		},
		"Search": func(t *testing.T, a access.Actor) ([]string, string) {
			return all(must(m.s.List(ctx, a, Filter{Limit: 1000, Query: matrixValue})).Objects), "indicator"
		},
		"Get": func(t *testing.T, a access.Actor) ([]string, string) {
			return m.each(a, func(id string) bool { _, err := m.s.Get(ctx, a, id); return err == nil }), ""
		},
		"Versions": func(t *testing.T, a access.Actor) ([]string, string) {
			return m.each(a, func(id string) bool {
				p, err := m.s.Versions(ctx, a, id, Filter{})
				return err == nil && len(p.Objects) == 1
			}), ""
		},
		"Lookup": func(t *testing.T, a access.Actor) ([]string, string) {
			return all(must(m.s.Lookup(ctx, a, Value{"domain", matrixValue}, 1000))), "indicator"
		},
		"Correlations": func(t *testing.T, a access.Actor) ([]string, string) {
			var got []string
			for _, c := range must(m.s.Correlations(ctx, a, m.anchor)) {
				got = append(got, ids(c.Objects)...)
			}
			return m.only(got), "indicator"
		},
		"Related": func(t *testing.T, a access.Actor) ([]string, string) {
			var got []string
			for _, r := range must(m.s.Related(ctx, a, m.report)) {
				got = append(got, r.Object.ID)
			}
			return m.only(got), ""
		},
		"Sightings": func(t *testing.T, a access.Actor) ([]string, string) {
			var got []string
			for _, si := range must(m.s.Sightings(ctx, a, m.anchor)) {
				got = append(got, si.Object.ID)
			}
			return m.only(got), "sighting"
		},
		"Collections": func(t *testing.T, a access.Actor) ([]string, string) {
			var got []string
			for _, c := range must(m.s.Collections(ctx, a)) {
				got = append(got, ids(must(m.s.List(ctx, a, Filter{Collection: c.ID, Limit: 1000})).Objects)...)
			}
			return m.only(got), ""
		},
	}
}

// each returns the matrix ids for which ok holds.
func (m *matrix) each(a access.Actor, ok func(id string) bool) []string {
	var out []string
	for id := range m.objects {
		if ok(id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestVisibilityMatrix walks every read function for five organisations
// over objects of every TLP level and distribution, on both engines: nobody
// sees what access.CanSeeIntel refuses, and everybody sees what it allows.
func TestVisibilityMatrix(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		m := newMatrix(t, s)
		if len(m.objects) != 2*(len(access.TLPs)*4-1) {
			t.Fatalf("matrix holds %d objects", len(m.objects))
		}
		for name, read := range m.readers() {
			for _, who := range []string{"A", "B", "C", "D", "E"} {
				t.Run(name+"/"+who, func(t *testing.T) {
					a := m.actors[who]
					got, typ := read(t, a)
					want := m.want(t, a, typ)
					if !slices.Equal(got, want) {
						t.Errorf("%s sees %d objects, access allows %d\n got %v\nwant %v", who, len(got), len(want), got, want)
					}
				})
			}
		}
		if n := s.drops.Load(); n != 0 {
			t.Errorf("the SQL prefilter let through %d rows access refused", n)
		}
	})
}

// TestVisibilityFixedCases pins a few answers by hand, so the matrix test
// does not only agree with itself.
func TestVisibilityFixedCases(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		m := newMatrix(t, s)
		count := func(who string, tlp access.TLP) int {
			n := 0
			for _, o := range must(s.List(ctx, m.actors[who], Filter{Limit: 1000, Types: []string{"indicator"}})).Objects {
				if _, ok := m.objects[o.ID]; ok && o.Sharing.TLP == tlp {
					n++
				}
			}
			return n
		}
		cases := []struct {
			who  string
			tlp  access.TLP
			want int
		}{
			{"A", access.TLPRed, 3},         // own: group, named, none
			{"B", access.TLPRed, 1},         // the group one
			{"C", access.TLPRed, 1},         // the named one
			{"D", access.TLPRed, 0},         // red never reaches all members
			{"D", access.TLPAmber, 1},       // all members
			{"D", access.TLPGreen, 1},       // all members
			{"E", access.TLPAmber, 0},       // observers see no amber
			{"E", access.TLPAmberStrict, 0}, // nor amber+strict
			{"E", access.TLPGreen, 3},       // but green: members, group, named
			{"E", access.TLPRed, 0},         // and no red, named or not
			{"B", access.TLPAmber, 2},       // members and group
			{"C", access.TLPClear, 2},       // members and named
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s %s", tc.who, tc.tlp), func(t *testing.T) {
				if got := count(tc.who, tc.tlp); got != tc.want {
					t.Errorf("%s sees %d %s indicators, want %d", tc.who, got, tc.tlp, tc.want)
				}
			})
		}
	})
}

// TestUnseenIsNotFound: an object the actor may not see does not exist for
// them, on every function that takes an id, and no write reveals it.
func TestUnseenIsNotFound(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a, d := analyst("org-a"), admin("org-d")
		ind := indicator("secret", "[ipv4-addr:value = '203.0.113.250']")
		mustPut(t, s, a, Sharing{TLP: access.TLPRed}, ind)
		id := idOf(t, ind)
		calls := map[string]func() error{
			"Get":          func() error { _, err := s.Get(ctx, d, id); return err },
			"Versions":     func() error { _, err := s.Versions(ctx, d, id, Filter{}); return err },
			"Related":      func() error { _, err := s.Related(ctx, d, id); return err },
			"Correlations": func() error { _, err := s.Correlations(ctx, d, id); return err },
			"Sightings":    func() error { _, err := s.Sightings(ctx, d, id); return err },
			"Sight": func() error {
				_, err := s.Sight(ctx, d, SightingInput{IndicatorID: id, Sharing: Sharing{TLP: access.TLPAmber}})
				return err
			},
			"Delete":     func() error { _, err := s.Delete(ctx, d, id, nil); return err },
			"Revoke":     func() error { _, err := s.Revoke(ctx, d, id); return err },
			"SetSharing": func() error { return s.SetSharing(ctx, d, id, Sharing{TLP: access.TLPClear, Members: true}) },
			"SaveIndicator": func() error {
				_, err := s.SaveIndicator(ctx, d, IndicatorInput{ID: id, Name: "x", Pattern: "[ipv4-addr:value = '192.0.2.1']",
					Sharing: Sharing{TLP: access.TLPClear, Members: true}})
				return err
			},
		}
		for name, call := range calls {
			t.Run(name, func(t *testing.T) {
				if err := call(); err != ErrNotFound {
					t.Errorf("%s by another organisation: %v, want ErrNotFound", name, err)
				}
			})
		}
		if _, err := s.Get(ctx, a, id); err != nil {
			t.Errorf("the creator lost the object: %v", err)
		}
		_ = json.RawMessage{}
		_ = time.Now
	})
}
