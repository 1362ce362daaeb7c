package sources_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"atalaya/internal/feeds"
	"atalaya/internal/sharedtest"
	"atalaya/internal/sources"
)

// fixedFile is a feed an httptest server publishes: its content, ETag and
// modification time, changed by the tests; the server answers conditional
// requests with net/http's own ServeContent.
type fixedFile struct {
	mu      sync.Mutex
	content []byte
	etag    string
	mod     time.Time
	seen    []http.Header // request headers, in order
}

func (f *fixedFile) set(content []byte, etag string, mod time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.content, f.etag, f.mod = content, etag, mod
}

func (f *fixedFile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, r.Header.Clone())
	content, etag, mod := f.content, f.etag, f.mod
	f.mu.Unlock()
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	http.ServeContent(w, r, "feed.txt", mod, bytes.NewReader(content))
}

func (f *fixedFile) requests() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.seen...)
}

// readInput opens an input and reads it whole.
func readInput(t *testing.T, in feeds.Input) []byte {
	t.Helper()
	rc, err := in.Open()
	if err != nil {
		t.Fatalf("opening %s: %v", in.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %s: %v", in.Name, err)
	}
	return b
}

func fetch(t *testing.T, f *sources.Fetcher, feed feeds.Feed, state []byte) feeds.Fetched {
	t.Helper()
	got, err := f.Fetch(context.Background(), feed, state)
	if err != nil {
		t.Fatalf("fetching %s: %v", feed.Name, err)
	}
	return got
}

// TestHTTPConditionalPulls pulls a real feed sample three times: whole,
// unchanged (a 304 asked for with the validators of the first answer), and
// changed.
func TestHTTPConditionalPulls(t *testing.T) {
	sample, err := os.ReadFile(sharedtest.Path(t, "feeds", "blocklistde", "imap.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		etag      string
		mod       time.Time
		validator string // the request header the second pull must send
	}{
		{"etag", `"v1"`, time.Time{}, "If-None-Match"},
		{"last-modified", "", time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), "If-Modified-Since"},
		{"both", `"v1"`, time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), "If-None-Match"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := &fixedFile{}
			file.set(sample, tc.etag, tc.mod)
			srv := httptest.NewServer(file)
			defer srv.Close()
			f := sources.New(srv.Client())
			feed := feeds.Feed{Name: "blocklist", Source: feeds.SourceHTTP, URL: srv.URL + "/imap.txt", Auth: "Bearer k1"}

			first := fetch(t, f, feed, nil)
			if first.NotModified || len(first.Inputs) != 1 {
				t.Fatalf("first pull: not-modified %v, %d inputs; want one input", first.NotModified, len(first.Inputs))
			}
			if got := readInput(t, first.Inputs[0]); !bytes.Equal(got, sample) {
				t.Fatalf("first pull read %d bytes, want the %d of the sample", len(got), len(sample))
			}
			if first.Inputs[0].Format != "" {
				t.Errorf("format %q, want the feed's own", first.Inputs[0].Format)
			}
			if got := file.requests()[0].Get("Authorization"); got != "Bearer k1" {
				t.Errorf("Authorization %q, want the feed's", got)
			}

			second := fetch(t, f, feed, first.State)
			if !second.NotModified || len(second.Inputs) != 0 {
				t.Fatalf("second pull: not-modified %v, %d inputs; want a 304", second.NotModified, len(second.Inputs))
			}
			if !bytes.Equal(second.State, first.State) {
				t.Errorf("state after a 304 %s, want the previous %s", second.State, first.State)
			}
			if got := file.requests()[1].Get(tc.validator); got == "" {
				t.Errorf("second pull sent no %s", tc.validator)
			}

			changed := append([]byte("203.0.113.9\n"), sample...)
			file.set(changed, strings.ReplaceAll(tc.etag, "v1", "v2"), tc.mod.Add(time.Hour))
			third := fetch(t, f, feed, second.State)
			if third.NotModified || len(third.Inputs) != 1 {
				t.Fatalf("third pull: not-modified %v, %d inputs; want the changed feed", third.NotModified, len(third.Inputs))
			}
			if got := readInput(t, third.Inputs[0]); !bytes.Equal(got, changed) {
				t.Errorf("third pull read %q..., want the changed feed", got[:min(len(got), 20)])
			}
		})
	}
}

// TestHTTPNoValidators: a server that sends neither ETag nor Last-Modified
// is pulled whole each time.
func TestHTTPNoValidators(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
			t.Errorf("conditional request without validators: %v", r.Header)
		}
		_, _ = io.WriteString(w, "198.51.100.1\n")
	}))
	defer srv.Close()
	f := sources.New(srv.Client())
	feed := feeds.Feed{Name: "plain", Source: feeds.SourceHTTP, URL: srv.URL}
	state := fetch(t, f, feed, nil).State
	again := fetch(t, f, feed, state)
	if again.NotModified || len(again.Inputs) != 1 || string(readInput(t, again.Inputs[0])) != "198.51.100.1\n" {
		t.Errorf("second pull: %+v, want the body again", again)
	}
}

// TestHTTPErrors: an answer that is not a success fails the pull with an
// error naming the status and the URL, without the URL's secrets.
func TestHTTPErrors(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"not found", http.StatusNotFound, "no such report", []string{"404 Not Found", "/reports/x.csv", "no such report"}},
		{"forbidden", http.StatusForbidden, "", []string{"403 Forbidden", "/reports/x.csv"}},
		{"server error", http.StatusInternalServerError, "boom\n\n  again", []string{"500 Internal Server Error", "boom again"}},
		{"multiple choices", http.StatusMultipleChoices, "", []string{"300 Multiple Choices"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			feed := feeds.Feed{Name: "broken", Source: feeds.SourceHTTP, URL: srv.URL + "/reports/x.csv?apikey=SECRET123"}
			_, err := sources.New(srv.Client()).Fetch(context.Background(), feed, nil)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SECRET123") {
				t.Errorf("error %q shows the API key", err)
			}
		})
	}
}

// TestHTTPUnreachable: a refused connection is an error naming the URL
// without its secrets.
func TestHTTPUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	feed := feeds.Feed{Name: "gone", Source: feeds.SourceHTTP, URL: addr + "/f?key=SECRET9"}
	_, err := sources.New(nil).Fetch(context.Background(), feed, nil)
	if err == nil || !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "SECRET9") {
		t.Errorf("error %v, want one naming %s without the key", err, addr)
	}
}

// TestHTTPGzip: a feed published gzipped, as a .gz file or with a
// Content-Encoding the transport does not undo, is read decompressed.
func TestHTTPGzip(t *testing.T) {
	plain := []byte("198.51.100.7,botnet\n203.0.113.8,scanner\n")
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(plain)
	_ = zw.Close()
	cases := []struct {
		name    string
		headers map[string]string
	}{
		{".gz file", map[string]string{"Content-Type": "application/gzip"}},
		{"content-encoding", map[string]string{"Content-Encoding": "gzip", "Content-Type": "text/csv"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.headers {
					w.Header().Set(k, v)
				}
				_, _ = w.Write(zipped.Bytes())
			}))
			defer srv.Close()
			// No transparent decompression: the fetcher must see the gzip.
			client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
			got := fetch(t, sources.New(client), feeds.Feed{Name: "z", Source: feeds.SourceHTTP, URL: srv.URL + "/f.csv.gz"}, nil)
			if len(got.Inputs) != 1 {
				t.Fatalf("%d inputs", len(got.Inputs))
			}
			if b := readInput(t, got.Inputs[0]); !bytes.Equal(b, plain) {
				t.Errorf("read %q, want %q", b, plain)
			}
		})
	}
}

// TestHTTPOpenTwice: an input opened again (a retried ingest) is fetched
// again rather than failing on a body already read.
func TestHTTPOpenTwice(t *testing.T) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		_, _ = io.WriteString(w, "line\n")
	}))
	defer srv.Close()
	got := fetch(t, sources.New(srv.Client()), feeds.Feed{Name: "x", Source: feeds.SourceHTTP, URL: srv.URL}, nil)
	for i := range 2 {
		if b := readInput(t, got.Inputs[0]); string(b) != "line\n" {
			t.Errorf("open %d read %q", i+1, b)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if n != 2 {
		t.Errorf("%d requests, want 2 (the pull, then the second open)", n)
	}
}

// TestFetchRefusesOtherSources: upload and push feeds are handed their
// input, and an unknown source is an error, not a silent nothing.
func TestFetchRefusesOtherSources(t *testing.T) {
	for _, src := range []string{feeds.SourceUpload, feeds.SourcePush, "ftp", ""} {
		t.Run(src, func(t *testing.T) {
			_, err := sources.New(nil).Fetch(context.Background(), feeds.Feed{Name: "f", Source: src}, nil)
			if err == nil {
				t.Errorf("source %q: no error", src)
			}
		})
	}
	for _, src := range []string{feeds.SourceHTTP, feeds.SourceTAXII, feeds.SourceMISP, feeds.SourceDir} {
		t.Run(src+" without location", func(t *testing.T) {
			if _, err := sources.New(nil).Fetch(context.Background(), feeds.Feed{Name: "f", Source: src}, nil); err == nil {
				t.Errorf("source %q without URL or directory: no error", src)
			}
		})
	}
}
