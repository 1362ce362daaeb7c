package enrich

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"atalaya/internal/event"
	"atalaya/internal/sharedtest"
)

// realFiles are the ip-location-db snapshot in ../shared/testdata/ipdb.
func realFiles(t testing.TB) []string {
	t.Helper()
	asn := sharedtest.Path(t, "ipdb", "ip-location-db-asn")
	cc := sharedtest.Path(t, "ipdb", "ip-location-db-geo-whois-asn-country")
	return []string{
		filepath.Join(asn, "asn-ipv4.csv.gz"), filepath.Join(asn, "asn-ipv6.csv.gz"),
		filepath.Join(cc, "geo-whois-asn-country-ipv4.csv.gz"), filepath.Join(cc, "geo-whois-asn-country-ipv6.csv.gz"),
	}
}

// readLines returns the records of a gzipped CSV, read here independently
// of the importer.
func readLines(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestRealSnapshot imports the four files of the snapshot, checks each
// table has one range per line, and checks addresses picked from the
// lines themselves (start, end, one after start) against what the line
// says. It logs load time and heap for docs/benchmarks.md.
func TestRealSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("imports about a million ranges")
	}
	files := realFiles(t)
	data := t.TempDir()
	start := time.Now()
	rep, err := Import(data, files)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	t.Logf("import of %d files: %v", len(files), time.Since(start))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start = time.Now()
	db, err := Load(data)
	loadTime := time.Since(start)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("load: %v, %d ranges, heap %.1f MiB", loadTime, db.Ranges(), float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))

	total := 0
	for i, f := range files {
		recs := readLines(t, f)
		total += len(recs)
		t.Run(filepath.Base(f), func(t *testing.T) {
			if got := rep.Tables[i].Ranges; got != len(recs) {
				t.Errorf("imported %d ranges, the file has %d lines", got, len(recs))
			}
			checkSample(t, db, recs)
		})
	}
	if db.Ranges() != total {
		t.Errorf("loaded %d ranges, the files have %d lines", db.Ranges(), total)
	}
	if n := len(db.Attribution()); n != 2 {
		t.Errorf("%d notices, want 2 (one per set): %q", n, db.Attribution())
	}
	attr := strings.Join(db.Attribution(), "\n")
	for _, who := range []string{"CC BY 4.0", "RouteViews", "DB-IP", "NRO"} {
		if !strings.Contains(attr, who) {
			t.Errorf("attribution lacks %q:\n%s", who, attr)
		}
	}
	runtime.KeepAlive(db)
}

// checkSample looks up about a thousand lines spread over the file (the
// first and last included) and compares with the line. Lines that overlap
// another are checked by checkClusters instead: their answer depends on
// their neighbours.
func checkSample(t *testing.T, db *IPDB, recs [][]string) {
	t.Helper()
	overlap := overlapping(recs)
	step := max(1, len(recs)/1000)
	checked := 0
	for i := 0; i < len(recs); i += step {
		if !overlap[i] {
			checkLine(t, db, i+1, recs[i], recs[i][2:])
			checked++
		}
	}
	if last := len(recs) - 1; !overlap[last] {
		checkLine(t, db, len(recs), recs[last], recs[last][2:])
	}
	if checked < 900 {
		t.Errorf("only %d lines checked", checked)
	}
	checkClusters(t, db, recs)
}

// overlapping marks the lines whose range meets another line's. The files
// are sorted by start, so line i meets an earlier line when it starts
// before the furthest end so far, and a later one when the next line
// starts before it ends.
func overlapping(recs [][]string) []bool {
	out := make([]bool, len(recs))
	var maxHi netip.Addr
	for i, r := range recs {
		lo, hi := netip.MustParseAddr(r[0]), netip.MustParseAddr(r[1])
		if i > 0 && lo.Compare(maxHi) <= 0 {
			out[i] = true
		}
		if i+1 < len(recs) && netip.MustParseAddr(recs[i+1][0]).Compare(hi) <= 0 {
			out[i] = true
		}
		if i == 0 || hi.Compare(maxHi) > 0 {
			maxHi = hi
		}
	}
	return out
}

// checkClusters checks every group of overlapping lines against a brute
// force over the group: the answer at an address is the narrowest line of
// the group holding it, the later line on a tie. The groups are maximal
// runs of lines each starting before the furthest end so far, so no line
// outside a group holds its addresses.
func checkClusters(t *testing.T, db *IPDB, recs [][]string) {
	t.Helper()
	groups, probes := 0, 0
	for i := 0; i < len(recs); {
		j, maxHi := i+1, netip.MustParseAddr(recs[i][1])
		for j < len(recs) && netip.MustParseAddr(recs[j][0]).Compare(maxHi) <= 0 {
			if hi := netip.MustParseAddr(recs[j][1]); hi.Compare(maxHi) > 0 {
				maxHi = hi
			}
			j++
		}
		if j-i > 1 {
			groups++
			probes += checkGroup(t, db, i, recs[i:j])
		}
		i = j
	}
	t.Logf("%d groups of overlapping lines, %d addresses checked", groups, probes)
}

func checkGroup(t *testing.T, db *IPDB, first int, group [][]string) int {
	t.Helper()
	type rng struct {
		lo, hi netip.Addr
		width  *big.Int
	}
	rs := make([]rng, len(group))
	for k, r := range group {
		lo, hi := netip.MustParseAddr(r[0]), netip.MustParseAddr(r[1])
		w := new(big.Int).Sub(new(big.Int).SetBytes(hi.AsSlice()), new(big.Int).SetBytes(lo.AsSlice()))
		rs[k] = rng{lo, hi, w}
	}
	n := 0
	for _, r := range rs {
		for _, a := range []netip.Addr{r.lo, r.lo.Prev(), r.hi, r.hi.Next()} {
			best := -1
			for k, c := range rs {
				if c.lo.Compare(a) <= 0 && a.Compare(c.hi) <= 0 && (best < 0 || c.width.Cmp(rs[best].width) <= 0) {
					best = k
				}
			}
			if best >= 0 {
				checkAddr(t, db, first+best+1, a, group[best][2:])
				n++
			}
		}
	}
	return n
}

// checkLine checks the start, the end and the address after the start
// of a line's range answer want (asn and name, or country).
func checkLine(t *testing.T, db *IPDB, n int, rec, want []string) {
	t.Helper()
	lo, hi := netip.MustParseAddr(rec[0]), netip.MustParseAddr(rec[1])
	addrs := []netip.Addr{lo, hi}
	if lo != hi {
		addrs = append(addrs, lo.Next())
	}
	for _, a := range addrs {
		checkAddr(t, db, n, a, want)
	}
}

func checkAddr(t *testing.T, db *IPDB, n int, a netip.Addr, want []string) {
	t.Helper()
	asn, name, cc := db.Lookup(a)
	if len(want) == 2 {
		if strconv.FormatUint(uint64(asn), 10) != want[0] || name != strings.TrimSpace(want[1]) { // Import trims names
			t.Errorf("line %d: Lookup(%s) = AS%d %q, want %v", n, a, asn, name, want)
		}
	} else if cc != want[0] {
		t.Errorf("line %d: Lookup(%s) = %q, want %v", n, a, cc, want)
	}
}

// realDB imports the snapshot for a benchmark.
func realDB(b *testing.B) *IPDB {
	b.Helper()
	data := b.TempDir()
	if _, err := Import(data, realFiles(b)); err != nil {
		b.Fatal(err)
	}
	db, err := Load(data)
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// randomAddrs returns n addresses (a million makes lookups miss the
// caches as a real stream of events does), IPv4 or IPv6 with the share given, from
// a fixed seed. IPv6 ones are inside 2000::/4, where the tables are.
func randomAddrs(n int, v6share float64) []netip.Addr {
	rng := rand.New(rand.NewPCG(5, 6))
	out := make([]netip.Addr, n)
	for i := range out {
		if rng.Float64() < v6share {
			var b [16]byte
			for j := range b {
				b[j] = byte(rng.UintN(256))
			}
			b[0] = 0x20 | b[0]&0x0f
			out[i] = netip.AddrFrom16(b)
		} else {
			out[i] = netip.AddrFrom4([4]byte{byte(rng.UintN(224)), byte(rng.UintN(256)), byte(rng.UintN(256)), byte(rng.UintN(256))})
		}
	}
	return out
}

func BenchmarkLookupIPv4(b *testing.B) {
	db := realDB(b)
	addrs := randomAddrs(1<<20, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		db.Lookup(addrs[i&(1<<20-1)])
	}
}

func BenchmarkLookupIPv6(b *testing.B) {
	db := realDB(b)
	addrs := randomAddrs(1<<20, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		db.Lookup(addrs[i&(1<<20-1)])
	}
}

func BenchmarkLoad(b *testing.B) {
	data := b.TempDir()
	if _, err := Import(data, realFiles(b)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImport(b *testing.B) {
	files := realFiles(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Import(b.TempDir(), files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEnrich runs events with a public IPv4 source through the
// built-in warning ranges and the snapshot tables.
func BenchmarkEnrich(b *testing.B) {
	e := New(realDB(b), nil)
	addrs := randomAddrs(1<<20, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ev := event.Event{SourceIP: addrs[i&(1<<20-1)]}
		e.Enrich(&ev)
	}
}
