// Package enrich completes early-warning events before they are routed: it
// adds the AS number, AS name and country of an address from IP-range
// tables imported from ip-location-db, and tells which events to drop
// because their address or host is on a warning list (by default the
// special-purpose ranges: private, loopback, documentation ...).
//
// The tables are immutable once loaded: lookups take no lock and allocate
// nothing, so one IPDB serves every pipeline goroutine. A new import is
// picked up by loading a new IPDB.
package enrich

import (
	"net/netip"
	"slices"
)

// The kinds of table and the address families, as they appear in the table
// file names (dataDir/ipdb/asn-ipv4 ...) and in an ImportReport.
const (
	KindASN     = "asn"     // start,end,asn,as_name
	KindCountry = "country" // start,end,cc
	FamilyIPv4  = "ipv4"
	FamilyIPv6  = "ipv6"
)

// u128 is an IPv6 address as a number, for ordering.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func u128Of(a netip.Addr) u128 {
	b := a.As16()
	return u128{be64(b[:8]), be64(b[8:])}
}

func be64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
		uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
}

func u32Of(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// table is one imported file: inclusive ranges sorted by start and
// disjoint, so the range holding an address is found by binary search on
// the starts. Parallel arrays rather than a slice of structs keep the
// searched starts dense in cache.
type table struct {
	kind, family string
	source       string // base name of the file imported
	notice       string // the licence notice that came with it
	lines        int    // ranges in the file; overlapping ones make len() differ
	lo4, hi4     []uint32
	lo6, hi6     []u128
	asn          []uint32 // KindASN: AS number of each range
	text         []uint32 // index in strs: AS name (KindASN) or country code (KindCountry)
	strs         []string // interned names or codes
	bucket       []uint32 // see buildIndex
}

func (t *table) name() string { return t.kind + "-" + t.family }

// len is the number of disjoint segments searched.
func (t *table) len() int { return len(t.text) }

// find returns the index of the range holding ip, or -1. The bucket of
// the address's top 16 bits bounds the binary search to the few ranges
// starting in that /16 (or /16 of IPv6), which saves most of the cache
// misses of a search over the whole table.
func (t *table) find(ip netip.Addr) int {
	if t == nil {
		return -1
	}
	if ip.Is4() {
		x := u32Of(ip)
		p := x >> 16
		i, j := int(t.bucket[p]), int(t.bucket[p+1])
		for i < j {
			h := int(uint(i+j) >> 1)
			if t.lo4[h] <= x {
				i = h + 1
			} else {
				j = h
			}
		}
		if i > 0 && x <= t.hi4[i-1] {
			return i - 1
		}
		return -1
	}
	x := u128Of(ip)
	p := x.hi >> 48
	i, j := int(t.bucket[p]), int(t.bucket[p+1])
	for i < j {
		h := int(uint(i+j) >> 1)
		if !x.less(t.lo6[h]) {
			i = h + 1
		} else {
			j = h
		}
	}
	if i > 0 && !t.hi6[i-1].less(x) {
		return i - 1
	}
	return -1
}

// buildIndex fills bucket: bucket[p] is the index of the first range
// starting at or after the /16 p, so the ranges starting inside p are
// bucket[p]:bucket[p+1] and the one before them may reach into p.
func (t *table) buildIndex() {
	t.bucket = make([]uint32, 1<<16+1)
	top := func(i int) uint64 {
		if t.family == FamilyIPv4 {
			return uint64(t.lo4[i] >> 16)
		}
		return t.lo6[i].hi >> 48
	}
	i := 0
	for p := range uint64(1 << 16) {
		for i < t.len() && top(i) < p {
			i++
		}
		t.bucket[p] = uint32(i)
	}
	t.bucket[1<<16] = uint32(t.len())
}

// IPDB answers the AS and country of an address from the imported tables.
// It is immutable and safe for concurrent use; the zero value and a nil
// *IPDB answer nothing.
type IPDB struct {
	asn4, asn6, cc4, cc6 *table
}

// Lookup returns the AS number and name and the country code (ISO 3166-1
// alpha-2, upper case) of ip; zero values where no table covers it.
// IPv4-mapped IPv6 addresses are looked up as IPv4. It does not allocate.
func (d *IPDB) Lookup(ip netip.Addr) (asn uint32, asName, country string) {
	if d == nil || !ip.IsValid() {
		return 0, "", ""
	}
	ip = ip.Unmap()
	at, ct := d.asn6, d.cc6
	if ip.Is4() {
		at, ct = d.asn4, d.cc4
	}
	if i := at.find(ip); i >= 0 {
		asn, asName = at.asn[i], at.strs[at.text[i]]
	}
	if i := ct.find(ip); i >= 0 {
		country = ct.strs[ct.text[i]]
	}
	return asn, asName, country
}

// Ranges returns how many ranges (lines of the files imported) the loaded
// tables hold in all.
func (d *IPDB) Ranges() int {
	n := 0
	for _, t := range d.tables() {
		n += t.lines
	}
	return n
}

// Tables describes the loaded tables, for a status line.
func (d *IPDB) Tables() []TableInfo {
	var out []TableInfo
	for _, t := range d.tables() {
		out = append(out, t.info())
	}
	return out
}

// Attribution returns the licence notices of the loaded data, once each,
// in table order (asn before country): the data is CC BY 4.0 and its
// authors must be credited wherever results are shown.
func (d *IPDB) Attribution() []string {
	var out []string
	for _, t := range d.tables() {
		if t.notice != "" && !slices.Contains(out, t.notice) {
			out = append(out, t.notice)
		}
	}
	return out
}

// tables lists the non-nil tables in a fixed order.
func (d *IPDB) tables() []*table {
	if d == nil {
		return nil
	}
	var out []*table
	for _, t := range []*table{d.asn4, d.asn6, d.cc4, d.cc6} {
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

// set puts t in its slot.
func (d *IPDB) set(t *table) {
	switch t.name() {
	case "asn-ipv4":
		d.asn4 = t
	case "asn-ipv6":
		d.asn6 = t
	case "country-ipv4":
		d.cc4 = t
	case "country-ipv6":
		d.cc6 = t
	}
}

// TableInfo describes one table: what Import wrote or Load read.
type TableInfo struct {
	Kind   string // KindASN or KindCountry
	Family string // FamilyIPv4 or FamilyIPv6
	Source string // base name of the file it was imported from
	Ranges int    // lines of the file
	Notice string // licence notice
}

func (t *table) info() TableInfo {
	return TableInfo{Kind: t.kind, Family: t.family, Source: t.source, Ranges: t.lines, Notice: t.notice}
}
