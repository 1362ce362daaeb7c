package intel

import (
	"slices"
	"strconv"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/valid"
)

func TestListFilters(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a, b := analyst("org-a"), analyst("org-b")
		members := func(tlp access.TLP) Sharing { return Sharing{TLP: tlp, Members: true} }
		mustPut(t, s, a, members(access.TLPGreen), indicator("Campaña México 50%", "[ipv4-addr:value = '198.51.100.1']"))
		mustPut(t, s, a, members(access.TLPAmber), indicator("Phishing kit", "[domain-name:value = 'kit.example']"))
		mustPut(t, s, b, members(access.TLPClear), indicator("Scanner", "[ipv4-addr:value = '198.51.100.2']"))
		if _, err := s.SaveReport(ctx, b, ReportInput{Name: "Weekly", ObjectRefs: []string{}, Sharing: members(access.TLPClear)}); err == nil {
			t.Fatal("a report without objects was saved")
		}
		names := func(f Filter) []string {
			t.Helper()
			p, err := s.List(ctx, analyst("org-c"), f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range p.Objects {
				out = append(out, o.Name)
			}
			return out
		}
		cases := []struct {
			name string
			f    Filter
			want []string
		}{
			{"everything, oldest first", Filter{}, []string{"Campaña México 50%", "Phishing kit", "Scanner"}},
			{"newest first", Filter{NewestFirst: true}, []string{"Scanner", "Phishing kit", "Campaña México 50%"}},
			{"words without accents", Filter{Query: "campana mexico"}, []string{"Campaña México 50%"}},
			{"percent is a character", Filter{Query: "50%"}, []string{"Campaña México 50%"}},
			{"underscore is a character", Filter{Query: "_"}, nil},
			{"by value", Filter{Query: "KIT.example."}, []string{"Phishing kit"}},
			{"by organisation", Filter{OrgID: "org-b"}, []string{"Scanner"}},
			{"by TLP", Filter{TLPs: []access.TLP{access.TLPAmber, access.TLPClear}}, []string{"Phishing kit", "Scanner"}},
			{"by type", Filter{Types: []string{"report"}}, nil},
			{"by spec version", Filter{SpecVersions: []string{"2.0"}}, nil},
			{"page of 2", Filter{Limit: 2}, []string{"Campaña México 50%", "Phishing kit"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := names(tc.f); !slices.Equal(got, tc.want) {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		}
		for _, bad := range []string{"nope", "a-1", "azzzzzzzzzzzzzzzzzzzz"} {
			if _, err := s.List(ctx, b, Filter{Next: bad}); len(valid.List(err)) == 0 || valid.List(err)[0].Field != "next" {
				t.Errorf("cursor %q: %v, want a valid.Error on next", bad, err)
			}
		}
	})
}

// TestListRevoked: the revoked filter is applied before the page is cut,
// so pages are full and hold exactly the objects asked for, in either
// order.
func TestListRevoked(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		var live, revoked []string
		for i := range 6 {
			rep := mustPut(t, s, a, Sharing{TLP: access.TLPGreen, Members: true},
				indicator("x", "[ipv4-addr:value = '198.51.100."+strconv.Itoa(i+1)+"']"))
			id := rep.Accepted[0].ID
			if i%2 == 1 {
				live = append(live, id)
				continue
			}
			if _, err := s.Revoke(ctx, a, id); err != nil {
				t.Fatal(err)
			}
			revoked = append(revoked, id)
		}
		yes, no := true, false
		cases := []struct {
			name    string
			revoked *bool
			newest  bool
			want    []string
		}{
			{"live, newest first", &no, true, live},
			{"live, oldest first", &no, false, live},
			{"revoked, newest first", &yes, true, revoked},
			{"revoked, oldest first", &yes, false, revoked},
			{"both", nil, true, append(slices.Clone(live), revoked...)},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				f := Filter{Revoked: tc.revoked, NewestFirst: tc.newest, Limit: 2}
				for pages := 0; ; pages++ {
					p, err := s.List(ctx, analyst("org-b"), f)
					if err != nil {
						t.Fatal(err)
					}
					if p.More && len(p.Objects) != 2 {
						t.Fatalf("page %d holds %d objects and has a next page", pages, len(p.Objects))
					}
					for _, o := range p.Objects {
						if tc.revoked != nil && o.Revoked != *tc.revoked {
							t.Errorf("%s revoked=%v listed", o.ID, o.Revoked)
						}
					}
					got = append(got, ids(p.Objects)...)
					if !p.More {
						break
					}
					f.Next = p.Next
				}
				slices.Sort(got)
				want := slices.Sorted(slices.Values(tc.want))
				if !slices.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			})
		}
	})
}
