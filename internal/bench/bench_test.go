package bench

import (
	"bytes"
	"strings"
	"testing"
)

// TestRunSmall runs every scenario a few times: it proves the scenarios
// still speak to the real pages (a renamed route or form field fails here),
// not how fast they are.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a whole server with production password hashing")
	}
	var out bytes.Buffer
	results, err := Run(t.Context(), Options{Requests: 5}, &out)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if len(results) != 11 {
		t.Fatalf("%d results, want 11", len(results))
	}
	for _, r := range results {
		if r.N == 0 || r.P50 <= 0 || r.P99 < r.P50 {
			t.Errorf("%s: implausible figures %+v", r.Name, r)
		}
	}
	if !strings.Contains(out.String(), "constituency update") || !strings.Contains(out.String(), "TAXII objects page") {
		t.Errorf("table lacks a scenario:\n%s", out.String())
	}
}
