package directory_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"atalaya/internal/directory"
	"atalaya/internal/valid"
)

// Run each for a while with, e.g.:
//
//	go test ./internal/directory -run '^$' -fuzz '^FuzzParsePrefix$' -fuzztime 20s
//
// Inputs that fail are kept in testdata/fuzz/<FuzzName>/ and replayed by
// every plain `go test`.

// checkRefusal requires a refusal to be a field error a page can show.
func checkRefusal(t *testing.T, in string, err error) {
	t.Helper()
	note(err)
	es := valid.List(err)
	if len(es) != 1 || es[0].Field != "value" || es[0].Code == "" || es[0].Message == "" {
		t.Fatalf("refusing %q: %v is not one complete valid.Error on \"value\"", in, err)
	}
}

func FuzzParsePrefix(f *testing.F) {
	for _, s := range []string{"192.0.2.0/24", "192.0.2.5/24", "2001:db8::/32", "::ffff:192.0.2.0/120", "0.0.0.0/0",
		"192.0.2.1", "fe80::1%eth0", " 198.51.100.0/25 ", "::/0", "2001:db8::1/129", "1.2.3.4/32", "::ffff:0:0/95"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := directory.ParsePrefix(in)
		if err != nil {
			checkRefusal(t, in, err)
			return
		}
		if p.Bits() == 0 || p.Masked() != p || p.Addr().Is4In6() || p.Addr().Zone() != "" {
			t.Fatalf("ParsePrefix(%q) = %v: breaks an invariant", in, p)
		}
		again, err := directory.ParsePrefix(p.String())
		if err != nil || again != p {
			t.Fatalf("round trip of %q: ParsePrefix(%q) = %v, %v", in, p.String(), again, err)
		}
	})
}

func FuzzParseASN(f *testing.F) {
	for _, s := range []string{"AS64496", "as64496", "64496", "1.10", "0.0", "AS23456", "4294967295", "4294967296",
		"AS 1", "65535.65535", "+1", "AS-1", "AS1.65536"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := directory.ParseASN(in)
		if err != nil {
			checkRefusal(t, in, err)
			return
		}
		if a == 0 || a == 23456 || a == 4294967295 {
			t.Fatalf("ParseASN(%q) = %v: a refused number was accepted", in, a)
		}
		again, err := directory.ParseASN(a.String())
		if err != nil || again != a {
			t.Fatalf("round trip of %q: ParseASN(%q) = %v, %v", in, a.String(), again, err)
		}
	})
}

func FuzzParseDomain(f *testing.F) {
	for _, s := range []string{"example.gob.mx", "münchen.de", "xn--mnchen-3ya.de", "com", "gov.br", "*.example.com",
		"example.com.", "a..b", "https://example.com/", "ñandú.com.py", "EXAMPLE.ORG", "xn--", "_srv.example.com",
		"\u200d.example.com", "ｅｘａｍｐｌｅ.com", "例え.テスト"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := directory.ParseDomain(in)
		if err != nil {
			checkRefusal(t, in, err)
			return
		}
		checkCanonicalDomain(t, in, d)
		again, err := directory.ParseDomain(d)
		if err != nil || again != d {
			t.Fatalf("round trip of %q: ParseDomain(%q) = %q, %v", in, d, again, err)
		}
	})
}

func checkCanonicalDomain(t *testing.T, in, d string) {
	t.Helper()
	if len(d) > 253 || strings.HasSuffix(d, ".") || d != strings.ToLower(d) || !utf8.ValidString(d) {
		t.Fatalf("ParseDomain(%q) = %q: not canonical", in, d)
	}
	for _, r := range d {
		if r > 0x7f || r == ' ' || r == '*' || r == '/' {
			t.Fatalf("ParseDomain(%q) = %q: holds %q", in, d, r)
		}
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 {
			t.Fatalf("ParseDomain(%q) = %q: bad label %q", in, d, l)
		}
	}
}

func FuzzParseEntry(f *testing.F) {
	for _, s := range []string{"192.0.2.0/24", "AS64496", "1.10", "example.gob.mx", "http://x.example", "192.0.2",
		"2001:db8::", "asia.example", "64496", "as", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := directory.ParseEntry(in)
		if err != nil {
			checkRefusal(t, in, err)
			return
		}
		// The canonical text must be recognised as the same kind and
		// parse to itself, or a stored entry could not be read back.
		again, err := directory.ParseEntry(p.Value)
		if err != nil || again != p {
			t.Fatalf("round trip of %q: ParseEntry(%q) = %+v, %v; want %+v", in, p.Value, again, err, p)
		}
	})
}
