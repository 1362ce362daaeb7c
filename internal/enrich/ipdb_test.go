package enrich

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Small ip-location-db files: gaps between ranges, ranges touching, a
// quoted name with a comma, both families, both kinds.
const (
	fixASN4 = `1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd
1.0.8.0,1.0.8.255,64496,
8.8.8.0,8.8.8.255,15169,Google LLC
`
	fixCC4 = `1.0.0.0,1.0.0.255,AU
1.0.1.0,1.0.3.255,CN
8.8.8.0,8.8.8.255,US
`
	fixASN6 = `2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project
2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC
`
	fixCC6 = `2001:200::,2001:218:2000:51:ffff:ffff:ffff:ffff,JP
2c0f:e9a0:2:0:0:0:2a::,2c0f:e9a0:2::2a:ffff,FR
`
)

// writeFile writes content to dir/name, gzipped when name ends in .gz.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	data := []byte(content)
	if strings.HasSuffix(name, ".gz") {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		data = buf.Bytes()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixtureDB imports the four fixture files (two of them gzipped, names
// that say nothing of their kind) and loads them.
func fixtureDB(t testing.TB) (*IPDB, string) {
	t.Helper()
	src, data := t.TempDir(), t.TempDir()
	files := []string{
		writeFile(t, src, "a.csv", fixASN4),
		writeFile(t, src, "b.csv.gz", fixCC4),
		writeFile(t, src, "c.csv.gz", fixASN6),
		writeFile(t, src, "d", fixCC6),
	}
	if _, err := Import(data, files); err != nil {
		t.Fatalf("Import: %v", err)
	}
	db, err := Load(data)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return db, data
}

func TestLookup(t *testing.T) {
	db, _ := fixtureDB(t)
	cases := []struct {
		name, ip string
		asn      uint32
		asName   string
		cc       string
	}{
		{"first address of the first range", "1.0.0.0", 13335, "Cloudflare, Inc.", "AU"},
		{"last address of a range", "1.0.0.255", 13335, "Cloudflare, Inc.", "AU"},
		{"gap in the AS table, country known", "1.0.1.0", 0, "", "CN"},
		{"end of a country range", "1.0.3.255", 0, "", "CN"},
		{"AS range without a country", "1.0.5.9", 38803, "Gtelecom Pty Ltd", ""},
		{"AS without a name", "1.0.8.1", 64496, "", ""},
		{"before every range", "0.255.255.255", 0, "", ""},
		{"after every range", "9.0.0.0", 0, "", ""},
		{"top of the space", "255.255.255.255", 0, "", ""},
		{"IPv4-mapped IPv6 looked up as IPv4", "::ffff:8.8.8.8", 15169, "Google LLC", "US"},
		{"IPv6 in both tables", "2001:200::1", 2500, "WIDE Project", "JP"},
		{"IPv6 last address of the country range", "2001:218:2000:51:ffff:ffff:ffff:ffff", 0, "", "JP"},
		{"IPv6 just past the country range", "2001:218:2000:52::", 0, "", ""},
		{"IPv6 AS only", "2001:4860::8888", 15169, "Google LLC", ""},
		{"IPv6 odd spelling in the file", "2c0f:e9a0:2::2a:1", 0, "", "FR"},
		{"IPv6 before every range", "::1", 0, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			asn, name, cc := db.Lookup(netip.MustParseAddr(c.ip))
			if asn != c.asn || name != c.asName || cc != c.cc {
				t.Errorf("Lookup(%s) = %d %q %q, want %d %q %q", c.ip, asn, name, cc, c.asn, c.asName, c.cc)
			}
		})
	}
}

func TestLookupZeroAndNil(t *testing.T) {
	var nilDB *IPDB
	for name, db := range map[string]*IPDB{"nil": nilDB, "empty": {}} {
		if asn, n, cc := db.Lookup(netip.MustParseAddr("8.8.8.8")); asn != 0 || n != "" || cc != "" {
			t.Errorf("%s IPDB answered %d %q %q", name, asn, n, cc)
		}
		if db.Ranges() != 0 || db.Attribution() != nil {
			t.Errorf("%s IPDB has ranges or attribution", name)
		}
	}
	db, _ := fixtureDB(t)
	if asn, _, _ := db.Lookup(netip.Addr{}); asn != 0 {
		t.Error("the zero address was found")
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	db, _ := fixtureDB(t)
	for _, ip := range []string{"8.8.8.8", "2001:200::1", "::ffff:1.0.0.1"} {
		a := netip.MustParseAddr(ip)
		if n := testing.AllocsPerRun(100, func() { db.Lookup(a) }); n != 0 {
			t.Errorf("Lookup(%s) allocates %v times", ip, n)
		}
	}
}

func TestRangesAndTables(t *testing.T) {
	db, _ := fixtureDB(t)
	// lines in the fixtures: 4 + 3 + 2 + 2
	if got := db.Ranges(); got != 11 {
		t.Errorf("Ranges = %d, want 11", got)
	}
	want := map[string]int{"asn-ipv4": 4, "asn-ipv6": 2, "country-ipv4": 3, "country-ipv6": 2}
	got := map[string]int{}
	for _, ti := range db.Tables() {
		got[ti.Kind+"-"+ti.Family] = ti.Ranges
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("table %s has %d ranges, want %d (tables %v)", k, got[k], n, got)
		}
	}
}

func TestLoadMissingDir(t *testing.T) {
	db, err := Load(filepath.Join(t.TempDir(), "nothing-here"))
	if err != nil || db == nil {
		t.Fatalf("Load of a missing dir = %v, %v; want an empty IPDB", db, err)
	}
	if db.Ranges() != 0 {
		t.Error("empty IPDB has ranges")
	}
}

func TestLoadRefusesDamagedTable(t *testing.T) {
	_, data := fixtureDB(t)
	path := filepath.Join(data, Dir, "asn-ipv4")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"truncated":    orig[:len(orig)/2],
		"one bit flip": func() []byte { b := slices.Clone(orig); b[len(b)/2] ^= 1; return b }(),
		"not a table":  []byte("1.0.0.0,1.0.0.255,AU\n"),
		"empty":        nil,
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if db, err := Load(data); err == nil {
				t.Errorf("Load accepted a damaged table (%d ranges)", db.Ranges())
			}
		})
	}
	// A table renamed to another table's name is refused too.
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, filepath.Join(data, Dir, "asn-ipv6")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(data); !errors.Is(err, errCorrupt) {
		t.Errorf("Load of a misnamed table = %v, want errCorrupt", err)
	}
}

func TestDecodeRefusesUnsortedRanges(t *testing.T) {
	// A file with a valid checksum whose ranges are out of order would make
	// the binary search answer wrong: decode must check, not trust.
	tab := &table{kind: KindCountry, family: FamilyIPv4, strs: []string{"AU"},
		lo4: []uint32{10, 5}, hi4: []uint32{20, 6}, text: []uint32{0, 0}}
	if _, err := decode(encode(tab)); err == nil {
		t.Error("decode accepted unsorted ranges")
	}
	tab = &table{kind: KindCountry, family: FamilyIPv4, strs: []string{"AU"},
		lo4: []uint32{5, 10}, hi4: []uint32{6, 20}, text: []uint32{0, 1}}
	if _, err := decode(encode(tab)); err == nil {
		t.Error("decode accepted a string index out of range")
	}
}

func TestAttribution(t *testing.T) {
	src, data := t.TempDir(), t.TempDir()
	readme := "| Database | Type | License |\n|---|---|---|\n| [X](https://x.example/) | ASN | " +
		"[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/) by [RouteViews](https://www.routeviews.org/routeviews/) and [DB-IP](https://db-ip.com/) |\n"
	withReadme := filepath.Join(src, "with")
	os.Mkdir(withReadme, 0o755)
	writeFile(t, withReadme, "README.md", readme)
	files := []string{
		writeFile(t, withReadme, "anything.csv", fixASN4),
		writeFile(t, src, "geo-whois-asn-country-ipv4.csv", fixCC4), // known name, no README
		writeFile(t, src, "mine.csv", fixCC6),                       // unknown name, no README
	}
	rep, err := Import(data, files)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	got := db.Attribution()
	if !slices.Equal(got, rep.Attribution) || len(got) != 3 {
		t.Fatalf("Load's attribution %q differs from Import's %q, or is not 3 notices", got, rep.Attribution)
	}
	cases := []struct {
		name      string
		notice    string
		wants     []string
		wantsNone []string
	}{
		{"from the README", got[0], []string{"AS numbers", "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
			"RouteViews (https://www.routeviews.org/routeviews/)", "IP Geolocation by DB-IP"}, []string{"](", "NRO"}},
		{"known file name", got[1], []string{"Countries", "CC BY 4.0", "NRO (https://www.nro.net/)"}, []string{"DB-IP"}},
		{"unknown file", got[2], []string{"mine.csv", "no licence notice"}, []string{"CC BY"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, w := range c.wants {
				if !strings.Contains(c.notice, w) {
					t.Errorf("notice %q lacks %q", c.notice, w)
				}
			}
			for _, w := range c.wantsNone {
				if strings.Contains(c.notice, w) {
					t.Errorf("notice %q has %q", c.notice, w)
				}
			}
		})
	}
}
