package event

import (
	"math"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"atalaya/internal/valid"
)

// maxText bounds every text field but raw, so one silly line cannot make
// an event of megabytes.
const maxText = 4096

// maxRaw bounds the raw line kept for the quarantine and the inbox.
const maxRaw = 65536

// fieldError is the one way this package reports a bad value: the field is
// the harmonisation name and Args carry the value for the catalog message.
func fieldError(field, code, message, value string) error {
	return valid.New(field, code, message, map[string]any{"Field": field, "Value": value})
}

func unknownField(field string) error {
	return fieldError(field, "event_unknown_field", "is not a field of an event", field)
}

func parseText(field, value string) (string, error) {
	v := strings.TrimSpace(value)
	if !utf8.ValidString(v) || len(v) > maxText {
		return "", fieldError(field, "event_text", "must be valid UTF-8 text of at most 4096 bytes", "")
	}
	return v, nil
}

// parseRaw keeps the line verbatim (no trimming: it is evidence).
func parseRaw(field, value string) (string, error) {
	if !utf8.ValidString(value) || len(value) > maxRaw {
		return "", fieldError(field, "event_raw", "must be valid UTF-8 of at most 65536 bytes", "")
	}
	return value, nil
}

func parseTime(field, value string) (time.Time, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		t, err = time.Parse(time.DateTime, v)
	}
	if err != nil || t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, fieldError(field, "event_time", "must be a time in RFC 3339 or as 2006-01-02 15:04:05 (UTC)", v)
	}
	return t.UTC(), nil
}

func parseIP(field, value string) (netip.Addr, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fieldError(field, "event_ip", "must be an IPv4 or IPv6 address", v)
	}
	return a.Unmap(), nil
}

func parseNetwork(field, value string) (netip.Prefix, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return netip.Prefix{}, nil
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return netip.Prefix{}, fieldError(field, "event_network", "must be a network in CIDR notation, e.g. 192.0.2.0/24", v)
	}
	// Feeds write host bits now and then (192.0.2.7/24); the network meant
	// is plain, and routing compares masked prefixes.
	return p.Masked(), nil
}

func parsePort(field, value string) (uint16, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 16)
	if err != nil {
		return 0, fieldError(field, "event_port", "must be a port number from 0 to 65535", v)
	}
	return uint16(n), nil
}

// parseASN takes "64496", "AS64496" or "as64496". AS 0 is reserved
// (RFC 7607) and never names a network, so it is refused.
func parseASN(field, value string) (uint32, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, nil
	}
	digits := v
	if len(digits) > 2 && strings.EqualFold(digits[:2], "as") {
		digits = digits[2:]
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || n == 0 || digits[0] == '+' {
		return 0, fieldError(field, "event_asn", "must be an AS number from 1 to 4294967295, e.g. AS64496", v)
	}
	return uint32(n), nil
}

func parseAccuracy(field, value string) (float64, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 100 {
		return 0, fieldError(field, "event_accuracy", "must be a number from 0 to 100", v)
	}
	return f, nil
}

// parseCountry checks the shape of an ISO 3166-1 alpha-2 code, not the
// list: feeds use user-assigned codes (XK for Kosovo, EU, ZZ) on purpose.
func parseCountry(field, value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", nil
	}
	if len(v) != 2 || !isLetter(v[0]) || !isLetter(v[1]) {
		return "", fieldError(field, "event_country", "must be a two-letter ISO 3166 country code", v)
	}
	return strings.ToUpper(v), nil
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// fqdnProfile maps Unicode names to lower-case A-labels. Underscores are
// allowed (StrictDomainName off) because real hostnames in feeds carry them
// (_dmarc, service records); other characters are checked after mapping.
var fqdnProfile = idna.New(idna.MapForLookup(), idna.Transitional(false),
	idna.BidiRule(), idna.ValidateLabels(true), idna.VerifyDNSLength(true),
	idna.StrictDomainName(false))

func parseFQDN(field, value string) (string, error) {
	v := strings.TrimSuffix(strings.TrimSpace(value), ".")
	if v == "" {
		return "", nil
	}
	bad := fieldError(field, "event_fqdn", "must be a domain name such as www.example.org", strings.TrimSpace(value))
	if _, err := netip.ParseAddr(v); err == nil || !utf8.ValidString(v) {
		return "", bad
	}
	a, err := fqdnProfile.ToASCII(v)
	if err != nil || !hostnameBytes(a) {
		return "", bad
	}
	return a, nil
}

// hostnameBytes reports whether s holds only what a DNS host name may:
// letters, digits, hyphen, underscore and dots between non-empty labels.
func hostnameBytes(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// parseURL keeps the URL as written (it is evidence, and re-encoding could
// change what it points to) once it is known to be absolute with a host.
func parseURL(field, value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	ok := err == nil && u.Host != "" && len(v) <= maxText && utf8.ValidString(v)
	if ok {
		s := strings.ToLower(u.Scheme)
		ok = s == "http" || s == "https" || s == "ftp"
	}
	if !ok {
		return "", fieldError(field, "event_url", "must be an absolute http, https or ftp URL", v)
	}
	return v, nil
}

// parseLowerASCII is IntelMQ's LowercaseString with its regex ^[ -~]+$.
func parseLowerASCII(field, value string) (string, error) {
	v := strings.TrimSpace(value)
	if len(v) > 100 {
		return "", fieldError(field, "event_name", "must be printable ASCII of at most 100 characters", "")
	}
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] > '~' {
			return "", fieldError(field, "event_name", "must be printable ASCII of at most 100 characters", "")
		}
	}
	return strings.ToLower(v), nil
}

// parseTransport takes an IP protocol keyword (tcp, udp, icmp ...): lower
// case letters, digits and the few signs protocol names use.
func parseTransport(field, value string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(value))
	bad := len(v) > 11
	for i := 0; i < len(v) && !bad; i++ {
		c := v[i]
		bad = !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("+-./", c) >= 0)
	}
	if bad {
		return "", fieldError(field, "event_transport", "must be an IP protocol name such as tcp or udp", v)
	}
	return v, nil
}

// parseTLP accepts TLP 2.0 labels in any case, with or without "TLP:", and
// TLP 1.0's WHITE, which TLP 2.0 renamed CLEAR.
func parseTLP(field, value string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(value))
	v = strings.TrimPrefix(v, "tlp:")
	switch v {
	case "", "clear", "green", "amber", "amber+strict", "red":
		return v, nil
	case "white":
		return "clear", nil
	}
	return "", fieldError(field, "event_tlp", "must be one of clear, green, amber, amber+strict, red", strings.TrimSpace(value))
}
