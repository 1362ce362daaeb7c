package stix

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// textLayout is the form NewTimestamp writes: UTC, millisecond precision, as
// the OASIS examples and most producers do.
const textLayout = "2006-01-02T15:04:05.000Z"

// Timestamp is a STIX timestamp: the instant and the exact text received, so
// "2016-04-06T20:03:48.000Z" is written back byte for byte (a version is
// identified by its text, and "…48Z" and "…48.000Z" are different texts).
type Timestamp struct {
	Time time.Time // the instant, in UTC
	text string    // the text received or made; "" for the zero Timestamp
}

// ParseTimestamp reads an RFC 3339 timestamp that the STIX specification
// allows: date, "T", time with optional fraction, and "Z" (UTC is a MUST). The
// error says what is wrong with s.
func ParseTimestamp(s string) (Timestamp, error) {
	if err := checkTimestampForm(s); err != nil {
		return Timestamp{}, fmt.Errorf("timestamp %q: %w", s, err)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return Timestamp{}, fmt.Errorf("timestamp %q: not a real date and time", s)
	}
	return Timestamp{Time: t.UTC(), text: s}, nil
}

// checkTimestampForm checks the shape YYYY-MM-DDTHH:MM:SS[.fraction]Z digit
// by digit, so the error can say which part is wrong; time.Parse then checks
// that the values make a real instant.
func checkTimestampForm(s string) error {
	const base = "0000-00-00T00:00:00"
	if len(s) < len(base)+1 {
		return errors.New("too short: write YYYY-MM-DDTHH:MM:SS[.fraction]Z")
	}
	for i := 0; i < len(base); i++ {
		c := s[i]
		if base[i] == '0' {
			if c < '0' || c > '9' {
				return fmt.Errorf("expected a digit at position %d", i+1)
			}
		} else if c != base[i] {
			return fmt.Errorf("expected %q at position %d", base[i], i+1)
		}
	}
	rest := s[len(base):]
	if rest[len(rest)-1] != 'Z' {
		return errors.New("must end in Z: STIX timestamps are in UTC")
	}
	rest = rest[:len(rest)-1]
	if rest == "" {
		return nil
	}
	if rest[0] != '.' || len(rest) == 1 {
		return errors.New("expected a fraction of a second after \".\" or Z after the seconds")
	}
	for i := 1; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return fmt.Errorf("expected a digit at position %d", len(base)+i+1)
		}
	}
	return nil
}

// NewTimestamp returns t in UTC, cut to the millisecond, with the text
// "2006-01-02T15:04:05.000Z".
func NewTimestamp(t time.Time) Timestamp {
	t = t.UTC().Truncate(time.Millisecond)
	return Timestamp{Time: t, text: t.Format(textLayout)}
}

// String returns the text of the timestamp, "" when zero.
func (t Timestamp) String() string { return t.text }

// IsZero reports whether t holds no timestamp (the property was absent).
func (t Timestamp) IsZero() bool { return t.text == "" }

// Equal reports whether t and u are the same text, and so the same version.
func (t Timestamp) Equal(u Timestamp) bool { return t.text == u.text }

// Before reports whether the instant t is before u.
func (t Timestamp) Before(u Timestamp) bool { return t.Time.Before(u.Time) }

// MarshalJSON writes the text received; a zero Timestamp is written as null
// (callers omit absent timestamps with omitzero).
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.text == "" {
		return []byte("null"), nil
	}
	return json.Marshal(t.text)
}

// UnmarshalJSON reads a JSON string holding a STIX timestamp; null leaves t
// zero.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Timestamp{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("a timestamp must be a JSON string")
	}
	v, err := ParseTimestamp(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}
