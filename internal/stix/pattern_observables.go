package stix

import (
	"errors"
	"net/netip"
	"strings"

	"atalaya/internal/valid"
)

// scoTypes are the STIX 2.1 cyber-observable object types.
var scoTypes = map[string]bool{
	"artifact": true, "autonomous-system": true, "directory": true, "domain-name": true,
	"email-addr": true, "email-message": true, "file": true, "ipv4-addr": true,
	"ipv6-addr": true, "mac-addr": true, "mutex": true, "network-traffic": true,
	"process": true, "software": true, "url": true, "user-account": true,
	"windows-registry-key": true, "x509-certificate": true,
}

// isSCOType reports whether typ is one of the STIX 2.1 cyber-observable
// types.
func isSCOType(typ string) bool { return scoTypes[typ] }

// emailRefPaths are the email-message properties that point at an
// email-addr, whose value a pattern may compare.
var emailRefPaths = map[string]bool{
	"from_ref.value": true, "sender_ref.value": true, "to_refs[*].value": true,
	"cc_refs[*].value": true, "bcc_refs[*].value": true,
}

// Observables returns the values the pattern names for correlation: the
// literals of its "=" and IN comparisons (not negated) on value-like paths.
// Paths are canonical (hash names as the STIX vocabulary spells them, keys
// quoted only when needed); duplicates are left out.
func (p *Pattern) Observables() []Observable {
	var out []Observable
	seen := map[Observable]bool{}
	walkComparisons(p.Root, func(c *Comparison) {
		if c.Negated || (c.Op != OpEqual && c.Op != OpIn) {
			return
		}
		for _, v := range c.Values {
			o, ok := comparisonObservable(c.Path, v)
			if ok && !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	})
	return out
}

// walkComparisons calls fn on every comparison of the pattern, in order.
func walkComparisons(e ObservationExpr, fn func(*Comparison)) {
	switch e := e.(type) {
	case *Observation:
		walkComparisonExpr(e.Expr, fn)
	case *ObservationOp:
		walkComparisons(e.Left, fn)
		walkComparisons(e.Right, fn)
	case *Qualified:
		walkComparisons(e.Expr, fn)
	}
}

func walkComparisonExpr(e ComparisonExpr, fn func(*Comparison)) {
	switch e := e.(type) {
	case *Comparison:
		fn(e)
	case *ComparisonOp:
		walkComparisonExpr(e.Left, fn)
		walkComparisonExpr(e.Right, fn)
	}
}

// comparisonObservable maps one compared literal to an observable when the
// path names a value worth correlating.
func comparisonObservable(path ObjectPath, v Literal) (Observable, bool) {
	var value string
	switch v.Kind {
	case LitString:
		value = v.Str
	case LitInt:
		value = v.Text
	default:
		return Observable{}, false
	}
	if value == "" {
		return Observable{}, false
	}
	prop := canonicalProperty(path)
	typ := path.ObjectType
	switch {
	case scoValueProps[typ] && prop == "value":
	case (typ == "file" || typ == "artifact" || typ == "x509-certificate") && strings.HasPrefix(prop, "hashes.") && len(path.Steps) == 2:
	case typ == "file" && prop == "name", typ == "mutex" && prop == "name", typ == "windows-registry-key" && prop == "key":
	case typ == "autonomous-system" && prop == "number" && v.Kind == LitInt:
	case typ == "email-message" && emailRefPaths[prop]:
		typ, prop = "email-addr", "value"
	case typ == "network-traffic" && (prop == "dst_ref.value" || prop == "src_ref.value"):
		typ, prop = addressType(value), "value"
	default:
		return Observable{}, false
	}
	return Observable{Object: typ, Path: prop, Value: value}, true
}

// addressType guesses the SCO type a network-traffic reference points at
// from the compared value: an IPv4 or IPv6 address or prefix, else a domain
// name.
func addressType(v string) string {
	addr, err := netip.ParseAddr(v)
	if err != nil {
		pfx, perr := netip.ParsePrefix(v)
		if perr != nil {
			return "domain-name"
		}
		addr = pfx.Addr()
	}
	if addr.Is4() {
		return "ipv4-addr"
	}
	return "ipv6-addr"
}

// canonicalProperty writes path's property with hash algorithm names
// spelled as the STIX vocabulary does ("md5" → "MD5", "sha256" → "SHA-256"),
// so a pattern and an SCO name the same hash the same way.
func canonicalProperty(path ObjectPath) string {
	if len(path.Steps) == 2 && path.Steps[0].Key == "hashes" && !path.Steps[1].IsIndex {
		return hashPath(canonicalHashName(path.Steps[1].Key))
	}
	return path.Property()
}

// hashNames maps a folded hash algorithm name to its vocabulary spelling.
var hashNames = map[string]string{
	"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512",
	"sha3256": "SHA3-256", "sha3512": "SHA3-512", "ssdeep": "SSDEEP", "tlsh": "TLSH",
	"sha224": "SHA-224", "sha384": "SHA-384",
}

// canonicalHashName returns the vocabulary spelling of a hash algorithm
// name, or the name unchanged when it is not a known algorithm.
func canonicalHashName(name string) string {
	folded := strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == '_':
			return -1
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, name)
	if c, ok := hashNames[folded]; ok {
		return c
	}
	return name
}

// patternError is the *valid.Error for an indicator pattern that does not
// parse, with the column and the parser's explanation.
func patternError(pattern string, err error) error {
	var pe *PatternError
	if errors.As(err, &pe) {
		return valid.New("pattern", CodePattern, "the pattern does not parse: "+pe.Error(),
			map[string]any{"Column": pe.Column, "Detail": pe.Message})
	}
	return valid.New("pattern", CodePattern, "the pattern does not parse: "+err.Error(),
		map[string]any{"Column": 0, "Detail": err.Error()})
}

// prefixField puts prefix before the Field of every validation error in
// err, so an error inside an embedded object names its place
// ("objects.0.value").
func prefixField(err error, prefix string) error {
	list := valid.List(err)
	if list == nil {
		return err
	}
	out := make(valid.Errors, len(list))
	for i, e := range list {
		c := *e
		if c.Field == "" || c.Field == "object" {
			c.Field = prefix
		} else {
			c.Field = prefix + "." + c.Field
		}
		out[i] = &c
	}
	return out
}
