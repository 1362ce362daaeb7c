package feeds

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
)

// inboxFixture loads events for org-a (192.0.2.0/24), org-b
// (198.51.100.0/24, example.org) and org-c (AS64500) from two feeds.
func inboxFixture(t *testing.T, fx fixture) {
	t.Helper()
	mustFeed(t, fx.s, "scan")
	mustFeed(t, fx.s, "bots")
	var scan, bots strings.Builder
	for i := range 30 {
		fmt.Fprintf(&scan, "192.0.2.%d;vulnerable;vulnerable-system\n", i+1)
		fmt.Fprintf(&bots, "192.0.2.%d;malicious-code;infected-system;;;mirai%d\n", i+1, i)
	}
	for i := range 5 {
		fmt.Fprintf(&scan, "198.51.100.%d;vulnerable;vulnerable-system\n", i+1)
		fmt.Fprintf(&bots, "203.0.113.%d;malicious-code;c2-server\n", i+1)
	}
	bots.WriteString(";fraud;phishing;shop.example.org\n")
	mustIngest(t, fx.s, "scan", scan.String())
	mustIngest(t, fx.s, "bots", bots.String())
}

func TestInboxShowsOnlyTheOwnOrganisation(t *testing.T) {
	each(t, Options{Enricher: testEnricher{}}, func(t *testing.T, fx fixture) {
		inboxFixture(t, fx)
		officer := access.Actor{UserID: "off", OrgID: orgS, Secretariat: true, Roles: []access.Role{access.SecretariatOfficer}}
		want := map[string]int{orgA: 60, orgB: 6, orgC: 5, orgS: 0}
		cases := []struct {
			name  string
			actor access.Actor
			may   map[string]bool // orgs whose inbox the actor may read
		}{
			{"analyst of a", analyst(orgA), map[string]bool{orgA: true}},
			{"analyst of b", analyst(orgB), map[string]bool{orgB: true}},
			{"analyst of c", analyst(orgC), map[string]bool{orgC: true}},
			{"observer of a", observer(orgA), nil},
			// The secretariat reads its own organisation's inbox, no other.
			{"secretariat admin", secretariat(), map[string]bool{orgS: true}},
			{"secretariat officer", officer, map[string]bool{orgS: true}},
			{"anonymous", access.Anonymous, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				for _, org := range []string{orgA, orgB, orgC, orgS} {
					var all []StoredEvent
					cursor := ""
					var err error
					for {
						var page []StoredEvent
						page, cursor, err = fx.s.Inbox(ctx, tc.actor, org, Filter{Cursor: cursor, Limit: 1000})
						if err != nil {
							break
						}
						all = append(all, page...)
						if cursor == "" {
							break
						}
					}
					if !tc.may[org] {
						if !errors.Is(err, access.ErrDenied) || len(all) != 0 {
							t.Errorf("inbox of %s: %d events, err %v; want ErrDenied", org, len(all), err)
						}
						continue
					}
					if err != nil || len(all) != want[org] {
						t.Errorf("inbox of %s: %d events, err %v; want %d", org, len(all), err, want[org])
					}
					for _, se := range all {
						if se.OrgID != org {
							t.Errorf("inbox of %s holds a delivery to %s", org, se.OrgID)
						}
					}
				}
			})
		}
	})
}

func TestInboxPagingAndFilters(t *testing.T) {
	each(t, Options{Enricher: testEnricher{}}, func(t *testing.T, fx fixture) {
		inboxFixture(t, fx)
		a := analyst(orgA)
		// Paging: 60 events of org-a, 7 a page, newest first, no repeats.
		seen := map[int64]bool{}
		last := int64(1 << 62)
		cursor := ""
		pages := 0
		for {
			page, next, err := fx.s.Inbox(ctx, a, orgA, Filter{Cursor: cursor, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, se := range page {
				if seen[se.ID] || se.ID >= last {
					t.Fatalf("delivery %d out of order or repeated", se.ID)
				}
				seen[se.ID], last = true, se.ID
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if len(seen) != 60 || pages != 9 {
			t.Errorf("%d events in %d pages, want 60 in 9", len(seen), pages)
		}
		cases := []struct {
			name string
			org  string
			f    Filter
			want int
		}{
			{"feed", orgA, Filter{Feed: "scan"}, 30},
			{"taxonomy", orgA, Filter{Taxonomy: "malicious-code"}, 30},
			{"type", orgC, Filter{Type: "c2-server"}, 5},
			{"type of none", orgA, Filter{Type: "c2-server"}, 0},
			{"by domain", orgB, Filter{By: ByDomain}, 1},
			{"by prefix", orgB, Filter{By: ByPrefix}, 5},
			{"query on an address", orgA, Filter{Query: "192.0.2.1"}, 2 * 11}, // .1, .10-.19
			{"query on a domain, any case", orgB, Filter{Query: "SHOP.example"}, 1},
			{"query on the malware", orgA, Filter{Query: "mirai2"}, 11}, // mirai2, mirai20-29
			{"query with a wildcard is literal", orgA, Filter{Query: "mirai%"}, 0},
			{"query with an underscore is literal", orgA, Filter{Query: "192_0"}, 0},
			{"since the future", orgA, Filter{Since: time.Now().Add(time.Hour)}, 0},
			{"until the future", orgA, Filter{Until: time.Now().Add(time.Hour)}, 60},
			{"until the past", orgA, Filter{Until: time.Now().Add(-time.Hour)}, 0},
			{"feed and type", orgA, Filter{Feed: "bots", Type: "infected-system"}, 30},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.f.Limit = 1000
				evs, _, err := fx.s.Inbox(ctx, analyst(tc.org), tc.org, tc.f)
				if err != nil || len(evs) != tc.want {
					t.Fatalf("%d events, err %v; want %d", len(evs), err, tc.want)
				}
			})
		}
		first, _, err := fx.s.Inbox(ctx, a, orgA, Filter{Limit: 1})
		if err != nil || len(first) != 1 {
			t.Fatal(err)
		}
		if one, err := fx.s.Delivery(ctx, a, orgA, first[0].ID); err != nil || one.ID != first[0].ID || one.Event.Raw != first[0].Event.Raw {
			t.Errorf("Delivery: %+v %v", one, err)
		}
		if _, err := fx.s.Delivery(ctx, analyst(orgB), orgB, first[0].ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("org-b read org-a's delivery by id: %v", err)
		}
		if _, err := fx.s.Delivery(ctx, analyst(orgB), orgA, first[0].ID); !errors.Is(err, access.ErrDenied) {
			t.Errorf("org-b read org-a's inbox: %v", err)
		}
		if _, _, err := fx.s.Inbox(ctx, a, orgA, Filter{Cursor: "garbage"}); err == nil {
			t.Errorf("a bad cursor was accepted")
		}
	})
}
