package enrich

import (
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/event"
)

// lists is a WarningMatcher of fixed answers, standing in for MISP
// warning lists (string matching only, no MatchAddr).
type lists map[string][]string

func (l lists) Match(v string) []string { return l[v] }

func ev(fields ...string) event.Event {
	var e event.Event
	for i := 0; i+1 < len(fields); i += 2 {
		if err := e.Set(fields[i], fields[i+1]); err != nil {
			panic(err)
		}
	}
	return e
}

func TestEnrich(t *testing.T) {
	db, _ := fixtureDB(t)
	builtin := New(db, nil)
	misp := New(db, lists{"8.8.4.4": {"public-dns-v4"}, "tracker.example": {"trackers"},
		"http://cdn.example/x": {"cdn-urls"}})
	cases := []struct {
		name      string
		e         *Enricher
		in        event.Event
		wantDrop  string // substring of the reason; "" kept
		asn       uint32
		asName    string
		cc        string
		dstASN    uint32
		unchanged bool // nothing filled
	}{
		{name: "fills AS, name and country", e: builtin, in: ev("source.ip", "8.8.8.8"),
			asn: 15169, asName: "Google LLC", cc: "US"},
		{name: "IPv6", e: builtin, in: ev("source.ip", "2001:200::1"),
			asn: 2500, asName: "WIDE Project", cc: "JP"},
		{name: "keeps the feed's country", e: builtin, in: ev("source.ip", "8.8.8.8", "source.geolocation.cc", "MX"),
			asn: 15169, asName: "Google LLC", cc: "MX"},
		{name: "keeps the feed's AS and name", e: builtin, in: ev("source.ip", "8.8.8.8", "source.asn", "64500", "source.as_name", "Feed Says"),
			asn: 64500, asName: "Feed Says", cc: "US"},
		{name: "no name beside a different AS", e: builtin, in: ev("source.ip", "8.8.8.8", "source.asn", "64500"),
			asn: 64500, asName: "", cc: "US"},
		{name: "name beside the same AS", e: builtin, in: ev("source.ip", "8.8.8.8", "source.asn", "15169"),
			asn: 15169, asName: "Google LLC", cc: "US"},
		{name: "address in no table", e: builtin, in: ev("source.ip", "9.9.9.9"), unchanged: true},
		{name: "destination AS", e: builtin, in: ev("source.ip", "1.0.4.1", "destination.ip", "1.0.0.1"),
			asn: 38803, asName: "Gtelecom Pty Ltd", dstASN: 13335},
		{name: "destination AS kept", e: builtin, in: ev("source.fqdn", "a.example", "destination.ip", "1.0.0.1", "destination.asn", "7"),
			dstASN: 7},
		{name: "no address", e: builtin, in: ev("source.fqdn", "www.example.org"), unchanged: true},
		{name: "private address dropped", e: builtin, in: ev("source.ip", "192.168.1.10"), wantDrop: "special-purpose: private"},
		{name: "documentation dropped by default", e: builtin, in: ev("source.ip", "198.51.100.7"), wantDrop: "documentation"},
		{name: "mapped loopback dropped", e: builtin, in: ev("source.ip", "::1"), wantDrop: "loopback"},
		{name: "URL with private host dropped", e: builtin, in: ev("source.url", "http://10.1.2.3:8080/x"), wantDrop: "private"},
		{name: "destination private is kept", e: builtin, in: ev("source.ip", "8.8.8.8", "destination.ip", "10.0.0.1"),
			asn: 15169, asName: "Google LLC", cc: "US"},
		{name: "list without MatchAddr: address", e: misp, in: ev("source.ip", "8.8.4.4"), wantDrop: "public-dns-v4"},
		{name: "list: fqdn", e: misp, in: ev("source.ip", "8.8.8.8", "source.fqdn", "tracker.example"), wantDrop: "trackers"},
		{name: "list: url", e: misp, in: ev("source.url", "http://cdn.example/x"), wantDrop: "cdn-urls"},
		{name: "list: not on it", e: misp, in: ev("source.ip", "8.8.8.8", "source.fqdn", "ok.example"),
			asn: 15169, asName: "Google LLC", cc: "US"},
		{name: "list replaces the built-in ranges", e: misp, in: ev("source.ip", "192.168.1.1"), unchanged: true},
		{name: "no IPDB", e: New(nil, nil), in: ev("source.ip", "8.8.8.8"), unchanged: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.in
			drop := c.e.Enrich(&got)
			if c.wantDrop != "" {
				if !strings.Contains(drop, c.wantDrop) {
					t.Errorf("drop = %q, want it to name %q", drop, c.wantDrop)
				}
				return
			}
			if drop != "" {
				t.Fatalf("dropped: %q", drop)
			}
			if c.unchanged {
				if !reflect.DeepEqual(got, c.in) {
					t.Errorf("event changed: %+v", got)
				}
				return
			}
			if got.SourceASN != c.asn || got.SourceASName != c.asName || got.SourceCountry != c.cc || got.DestinationASN != c.dstASN {
				t.Errorf("got AS%d %q %q dst AS%d; want AS%d %q %q dst AS%d", got.SourceASN, got.SourceASName, got.SourceCountry,
					got.DestinationASN, c.asn, c.asName, c.cc, c.dstASN)
			}
			if err := got.Set("source.asn", "1"); err != nil { // the filled values are valid event values
				t.Error(err)
			}
		})
	}
}

func TestEnrichDoesNotAllocate(t *testing.T) {
	db, _ := fixtureDB(t)
	e := New(db, nil)
	kept := ev("source.ip", "8.8.8.8", "destination.ip", "2001:200::1")
	dropped := ev("source.ip", "10.0.0.1")
	named := ev("source.fqdn", "www.example.org", "source.url", "https://www.example.org/login")
	for name, in := range map[string]event.Event{"kept": kept, "dropped": dropped, "host names": named} {
		n := testing.AllocsPerRun(100, func() {
			x := in
			e.Enrich(&x)
		})
		if n != 0 {
			t.Errorf("%s: Enrich allocates %v times", name, n)
		}
	}
}

func TestSpecialRanges(t *testing.T) {
	all := SpecialRanges()
	noDoc := SpecialRanges("documentation")
	cases := []struct {
		value string
		set   string // "" not special
	}{
		{"10.1.2.3", "private"}, {"172.31.255.255", "private"}, {"172.32.0.0", ""}, {"192.168.0.1", "private"},
		{"fd12:3456::1", "private"}, {"100.64.0.1", "shared"}, {"100.128.0.0", ""},
		{"127.0.0.1", "loopback"}, {"::1", "loopback"}, {"169.254.1.1", "link-local"}, {"fe80::1", "link-local"},
		{"192.0.2.1", "documentation"}, {"198.51.100.255", "documentation"}, {"203.0.113.9", "documentation"},
		{"2001:db8::1", "documentation"}, {"3fff::1", "documentation"}, {"198.18.0.1", "benchmarking"},
		{"224.0.0.1", "multicast"}, {"ff02::1", "multicast"}, {"240.0.0.1", "reserved"}, {"255.255.255.255", "reserved"},
		{"0.0.0.0", "unspecified"}, {"::", "unspecified"}, {"::ffff:10.0.0.1", "private"},
		{"8.8.8.8", ""}, {"2001:4860::8888", ""}, {"192.0.3.1", ""},
		// prefixes inside a range match; wider ones cover public space and do not
		{"10.1.0.0/16", "private"}, {"10.0.0.0/8", "private"}, {"8.0.0.0/6", ""}, {"2001:db8:1::/48", "documentation"},
		// URLs by their host
		{"http://192.168.0.1/admin", "private"}, {"https://[fe80::1]:8443/", "link-local"}, {"http://u:p@127.0.0.1:80/", "loopback"},
		{"http://example.org/10.0.0.1", ""}, {"example.org", ""}, {"", ""}, {"not an address", ""},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			got := all.Match(c.value)
			if c.set == "" {
				if got != nil {
					t.Errorf("Match(%q) = %q, want none", c.value, got)
				}
				return
			}
			if want := []string{"special-purpose: " + c.set}; !slices.Equal(got, want) {
				t.Errorf("Match(%q) = %q, want %q", c.value, got, want)
			}
			if a, err := netip.ParseAddr(c.value); err == nil {
				if m := all.(AddrMatcher).MatchAddr(a); !slices.Equal(m, got) {
					t.Errorf("MatchAddr(%s) = %q, Match %q", a, m, got)
				}
			}
			excluded := noDoc.Match(c.value)
			if c.set == "documentation" && excluded != nil {
				t.Errorf("without documentation, Match(%q) = %q", c.value, excluded)
			}
			if c.set != "documentation" && !slices.Equal(excluded, got) {
				t.Errorf("excluding documentation changed Match(%q) to %q", c.value, excluded)
			}
		})
	}
	if names := SpecialNames(); !slices.Contains(names, "documentation") || len(names) != 9 {
		t.Errorf("SpecialNames = %v", names)
	}
	if SpecialRanges(SpecialNames()...).Match("10.0.0.1") != nil {
		t.Error("excluding every set still matched")
	}
}
