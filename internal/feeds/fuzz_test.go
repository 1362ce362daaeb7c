package feeds

import (
	"strings"
	"testing"

	"atalaya/internal/event"
)

// FuzzEventCodec feeds outside text (the values of a feed's lines) through
// the stored form of an event: whatever the value, the event reads back
// the same, and what is stored is text both engines take.
func FuzzEventCodec(f *testing.F) {
	for _, s := range []string{
		"", "plain", `"quoted" \back\slash`, "tab\tnew\nline\r", "\x00\x01\x1f\x7f", "é ✓ 𝄞", "\xff\xfe broken",
		`"2010-02-10 00:00:00",192.168.0.1,tcp,8080,node01.example.com,"basic-auth,http",64512,ZZ`,
		"12:34", "+3:abc", "~0:", "\u2028\u2029</script>",
	} {
		f.Add(s, "key")
	}
	c := newCodec()
	f.Fuzz(func(t *testing.T, s, key string) {
		var e event.Event
		if e.Set("raw", s) != nil || e.Set("extra."+key, s) != nil || e.Set("classification.identifier", s) != nil {
			return // not a value an event holds
		}
		b := c.append(nil, &e)
		if !storable(b) {
			sanitize(&e)
			b = c.append(nil, &e)
			if !storable(b) {
				t.Fatalf("sanitized event still not storable: %q", b)
			}
		}
		got, err := c.decode(string(b))
		if err != nil {
			t.Fatalf("decoding the event of %q: %v", s, err)
		}
		if got.Raw != e.Raw || got.Identifier != e.Identifier || got.Key() != e.Key() {
			t.Fatalf("round trip of %q changed the event: %+v", s, got)
		}
		// Any text given to decode fails cleanly or gives an event.
		_, _ = c.decode(string(codecVersion) + s)
		_, _ = c.decode(strings.Repeat(s, 2))
	})
}
