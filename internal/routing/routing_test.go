package routing_test

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/routing"
)

// fixture has overlapping IPv4 prefixes (A's /16 holds B's /24 and a /24
// shared by B and C), nested IPv6 prefixes, ASNs, nested domains and a
// national CSIRT.
func fixture(t testing.TB) *routing.Table {
	t.Helper()
	entries := []routing.Entry{
		{OrgID: "A", Kind: "prefix", Value: "198.51.0.0/16"},
		{OrgID: "B", Kind: "prefix", Value: "198.51.100.0/24"},
		{OrgID: "C", Kind: "prefix", Value: "198.51.101.0/24"},
		{OrgID: "B", Kind: "prefix", Value: "198.51.101.0/24"},
		{OrgID: "B", Kind: "prefix", Value: "198.51.101.0/24"}, // listed twice: told once
		{OrgID: "A", Kind: "prefix", Value: "2001:db8::/32"},
		{OrgID: "B", Kind: "prefix", Value: "2001:db8:1::/48"},
		{OrgID: "A", Kind: "asn", Value: "AS64496"},
		{OrgID: "C", Kind: "asn", Value: "AS64497"},
		{OrgID: "A", Kind: "domain", Value: "example.org"},
		{OrgID: "B", Kind: "domain", Value: "sub.example.org"},
	}
	tab, err := routing.Build(entries, map[string]string{"mx": "MX-CSIRT", "UY": "UY-CERT"})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return tab
}

func TestRoute(t *testing.T) {
	tab := fixture(t)
	ip := netip.MustParseAddr
	cases := []struct {
		name string
		q    routing.Query
		want routing.Match
	}{
		{"most specific prefix", routing.Query{IP: ip("198.51.100.7")},
			routing.Match{OrgIDs: []string{"B"}, By: "prefix", Key: "198.51.100.0/24"}},
		{"covering prefix", routing.Query{IP: ip("198.51.7.1")},
			routing.Match{OrgIDs: []string{"A"}, By: "prefix", Key: "198.51.0.0/16"}},
		{"tie on one prefix", routing.Query{IP: ip("198.51.101.200")},
			routing.Match{OrgIDs: []string{"B", "C"}, By: "prefix", Key: "198.51.101.0/24"}},
		{"prefix beats ASN and domain", routing.Query{IP: ip("198.51.100.1"), ASN: 64497, Domain: "example.org"},
			routing.Match{OrgIDs: []string{"B"}, By: "prefix", Key: "198.51.100.0/24"}},
		{"IPv6 nested /48", routing.Query{IP: ip("2001:db8:1::5")},
			routing.Match{OrgIDs: []string{"B"}, By: "prefix", Key: "2001:db8:1::/48"}},
		{"IPv6 /32", routing.Query{IP: ip("2001:db8:2::5")},
			routing.Match{OrgIDs: []string{"A"}, By: "prefix", Key: "2001:db8::/32"}},
		{"IPv4-mapped IPv6 routed as IPv4", routing.Query{IP: ip("::ffff:198.51.100.9")},
			routing.Match{OrgIDs: []string{"B"}, By: "prefix", Key: "198.51.100.0/24"}},
		{"ASN when no prefix", routing.Query{IP: ip("203.0.113.1"), ASN: 64497, Domain: "example.org"},
			routing.Match{OrgIDs: []string{"C"}, By: "asn", Key: "AS64497"}},
		{"domain itself", routing.Query{Domain: "example.org"},
			routing.Match{OrgIDs: []string{"A"}, By: "domain", Key: "example.org"}},
		{"domain suffix at label boundary", routing.Query{Domain: "a.example.org"},
			routing.Match{OrgIDs: []string{"A"}, By: "domain", Key: "example.org"}},
		{"longest domain suffix", routing.Query{Domain: "x.y.sub.example.org"},
			routing.Match{OrgIDs: []string{"B"}, By: "domain", Key: "sub.example.org"}},
		{"domain case and trailing dot", routing.Query{Domain: "WWW.Sub.Example.ORG."},
			routing.Match{OrgIDs: []string{"B"}, By: "domain", Key: "sub.example.org"}},
		{"no match across label", routing.Query{Domain: "badexample.org"}, routing.Match{}},
		{"unknown ASN falls to domain", routing.Query{ASN: 65000, Domain: "mail.example.org"},
			routing.Match{OrgIDs: []string{"A"}, By: "domain", Key: "example.org"}},
		{"country fallback", routing.Query{IP: ip("203.0.113.1"), Domain: "badexample.org", Country: "mx"},
			routing.Match{OrgIDs: []string{"MX-CSIRT"}, By: "country", Key: "MX"}},
		{"unknown country", routing.Query{Country: "AR"}, routing.Match{}},
		{"no match", routing.Query{IP: ip("192.0.2.1"), ASN: 1, Domain: "org"}, routing.Match{}},
		{"empty query", routing.Query{}, routing.Match{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := tab.Route(c.q)
			if !slices.Equal(got.OrgIDs, c.want.OrgIDs) || got.By != c.want.By || got.Key != c.want.Key {
				t.Errorf("Route(%+v) = %+v, want %+v", c.q, got, c.want)
			}
		})
	}
}

func TestRouteNilTable(t *testing.T) {
	var tab *routing.Table
	if m := tab.Route(routing.Query{Country: "MX"}); m.By != "" || m.OrgIDs != nil {
		t.Errorf("nil table routed %+v", m)
	}
}

func TestBuildRefusesBadEntry(t *testing.T) {
	cases := []struct {
		name  string
		entry routing.Entry
	}{
		{"bad prefix", routing.Entry{OrgID: "A", Kind: "prefix", Value: "198.51.100.0/33"}},
		{"not an address", routing.Entry{OrgID: "A", Kind: "prefix", Value: "example.org"}},
		{"bad ASN", routing.Entry{OrgID: "A", Kind: "asn", Value: "ASfoo"}},
		{"ASN too large", routing.Entry{OrgID: "A", Kind: "asn", Value: "AS4294967296"}},
		{"AS0", routing.Entry{OrgID: "A", Kind: "asn", Value: "AS0"}},
		{"empty domain", routing.Entry{OrgID: "A", Kind: "domain", Value: " "}},
		{"empty label", routing.Entry{OrgID: "A", Kind: "domain", Value: "a..example.org"}},
		{"URL as domain", routing.Entry{OrgID: "A", Kind: "domain", Value: "https://example.org/"}},
		{"unknown kind", routing.Entry{OrgID: "A", Kind: "email", Value: "a@example.org"}},
		{"no org", routing.Entry{Kind: "asn", Value: "AS64496"}},
	}
	good := routing.Entry{OrgID: "A", Kind: "asn", Value: "AS64496"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab, err := routing.Build([]routing.Entry{good, c.entry}, nil)
			var ee *routing.EntryError
			if !errors.As(err, &ee) {
				t.Fatalf("Build = %v, %v; want an *EntryError", tab, err)
			}
			if tab != nil || ee.Index != 1 || ee.Entry != c.entry {
				t.Errorf("got table %v, error for entry %d %+v; want entry 1 %+v", tab, ee.Index, ee.Entry, c.entry)
			}
			if !strings.Contains(err.Error(), "entry 1") {
				t.Errorf("message %q does not name the entry", err)
			}
		})
	}
}

func TestBuildRefusesBadNational(t *testing.T) {
	for name, nat := range map[string]map[string]string{
		"three letters": {"MEX": "MX-CSIRT"},
		"digits":        {"12": "X"},
		"no org":        {"MX": ""},
	} {
		t.Run(name, func(t *testing.T) {
			var ee *routing.EntryError
			if _, err := routing.Build(nil, nat); !errors.As(err, &ee) || ee.Entry.Kind != "country" {
				t.Errorf("Build(nil, %v) = %v; want a country EntryError", nat, err)
			}
		})
	}
}

func TestBuildNormalises(t *testing.T) {
	tab, err := routing.Build([]routing.Entry{
		{OrgID: "A", Kind: "prefix", Value: "198.51.100.77/24"},       // host bits set
		{OrgID: "B", Kind: "prefix", Value: "192.0.2.1"},              // bare address
		{OrgID: "C", Kind: "prefix", Value: "::ffff:203.0.113.0/120"}, // mapped
		{OrgID: "D", Kind: "asn", Value: "as64500"},
		{OrgID: "E", Kind: "asn", Value: "64501"},
		{OrgID: "F", Kind: "domain", Value: "Example.NET."},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		q    routing.Query
		org  string
		key  string
	}{
		{"masked", routing.Query{IP: netip.MustParseAddr("198.51.100.1")}, "A", "198.51.100.0/24"},
		{"host route", routing.Query{IP: netip.MustParseAddr("192.0.2.1")}, "B", "192.0.2.1/32"},
		{"mapped prefix", routing.Query{IP: netip.MustParseAddr("203.0.113.9")}, "C", "203.0.113.0/24"},
		{"lower-case as", routing.Query{ASN: 64500}, "D", "AS64500"},
		{"bare ASN", routing.Query{ASN: 64501}, "E", "AS64501"},
		{"domain", routing.Query{Domain: "www.example.net"}, "F", "example.net"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := tab.Route(c.q)
			if len(m.OrgIDs) != 1 || m.OrgIDs[0] != c.org || m.Key != c.key {
				t.Errorf("Route(%+v) = %+v; want %s by %s", c.q, m, c.org, c.key)
			}
		})
	}
}

func TestRouteIPDoesNotAllocate(t *testing.T) {
	tab := fixture(t)
	q := routing.Query{IP: netip.MustParseAddr("198.51.100.7")}
	d := routing.Query{Domain: "a.b.sub.example.org"}
	if n := testing.AllocsPerRun(100, func() { tab.Route(q) }); n != 0 {
		t.Errorf("IP route allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { tab.Route(d) }); n != 0 {
		t.Errorf("lower-case domain route allocates %v times", n)
	}
}

func TestRouteIDN(t *testing.T) {
	tab, err := routing.Build([]routing.Entry{
		{OrgID: "A", Kind: "domain", Value: "xn--espaa-rta.example"},
		{OrgID: "B", Kind: "domain", Value: "Correo.Example"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, domain, key string
	}{
		{"unicode query finds punycode entry", "www.españa.example", "xn--espaa-rta.example"},
		{"unicode upper case", "WWW.ESPAÑA.EXAMPLE.", "xn--espaa-rta.example"},
		{"punycode query", "a.xn--espaa-rta.example", "xn--espaa-rta.example"},
		{"entry case folded", "smtp.correo.example", "correo.example"},
		{"invalid UTF-8 matches nothing", "\xff.correo.example", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if m := tab.Route(routing.Query{Domain: c.domain}); m.Key != c.key {
				t.Errorf("Route(%q) = %+v, want key %q", c.domain, m, c.key)
			}
		})
	}
}

// FuzzRoute feeds arbitrary entry values and query domains: Build either
// refuses the entry or accepts it, Route never panics, and a domain match
// is always the query itself or a suffix of it cut at a dot.
func FuzzRoute(f *testing.F) {
	f.Add("prefix", "198.51.100.0/24", "a.example.org")
	f.Add("domain", "example.org", "badexample.org")
	f.Add("domain", "Example.ORG.", "X.EXAMPLE.org.")
	f.Add("asn", "AS64496", "..")
	f.Add("prefix", "::ffff:1.2.3.4/128", "")
	f.Fuzz(func(t *testing.T, kind, value, domain string) {
		tab, err := routing.Build([]routing.Entry{{OrgID: "A", Kind: kind, Value: value}}, nil)
		if err != nil {
			return
		}
		m := tab.Route(routing.Query{Domain: domain})
		if m.By != routing.ByDomain {
			return
		}
		if strings.ContainsFunc(domain, func(r rune) bool { return r >= 0x80 }) {
			return // IDNA mapping: covered by TestRouteIDN
		}
		d := strings.ToLower(strings.TrimSuffix(domain, "."))
		if d != m.Key && !strings.HasSuffix(d, "."+m.Key) {
			t.Errorf("domain %q matched %q across a label", domain, m.Key)
		}
	})
}
