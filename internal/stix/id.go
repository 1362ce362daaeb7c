package stix

import (
	"crypto/rand"
	"strings"
)

// NewID returns "<objType>--<random UUIDv4>", the identifier the
// specification asks producers to give new SDOs, SROs and bundles.
func NewID(objType string) string {
	return objType + "--" + NewUUID4()
}

// NewUUID4 returns a random RFC 4122 version 4 UUID in its canonical text
// (STIX ids, TAXII collection and status ids).
func NewUUID4() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b[:])
}

// ValidID reports whether id is "<type>--<uuid>" with a valid type name and
// an RFC 4122 UUID (versions 1 to 5, variant 10xx), as the OASIS identifier
// schema requires.
func ValidID(id string) bool {
	typ, uuid, ok := strings.Cut(id, "--")
	if !ok {
		return false
	}
	// A type name may itself contain "--"? No: type names have single
	// hyphens only, so the first "--" is the separator.
	return ValidTypeName(typ) && validUUID(uuid)
}

// IDType returns the type part of an identifier ("indicator" for
// "indicator--…"), or "" when id has no "--".
func IDType(id string) string {
	typ, _, ok := strings.Cut(id, "--")
	if !ok {
		return ""
	}
	return typ
}

// ValidTypeName reports whether s is a STIX type name: 3 to 250 characters,
// lowercase ASCII letters, digits and single hyphens, starting with a letter
// and not ending with a hyphen.
func ValidTypeName(s string) bool {
	if len(s) < 3 || len(s) > 250 {
		return false
	}
	if s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '-' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// validUUID checks the 8-4-4-4-12 hex form, a version from 1 to 5 and the
// RFC 4122 variant.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	version, variant := s[14], s[19]
	return version >= '1' && version <= '5' && strings.IndexByte("89abAB", variant) >= 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
