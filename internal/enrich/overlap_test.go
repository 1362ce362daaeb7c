package enrich

import (
	"net/netip"
	"strings"
	"testing"
)

// TestOverlappingRanges: files may nest ranges, overlap them partly or
// list them out of order; an address gets the narrowest range holding it,
// the later line on a tie, and Ranges counts the lines.
func TestOverlappingRanges(t *testing.T) {
	type probe struct{ ip, cc string }
	cases := []struct {
		name   string
		file   string
		lines  int
		probes []probe
	}{
		{"nested host inside a /23 (as in the published country file)",
			"2.58.196.0,2.58.197.255,DE\n2.58.197.15,2.58.197.15,BE\n2.58.198.0,2.58.198.255,NL\n", 3,
			[]probe{{"2.58.196.0", "DE"}, {"2.58.197.14", "DE"}, {"2.58.197.15", "BE"}, {"2.58.197.16", "DE"},
				{"2.58.197.255", "DE"}, {"2.58.198.1", "NL"}}},
		{"same start, narrower second",
			"5.61.192.0,5.61.199.255,FR\n5.61.192.0,5.61.193.255,SK\n", 2,
			[]probe{{"5.61.192.0", "SK"}, {"5.61.193.255", "SK"}, {"5.61.194.0", "FR"}, {"5.61.199.255", "FR"}, {"5.61.200.0", ""}}},
		{"three levels",
			"10.0.0.0,10.255.255.255,AA\n10.1.0.0,10.1.255.255,BB\n10.1.1.0,10.1.1.255,CC\n10.2.0.0,10.2.0.255,DD\n", 4,
			[]probe{{"10.0.0.1", "AA"}, {"10.1.0.1", "BB"}, {"10.1.1.1", "CC"}, {"10.1.2.0", "BB"}, {"10.1.255.255", "BB"},
				{"10.2.0.0", "DD"}, {"10.2.1.0", "AA"}, {"10.255.255.255", "AA"}, {"11.0.0.0", ""}}},
		{"partial overlap: the narrower wins where both hold",
			"214.95.0.0,215.0.255.255,US\n215.0.0.0,215.1.3.255,UM\n", 2,
			[]probe{{"214.95.0.0", "US"}, {"214.255.255.255", "US"}, {"215.0.0.0", "UM"}, {"215.1.3.255", "UM"}, {"215.1.4.0", ""}}},
		{"identical lines: the later wins",
			"1.0.0.0,1.0.0.255,AU\n1.0.0.0,1.0.0.255,NZ\n", 2,
			[]probe{{"1.0.0.7", "NZ"}}},
		{"out of order",
			"9.0.0.0,9.0.0.255,US\n1.0.0.0,1.0.0.255,AU\n5.0.0.0,5.0.0.255,DE\n", 3,
			[]probe{{"1.0.0.1", "AU"}, {"5.0.0.1", "DE"}, {"9.0.0.255", "US"}, {"4.0.0.0", ""}}},
		{"ends at the top of the IPv4 space",
			"240.0.0.0,255.255.255.255,ZZ\n255.255.255.0,255.255.255.255,YY\n", 2,
			[]probe{{"240.0.0.1", "ZZ"}, {"255.255.254.255", "ZZ"}, {"255.255.255.255", "YY"}}},
		{"IPv6 nested /36 and /40 in a /34",
			"2001:420:4000::,2001:420:7fff:ffff:ffff:ffff:ffff:ffff,JP\n2001:420:4000::,2001:420:4fff:ffff:ffff:ffff:ffff:ffff,NL\n2001:420:4000::,2001:420:40ff:ffff:ffff:ffff:ffff:ffff,GB\n", 3,
			[]probe{{"2001:420:4000::1", "GB"}, {"2001:420:4100::", "NL"}, {"2001:420:5000::", "JP"}, {"2001:420:8000::", ""}}},
		{"IPv6 up to the last address",
			"ff00::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,ZZ\nffff::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,YY\n", 2,
			[]probe{{"ff00::1", "ZZ"}, {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "YY"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, data := t.TempDir(), t.TempDir()
			if _, err := Import(data, []string{writeFile(t, src, "f.csv", c.file)}); err != nil {
				t.Fatal(err)
			}
			db, err := Load(data)
			if err != nil {
				t.Fatal(err)
			}
			if db.Ranges() != c.lines || db.Ranges() != strings.Count(c.file, "\n") {
				t.Errorf("Ranges = %d, want %d", db.Ranges(), c.lines)
			}
			for _, p := range c.probes {
				if _, _, cc := db.Lookup(netip.MustParseAddr(p.ip)); cc != p.cc {
					t.Errorf("Lookup(%s) = %q, want %q", p.ip, cc, p.cc)
				}
			}
		})
	}
}
