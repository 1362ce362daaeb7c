package intel

import (
	"cmp"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/routing"
	"atalaya/internal/stix"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// withValidUntil returns an indicator valid until the time given.
func withValidUntil(name, pattern string, until time.Time) json.RawMessage {
	var m map[string]any
	if err := json.Unmarshal(indicator(name, pattern), &m); err != nil {
		panic(err)
	}
	m["valid_until"] = until.UTC().Format("2006-01-02T15:04:05.000Z")
	b, _ := json.Marshal(m)
	return b
}

// TestWatches stores indicators of two organisations, revokes one,
// supersedes one, lets one expire, and checks the watch list holds
// exactly the live values, normalised, with the creator organisation.
func TestWatches(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	storetest.Each(t, sets(), func(t *testing.T, db *store.DB) {
		s := New(db, Options{Now: func() time.Time { return now }})
		a, b := analyst("org-a"), analyst("org-b")
		red := Sharing{TLP: access.TLPRed}
		green := Sharing{TLP: access.TLPGreen, Members: true}

		ip := indicator("c2", "[ipv4-addr:value = '198.51.100.7']")
		mixed := indicator("phish", "[domain-name:value = 'Evil.Example.'] OR [url:value = 'HTTP://Phish.Example/login?x=1'] OR [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']")
		v6 := indicator("v6", "[ipv6-addr:value = '2001:DB8::1/128'] OR [ipv4-addr:value = '203.0.113.77/24']")
		revoked := indicator("gone", "[ipv4-addr:value = '192.0.2.99']")
		expired := withValidUntil("old", "[domain-name:value = 'expired.example']", now.Add(-time.Hour))
		current := withValidUntil("current", "[domain-name:value = 'current.example']", now.Add(time.Hour))
		sco := json.RawMessage(`{"type":"ipv4-addr","spec_version":"2.1","id":"` + stix.NewID("ipv4-addr") + `","value":"198.51.100.200"}`)
		mustPut(t, s, a, green, ip, revoked, expired, sco)
		mustPut(t, s, b, red, mixed, v6, current)
		if _, err := s.Revoke(ctx, a, idOf(t, revoked)); err != nil {
			t.Fatal(err)
		}
		// A later version of a's indicator names another address: only
		// the latest version's value is watched.
		ipID := idOf(t, ip)
		mustPut(t, s, a, green, indicatorAt(ipID, "c2", "[ipv4-addr:value = '198.51.100.8']", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)))

		got, err := s.Watches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []routing.Watch{
			{IntelID: ipID, OrgID: "org-a", Kind: "ip", Value: "198.51.100.8"},
			{IntelID: idOf(t, mixed), OrgID: "org-b", Kind: "domain", Value: "evil.example"},
			{IntelID: idOf(t, mixed), OrgID: "org-b", Kind: "url", Value: "http://phish.example/login?x=1"},
			{IntelID: idOf(t, v6), OrgID: "org-b", Kind: "ip", Value: "2001:db8::1"},
			{IntelID: idOf(t, v6), OrgID: "org-b", Kind: "prefix", Value: "203.0.113.0/24"},
			{IntelID: idOf(t, current), OrgID: "org-b", Kind: "domain", Value: "current.example"},
		}
		sortWatches(got)
		sortWatches(want)
		if !slices.Equal(got, want) {
			t.Errorf("Watches =\n%v\nwant\n%v", got, want)
		}
	})
}

func sortWatches(ws []routing.Watch) {
	slices.SortFunc(ws, func(a, b routing.Watch) int {
		return cmp.Or(cmp.Compare(a.IntelID, b.IntelID), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Value, b.Value))
	})
}

// TestWatchesRouteEvents: the values intel hands out match events as
// feeds report them (other case, subdomains, a URL's host), through the
// routing table built from them.
func TestWatchesRouteEvents(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		ind := indicator("x", "[domain-name:value = 'Bad.Example'] OR [url:value = 'https://Phish.Example/a?b=c'] OR [ipv4-addr:value = '198.51.100.0/25']")
		mustPut(t, s, a, Sharing{TLP: access.TLPAmber, Orgs: []string{"org-a"}}, ind)
		ws, err := s.Watches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tab, err := routing.BuildWatched(nil, nil, ws)
		if err != nil || len(tab.SkippedWatches()) > 0 {
			t.Fatalf("BuildWatched: %v %v", err, tab.SkippedWatches())
		}
		cases := []struct {
			name        string
			ip          string
			domain, url string
			hit         bool
		}{
			{"subdomain", "", "www.bad.example", "", true},
			{"URL as written in the indicator", "", "", "https://Phish.Example/a?b=c", true},
			{"URL lower case", "", "", "https://phish.example/a?b=c", true},
			{"URL host under the domain", "", "", "http://cdn.bad.example/x", true},
			{"address in the prefix", "198.51.100.100", "", "", true},
			{"address past the prefix", "198.51.100.200", "", "", false},
			{"other domain", "", "good.example", "", false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var addr netip.Addr
				if c.ip != "" {
					addr = netip.MustParseAddr(c.ip)
				}
				got := tab.Watched(addr, c.domain, c.url, nil)
				hit := len(got) > 0 && got[0].IntelID == idOf(t, ind) && got[0].OrgID == "org-a"
				if hit != c.hit {
					t.Errorf("Watched = %+v, want hit %v", got, c.hit)
				}
			})
		}
	})
}

// FuzzWatchURL: an event URL written exactly as an indicator's url value
// was written matches the watch built from that value, whatever the URL:
// routing's normalisation agrees with Normalize.
func FuzzWatchURL(f *testing.F) {
	for _, s := range []string{"http://example.org/", "HTTP://Example.ORG/Path?q=1#F", "http://user@[2001:DB8::1]:80/x",
		"https://españa.example/ñ", "http://example.org:/a b", "http://example.org/#", "not a url", "http://xn--a.example/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := Normalize(stix.Observable{Object: "url", Path: "value", Value: s})
		if !ok || v.Kind != "url" {
			return
		}
		w := routing.Watch{IntelID: "indicator--1", OrgID: "org-a", Kind: "url", Value: v.Value}
		tab, err := routing.BuildWatched(nil, nil, []routing.Watch{w})
		if err != nil || len(tab.SkippedWatches()) > 0 {
			return
		}
		if got := tab.Watched(netip.Addr{}, "", strings.TrimSpace(s), nil); !slices.Contains(got, w) {
			t.Fatalf("URL %q (normalised %q) does not match its own watch: %v", s, v.Value, got)
		}
	})
}
