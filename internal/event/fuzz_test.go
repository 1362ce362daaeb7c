package event

import (
	"fmt"
	"testing"
)

// FuzzSet feeds any value to any field: Set must not panic, and a value it
// accepted must read back (Get) in a form that Set accepts and keeps as is.
func FuzzSet(f *testing.F) {
	for _, name := range append(Fields(), "extra.note") {
		f.Add(name, typicalValue(name))
		f.Add(name, alternative(name))
	}
	f.Add("source.fqdn", "Bücher.Example.")
	f.Add("source.asn", "AS0")
	f.Fuzz(func(t *testing.T, field, value string) {
		var e Event
		if e.Set(field, value) != nil {
			return
		}
		got, ok := e.Get(field)
		if !ok {
			return
		}
		var again Event
		if err := again.Set(field, got); err != nil {
			t.Fatalf("Set(%q, %q) accepted, but its Get %q is refused: %v", field, value, got, err)
		}
		if got2, _ := again.Get(field); got2 != got {
			t.Fatalf("Set(%q, %q): Get %q, then Set+Get %q", field, value, got, got2)
		}
	})
}

// BenchmarkSetTypicalEvent sets the 12 fields a Shadowserver scan line
// usually fills.
func BenchmarkSetTypicalEvent(b *testing.B) {
	fields := []string{"time.source", "time.observation", "feed.name", "source.ip",
		"source.port", "source.asn", "source.geolocation.cc", "source.fqdn",
		"protocol.transport", "classification.taxonomy", "classification.type", "raw"}
	values := make([]string, len(fields))
	for i, f := range fields {
		values[i] = typicalValue(f)
	}
	b.ReportAllocs()
	for b.Loop() {
		var e Event
		for i, f := range fields {
			if err := e.Set(f, values[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkKey is the content key of a Shadowserver scan event: 12
// fields and 20 extra columns, as the feeds pipeline computes it for
// every line.
func BenchmarkKey(b *testing.B) {
	fields := []string{"time.source", "time.observation", "feed.name", "source.ip",
		"source.port", "source.asn", "source.geolocation.cc", "source.fqdn",
		"protocol.transport", "classification.taxonomy", "classification.type", "raw"}
	var e Event
	for _, f := range fields {
		if err := e.Set(f, typicalValue(f)); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 20 {
		if err := e.Set(fmt.Sprintf("extra.column_%02d", i), fmt.Sprintf("value %d of a scan report", i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = e.Key()
	}
}
