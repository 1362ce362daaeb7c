package enrich

import (
	"bytes"
	"encoding/csv"
	"math/big"
	"net/netip"
	"strings"
	"testing"
)

// seedLines are real lines of the ip-location-db snapshot (quoted names,
// odd IPv6 spellings, nested ranges) and broken ones.
var seedLines = []string{
	fixASN4, fixCC4, fixASN6, fixCC6,
	"2.58.196.0,2.58.197.255,DE\n2.58.197.15,2.58.197.15,BE\n2.58.197.16,2.58.197.255,DE\n",
	"214.95.0.0,215.0.255.255,749,United States Department of Defense (DoD)\n215.0.0.0,215.1.3.255,721,DoD Network Information Center\n",
	"2602:f992:f1::,2602:f992:f1:ffff:ffff:ffff:ffff:ffff,6517,LAKENETWORKS \n",
	"2001:420:4000::,2001:420:7fff:ffff:ffff:ffff:ffff:ffff,JP\n2001:420:4000::,2001:420:4fff:ffff:ffff:ffff:ffff:ffff,NL\n",
	"1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n",
	"1.0.0.0,::1,AU\n", "1.0.0.9,1.0.0.1,AU\n", "1.0.0.0,1.0.0.255,1,\"open\n", "\x1f\x8b\x08", "",
}

// FuzzParseTable: any input is refused with an error or gives a table
// that survives the file format (whose decoder checks every invariant
// Lookup needs), and each segment answers its own value.
func FuzzParseTable(f *testing.F) {
	for _, s := range seedLines {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		tab, err := parseTable(strings.NewReader(string(in)), "fuzz.csv")
		if err != nil {
			if tab != nil {
				t.Fatal("a table with an error")
			}
			return
		}
		got, err := decode(encode(tab))
		if err != nil {
			t.Fatalf("the table of %q does not survive its file: %v", in, err)
		}
		if got.lines != tab.lines || got.len() != tab.len() || got.lines < 1 {
			t.Fatalf("lines %d/%d, segments %d/%d", got.lines, tab.lines, got.len(), tab.len())
		}
		checkNarrowest(t, got, in)
		for i := range got.len() {
			var lo, hi netip.Addr
			if got.family == FamilyIPv4 {
				lo, hi = addr4(got.lo4[i]), addr4(got.hi4[i])
			} else {
				lo, hi = addr6(got.lo6[i]), addr6(got.hi6[i])
			}
			for _, a := range []netip.Addr{lo, hi} {
				if j := got.find(a); j != i {
					t.Fatalf("%s is in segment %d, found %d", a, i, j)
				}
			}
		}
	})
}

// FuzzDecode: a damaged table file is an error, never a panic or a
// table that breaks Lookup.
func FuzzDecode(f *testing.F) {
	for _, s := range seedLines[:4] {
		tab, err := parseTable(strings.NewReader(s), "seed")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(encode(tab))
	}
	f.Add([]byte(fileMagic))
	f.Fuzz(func(t *testing.T, in []byte) {
		tab, err := decode(in)
		if err != nil {
			return
		}
		d := &IPDB{}
		d.set(tab)
		d.Lookup(netip.MustParseAddr("1.0.0.1"))
		d.Lookup(netip.MustParseAddr("2001:200::1"))
	})
}

func addr4(x uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
}

func addr6(x u128) netip.Addr {
	var b [16]byte
	for i := range 8 {
		b[i] = byte(x.hi >> (56 - 8*i))
		b[8+i] = byte(x.lo >> (56 - 8*i))
	}
	return netip.AddrFrom16(b)
}

// checkNarrowest reads the fuzz input again, here, and checks by brute
// force that each line's first and last address answer the narrowest line
// holding it (the later on a tie).
func checkNarrowest(t *testing.T, tab *table, in []byte) {
	t.Helper()
	if len(in) >= 2 && in[0] == 0x1f && in[1] == 0x8b {
		return // gzip: the parser was exercised, the brute force reads text only
	}
	recs, err := csv.NewReader(bytes.NewReader(in)).ReadAll()
	if err != nil || len(recs) > 200 {
		return
	}
	type line struct {
		lo, hi netip.Addr
		want   string
	}
	lines := make([]line, len(recs))
	for i, r := range recs {
		lo, _ := netip.ParseAddr(strings.TrimSpace(r[0]))
		hi, _ := netip.ParseAddr(strings.TrimSpace(r[1]))
		lines[i] = line{lo, hi, strings.ToUpper(strings.TrimSpace(r[2]))}
		if len(r) == 4 {
			lines[i].want = strings.TrimSpace(r[3])
		}
	}
	width := func(l line) *big.Int {
		return new(big.Int).Sub(new(big.Int).SetBytes(l.hi.AsSlice()), new(big.Int).SetBytes(l.lo.AsSlice()))
	}
	for _, l := range lines {
		for _, a := range []netip.Addr{l.lo, l.hi} {
			best := -1
			for k, c := range lines {
				if c.lo.Compare(a) <= 0 && a.Compare(c.hi) <= 0 && (best < 0 || width(c).Cmp(width(lines[best])) <= 0) {
					best = k
				}
			}
			i := tab.find(a)
			if best < 0 || i < 0 {
				t.Fatalf("%s: brute force line %d, table segment %d", a, best, i)
			}
			if got := tab.strs[tab.text[i]]; got != lines[best].want {
				t.Fatalf("%s answers %q, want %q of line %d", a, got, lines[best].want, best+1)
			}
		}
	}
}
