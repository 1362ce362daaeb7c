package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name    string
		remote  string
		xff     []string
		proxies []netip.Prefix
		want    string
	}{
		{"plain IPv4", "198.51.100.7:5123", nil, nil, "198.51.100.7"},
		{"plain IPv6", "[2001:db8::1]:443", nil, nil, "2001:db8::1"},
		{"no port", "198.51.100.7", nil, nil, "198.51.100.7"},
		{"header ignored without the option", "198.51.100.7:1", []string{"203.0.113.9"}, nil, "198.51.100.7"},
		{"header ignored from an untrusted peer", "198.51.100.7:1", []string{"203.0.113.9"}, proxies, "198.51.100.7"},
		{"one trusted proxy", "10.1.2.3:1", []string{"203.0.113.9"}, proxies, "203.0.113.9"},
		{"spoofed entry on the left is skipped", "10.1.2.3:1", []string{"1.1.1.1, 203.0.113.9"}, proxies, "203.0.113.9"},
		{"chain of trusted proxies", "10.1.2.3:1", []string{"203.0.113.9, 10.9.9.9", "10.8.8.8"}, proxies, "203.0.113.9"},
		{"IPv6 proxy", "[fd00::5]:1", []string{"2001:db8::77"}, proxies, "2001:db8::77"},
		{"garbage in the header", "10.1.2.3:1", []string{"not-an-ip"}, proxies, "10.1.2.3"},
		{"empty header", "10.1.2.3:1", []string{""}, proxies, "10.1.2.3"},
		{"all trusted gives the leftmost", "10.1.2.3:1", []string{"10.7.7.7, 10.8.8.8"}, proxies, "10.7.7.7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			h := TrustForwardedFor(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = ClientAddr(r)
			}), tc.proxies...)
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if got != tc.want {
				t.Errorf("ClientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}
