package stix

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParsePattern: the parser never panics; what it accepts prints to a
// canonical form that parses to itself; what it refuses it refuses with a
// position inside the input.
func FuzzParsePattern(f *testing.F) {
	f.Add("[ipv4-addr:value = '198.51.100.1']")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePattern(s)
		if err != nil {
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *PatternError", err, err)
			}
			if pe.Offset < 0 || pe.Offset > len(s) || pe.Column < 1 || pe.Message == "" {
				t.Fatalf("bad error position %+v for %q", pe, s)
			}
			return
		}
		canon := p.String()
		again, err := ParsePattern(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, s, err)
		}
		if again.String() != canon {
			t.Fatalf("canonical form is not stable: %q -> %q", canon, again.String())
		}
		_ = p.Observables()
	})
}

// FuzzDecode: Decode, Encode, Validate, ParseEnvelope and Observables never
// panic, and an object that decodes and encodes decodes again to the same
// encoding.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","pattern":"[a:b = 1]","pattern_type":"stix"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_ = Validate(raw)
		_, _ = ParseEnvelope(raw)
		_, _ = Observables(raw)
		o, err := Decode(raw)
		if err != nil {
			return
		}
		out, err := Encode(o)
		if err != nil {
			return
		}
		o2, err := Decode(out)
		if err != nil {
			t.Fatalf("encoded object does not decode: %v\nin:  %s\nout: %s", err, raw, out)
		}
		out2, err := Encode(o2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("encoding not stable (%v):\n%s\n%s", err, out, out2)
		}
	})
}

// FuzzParseBundle: ParseBundle never panics, and the objects of a bundle it
// accepts can be decoded and validated without panicking.
func FuzzParseBundle(f *testing.F) {
	f.Add([]byte(`{"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","objects":[]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := ParseBundle(bytes.NewReader(raw))
		if err != nil {
			return
		}
		for _, o := range b.Objects {
			_, _ = Decode(o)
			_ = Validate(o)
		}
	})
}
