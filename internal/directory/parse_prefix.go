package directory

import (
	"net/netip"
	"strings"

	"atalaya/internal/valid"
)

// Flag says why an accepted constituency value is unusual: it is reserved
// for documentation, private use or special purposes, so routing real events
// to it is unlikely. Pages show it as a warning; it never blocks the entry.
type Flag string

// The flags of constituency values.
const (
	Unflagged     Flag = ""
	Documentation Flag = "documentation" // RFC 5737, RFC 3849, RFC 9637; AS RFC 5398
	Private       Flag = "private"       // RFC 1918, RFC 6598, RFC 4193; AS RFC 6996
	Reserved      Flag = "reserved"      // loopback, link-local, multicast, future use; AS RFC 7300, IANA
)

// valueField is the field that constituency parse errors name: the text box
// where a team types a prefix, AS number or domain.
const valueField = "value"

// maxRaw bounds what the parsers look at, so a pasted document costs nothing.
const maxRaw = 1024

func bad(code, message string, args map[string]any) error {
	return valid.New(valueField, code, message, args)
}

// ParsePrefix parses an IPv4 or IPv6 prefix as a team declares it. It trims
// spaces and takes a bare address as a single host (/32 or /128). It refuses
// /0 (nobody owns the Internet), IPv4-mapped IPv6 (the IPv4 form is the one
// events carry), zones, and prefixes with host bits set: "192.0.2.5/24" is
// refused with the canonical form "192.0.2.0/24" in Args["Canonical"],
// because guessing which of the two the person meant is worse than asking.
// The canonical text of the result is p.String(), and ParsePrefix of that
// text returns p again.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Prefix{}, bad("prefix.empty", "enter an IP prefix, e.g. 192.0.2.0/24 or 2001:db8::/32", nil)
	}
	p, err := parsePrefixOrAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Bits() == 0 {
		return netip.Prefix{}, bad("prefix.zero", "a /0 prefix covers the whole Internet and cannot be a constituency",
			map[string]any{"Value": s})
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		v4 := netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked()
		return netip.Prefix{}, bad("prefix.mapped", "IPv4-mapped IPv6 prefixes are not accepted: enter "+v4.String(),
			map[string]any{"IPv4": v4.String()})
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, bad("prefix.not_canonical", s+" has host bits set: did you mean "+m.String()+"?",
			map[string]any{"Value": s, "Canonical": m.String()})
	}
	return p, nil
}

func parsePrefixOrAddr(s string) (netip.Prefix, error) {
	syntax := bad("prefix.syntax", "not an IP prefix: write address/length, e.g. 192.0.2.0/24 or 2001:db8::/32",
		map[string]any{"Value": clip(s)})
	if len(s) > 64 { // the longest IPv6 prefix in text is 43 characters
		return netip.Prefix{}, syntax
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, syntax
		}
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, syntax
	}
	if a.Zone() != "" {
		return netip.Prefix{}, bad("prefix.zone", "an address with a zone (%…) is local to one link and cannot be a constituency",
			map[string]any{"Value": s})
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// clip shortens a value quoted back in an error message.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	r := []rune(s[:max])
	return string(r[:len(r)-1]) + "…"
}

// specialPrefixes are the ranges PrefixFlag reports, most specific first
// where they nest.
var specialPrefixes = []struct {
	p    netip.Prefix
	flag Flag
}{
	{netip.MustParsePrefix("192.0.2.0/24"), Documentation},
	{netip.MustParsePrefix("198.51.100.0/24"), Documentation},
	{netip.MustParsePrefix("203.0.113.0/24"), Documentation},
	{netip.MustParsePrefix("2001:db8::/32"), Documentation},
	{netip.MustParsePrefix("3fff::/20"), Documentation},
	{netip.MustParsePrefix("10.0.0.0/8"), Private},
	{netip.MustParsePrefix("172.16.0.0/12"), Private},
	{netip.MustParsePrefix("192.168.0.0/16"), Private},
	{netip.MustParsePrefix("100.64.0.0/10"), Private},
	{netip.MustParsePrefix("fc00::/7"), Private},
	{netip.MustParsePrefix("0.0.0.0/8"), Reserved},
	{netip.MustParsePrefix("127.0.0.0/8"), Reserved},
	{netip.MustParsePrefix("169.254.0.0/16"), Reserved},
	{netip.MustParsePrefix("192.0.0.0/24"), Reserved},
	{netip.MustParsePrefix("198.18.0.0/15"), Reserved},
	{netip.MustParsePrefix("224.0.0.0/3"), Reserved}, // multicast and 240/4
	{netip.MustParsePrefix("::/127"), Reserved},      // unspecified and loopback
	{netip.MustParsePrefix("fe80::/10"), Reserved},
	{netip.MustParsePrefix("ff00::/8"), Reserved},
}

// PrefixFlag reports whether p lies wholly inside a documentation, private
// or reserved range. A prefix that only contains such a range (10.0.0.0/7)
// is not flagged.
func PrefixFlag(p netip.Prefix) Flag {
	for _, s := range specialPrefixes {
		if s.p.Bits() <= p.Bits() && s.p.Contains(p.Addr()) {
			return s.flag
		}
	}
	return Unflagged
}
