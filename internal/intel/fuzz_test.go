package intel

import (
	"encoding/json"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/stix"
)

// FuzzParseValue: whatever a user types, ParseValue does not panic, and
// what it returns is a fixed point (searching for the normalised value
// finds the same value).
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"198.51.100.7", "2001:DB8::1/64", "AS64496", "Example.com.", "https://Bücher.example/a?b",
		"cert@example.org", "d41d8cd98f00b204e9800998ecf8427e", "::ffff:1.2.3.4/120", "hxxp://x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseValue(s)
		if !ok {
			return
		}
		if v.Kind == "" || v.Value == "" {
			t.Fatalf("ParseValue(%q) = %+v: empty kind or value", s, v)
		}
		again, ok := ParseValue(v.Value)
		if !ok || again != v {
			t.Fatalf("ParseValue(%q) = %+v, but ParseValue(%q) = %+v %v", s, v, v.Value, again, ok)
		}
	})
}

// FuzzNormalize: any observable a pattern or an SCO may carry normalises
// without panicking, to a non-empty value.
func FuzzNormalize(f *testing.F) {
	for _, o := range [][3]string{{"ipv4-addr", "value", "198.51.100.7/24"}, {"domain-name", "value", "xn--bcher-kva.example"},
		{"url", "value", "HTTP://[2001:db8::1]:80/x"}, {"file", "hashes.'SHA-256'", "AB"}, {"autonomous-system", "number", "4294967295"},
		{"network-traffic", "dst_ref.value", "203.0.113.1"}, {"email-message", "to_refs[*].value", "a@b.c"}} {
		f.Add(o[0], o[1], o[2])
	}
	f.Fuzz(func(t *testing.T, object, path, value string) {
		v, ok := Normalize(stix.Observable{Object: object, Path: path, Value: value})
		if ok && (v.Kind == "" || v.Value == "") {
			t.Fatalf("Normalize(%q, %q, %q) = %+v", object, path, value, v)
		}
	})
}

// FuzzPut: whatever bytes arrive as an object, Put answers with a report
// covering it (accepted, existing or refused with a field and a code),
// never an error or a panic; and another organisation giving the same
// bytes never stores them again.
func FuzzPut(f *testing.F) {
	f.Add([]byte(indicator("seed", "[ipv4-addr:value = '198.51.100.1']")))
	f.Add([]byte(`{"type":"relationship","spec_version":"2.1","id":"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","relationship_type":"uses","source_ref":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b","target_ref":"attack-pattern--7e33a43e-e34b-40ec-89da-36c9bb2cacd5"}`))
	f.Add([]byte(`{"type":"sighting","spec_version":"2.1","id":"sighting--ee20065d-2555-424f-ad9e-0f8428623c75","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","sighting_of_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","count":"x"}`))
	f.Add([]byte(`{"type":"report","object_refs":[1]}`))
	f.Add([]byte(`null`))
	s := New(sqliteFor(f), Options{})
	a, b := analyst("org-a"), analyst("org-b")
	f.Fuzz(func(t *testing.T, raw []byte) {
		rep, err := s.Put(ctx, a, []json.RawMessage{raw}, PutOptions{Sharing: Sharing{TLP: access.TLPGreen, Members: true}})
		if err != nil {
			t.Fatalf("Put(%q): %v", raw, err)
		}
		if n := len(rep.Accepted) + len(rep.Existing) + len(rep.Refused); n != 1 {
			t.Fatalf("Put(%q): report covers %d objects", raw, n)
		}
		for _, r := range rep.Refused {
			if r.Field == "" || r.Code == "" {
				t.Fatalf("Put(%q): refusal without field or code: %+v", raw, r)
			}
		}
		// Another organisation giving the same bytes finds them there
		// and stores nothing.
		other, err := s.Put(ctx, b, []json.RawMessage{raw}, PutOptions{Sharing: Sharing{TLP: access.TLPClear, Members: true}})
		if err != nil {
			t.Fatalf("Put(%q) as b: %v", raw, err)
		}
		if len(other.Accepted) != 0 && len(rep.Accepted)+len(rep.Existing) == 1 {
			t.Fatalf("Put(%q) as b stored a's object again: %+v", raw, other)
		}
		if len(rep.Accepted) == 1 && len(other.Existing) != 1 {
			t.Fatalf("Put(%q) as b: %+v, want it existing", raw, other)
		}
	})
}
