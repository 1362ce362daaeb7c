package stix

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// scoNamespace is the UUIDv5 namespace of deterministic SCO identifiers
// (STIX 2.1 section 2.9).
var scoNamespace = [16]byte{0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7}

// SCOID returns the deterministic identifier of an SCO: "<type>--" and the
// UUIDv5, in the STIX namespace, of the canonical JSON (RFC 8785) of its ID
// contributing properties, so that two producers naming the same address or
// file give it the same id. Values may be strings, integers (int, int64) and
// nested maps of those; hashes must already be reduced to one (see NewFile).
// With no contributing property, the id is random (UUIDv4), as the
// specification asks.
func SCOID(objType string, contributing map[string]any) string {
	if len(contributing) == 0 {
		return NewID(objType)
	}
	var b strings.Builder
	writeCanonical(&b, contributing)
	return objType + "--" + UUID5(scoNamespace, b.String())
}

// idHash picks the one hash that contributes to a file's id, in the order
// the OASIS python library uses: MD5, SHA-1, SHA-256, SHA-512, else the
// alphabetically first.
func idHash(hashes map[string]string) (string, string) {
	for _, alg := range []string{"MD5", "SHA-1", "SHA-256", "SHA-512"} {
		if v, ok := hashes[alg]; ok {
			return alg, v
		}
	}
	keys := make([]string, 0, len(hashes))
	for k := range hashes {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return "", ""
	}
	slices.Sort(keys)
	return keys[0], hashes[keys[0]]
}

// writeCanonical writes v as RFC 8785 canonical JSON for the value kinds
// SCOID accepts: keys sorted (by UTF-16 code units, the same as byte order
// for the ASCII property names STIX uses), no white space, minimal string
// escapes.
func writeCanonical(b *strings.Builder, v any) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonicalString(b, k)
			b.WriteByte(':')
			writeCanonical(b, v[k])
		}
		b.WriteByte('}')
	case map[string]string:
		m := make(map[string]any, len(v))
		for k, s := range v {
			m[k] = s
		}
		writeCanonical(b, m)
	case string:
		writeCanonicalString(b, v)
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	default:
		b.WriteString("null")
	}
}

// writeCanonicalString escapes only what JSON requires: quote, backslash
// and control characters (the short forms where they exist).
func writeCanonicalString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteString(hex.EncodeToString([]byte{c}))
				continue
			}
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// UUID5 returns the RFC 4122 version 5 UUID of name in namespace: the
// deterministic ids of SCOs here, and of whatever other packages derive
// from a name (MISP mappings, Atalaya's own identities and collections).
func UUID5(namespace [16]byte, name string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(name))
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	return formatUUID(sum[:16])
}

// formatUUID writes 16 bytes as 8-4-4-4-12 lowercase hex.
func formatUUID(b []byte) string {
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:16])
	return string(out[:])
}
