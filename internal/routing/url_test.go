package routing

import (
	"testing"
)

// urlSeeds are URLs as feeds report them and as people type them.
var urlSeeds = []string{
	"http://example.org/", "https://www.example.org/a/b?c=d&e=f#g", "HTTP://Example.ORG/Path", "http://example.org",
	"http://example.org:8080/x", "http://example.org:/x", "http://user:pw@example.org/", "http://[2001:db8::1]:8443/a",
	"http://[2001:DB8::1]/", "http://192.0.2.1/login.php", "http://xn--espaa-rta.example/", "http://españa.example/",
	"http://example.org/a b", "http://example.org/%7e", "http://example.org/%zz", "http://example.org/(x)*!",
	"http://example.org/#", "http://example.org/?", "http://example.org/a#b#c", "http://example.org/a?b#c?d",
	"http://example.org./", "ftp://files.example.org/pub/", "http://ex_ample.org/", "http://example.org/[x]",
	"http://example.org/a\"b", "not a url", "http://", "http:///path", "http://%41.example/",
	"hxxp://evil.example/", "http://evil.example/p?q=%ZZ", "http://evil.example/é",
}

// FuzzCanonicalURL: the fast check never claims a URL is in normal form
// when normalURL would change it.
func FuzzCanonicalURL(f *testing.F) {
	for _, s := range urlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if canonicalURL(s) {
			if n := normalURL(s); n != s {
				t.Fatalf("canonicalURL(%q) but normalURL gives %q", s, n)
			}
		}
	})
}

func TestCanonicalURL(t *testing.T) {
	cases := []struct {
		url  string
		want bool
	}{
		{"http://example.org/", true},
		{"https://www.example.org/a/b?c=d&e=f#g", true},
		{"http://example.org:8080/x", true},
		{"http://[2001:db8::1]:8443/a", true},
		{"http://192.0.2.1/login.php", true},
		{"http://example.org/Path/With/Case", true},
		{"HTTP://example.org/", false},
		{"http://Example.org/", false},
		{"http://example.org:/x", false},
		{"http://user@example.org/", false},
		{"http://example.org/a b", false},
		{"http://example.org./", false},
		{"http://españa.example/", false},
	}
	for _, c := range cases {
		if got := canonicalURL(c.url); got != c.want {
			t.Errorf("canonicalURL(%q) = %v, want %v", c.url, got, c.want)
		}
	}
}

func TestURLHost(t *testing.T) {
	cases := []struct {
		url, host string
		addr      bool
	}{
		{"http://example.org/x", "example.org", false},
		{"http://u:p@Example.org:8080/x", "Example.org", false},
		{"http://192.0.2.1:80/", "192.0.2.1", true},
		{"http://[2001:db8::1]:8443/", "2001:db8::1", true},
		{"https://example.org?x#y", "example.org", false},
		{"example.org", "", false},
		{"http://[2001:db8::1/", "", false},
	}
	for _, c := range cases {
		if h, a := urlHost(c.url); h != c.host || a != c.addr {
			t.Errorf("urlHost(%q) = %q %v, want %q %v", c.url, h, a, c.host, c.addr)
		}
	}
}
