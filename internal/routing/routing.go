// Package routing decides which team must hear about an event: it matches
// an IP address, an AS number, a domain or a country against the
// constituencies teams declared in the directory. It is a pure in-memory
// matcher, rebuilt whole when a constituency changes and swapped in
// atomically, so the hot path of early warning never takes a lock or
// touches the database.
package routing

import (
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/gaissmai/bart"
)

// The kinds of Entry, spelled as directory.EntryKind values so the
// directory's constituency feeds Build without translation.
const (
	KindPrefix = "prefix"
	KindASN    = "asn"
	KindDomain = "domain"
)

// The values of Match.By: which rule of Route decided.
const (
	ByPrefix  = "prefix"
	ByASN     = "asn"
	ByDomain  = "domain"
	ByCountry = "country"
)

// Entry is one thing a team answers for, as the directory stores it:
// Kind is "prefix", "asn" or "domain" and Value its canonical text
// ("198.51.100.0/24", "AS64496", "example.org").
type Entry struct {
	OrgID string
	Kind  string
	Value string
}

// Query is what is known about an event's subject. Zero fields are
// unknown and skipped.
type Query struct {
	IP      netip.Addr
	ASN     uint32
	Domain  string
	Country string // ISO 3166-1 alpha-2, any case
}

// Match is the answer of Route. OrgIDs is sorted and owned by the Table:
// callers must not modify it (copy it first), because every later Route
// that matches the same key returns the same slice. An empty Match (By "")
// means no team answers for the query.
type Match struct {
	OrgIDs []string
	By     string // ByPrefix, ByASN, ByDomain or ByCountry
	Key    string // the prefix, ASN, domain or country code that matched
}

// Table is an immutable routing table; build a new one with Build (or
// BuildWatched, to match shared indicators too) and swap it into a Router
// when a constituency or an indicator changes. A nil *Table routes
// nothing.
type Table struct {
	prefixes *bart.Table[Match]
	asns     map[uint32]Match
	domains  map[string]Match
	national map[string]Match
	watch    *watchSet // nil without watches; see Watched
}

// Route finds the teams for q, in order of precedence: the most specific
// prefix holding q.IP (every team holding that same prefix); else the teams
// holding q.ASN; else the teams of the longest domain suffix of q.Domain,
// cut at label boundaries; else the national CSIRT of q.Country; else none.
// IPv4-mapped IPv6 addresses are routed as IPv4. The IP case does not
// allocate.
func (t *Table) Route(q Query) Match {
	if t == nil {
		return Match{}
	}
	if q.IP.IsValid() {
		if m, ok := t.prefixes.Lookup(q.IP.Unmap()); ok {
			return m
		}
	}
	if q.ASN != 0 {
		if m, ok := t.asns[q.ASN]; ok {
			return m
		}
	}
	if q.Domain != "" {
		if m, ok := t.routeDomain(q.Domain); ok {
			return m
		}
	}
	if q.Country != "" {
		if m, ok := t.national[upperASCII(q.Country)]; ok {
			return m
		}
	}
	return Match{}
}

// routeDomain tries d itself, then each parent after a dot, so the first
// hit is the longest suffix and "badexample.org" never reaches
// "example.org".
func (t *Table) routeDomain(d string) (Match, bool) {
	d = normalDomain(d)
	for d != "" {
		if m, ok := t.domains[d]; ok {
			return m, true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return Match{}, false
}

// Router holds the current Table. Route reads it without locking and Swap
// replaces it atomically, so readers never wait for a rebuild.
type Router struct {
	cur atomic.Pointer[Table]
}

// NewRouter returns a Router serving t (nil routes nothing until Swap).
func NewRouter(t *Table) *Router {
	r := &Router{}
	r.cur.Store(t)
	return r
}

// Route routes q with the table current at the time of the call.
func (r *Router) Route(q Query) Match { return r.cur.Load().Route(q) }

// Swap makes t the current table; calls already running finish on the old
// one.
func (r *Router) Swap(t *Table) { r.cur.Store(t) }

// Table returns the current table, for callers routing a batch of queries
// against one consistent snapshot.
func (r *Router) Table() *Table { return r.cur.Load() }
