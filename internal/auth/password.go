package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"atalaya/internal/valid"
)

// Argon2Params are the argon2id cost parameters of a password hash.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// The production parameters: OWASP's argon2id recommendation (19 MiB, two
// passes, one thread), about 26 ms a hash on the CI machine.
const (
	argonMemory  = 19456
	argonTime    = 2
	argonThreads = 1
	saltLen      = 16
	keyLen       = 32
)

// Password policy. The upper bound keeps a sign-in request from making the
// server hash megabytes.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 1024
)

func (p Argon2Params) withDefaults() Argon2Params {
	setDefault(&p.Memory, argonMemory)
	setDefault(&p.Time, argonTime)
	setDefault(&p.Threads, argonThreads)
	return p
}

var b64 = base64.RawStdEncoding

// hashPassword returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func hashPassword(password string, p Argon2Params) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword reports whether password matches the PHC string phc, with
// the parameters stored in it. An empty or malformed phc matches nothing
// but still costs a hash with dummy parameters, so that an account without
// a password answers as slowly as one with.
func checkPassword(password, phc string, dummy Argon2Params) bool {
	p, salt, want, err := parsePHC(phc)
	if err != nil {
		burnPassword(password, dummy)
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// burnPassword spends the time of a real check, for unknown accounts.
func burnPassword(password string, p Argon2Params) {
	var salt [saltLen]byte
	_ = argon2.IDKey([]byte(password), salt[:], p.Time, p.Memory, p.Threads, keyLen)
}

func parsePHC(phc string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("argon2 parameters %q: %w", parts[3], err)
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("argon2 salt: %w", err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return p, nil, nil, fmt.Errorf("argon2 key: %v", err)
	}
	if p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, fmt.Errorf("argon2 parameters %q out of range", parts[3])
	}
	return p, salt, key, nil
}

// checkPasswordPolicy returns the problems with a new password for the
// account with that e-mail, on the form field named field.
func checkPasswordPolicy(field, password, email string) *valid.Error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return &valid.Error{Field: field, Code: "auth.password.too_short", Args: map[string]any{"Min": MinPasswordLen},
			Message: fmt.Sprintf("use at least %d characters", MinPasswordLen)}
	case n > MaxPasswordLen:
		return &valid.Error{Field: field, Code: "auth.password.too_long", Args: map[string]any{"Max": MaxPasswordLen},
			Message: fmt.Sprintf("use at most %d characters", MaxPasswordLen)}
	case strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		return &valid.Error{Field: field, Code: "auth.password.is_email", Message: "the password must not be the e-mail address"}
	}
	return nil
}
