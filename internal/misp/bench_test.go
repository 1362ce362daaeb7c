package misp

import (
	"bytes"
	"os"
	"testing"

	"atalaya/internal/sharedtest"
)

// existingEvent is the largest sample: 9 attributes, 49 objects, 4 galaxies
// (146 KB).
func existingEvent(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(sharedtest.Path(b, "misp", "core", "existing_event.json"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkParseEvent(b *testing.B) {
	data := existingEvent(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseEvent(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToSTIX(b *testing.B) {
	ev, err := ParseEvent(bytes.NewReader(existingEvent(b)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToSTIX(ev); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromSTIX(b *testing.B) {
	ev, err := ParseEvent(bytes.NewReader(existingEvent(b)))
	if err != nil {
		b.Fatal(err)
	}
	conv, err := ToSTIX(ev)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromSTIX(conv.Objects); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWarningListsMatch(b *testing.B) {
	w := realLists(b)
	for _, v := range []struct{ name, value string }{
		{"ipv4-miss", "8.8.8.8"}, {"ipv4-hit", "10.1.2.3"}, {"ipv6-miss", "2a00:1450:4001::1"},
		{"domain-miss", "www.example.org"}, {"domain-hit", "x.bit.ly"},
		{"md5-miss", "1cd71d3bb891df0b251249da0cdcf7e1"}, {"url-hit", "https://bit.ly/x"},
	} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w.Match(v.value)
			}
		})
	}
}
