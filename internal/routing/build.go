package routing

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gaissmai/bart"
	"golang.org/x/net/idna"
)

// EntryError says which entry Build could not use and why.
type EntryError struct {
	Index int   // position in the entries given to Build; -1 for a national CSIRT
	Entry Entry // the entry as given (Kind "country" for a national CSIRT)
	Err   error // what is wrong with it
}

// Error names the entry by position, team, kind and value.
func (e *EntryError) Error() string {
	return fmt.Sprintf("routing: entry %d (org %q, %s %q): %v", e.Index, e.Entry.OrgID, e.Entry.Kind, e.Entry.Value, e.Err)
}

// Unwrap returns the cause.
func (e *EntryError) Unwrap() error { return e.Err }

// Build makes a Table from the teams' constituency entries and the national
// CSIRT of each country (country code -> org id). It refuses the first
// entry it cannot parse with an *EntryError naming it, rather than routing
// around a hole nobody would notice. The same value held by several teams
// routes to all of them.
func Build(entries []Entry, national map[string]string) (*Table, error) {
	prefixes := map[netip.Prefix][]string{}
	asns := map[uint32][]string{}
	domains := map[string][]string{}
	for i, e := range entries {
		if err := addEntry(e, prefixes, asns, domains); err != nil {
			return nil, &EntryError{Index: i, Entry: e, Err: err}
		}
	}
	t := &Table{
		prefixes: &bart.Table[Match]{},
		asns:     make(map[uint32]Match, len(asns)),
		domains:  make(map[string]Match, len(domains)),
		national: make(map[string]Match, len(national)),
	}
	for p, orgs := range prefixes {
		t.prefixes.Insert(p, Match{OrgIDs: orgSet(orgs), By: ByPrefix, Key: p.String()})
	}
	for a, orgs := range asns {
		t.asns[a] = Match{OrgIDs: orgSet(orgs), By: ByASN, Key: "AS" + strconv.FormatUint(uint64(a), 10)}
	}
	for d, orgs := range domains {
		t.domains[d] = Match{OrgIDs: orgSet(orgs), By: ByDomain, Key: d}
	}
	for cc, org := range national {
		code := upperASCII(strings.TrimSpace(cc))
		if len(code) != 2 || !isAlpha(code) || org == "" {
			return nil, &EntryError{Index: -1, Entry: Entry{OrgID: org, Kind: ByCountry, Value: cc},
				Err: errors.New("a national CSIRT needs a two-letter country code and an org id")}
		}
		t.national[code] = Match{OrgIDs: []string{org}, By: ByCountry, Key: code}
	}
	return t, nil
}

// addEntry parses one entry into the map of its kind.
func addEntry(e Entry, prefixes map[netip.Prefix][]string, asns map[uint32][]string, domains map[string][]string) error {
	if strings.TrimSpace(e.OrgID) == "" {
		return errors.New("no org id")
	}
	switch e.Kind {
	case KindPrefix:
		p, err := parsePrefix(e.Value)
		if err != nil {
			return err
		}
		prefixes[p] = append(prefixes[p], e.OrgID)
	case KindASN:
		a, err := parseASN(e.Value)
		if err != nil {
			return err
		}
		asns[a] = append(asns[a], e.OrgID)
	case KindDomain:
		d, err := parseDomain(e.Value)
		if err != nil {
			return err
		}
		domains[d] = append(domains[d], e.OrgID)
	default:
		return errors.New("unknown kind (want prefix, asn or domain)")
	}
	return nil
}

// parsePrefix accepts a prefix or a single address (a host route), masks
// it, and turns an IPv4-mapped IPv6 prefix into IPv4 because Route unmaps
// addresses before looking them up.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil {
			return netip.Prefix{}, err
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Zone() != "" {
		return netip.Prefix{}, errors.New("a prefix has no zone")
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// parseASN accepts "AS64496" (any case) or a bare number; 0 is refused
// because Query uses it for "unknown".
func parseASN(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	if len(s) > 2 && strings.EqualFold(s[:2], "AS") {
		s = s[2:]
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, errors.New("not an AS number")
	}
	if n == 0 {
		return 0, errors.New("AS0 identifies no network")
	}
	return uint32(n), nil
}

// parseDomain applies the normalisation Route applies to queries (ASCII,
// lower case, no trailing dot) and refuses what cannot be a host name
// suffix.
func parseDomain(s string) (string, error) {
	d := normalDomain(strings.TrimSpace(s))
	if d == "" || len(d) > 253 {
		return "", errors.New("empty or too long domain")
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 {
			return "", errors.New("empty or too long label")
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("/:@*", c) >= 0 {
				return "", errors.New("a domain has no spaces, control characters, slashes, colons, @ or *")
			}
		}
	}
	return d, nil
}

// orgSet sorts and de-duplicates team ids, so a team listing a value twice
// is told once and results compare equal across rebuilds.
func orgSet(orgs []string) []string {
	slices.Sort(orgs)
	return slices.Clip(slices.Compact(orgs))
}

// normalDomain brings d to the form the directory stores: ASCII (an
// internationalised name becomes its punycode A-label), lower case, no
// trailing dot. It allocates only when d has upper-case or non-ASCII
// letters, so queries that arrive already canonical route without
// allocating. A name IDNA refuses, or invalid UTF-8, comes back empty: it matches no domain.
func normalDomain(d string) string {
	d = strings.TrimSuffix(d, ".")
	upper := false
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c >= 0x80 {
			if !utf8.ValidString(d) {
				return "" // IDNA would map the bad bytes to U+FFFD
			}
			a, err := idna.Lookup.ToASCII(d)
			if err != nil {
				return ""
			}
			return strings.ToLower(a)
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if upper {
		return lowerASCII(d)
	}
	return d
}

// lowerASCII folds only ASCII letters, as DNS compares names.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// upperASCII upper-cases a country code without allocating when it is
// already upper-case.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
