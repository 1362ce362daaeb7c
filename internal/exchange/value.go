package exchange

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"

	"atalaya/internal/intel"
	"atalaya/internal/stix"
)

// csvTypes are the observable kinds a CSV line may name in its "type"
// column, with the STIX object path its pattern compares. The kinds are the
// ones intel.ParseValue and intel.Normalize use, so an exported CSV reads
// back the same.
var csvTypes = map[string]string{
	"ip":       "", // ipv4-addr:value or ipv6-addr:value, by the address
	"prefix":   "", // same, with a CIDR value
	"domain":   "domain-name:value",
	"url":      "url:value",
	"email":    "email-addr:value",
	"md5":      "file:hashes.MD5",
	"sha1":     "file:hashes.'SHA-1'",
	"sha256":   "file:hashes.'SHA-256'",
	"sha512":   "file:hashes.'SHA-512'",
	"asn":      "autonomous-system:number",
	"filename": "file:name",
}

// csvTypeNames lists csvTypes for messages, in a fixed order.
const csvTypeNames = "ip, prefix, domain, url, email, md5, sha1, sha256, sha512, asn, filename"

// hashLengths is the number of hex digits of each hash kind.
var hashLengths = map[string]int{"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}

// inferKind guesses the kind of a value typed without one, as the search
// box does (intel.ParseValue), so CSV and search agree on what a value is.
func inferKind(value string) (string, bool) {
	v, ok := intel.ParseValue(value)
	if !ok {
		return "", false
	}
	if _, known := csvTypes[v.Kind]; !known {
		return "", false
	}
	return v.Kind, true
}

// canonicalValue checks value as a kind and returns it in the form the
// pattern carries: addresses and prefixes as netip writes them, domains and
// hashes in lower case, an AS number without "AS". The error says what is
// wrong in words a user can act on.
func canonicalValue(kind, value string) (string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", fmt.Errorf("the value is empty")
	}
	switch kind {
	case "ip":
		a, err := netip.ParseAddr(value)
		if err != nil || a.Zone() != "" {
			return "", fmt.Errorf("%q is not an IP address", value)
		}
		return a.Unmap().String(), nil
	case "prefix":
		return canonicalPrefix(value)
	case "domain":
		return canonicalDomain(value)
	case "url":
		u, err := url.Parse(value)
		if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
			return "", fmt.Errorf("%q is not an absolute URL (scheme://host/…)", value)
		}
		return value, nil
	case "email":
		addr, err := mail.ParseAddress(value)
		if err != nil || addr.Address != value || addr.Name != "" {
			return "", fmt.Errorf("%q is not an e-mail address (name@domain)", value)
		}
		return value, nil
	case "md5", "sha1", "sha256", "sha512":
		return canonicalHash(kind, value)
	case "asn":
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(value), "AS"), 10, 32)
		if err != nil {
			return "", fmt.Errorf("%q is not an AS number (64496 or AS64496)", value)
		}
		return strconv.FormatUint(n, 10), nil
	case "filename":
		return value, nil
	}
	return "", fmt.Errorf("unknown type %q: use one of %s", kind, csvTypeNames)
}

// canonicalPrefix accepts a prefix whose host bits are zero; a prefix with
// host bits set is most likely a typing mistake, so it is refused with the
// prefix it probably meant.
func canonicalPrefix(value string) (string, error) {
	p, err := netip.ParsePrefix(value)
	if err != nil {
		return "", fmt.Errorf("%q is not an IP prefix (address/length)", value)
	}
	if m := p.Masked(); m != p {
		return "", fmt.Errorf("%q has host bits set: did you mean %s?", value, m)
	}
	return p.String(), nil
}

// canonicalDomain lower-cases a domain name, drops a final dot and writes
// internationalised names in their ASCII (punycode) form.
func canonicalDomain(value string) (string, error) {
	d, err := idna.Lookup.ToASCII(strings.TrimSuffix(value, "."))
	if err != nil || !strings.Contains(d, ".") {
		return "", fmt.Errorf("%q is not a domain name", value)
	}
	return strings.ToLower(d), nil
}

// canonicalHash checks the length and digits of a hexadecimal hash.
func canonicalHash(kind, value string) (string, error) {
	if len(value) != hashLengths[kind] {
		return "", fmt.Errorf("a %s hash has %d hexadecimal digits; %q has %d", kind, hashLengths[kind], value, len(value))
	}
	if _, err := hex.DecodeString(value); err != nil {
		return "", fmt.Errorf("%q is not hexadecimal", value)
	}
	return strings.ToLower(value), nil
}

// patternFor writes the STIX pattern that matches one canonical value.
func patternFor(kind, value string) string {
	path := csvTypes[kind]
	switch kind {
	case "ip", "prefix":
		path = "ipv4-addr:value"
		if strings.Contains(value, ":") {
			path = "ipv6-addr:value"
		}
	case "asn":
		return "[" + path + " = " + value + "]"
	}
	return "[" + path + " = " + stix.QuoteString(value) + "]"
}

// csvNamespace is the namespace of the name-based UUIDs of indicators read
// from CSV (a fixed random UUID).
var csvNamespace = [16]byte{0x2f, 0x8c, 0x61, 0x0e, 0x95, 0x3b, 0x4a, 0x7d, 0xb0, 0x13, 0x6e, 0xc4, 0x58, 0x27, 0xa9, 0xf1}

// indicatorID is the id of the indicator an organisation's CSV line makes
// for a value: the same organisation importing the same value again makes a
// new version of the same indicator rather than a duplicate, and another
// organisation gets another id (it can never overwrite this one).
func indicatorID(orgID, kind, value string) string {
	h := sha1.New()
	h.Write(csvNamespace[:])
	h.Write([]byte(orgID + "\x00" + kind + "\x00" + value))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return "indicator--" + s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
