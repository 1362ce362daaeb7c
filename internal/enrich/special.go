package enrich

import (
	"net/netip"
	"slices"
	"strings"
)

// specialSet is one named group of special-purpose ranges (IANA IPv4 and
// IPv6 Special-Purpose Address Registries): addresses that mean a
// different host in every network, or none, so an event about them says
// nothing about a team's constituency.
type specialSet struct {
	name     string
	prefixes []netip.Prefix
}

var specialSets = []specialSet{
	{"private", prefixes("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")}, // RFC 1918, RFC 4193
	{"shared", prefixes("100.64.0.0/10")},                                              // RFC 6598 carrier-grade NAT
	{"loopback", prefixes("127.0.0.0/8", "::1/128")},
	{"link-local", prefixes("169.254.0.0/16", "fe80::/10")},
	{"documentation", prefixes("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")}, // RFC 5737, 3849, 9637
	{"benchmarking", prefixes("198.18.0.0/15", "2001:2::/48")},                                                     // RFC 2544, 5180
	{"multicast", prefixes("224.0.0.0/4", "ff00::/8")},
	{"reserved", prefixes("240.0.0.0/4", "100::/64")}, // class E and broadcast; IPv6 discard-only
	{"unspecified", prefixes("0.0.0.0/8", "::/128")},  // "this network" and the unspecified address
}

func prefixes(s ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(s))
	for i, p := range s {
		out[i] = netip.MustParsePrefix(p)
	}
	return out
}

// SpecialNames lists the names of the built-in special-purpose sets,
// which SpecialRanges may exclude.
func SpecialNames() []string {
	out := make([]string, len(specialSets))
	for i, s := range specialSets {
		out[i] = s.name
	}
	return out
}

// special is the built-in warning matcher. Each entry keeps its answer
// ready, so a match allocates nothing.
type special struct {
	v4, v6 []specialEntry // by family, so an address scans only its own
}

type specialEntry struct {
	prefix netip.Prefix
	lists  []string // {"special-purpose: <set>"}
	// The prefix as a 128-bit value and mask (IPv4 in its mapped form),
	// so a check is two ANDs and compares: Prefix.Contains costs several
	// times more, for every event.
	base, mask u128
}

func newSpecialEntry(p netip.Prefix, lists []string) specialEntry {
	bits := p.Bits()
	if p.Addr().Is4() {
		bits += 96
	}
	// A shift by 64 gives 0 in Go, the mask wanted for /0 and /64.
	var mask u128
	if bits >= 64 {
		mask = u128{^uint64(0), ^uint64(0) << (128 - bits)}
	} else {
		mask = u128{^uint64(0) << (64 - bits), 0}
	}
	return specialEntry{prefix: p, lists: lists, base: u128Of(p.Masked().Addr()), mask: mask}
}

func (e *specialEntry) contains(x u128) bool {
	return x.hi&e.mask.hi == e.base.hi && x.lo&e.mask.lo == e.base.lo
}

// SpecialRanges returns a WarningMatcher of the special-purpose address
// ranges (see SpecialNames: private, shared, loopback, link-local,
// documentation, benchmarking, multicast, reserved, unspecified) without
// the sets named in exclude. The demo excludes "documentation", because
// its sample events use the documentation ranges. A value matches when it
// is an address or prefix inside a range, or a URL whose host is one; the
// list it is on is named "special-purpose: <set>".
func SpecialRanges(exclude ...string) WarningMatcher {
	s := &special{}
	for _, set := range specialSets {
		if slices.Contains(exclude, set.name) {
			continue
		}
		lists := []string{"special-purpose: " + set.name}
		for _, p := range set.prefixes {
			if p.Addr().Is4() {
				s.v4 = append(s.v4, newSpecialEntry(p, lists))
			} else {
				s.v6 = append(s.v6, newSpecialEntry(p, lists))
			}
		}
	}
	return s
}

// MatchAddr returns the set holding a; the caller must not modify the
// slice.
func (s *special) MatchAddr(a netip.Addr) []string {
	a = a.Unmap()
	x := u128Of(a)
	entries := s.family(a)
	for i := range entries {
		if entries[i].contains(x) {
			return entries[i].lists
		}
	}
	return nil
}

func (s *special) family(a netip.Addr) []specialEntry {
	if a.Is4() {
		return s.v4
	}
	return s.v6
}

// Match reads value as an address, a prefix (matching when it lies inside
// a range: a wider prefix covers public space too) or a URL with an
// address for host.
func (s *special) Match(value string) []string {
	value = strings.TrimSpace(value)
	if strings.Contains(value, "://") {
		if a, ok := urlHostAddr(value); ok {
			return s.MatchAddr(a)
		}
		return nil
	}
	if !maybeAddr(value) {
		return nil // a host name: spare the parse, whose error allocates
	}
	if a, err := netip.ParseAddr(value); err == nil {
		return s.MatchAddr(a)
	}
	if p, err := netip.ParsePrefix(value); err == nil {
		p = p.Masked()
		for _, e := range s.family(p.Addr()) {
			if e.prefix.Bits() <= p.Bits() && e.prefix.Contains(p.Addr()) {
				return e.lists
			}
		}
	}
	return nil
}

// maybeAddr tells what may be an address or prefix: IPv4 starts with a
// digit, IPv6 has a colon.
func maybeAddr(s string) bool {
	return s != "" && (s[0] >= '0' && s[0] <= '9' || strings.IndexByte(s, ':') >= 0)
}

// urlHostAddr returns the address a URL names as its host
// ("http://[2001:db8::1]:8080/x", "http://user@10.0.0.1/").
func urlHostAddr(u string) (netip.Addr, bool) {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return netip.Addr{}, false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		rest = rest[1:end]
	} else if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	if !maybeAddr(rest) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(rest)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}
