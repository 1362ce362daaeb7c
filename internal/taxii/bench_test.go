package taxii_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/taxii"
)

// BenchmarkObjectsPage1000 serves one page of 1,000 objects over HTTP from
// the SQLite store, authentication included: what a TAXII client polling
// the network collection waits for (target: under 50 ms).
func BenchmarkObjectsPage1000(b *testing.B) {
	e := newSQLite(b)
	const n = 1000
	objs := make([]json.RawMessage, n)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range objs {
		_, objs[i] = indicator("benchmark", "198.51.100.42", start.Add(time.Duration(i)*time.Second))
	}
	e.put(b, mxAnalyst, intel.Sharing{TLP: access.TLPGreen, Members: true}, objs...)
	url := e.taxii + objectsURL(e.collectionID(b, brAnalyst, "network")) + "?match[type]=indicator&limit=1000"
	token := "Bearer " + e.Token(b, brAnalyst, access.ScopeRead)
	get := func() []byte {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Accept", taxii.MediaTAXII)
		req.Header.Set("Authorization", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("status %d, reading: %v", resp.StatusCode, err)
		}
		return body
	}
	var env envelope
	if err := json.Unmarshal(get(), &env); err != nil || len(env.Objects) != n {
		b.Fatalf("page of %d objects (%v), want %d", len(env.Objects), err, n)
	}
	for b.Loop() {
		get()
	}
}
