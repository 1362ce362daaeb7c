package intel

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
)

// uuidNamespace is Atalaya's namespace for name-based UUIDs (a fixed random
// UUID): ids derived from it never collide with another producer's.
var uuidNamespace = [16]byte{0x6b, 0x1e, 0x3f, 0x52, 0x0c, 0x7a, 0x4d, 0x39, 0x9e, 0x21, 0x5a, 0x8f, 0x44, 0xd0, 0x17, 0xc3}

// uuid5 returns the RFC 4122 version 5 UUID of name in Atalaya's namespace,
// so the same name (an organisation, a group's collection) always gets the
// same id.
func uuid5(name string) string {
	h := sha1.New()
	h.Write(uuidNamespace[:])
	h.Write([]byte(name))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return uuidText(b)
}

// newUUID4 returns a random RFC 4122 version 4 UUID.
func newUUID4() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuidText(b)
}

// uuidText writes the canonical 8-4-4-4-12 form.
func uuidText(b [16]byte) string {
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
