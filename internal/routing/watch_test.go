package routing_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/routing"
)

// watchFixture has nested IPv4 watches of three organisations, IPv6 ones,
// nested domains, URLs, one indicator with two values, a duplicate, and
// watches that must be skipped.
var watchFixture = []routing.Watch{
	{IntelID: "I1", OrgID: "A", Kind: "ip", Value: "198.51.100.7"},
	{IntelID: "I2", OrgID: "B", Kind: "prefix", Value: "198.51.100.0/24"},
	{IntelID: "I2", OrgID: "B", Kind: "prefix", Value: "198.51.100.0/24"}, // twice: told once
	{IntelID: "I3", OrgID: "C", Kind: "prefix", Value: "198.51.0.0/16"},
	{IntelID: "I4", OrgID: "A", Kind: "prefix", Value: "2001:db8:1::/48"},
	{IntelID: "I5", OrgID: "B", Kind: "ip", Value: "2001:db8:1::5"},
	{IntelID: "I6", OrgID: "A", Kind: "domain", Value: "evil.example"},
	{IntelID: "I7", OrgID: "B", Kind: "domain", Value: "sub.evil.example"},
	{IntelID: "I8", OrgID: "C", Kind: "url", Value: "http://phish.example/login?x=1"},
	{IntelID: "I9", OrgID: "A", Kind: "url", Value: "http://[2001:db8::9]/x"},
	{IntelID: "I1", OrgID: "A", Kind: "domain", Value: "c2.example"},
	{IntelID: "I6", OrgID: "C", Kind: "domain", Value: "evil.example"}, // one indicator, two orgs (copies)
	// skipped:
	{IntelID: "S1", OrgID: "A", Kind: "prefix", Value: "10.0.0.0/8"},
	{IntelID: "S2", OrgID: "A", Kind: "domain", Value: "com"},
	{IntelID: "S3", OrgID: "A", Kind: "domain", Value: "co.uk"},
	{IntelID: "S4", OrgID: "", Kind: "ip", Value: "192.0.2.1"},
	{IntelID: "S5", OrgID: "A", Kind: "email", Value: "x@example.org"},
	{IntelID: "S6", OrgID: "A", Kind: "ip", Value: "not-an-address"},
	{IntelID: "S7", OrgID: "A", Kind: "prefix", Value: "2001:db8::/16"},
	{IntelID: "S8", OrgID: "A", Kind: "url", Value: " "},
}

func watchTable(t testing.TB) *routing.Table {
	t.Helper()
	tab, err := routing.BuildWatched([]routing.Entry{{OrgID: "Z", Kind: "prefix", Value: "198.51.0.0/16"}},
		map[string]string{"UY": "UY-CERT"}, watchFixture)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// hits renders watches as "intel/org" sorted.
func hits(ws []routing.Watch) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.IntelID + "/" + w.OrgID
	}
	slices.Sort(out)
	return out
}

func TestWatched(t *testing.T) {
	tab := watchTable(t)
	ip := netip.MustParseAddr
	none := netip.Addr{}
	cases := []struct {
		name   string
		ip     netip.Addr
		domain string
		url    string
		want   []string
	}{
		{"host watch and both covering prefixes", ip("198.51.100.7"), "", "", []string{"I1/A", "I2/B", "I3/C"}},
		{"the /24 and the /16", ip("198.51.100.8"), "", "", []string{"I2/B", "I3/C"}},
		{"the /16 only", ip("198.51.7.7"), "", "", []string{"I3/C"}},
		{"outside every prefix", ip("203.0.113.1"), "", "", nil},
		{"IPv4-mapped", ip("::ffff:198.51.100.7"), "", "", []string{"I1/A", "I2/B", "I3/C"}},
		{"IPv6 host inside the /48", ip("2001:db8:1::5"), "", "", []string{"I4/A", "I5/B"}},
		{"IPv6 inside the /48", ip("2001:db8:1::6"), "", "", []string{"I4/A"}},
		{"IPv6 outside", ip("2001:db8:2::1"), "", "", nil},
		{"domain itself, two orgs", none, "evil.example", "", []string{"I6/A", "I6/C"}},
		{"every level of the suffix", none, "a.sub.evil.example", "", []string{"I6/A", "I6/C", "I7/B"}},
		{"label boundary", none, "notevil.example", "", nil},
		{"domain case and trailing dot", none, "WWW.Evil.Example.", "", []string{"I6/A", "I6/C"}},
		{"URL exact", none, "", "http://phish.example/login?x=1", []string{"I8/C"}},
		{"URL scheme and host case", none, "", "HTTP://PHISH.Example/login?x=1", []string{"I8/C"}},
		{"URL path case matters", none, "", "http://phish.example/LOGIN?x=1", nil},
		{"URL other query", none, "", "http://phish.example/login?x=2", nil},
		{"URL host against domain watches", none, "", "http://www.evil.example/x", []string{"I6/A", "I6/C"}},
		{"URL host against ip watches", none, "", "http://198.51.100.7:8080/x", []string{"I1/A", "I2/B", "I3/C"}},
		{"IPv6 URL", none, "", "http://[2001:db8::9]/x", []string{"I9/A"}},
		{"IPv6 URL host in a prefix", none, "", "http://[2001:db8:1::5]/", []string{"I4/A", "I5/B"}},
		{"ip and URL host the same: once", ip("198.51.100.7"), "", "http://198.51.100.7/", []string{"I1/A", "I2/B", "I3/C"}},
		{"one indicator by two values: both", ip("198.51.100.7"), "c2.example", "", []string{"I1/A", "I1/A", "I2/B", "I3/C"}},
		{"domain and URL host overlap: once", none, "a.evil.example", "http://b.evil.example/", []string{"I6/A", "I6/C"}},
		{"skipped wide prefix", ip("10.1.2.3"), "", "", nil},
		{"skipped public suffix", none, "anything.com", "", nil},
		{"nothing", none, "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := tab.Watched(c.ip, c.domain, c.url, nil)
			if h := hits(got); !slices.Equal(h, c.want) {
				t.Errorf("Watched(%v, %q, %q) = %v, want %v", c.ip, c.domain, c.url, h, c.want)
			}
			for i, w := range got {
				if slices.Contains(got[:i], w) {
					t.Errorf("watch %+v returned twice", w)
				}
			}
		})
	}
}

func TestWatchedKeepsDst(t *testing.T) {
	tab := watchTable(t)
	prev := routing.Watch{IntelID: "I2", OrgID: "B", Kind: "prefix", Value: "198.51.100.0/24"}
	got := tab.Watched(netip.MustParseAddr("198.51.100.8"), "", "", []routing.Watch{prev})
	// dst is appended to, not searched: the caller's own entries stay and
	// a match equal to one of them is still reported.
	if len(got) != 3 || got[0] != prev {
		t.Errorf("Watched with a non-empty dst = %+v", got)
	}
}

func TestSkippedWatches(t *testing.T) {
	tab := watchTable(t)
	var got []string
	for _, e := range tab.SkippedWatches() {
		if watchFixture[e.Index] != e.Watch || !strings.Contains(e.Error(), e.Watch.IntelID) {
			t.Errorf("skipped %d %+v does not name watch %+v", e.Index, e.Watch, watchFixture[e.Index])
		}
		got = append(got, e.Watch.IntelID)
	}
	want := []string{"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"}
	if !slices.Equal(got, want) {
		t.Errorf("skipped %v, want %v", got, want)
	}
}

func TestWatchesLeaveRouteAlone(t *testing.T) {
	plain := fixture(t)
	entries := []routing.Entry{
		{OrgID: "A", Kind: "prefix", Value: "198.51.0.0/16"},
		{OrgID: "B", Kind: "prefix", Value: "198.51.100.0/24"},
	}
	watched, err := routing.BuildWatched(entries, nil, watchFixture)
	if err != nil {
		t.Fatal(err)
	}
	if m := watched.Route(routing.Query{IP: netip.MustParseAddr("198.51.100.7")}); len(m.OrgIDs) != 1 || m.OrgIDs[0] != "B" {
		t.Errorf("Route on a watched table = %+v", m)
	}
	if ws := plain.Watched(netip.MustParseAddr("198.51.100.7"), "evil.example", "http://phish.example/login?x=1", nil); ws != nil {
		t.Errorf("a table built without watches watched %v", ws)
	}
	var nilTab *routing.Table
	if ws := nilTab.Watched(netip.MustParseAddr("198.51.100.7"), "", "", nil); ws != nil || nilTab.SkippedWatches() != nil {
		t.Error("a nil table watched something")
	}
	if _, err := routing.BuildWatched([]routing.Entry{{OrgID: "A", Kind: "asn", Value: "ASx"}}, nil, watchFixture); err == nil {
		t.Error("BuildWatched accepted a bad constituency entry")
	}
}

func TestWatchedDoesNotAllocate(t *testing.T) {
	tab := watchTable(t)
	dst := make([]routing.Watch, 0, 8)
	cases := []struct {
		name   string
		ip     netip.Addr
		domain string
		url    string
	}{
		{"IPv4 hit", netip.MustParseAddr("198.51.100.7"), "", ""},
		{"IPv4 miss", netip.MustParseAddr("203.0.113.1"), "", ""},
		{"IPv6 hit", netip.MustParseAddr("2001:db8:1::5"), "", ""},
		{"domain hit", netip.Addr{}, "a.sub.evil.example", ""},
		{"domain miss", netip.Addr{}, "www.example.org", ""},
		{"canonical URL hit", netip.Addr{}, "", "http://phish.example/login?x=1"},
		{"canonical URL miss", netip.Addr{}, "", "https://www.example.org/a/b?c=d"},
		{"everything", netip.MustParseAddr("198.51.100.7"), "www.evil.example", "http://198.51.100.7/x"},
	}
	for _, c := range cases {
		if n := testing.AllocsPerRun(100, func() { tab.Watched(c.ip, c.domain, c.url, dst[:0]) }); n != 0 {
			t.Errorf("%s: Watched allocates %v times", c.name, n)
		}
	}
}

// BenchmarkWatched_10k matches events (a random IPv4 source, a host name,
// a URL) against 10,000 watches: 6,000 addresses, 1,000 /24s, 2,000
// domains and 1,000 URLs.
func BenchmarkWatched_10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	var ws []routing.Watch
	addr := func() netip.Addr {
		return netip.AddrFrom4([4]byte{byte(1 + rng.UintN(222)), byte(rng.UintN(256)), byte(rng.UintN(256)), byte(rng.UintN(256))})
	}
	for i := range 10_000 {
		w := routing.Watch{IntelID: fmt.Sprintf("indicator--%05d", i), OrgID: fmt.Sprintf("org%03d", i%300)}
		switch {
		case i < 6000:
			w.Kind, w.Value = "ip", addr().String()
		case i < 7000:
			w.Kind, w.Value = "prefix", netip.PrefixFrom(addr(), 24).Masked().String()
		case i < 9000:
			w.Kind, w.Value = "domain", fmt.Sprintf("bad%d.example", i)
		default:
			w.Kind, w.Value = "url", fmt.Sprintf("http://phish%d.example/login.php?id=%d", i, i)
		}
		ws = append(ws, w)
	}
	tab, err := routing.BuildWatched(nil, nil, ws)
	if err != nil {
		b.Fatal(err)
	}
	type q struct {
		ip          netip.Addr
		domain, url string
	}
	qs := make([]q, 1024)
	for i := range qs {
		n := rng.IntN(20_000) // half the names exist
		qs[i] = q{addr(), fmt.Sprintf("www.bad%d.example", n), fmt.Sprintf("http://phish%d.example/login.php?id=%d", n, n)}
	}
	dst := make([]routing.Watch, 0, 16)
	hit := 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		x := qs[i&1023]
		dst = tab.Watched(x.ip, x.domain, x.url, dst[:0])
		hit += len(dst)
	}
	b.ReportMetric(float64(hit)/float64(b.N), "watch/op")
}
