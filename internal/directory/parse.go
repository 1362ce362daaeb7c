package directory

import (
	"net/netip"
	"strconv"
	"strings"

	"atalaya/internal/valid"
)

// Parsed is a constituency value recognised from what a person typed.
type Parsed struct {
	Kind  EntryKind
	Value string // canonical text: "192.0.2.0/24", "AS64496", "example.gob.mx"
	Flag  Flag   // why the value is unusual, if it is
}

// ParseEntry recognises a prefix, an AS number or a domain by its shape and
// parses it, so one text box serves all three:
//   - "AS…" followed by a digit, a bare number, or two numbers joined by a
//     dot (asdot) is an AS number;
//   - anything with ':' or '/' (but not "://"), or digits in four dotted
//     groups, is a prefix or address;
//   - everything else is a domain.
//
// Use ParseEntryAs when the kind is known and the shape should not decide.
func ParseEntry(raw string) (Parsed, error) {
	return ParseEntryAs(detectKind(raw), raw)
}

// ParseEntryAs parses raw as the given kind.
func ParseEntryAs(kind EntryKind, raw string) (Parsed, error) {
	switch kind {
	case PrefixEntry:
		p, err := ParsePrefix(raw)
		if err != nil {
			return Parsed{}, err
		}
		return Parsed{Kind: kind, Value: p.String(), Flag: PrefixFlag(p)}, nil
	case ASNEntry:
		a, err := ParseASN(raw)
		if err != nil {
			return Parsed{}, err
		}
		return Parsed{Kind: kind, Value: a.String(), Flag: ASNFlag(a)}, nil
	case DomainEntry:
		d, err := ParseDomain(raw)
		if err != nil {
			return Parsed{}, err
		}
		return Parsed{Kind: kind, Value: d}, nil
	}
	return Parsed{}, valid.New("kind", "constituency.kind", "the kind must be prefix, asn or domain",
		map[string]any{"Value": clip(string(kind))})
}

func detectKind(raw string) EntryKind {
	s := strings.TrimSpace(raw)
	if len(s) > 2 && strings.EqualFold(s[:2], "AS") {
		if rest := strings.TrimSpace(s[2:]); rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			return ASNEntry
		}
	}
	if strings.Contains(s, "://") {
		return DomainEntry // a pasted URL: the domain parser says what to do
	}
	if strings.ContainsAny(s, ":/") {
		return PrefixEntry
	}
	if s != "" && strings.Trim(s, "0123456789.") == "" {
		if strings.Count(s, ".") <= 1 {
			return ASNEntry
		}
		return PrefixEntry
	}
	return DomainEntry
}

// entryFlag recomputes the flag of a stored canonical value. Stored values
// are canonical, so the cheap standard parsers suffice; domains carry no
// flag and are not parsed at all.
func entryFlag(kind EntryKind, value string) Flag {
	switch kind {
	case PrefixEntry:
		if p, err := netip.ParsePrefix(value); err == nil {
			return PrefixFlag(p)
		}
	case ASNEntry:
		if n, err := strconv.ParseUint(strings.TrimPrefix(value, "AS"), 10, 32); err == nil {
			return ASNFlag(ASN(n))
		}
	}
	return Unflagged
}
