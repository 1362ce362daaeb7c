package routing

import (
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// normalURL writes a URL the way intel.Normalize writes a url value, so an
// event's URL meets the indicator that names it: scheme and host lower
// case, the host of an internationalised name in punycode, the rest as
// written (re-encoded by net/url where it must be). What net/url cannot
// read, or has no scheme or host, stays as it is.
func normalURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host, port := u.Hostname(), u.Port()
	if h, ok := hostDomain(host); ok && !strings.Contains(host, ":") {
		host = h
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
	return u.String()
}

// hostDomain is intel's domain normalisation: lower case, no trailing dot,
// punycode; false for what is not a host name.
func hostDomain(s string) (string, bool) {
	d := strings.TrimSuffix(strings.ToLower(s), ".")
	for i := 0; i < len(d); i++ {
		if d[i] >= 0x80 {
			a, err := idna.Lookup.ToASCII(d)
			if err != nil {
				return "", false
			}
			d = a
			break
		}
	}
	if !hostName(d) {
		return "", false
	}
	return d, true
}

// hostName reports whether d is dot-separated labels of lower-case ASCII
// letters, digits, hyphens and underscores, each 1–63 characters, 253 in
// all (intel's rule for a domain value).
func hostName(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
			continue
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
		if label++; label > 63 {
			return false
		}
	}
	return label > 0
}

// canonicalURL reports, without allocating, that normalURL would return s
// unchanged: a lower-case scheme, a lower-case host (a name or an address)
// with an optional numeric port, and a path, query and fragment of
// characters net/url keeps as they are. Most URLs feeds report pass, so
// matching them against url watches costs a map lookup.
func canonicalURL(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || i > 0 && (s[i] >= '0' && s[i] <= '9' || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
		i++
	}
	if i == 0 || !strings.HasPrefix(s[i:], "://") {
		return false
	}
	rest := s[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if !canonicalAuthority(rest[:end]) {
		return false
	}
	rest = rest[end:]
	inQuery, inFragment := false, false
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c == '?' && !inFragment:
			inQuery = true
		case c == '#' && !inFragment:
			inFragment = true
		case c == '%':
			if i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2]) {
				return false
			}
		case c <= ' ' || c >= 0x7f:
			return false
		case inQuery && !inFragment:
			// the query is kept verbatim
		case !pathByte(c) && !(inFragment && c == '?'):
			return false
		}
	}
	return !strings.HasSuffix(rest, "#") // net/url drops an empty fragment
}

// canonicalAuthority accepts "host" or "host:port" where host is a
// lower-case name that is its own normal form, or an IPv6 address in
// lower case within brackets.
func canonicalAuthority(a string) bool {
	port := ""
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 2 {
			return false
		}
		for i := 1; i < end; i++ {
			if c := a[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.') {
				return false
			}
		}
		port = a[end+1:]
	} else {
		host := a
		if i := strings.IndexByte(a, ':'); i >= 0 {
			host, port = a[:i], a[i:]
		}
		if !hostName(host) {
			return false
		}
	}
	if port == "" {
		return true
	}
	if port[0] != ':' || len(port) == 1 {
		return false
	}
	for i := 1; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return true
}

// pathByte reports whether net/url keeps c as written in a path or
// fragment (RFC 3986 pchar, with "/" and the brackets it leaves alone).
func pathByte(c byte) bool { return pathBytes[c] }

// pathBytes is pathByte's table, read-only after start-up: canonicalURL
// asks it for every byte of every URL.
var pathBytes = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-._~!$&'()*+,;=:@/[]", byte(c)) >= 0
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// urlHost returns the host of an absolute URL without user, port or
// brackets, and whether it is written as an address; "" when s has none.
// It slices s and does not allocate.
func urlHost(s string) (host string, isAddr bool) {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "", false
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
			return "", false
		}
		return rest[1:end], true
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	digits := rest != ""
	for i := 0; i < len(rest) && digits; i++ {
		digits = rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.'
	}
	return rest, digits
}
