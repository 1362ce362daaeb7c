package intel

import "atalaya/internal/stix"

// uuidNamespace is Atalaya's namespace for name-based UUIDs (a fixed random
// UUID): ids derived from it never collide with another producer's.
var uuidNamespace = [16]byte{0x6b, 0x1e, 0x3f, 0x52, 0x0c, 0x7a, 0x4d, 0x39, 0x9e, 0x21, 0x5a, 0x8f, 0x44, 0xd0, 0x17, 0xc3}

// uuid5 returns the RFC 4122 version 5 UUID of name in Atalaya's namespace,
// so the same name (an organisation, a group's collection) always gets the
// same id.
func uuid5(name string) string { return stix.UUID5(uuidNamespace, name) }

// newUUID4 returns a random RFC 4122 version 4 UUID.
func newUUID4() string { return stix.NewUUID4() }
