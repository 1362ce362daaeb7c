package directory

import (
	"errors"
	"strconv"
	"strings"
)

// ASN is an autonomous system number (32 bits, RFC 6793).
type ASN uint32

// String returns the canonical text of a, "AS64496", as stored and shown.
func (a ASN) String() string { return "AS" + strconv.FormatUint(uint64(a), 10) }

// The numbers ParseASN refuses outright: they never identify a network.
const (
	asnTrans ASN = 23456      // AS_TRANS (RFC 6793): stands in for a 4-byte ASN in old BGP speakers
	asnLast  ASN = 4294967295 // reserved (RFC 7300)
)

// ParseASN parses an AS number as people write it: "AS64496", "as64496",
// "64496", or asdot "1.10" (= 65546; asdot+ "0.64496" too). Spaces around
// it are trimmed. It refuses 0 (RFC 7607), 23456 (AS_TRANS) and 4294967295
// (RFC 7300), and anything outside 1..4294967295; reserved and private
// numbers are accepted and reported by ASNFlag. ParseASN of a.String()
// returns a again.
func ParseASN(s string) (ASN, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, bad("asn.empty", "enter an AS number, e.g. AS64496", nil)
	}
	syntax := bad("asn.syntax", "not an AS number: write AS64496, 64496 or asdot 1.10",
		map[string]any{"Value": clip(s)})
	if len(s) > 32 {
		return 0, syntax
	}
	digits := s
	if len(s) > 2 && strings.EqualFold(s[:2], "AS") {
		digits = strings.TrimSpace(s[2:])
	}
	n, err := asnNumber(digits)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, bad("asn.range", "AS numbers go from 1 to 4294967294", map[string]any{"Value": clip(s)})
	case err != nil:
		return 0, syntax
	case n == 0:
		return 0, bad("asn.zero", "AS0 is reserved (RFC 7607) and never identifies a network", nil)
	case n == uint64(asnTrans):
		return 0, bad("asn.trans", "AS23456 is AS_TRANS, a placeholder for 4-byte AS numbers (RFC 6793): enter the real AS number", nil)
	case n == uint64(asnLast):
		return 0, bad("asn.last", "AS4294967295 is reserved (RFC 7300) and never identifies a network", nil)
	}
	return ASN(n), nil
}

// asnNumber reads plain decimal or asdot digits. Only ASCII digits count:
// strconv.ParseUint in base 10 refuses signs, spaces and underscores.
func asnNumber(s string) (uint64, error) {
	hi, lo, dotted := strings.Cut(s, ".")
	if !dotted {
		n, err := strconv.ParseUint(s, 10, 64)
		if err == nil && n > uint64(asnLast) {
			err = strconv.ErrRange
		}
		return n, err
	}
	h, err := strconv.ParseUint(hi, 10, 16)
	if err != nil {
		return 0, err
	}
	l, err := strconv.ParseUint(lo, 10, 16)
	if err != nil {
		return 0, err
	}
	return h<<16 | l, nil
}

// ASNFlag reports whether a is reserved for documentation (64496–64511,
// 65536–65551, RFC 5398), private use (64512–65534, 4200000000–4294967294,
// RFC 6996) or otherwise reserved (65535, 65552–131071).
func ASNFlag(a ASN) Flag {
	switch {
	case a >= 64496 && a <= 64511, a >= 65536 && a <= 65551:
		return Documentation
	case a >= 64512 && a <= 65534, a >= 4200000000 && a <= 4294967294:
		return Private
	case a == 65535, a >= 65552 && a <= 131071:
		return Reserved
	}
	return Unflagged
}
