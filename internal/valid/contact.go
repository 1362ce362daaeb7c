package valid

import (
	"net/mail"
	"strings"
)

// IsEmail reports whether v is a bare e-mail address (no display name, no
// angle brackets, nothing around it) with a dot in the domain: the
// addresses we keep are for people elsewhere to write to, so "cert@localhost"
// is refused. It does not limit the length: callers report a long value as
// too long, with its own message, before asking.
func IsEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		return false
	}
	_, domain, _ := strings.Cut(a.Address, "@")
	return strings.Contains(strings.Trim(domain, "."), ".")
}

// IsPhone reports whether v is a phone number as people write them
// internationally: 5 to 20 digits, with spaces and - ( ) . as separators and
// an optional "+" first; at most 40 bytes in all.
func IsPhone(v string) bool {
	if len(v) > 40 {
		return false
	}
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, strings.ContainsRune(" -().", r):
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}
