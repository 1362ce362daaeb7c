package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuffer collects JSON log lines written from server goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns every record logged so far, decoded.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, nil)), b
}

func TestLogging(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		handler    http.HandlerFunc
		wantStatus float64
		wantBytes  float64
	}{
		{"implicit 200", "/a", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hello") }, 200, 5},
		{"explicit 404", "/b/c", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, 404, 19},
		{"no body at all", "/d", func(w http.ResponseWriter, r *http.Request) {}, 200, 0},
		{"query left out", "/e?token=secret", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }, 204, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := newLogger()
			srv := httptest.NewServer(Logging(logger, tc.handler))
			get(t, srv.URL+tc.path)
			srv.Close() // waits for the handler, and so for the log line
			lines := logs.lines(t)
			if len(lines) != 1 {
				t.Fatalf("logged %d lines, want 1", len(lines))
			}
			l := lines[0]
			wantPath, _, _ := strings.Cut(tc.path, "?")
			if l["method"] != "GET" || l["path"] != wantPath || l["status"] != tc.wantStatus || l["bytes"] != tc.wantBytes {
				t.Errorf("log = %v, want GET %s %v %v bytes", l, wantPath, tc.wantStatus, tc.wantBytes)
			}
			if _, ok := l["duration"]; !ok {
				t.Error("log has no duration")
			}
			if l["addr"] != "127.0.0.1" {
				t.Errorf("addr = %v, want 127.0.0.1", l["addr"])
			}
		})
	}
}

// TestLoggingKeepsFlush: server-sent events need each event flushed
// through the logging wrapper, not held until the handler returns.
func TestLoggingKeepsFlush(t *testing.T) {
	logger, _ := newLogger()
	release := make(chan struct{})
	srv := httptest.NewServer(Logging(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: one\n\n")
		w.(http.Flusher).Flush()
		<-release
	})))
	defer srv.Close()
	defer close(release)
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(res.Body).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		if s != "data: one\n" {
			t.Fatalf("first line = %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("event not flushed while the handler runs")
	}
}

func TestRecover(t *testing.T) {
	logger, logs := newLogger()
	mux := http.NewServeMux()
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "999")
		panic("secret internal detail")
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "fine") })
	srv := httptest.NewServer(Recover(logger, mux))
	defer srv.Close()

	tests := []struct {
		name, path, accept string
		wantStatus         int
		wantType           string
	}{
		{"API client gets a problem", "/panic", "application/json", 500, "application/problem+json"},
		{"browser gets text", "/panic", "text/html,application/xhtml+xml", 500, "text/plain; charset=utf-8"},
		{"server survives", "/ok", "", 200, "text/plain; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
			req.Header.Set("Accept", tc.accept)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.wantStatus || res.Header.Get("Content-Type") != tc.wantType {
				t.Fatalf("got %d %q, want %d %q", res.StatusCode, res.Header.Get("Content-Type"), tc.wantStatus, tc.wantType)
			}
			for _, leak := range []string{"secret", "goroutine", ".go:"} {
				if strings.Contains(string(body), leak) {
					t.Errorf("body %q shows %q", body, leak)
				}
			}
		})
	}
	var logged bool
	for _, l := range logs.lines(t) {
		if l["panic"] == "secret internal detail" && strings.Contains(l["stack"].(string), "logging_test.go") {
			logged = true
		}
	}
	if !logged {
		t.Error("panic not logged with its value and stack")
	}
}

// TestRecoverAfterWrite: once the body has started, a 500 is impossible;
// the connection is aborted so the client cannot take the truncated body
// for a whole one.
func TestRecoverAfterWrite(t *testing.T) {
	logger, _ := newLogger()
	srv := httptest.NewServer(Recover(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("late")
	})))
	srv.Config.ErrorLog = nil
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if _, err := io.ReadAll(res.Body); err == nil {
		t.Fatal("read the whole body without error; want the response aborted")
	}
}
