package directory

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// DNS limits (RFC 1035), counted on the A-label form without the final dot.
const (
	maxLabel  = 63
	maxDomain = 253
)

// ParseDomain parses a domain a team answers for (the domain and everything
// under it) and returns its canonical form: IDNA A-labels (lookup profile,
// so "münchen.de" becomes "xn--mnchen-3ya.de"), lower case, no trailing
// dot. It refuses spaces, wildcards (a domain entry already covers its
// subdomains), URLs, labels over 63 or names over 253 characters, numeric
// top-level labels (that is an IP address), and bare public suffixes such as
// "com", "gov.br" or "co.uk", which no single team can own. ParseDomain of
// its output returns the output again.
func ParseDomain(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", bad("domain.empty", "enter a domain, e.g. example.gob.mx", nil)
	}
	if err := domainShape(s); err != nil {
		return "", err
	}
	d, err := idna.Lookup.ToASCII(strings.TrimSuffix(s, "."))
	d = strings.ToLower(d)
	if err != nil || d == "" || !idempotent(d) {
		return "", bad("domain.syntax", "not a valid domain name", map[string]any{"Value": clip(s)})
	}
	if err := domainLengths(d); err != nil {
		return "", err
	}
	labels := strings.Split(d, ".")
	if _, err := strconv.ParseUint(labels[len(labels)-1], 10, 64); err == nil {
		return "", bad("domain.numeric", "a name ending in a number is an IP address, not a domain: enter it as a prefix",
			map[string]any{"Value": clip(s)})
	}
	if ps, _ := publicsuffix.PublicSuffix(d); ps == d {
		return "", bad("domain.public_suffix", d+" is a public suffix shared by many owners: enter a domain registered under it",
			map[string]any{"Domain": d})
	}
	return d, nil
}

// domainShape refuses, before any IDNA work, what people paste by mistake:
// a URL, an e-mail address, a wildcard, text with spaces, a whole page.
func domainShape(s string) error {
	switch {
	case !utf8.ValidString(s):
		// idna would turn the bad bytes into U+FFFD and encode that.
		return bad("domain.syntax", "not a valid domain name", nil)
	case len(s) > maxRaw:
		return bad("domain.too_long", "a domain has at most 253 characters", map[string]any{"Max": maxDomain})
	case strings.ContainsFunc(s, unicode.IsSpace):
		return bad("domain.space", "a domain cannot contain spaces", map[string]any{"Value": clip(s)})
	case strings.Contains(s, "*"):
		return bad("domain.wildcard", "enter the domain without *: an entry covers all its subdomains",
			map[string]any{"Value": clip(s)})
	case strings.Contains(s, "/"):
		return bad("domain.url", "enter the domain only, without http:// or a path", map[string]any{"Value": clip(s)})
	case strings.Contains(s, "@"):
		return bad("domain.email", "enter the domain only, not an e-mail address", map[string]any{"Value": clip(s)})
	}
	return nil
}

// idempotent reports whether the IDNA mapping leaves d as it is. The
// stored form must parse to itself, and mapping is not idempotent for every
// input the fuzzer finds; such names are refused rather than stored in a
// form that could not be read back.
func idempotent(d string) bool {
	again, err := idna.Lookup.ToASCII(d)
	return err == nil && again == d
}

func domainLengths(d string) error {
	if len(d) > maxDomain {
		return bad("domain.too_long", "a domain has at most 253 characters", map[string]any{"Max": maxDomain})
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" {
			return bad("domain.syntax", "not a valid domain name", map[string]any{"Value": clip(d)})
		}
		if len(l) > maxLabel {
			return bad("domain.label_too_long", "a label of a domain has at most 63 characters",
				map[string]any{"Label": clip(l), "Max": maxLabel})
		}
	}
	return nil
}

// domainWithin reports whether d is parent or below it (both canonical).
func domainWithin(d, parent string) bool {
	return d == parent || strings.HasSuffix(d, "."+parent)
}
