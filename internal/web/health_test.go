package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHealth(t *testing.T) {
	tests := []struct {
		name       string
		ping       func(context.Context) error
		wantReady  int
		wantReason string
	}{
		{"database answers", func(context.Context) error { return nil }, 200, "ok"},
		{"database down", func(context.Context) error { return errors.New("connection refused") }, 503, "not ready: connection refused"},
		{"database slow, honours ctx", func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}, 503, "not ready: context deadline exceeded"},
		{"database slow, ignores ctx", func(ctx context.Context) error {
			time.Sleep(ReadyTimeout + 100*time.Millisecond)
			return nil
		}, 503, "not ready: context deadline exceeded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // two cases wait out ReadyTimeout
			healthz, readyz := Health(tc.ping)
			mux := http.NewServeMux()
			mux.Handle("/healthz", healthz)
			mux.Handle("/readyz", readyz)
			srv := httptest.NewServer(mux)
			defer srv.Close()

			status, body := get(t, srv.URL+"/healthz")
			if status != 200 || body != "ok" {
				t.Errorf("healthz = %d %q, want 200 ok whatever the database", status, body)
			}
			status, body = get(t, srv.URL+"/readyz")
			if status != tc.wantReady || body != tc.wantReason {
				t.Errorf("readyz = %d %q, want %d %q", status, body, tc.wantReady, tc.wantReason)
			}
		})
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, strings.TrimSpace(string(b))
}
