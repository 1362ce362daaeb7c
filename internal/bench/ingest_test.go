package bench

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
)

// TestIngestSmall runs the ingest benchmark on a small report, with and
// without the Shadowserver schema: every generated line must be stored
// and delivered (the generator and the parsers agree), and both rates
// must be measured. INGEST_EVENTS sets the size (for profiling).
func TestIngestSmall(t *testing.T) {
	n := 3000
	if v, err := strconv.Atoi(os.Getenv("INGEST_EVENTS")); err == nil {
		n = v
	}
	for _, tc := range []struct {
		name, format string
	}{
		{"generic csv", "csv"},
		{"shadowserver", "shadowserver"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			schema := ""
			if tc.format == "shadowserver" {
				schema = sharedtest.Path(t, "feeds", "shadowserver-schema", "intelmq.json")
			}
			var out bytes.Buffer
			res, err := Ingest(t.Context(), IngestOptions{Events: n, ShadowserverSchema: schema, Prefixes: 500}, &out)
			if err != nil {
				t.Fatalf("Ingest: %v\n%s", err, out.String())
			}
			t.Log("\n" + out.String())
			if res.Format != tc.format || res.Events != int64(n) || res.Deliveries != int64(n) {
				t.Errorf("format %s, %d events, %d deliveries; want %s, %d each", res.Format, res.Events, res.Deliveries, tc.format, n)
			}
			if res.RawRows != 2*int64(n) || res.PerSecond <= 0 || res.RawPerSecond <= 0 || res.Ratio <= 0 {
				t.Errorf("implausible figures %+v", res)
			}
			if !strings.Contains(out.String(), "ratio end to end / store alone") {
				t.Errorf("output lacks the ratio:\n%s", out.String())
			}
		})
	}
}
