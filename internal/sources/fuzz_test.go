package sources

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atalaya/internal/feeds"
)

// answering is a transport that answers every request from a function,
// without a network, so the fuzzers reach the code that reads what
// providers send.
type answering func(r *http.Request) (status int, header http.Header, body []byte)

func (fn answering) RoundTrip(r *http.Request) (*http.Response, error) {
	status, h, body := fn(r)
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: h, Request: r,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}, nil
}

// FuzzMISPManifest feeds arbitrary manifests to a MISP pull: it never
// panics, and what it accepts names only UUID files under the feed, with a
// state no older than the previous.
func FuzzMISPManifest(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "testdata", "misp", "feed", "digitalside-misp-feed", "manifest.json")); err == nil {
		f.Add(b, int64(0))
	}
	f.Add([]byte(`{"11111111-1111-4111-8111-111111111111":{"timestamp":"100"},"22222222-2222-4222-8222-222222222222":{"timestamp":200}}`), int64(100))
	f.Add([]byte(`{"../x":{"timestamp":"1"}}`), int64(0))
	f.Add([]byte(`{"11111111-1111-4111-8111-111111111111":{"timestamp":"-1e9"}}`), int64(-5))
	f.Add([]byte(`[]`), int64(0))
	f.Fuzz(func(t *testing.T, manifest []byte, since int64) {
		client := &http.Client{Transport: answering(func(r *http.Request) (int, http.Header, []byte) {
			if strings.HasSuffix(r.URL.Path, "/manifest.json") {
				return http.StatusOK, nil, manifest
			}
			return http.StatusOK, nil, []byte(`{"Event":{}}`)
		})}
		state := writeState(mispState{Timestamp: since})
		got, err := New(client).Fetch(context.Background(), feeds.Feed{Name: "f", Source: feeds.SourceMISP, URL: "https://feeds.example/misp/"}, state)
		if err != nil {
			return
		}
		if got.NotModified != (len(got.Inputs) == 0) {
			t.Fatalf("not-modified %v with %d inputs", got.NotModified, len(got.Inputs))
		}
		for _, in := range got.Inputs {
			name := strings.TrimSuffix(strings.TrimPrefix(in.Name, "https://feeds.example/misp/"), ".json")
			if !isUUID(name) || in.Format != "misp" {
				t.Fatalf("input %q of format %q", in.Name, in.Format)
			}
		}
		var st mispState
		readState(got.State, &st)
		if st.Timestamp < since {
			t.Fatalf("state went back from %d to %d", since, st.Timestamp)
		}
	})
}

// FuzzTAXIIEnvelope feeds arbitrary pages to a TAXII pull: it never
// panics or loops, and each input holds a page as the server sent it.
func FuzzTAXIIEnvelope(f *testing.F) {
	f.Add([]byte(`{"more":false,"objects":[{"type":"indicator","id":"indicator--1"}]}`), []byte(`{}`), "2025-01-01T00:00:00Z")
	f.Add([]byte(`{"more":true,"next":"abc","objects":[{}]}`), []byte(`{"more":true,"next":"abc"}`), "")
	f.Add([]byte(`{"more":true,"objects":[]}`), []byte(`{"more":true}`), "2025-01-01T00:00:00.123456Z")
	f.Add([]byte(`{}`), []byte(`not json`), "garbage")
	f.Fuzz(func(t *testing.T, first, rest []byte, added string) {
		pages := 0
		client := &http.Client{Transport: answering(func(r *http.Request) (int, http.Header, []byte) {
			pages++
			h := http.Header{"X-Taxii-Date-Added-Last": {added}}
			if r.URL.Query().Get("next") == "" && r.URL.Query().Get("added_after") == "" {
				return http.StatusOK, h, first
			}
			return http.StatusOK, h, rest
		})}
		got, err := New(client).Fetch(context.Background(), feeds.Feed{Name: "f", Source: feeds.SourceTAXII,
			URL: "https://taxii.example/api/collections/c/objects/"}, nil)
		if pages > maxTAXIIPages {
			t.Fatalf("%d pages read, at most %d allowed", pages, maxTAXIIPages)
		}
		if err != nil {
			return
		}
		for _, in := range got.Inputs {
			b, err := io.ReadAll(mustOpen(t, in))
			if err != nil || (!bytes.Equal(b, first) && !bytes.Equal(b, rest)) {
				t.Fatalf("input %s holds %q, not a page sent", in.Name, b)
			}
		}
	})
}

func mustOpen(t *testing.T, in feeds.Input) io.Reader {
	t.Helper()
	rc, err := in.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	return rc
}
