package intel

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"

	"atalaya/internal/stix"
)

// Value is a normalised observable value: what the correlation index holds
// and a search looks up. Kind is one of "ip", "prefix", "domain", "url",
// "email", "md5", "sha1", "sha256", "sha512", "sha3-256", "sha3-512",
// "ssdeep", "tlsh", "asn", "filename", "mac", or "<sco type>:<path>" for
// other properties a pattern names.
type Value struct{ Kind, Value string }

// Normalize turns an observable into its correlation value, so the same
// thing written differently ("192.0.2.1/32" and "192.0.2.1", "Example.COM."
// and "example.com", upper- and lower-case hashes) meets in the index.
func Normalize(o stix.Observable) (Value, bool) {
	v := strings.TrimSpace(o.Value)
	if v == "" {
		return Value{}, false
	}
	switch o.Object {
	case "ipv4-addr", "ipv6-addr":
		return normIP(v)
	case "domain-name":
		return normDomain(v)
	case "url":
		return normURL(v)
	case "email-addr":
		return normEmail(v)
	case "mac-addr":
		return Value{"mac", strings.ToLower(v)}, true
	case "autonomous-system":
		if o.Path == "number" {
			return normASN(v)
		}
	}
	if alg, ok := strings.CutPrefix(o.Path, "hashes."); ok {
		return normHash(alg, v)
	}
	if o.Object == "file" && o.Path == "name" {
		return Value{"filename", v}, true
	}
	// A reference followed to its value (network-traffic:dst_ref.value,
	// email-message:from_ref.value): read it as what it looks like.
	if strings.HasSuffix(o.Path, "_ref.value") || strings.HasSuffix(o.Path, "].value") {
		return ParseValue(v)
	}
	return Value{o.Object + ":" + o.Path, v}, true
}

// normIP reads an address or a prefix; a host prefix (/32, /128) is the
// address, other prefixes are kept masked.
func normIP(s string) (Value, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return Value{"ip", a.WithZone("").Unmap().String()}, true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return Value{}, false
	}
	if p.Addr().Is4In6() {
		if p.Bits() < 96 {
			return Value{}, false
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	if p.IsSingleIP() {
		return Value{"ip", p.Addr().String()}, true
	}
	return Value{"prefix", p.Masked().String()}, true
}

// normDomain lower-cases, drops the trailing dot and writes IDNs in their
// ASCII (punycode) form. What is not a host name (empty labels, spaces,
// control characters, punctuation) is no domain.
func normDomain(s string) (Value, bool) {
	d := strings.TrimSuffix(strings.ToLower(s), ".")
	if !isASCII(d) {
		a, err := idna.Lookup.ToASCII(d)
		if err != nil {
			return Value{}, false
		}
		d = a
	}
	if !hostName(d) {
		return Value{}, false
	}
	return Value{"domain", d}, true
}

// hostName reports whether d is dot-separated labels of lower-case ASCII
// letters, digits, hyphens and underscores (DNS allows "_dmarc"), each
// 1–63 characters, 253 in all.
func hostName(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// normURL lower-cases the scheme and host (the parts that ignore case) and
// keeps the rest as written.
func normURL(s string) (Value, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return Value{"url", s}, true
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host, port := u.Hostname(), u.Port()
	if h, ok := normDomain(host); ok && !strings.Contains(host, ":") {
		host = h.Value
	} else {
		host = strings.ToLower(host)
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	return Value{"url", u.String()}, true
}

func normEmail(s string) (Value, bool) {
	if !strings.Contains(s, "@") || strings.ContainsAny(s, " \t") {
		return Value{}, false
	}
	return Value{"email", strings.ToLower(s)}, true
}

// normASN reads "64496" or "as64496" as "AS64496": the form a search
// box takes back.
func normASN(s string) (Value, bool) {
	if len(s) > 2 && strings.EqualFold(s[:2], "as") {
		s = s[2:]
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return Value{}, false
	}
	return Value{"asn", "AS" + strconv.FormatUint(n, 10)}, true
}

// hashKinds maps a hash algorithm, upper-cased without quotes, hyphens or
// underscores, to its kind.
var hashKinds = map[string]string{
	"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA512": "sha512",
	"SHA3256": "sha3-256", "SHA3512": "sha3-512", "SSDEEP": "ssdeep", "TLSH": "tlsh",
}

// normHash names the algorithm of a "hashes.<alg>" path and lower-cases hex
// digests (ssdeep is case-sensitive and kept as written).
func normHash(alg, v string) (Value, bool) {
	key := strings.ToUpper(strings.NewReplacer("'", "", "\"", "", "-", "", "_", "").Replace(alg))
	kind, ok := hashKinds[key]
	if !ok {
		kind = "hash:" + strings.ToLower(key)
	}
	if kind == "ssdeep" {
		return Value{kind, v}, true
	}
	return Value{kind, strings.ToLower(v)}, true
}

// hexKinds are the hash kinds a bare hex string of each length may be.
var hexKinds = map[int]string{32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}

// ParseValue reads what a user types in the search box: an address or
// prefix, "AS64496", a hash, a URL, an e-mail address or a domain.
func ParseValue(s string) (Value, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4096 {
		return Value{}, false
	}
	if v, ok := normIP(s); ok {
		return v, true
	}
	if len(s) > 2 && strings.EqualFold(s[:2], "as") {
		if v, ok := normASN(s); ok {
			return v, true
		}
	}
	if kind, ok := hexKinds[len(s)]; ok && isHexString(s) {
		return Value{kind, strings.ToLower(s)}, true
	}
	switch {
	case strings.Contains(s, "://"):
		return normURL(s)
	case strings.Contains(s, "@"):
		return normEmail(s)
	case strings.Contains(strings.TrimSuffix(s, "."), ".") && !strings.ContainsAny(s, " \t/\\\"'<>"):
		return normDomain(s)
	}
	return Value{}, false
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// specialRanges are the special-purpose ranges a value is warned about
// without any warning list: addresses that mean a different host in every
// network. The documentation ranges (192.0.2.0/24 …) are not among them:
// the demo and the examples use them.
func specialWarnings(v Value) []string {
	var a netip.Addr
	switch v.Kind {
	case "ip":
		a, _ = netip.ParseAddr(v.Value)
	case "prefix":
		p, err := netip.ParsePrefix(v.Value)
		if err != nil {
			return nil
		}
		a = p.Addr()
		// A prefix wider than the special range it starts in covers
		// public space too: warn only for prefixes inside a range.
		if !insideSpecial(p) {
			return nil
		}
	default:
		return nil
	}
	switch {
	case !a.IsValid():
		return nil
	case a.IsUnspecified():
		return []string{"Special-purpose: unspecified address"}
	case a.IsLoopback():
		return []string{"Special-purpose: loopback"}
	case a.IsPrivate():
		return []string{"Special-purpose: private-use network (RFC 1918, RFC 4193)"}
	case a.IsLinkLocalUnicast():
		return []string{"Special-purpose: link-local"}
	case a.IsMulticast():
		return []string{"Special-purpose: multicast"}
	}
	return nil
}

// specialPrefixes are the ranges specialWarnings names, for prefixes.
var specialPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("224.0.0.0/4"), netip.MustParsePrefix("::/128"), netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("fe80::/10"), netip.MustParsePrefix("ff00::/8"),
}

func insideSpecial(p netip.Prefix) bool {
	for _, s := range specialPrefixes {
		if s.Bits() <= p.Bits() && s.Contains(p.Addr()) {
			return true
		}
	}
	return false
}
