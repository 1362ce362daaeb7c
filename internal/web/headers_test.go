package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "done")
	})
}

func TestSecurityHeaders(t *testing.T) {
	always := map[string]string{
		"Content-Security-Policy": ContentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
		"Permissions-Policy":      permissionsPolicy,
	}
	tests := []struct {
		name     string
		tls      bool
		wantHSTS bool
	}{
		{"plain HTTP has no HSTS", false, false},
		{"TLS has HSTS", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(SecurityHeaders(okHandler(), tc.tls))
			defer srv.Close()
			res, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			for k, want := range always {
				if got := res.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if got := res.Header.Get("Strict-Transport-Security"); (got != "") != tc.wantHSTS {
				t.Errorf("Strict-Transport-Security = %q, want present: %v", got, tc.wantHSTS)
			}
		})
	}
}

func TestContentSecurityPolicyHasNoInlineScript(t *testing.T) {
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(ContentSecurityPolicy, bad) {
			t.Errorf("CSP allows %s", bad)
		}
	}
	for _, need := range []string{"script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(ContentSecurityPolicy, need) {
			t.Errorf("CSP lacks %s", need)
		}
	}
}

func TestCrossOrigin(t *testing.T) {
	srv := httptest.NewServer(CrossOrigin(okHandler()))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name    string
		method  string
		headers map[string]string
		want    int
	}{
		{"cross-site POST refused", "POST", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site POST refused", "POST", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"cross-site DELETE refused", "DELETE", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same-origin POST passes", "POST", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"typed URL passes", "POST", map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"old browser, foreign Origin refused", "POST", map[string]string{"Origin": "https://evil.example"}, 403},
		{"old browser, own Origin passes", "POST", map[string]string{"Origin": "http://" + host}, 200},
		{"curl without either header passes", "POST", nil, 200},
		{"bearer-token client passes", "POST", map[string]string{"Authorization": "Bearer x"}, 200},
		{"cross-site GET passes", "GET", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+"/x", strings.NewReader("a=1"))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d (body %q)", res.StatusCode, tc.want, body)
			}
			if tc.want == 403 && res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("refusal Content-Type = %q, want application/problem+json", res.Header.Get("Content-Type"))
			}
			if tc.want == 200 && string(body) != "done" {
				t.Errorf("body = %q, want the handler's", body)
			}
		})
	}
}
