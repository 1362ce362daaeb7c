package directory_test

import (
	"testing"

	"atalaya/internal/directory"
	"atalaya/internal/valid"
)

// wantCode checks that err is exactly one valid.Error on field with code,
// and returns it.
func wantCode(t *testing.T, err error, field, code string) *valid.Error {
	t.Helper()
	note(err)
	es := valid.List(err)
	if len(es) != 1 {
		t.Fatalf("error = %v, want one valid.Error %s on %q", err, code, field)
	}
	if es[0].Code != code || es[0].Field != field {
		t.Fatalf("error = %s on %q (%s), want %s on %q", es[0].Code, es[0].Field, es[0].Message, code, field)
	}
	if es[0].Message == "" {
		t.Errorf("error %s has no English message", code)
	}
	return es[0]
}

func TestParsePrefix(t *testing.T) {
	cases := []struct {
		name, in, want, code, canonical string
	}{
		{"ipv4 prefix", "192.0.2.0/24", "192.0.2.0/24", "", ""},
		{"ipv4 with spaces", "  198.51.100.0/24\t", "198.51.100.0/24", "", ""},
		{"ipv6 prefix", "2001:db8::/32", "2001:db8::/32", "", ""},
		{"ipv6 upper case and zeros", "2001:0DB8:0000::/48", "2001:db8::/48", "", ""},
		{"bare ipv4 address is a host", "192.0.2.7", "192.0.2.7/32", "", ""},
		{"bare ipv6 address is a host", "2001:db8::1", "2001:db8::1/128", "", ""},
		{"ipv4 host route", "203.0.113.9/32", "203.0.113.9/32", "", ""},
		{"ipv4 /1 is allowed", "128.0.0.0/1", "128.0.0.0/1", "", ""},
		{"host bits set", "192.0.2.5/24", "", "prefix.not_canonical", "192.0.2.0/24"},
		{"host bits set ipv6", "2001:db8::1/32", "", "prefix.not_canonical", "2001:db8::/32"},
		{"ipv4 /0", "0.0.0.0/0", "", "prefix.zero", ""},
		{"ipv4 /0 with host bits", "192.0.2.1/0", "", "prefix.zero", ""},
		{"ipv6 /0", "::/0", "", "prefix.zero", ""},
		{"ipv4-mapped prefix", "::ffff:192.0.2.0/120", "", "prefix.mapped", ""},
		{"ipv4-mapped address", "::ffff:192.0.2.1", "", "prefix.mapped", ""},
		{"empty", "   ", "", "prefix.empty", ""},
		{"length too long", "192.0.2.0/33", "", "prefix.syntax", ""},
		{"ipv6 length too long", "2001:db8::/129", "", "prefix.syntax", ""},
		{"negative length", "192.0.2.0/-1", "", "prefix.syntax", ""},
		{"octal-looking octet", "192.000.2.0/24", "", "prefix.syntax", ""},
		{"three octets", "192.0.2/24", "", "prefix.syntax", ""},
		{"words", "my network", "", "prefix.syntax", ""},
		{"zone", "fe80::1%eth0", "", "prefix.zone", ""},
		{"zone in prefix", "fe80::%eth0/64", "", "prefix.syntax", ""},
		{"very long", "1" + string(make([]byte, 200)), "", "prefix.syntax", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := directory.ParsePrefix(tc.in)
			if tc.code == "" {
				if err != nil || p.String() != tc.want {
					t.Fatalf("ParsePrefix(%q) = %v, %v; want %s", tc.in, p, err, tc.want)
				}
				return
			}
			e := wantCode(t, err, "value", tc.code)
			if tc.canonical != "" && e.Args["Canonical"] != tc.canonical {
				t.Errorf("Args[Canonical] = %v, want %s", e.Args["Canonical"], tc.canonical)
			}
		})
	}
}

func TestParsePrefixMappedSuggestsIPv4(t *testing.T) {
	_, err := directory.ParsePrefix("::ffff:192.0.2.5/120")
	e := wantCode(t, err, "value", "prefix.mapped")
	if e.Args["IPv4"] != "192.0.2.0/24" {
		t.Errorf("Args[IPv4] = %v, want 192.0.2.0/24", e.Args["IPv4"])
	}
}

func TestParseASN(t *testing.T) {
	cases := []struct {
		name, in string
		want     directory.ASN
		code     string
		flag     directory.Flag
	}{
		{"AS prefix", "AS64496", 64496, "", directory.Documentation},
		{"lower-case prefix", "as64496", 64496, "", directory.Documentation},
		{"mixed case prefix and space", " As 64511 ", 64511, "", directory.Documentation},
		{"bare number", "15169", 15169, "", directory.Unflagged},
		{"asdot", "1.10", 65546, "", directory.Documentation},
		{"asdot with AS", "AS1.10", 65546, "", directory.Documentation},
		{"asdot after the reserved block", "2.0", 131072, "", directory.Unflagged},
		{"asdot in reserved block", "1.16", 65552, "", directory.Reserved},
		{"asdot+ low", "0.64496", 64496, "", directory.Documentation},
		{"4-byte documentation", "AS65536", 65536, "", directory.Documentation},
		{"4-byte documentation end", "65551", 65551, "", directory.Documentation},
		{"private 2-byte", "AS64512", 64512, "", directory.Private},
		{"private 4-byte", "AS4200000000", 4200000000, "", directory.Private},
		{"last private", "4294967294", 4294967294, "", directory.Private},
		{"65535 reserved", "AS65535", 65535, "", directory.Reserved},
		{"first", "AS1", 1, "", directory.Unflagged},
		{"public 4-byte", "AS262144", 262144, "", directory.Unflagged},
		{"leading zeros", "AS064496", 64496, "", directory.Documentation},
		{"zero", "AS0", 0, "asn.zero", ""},
		{"asdot zero", "0.0", 0, "asn.zero", ""},
		{"as_trans", "AS23456", 0, "asn.trans", ""},
		{"as_trans bare", "23456", 0, "asn.trans", ""},
		{"last reserved", "4294967295", 0, "asn.last", ""},
		{"asdot last", "65535.65535", 0, "asn.last", ""},
		{"too big", "4294967296", 0, "asn.range", ""},
		{"far too big", "AS99999999999999999999999", 0, "asn.range", ""},
		{"asdot part too big", "1.65536", 0, "asn.range", ""},
		{"negative", "AS-1", 0, "asn.syntax", ""},
		{"plus sign", "+64496", 0, "asn.syntax", ""},
		{"hex", "0x10", 0, "asn.syntax", ""},
		{"two dots", "1.2.3", 0, "asn.syntax", ""},
		{"underscore", "64_496", 0, "asn.syntax", ""},
		{"AS alone", "AS", 0, "asn.syntax", ""},
		{"empty", "", 0, "asn.empty", ""},
		{"word", "ASN", 0, "asn.syntax", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := directory.ParseASN(tc.in)
			if tc.code != "" {
				wantCode(t, err, "value", tc.code)
				return
			}
			if err != nil || a != tc.want {
				t.Fatalf("ParseASN(%q) = %v, %v; want %v", tc.in, a, err, tc.want)
			}
			if f := directory.ASNFlag(a); f != tc.flag {
				t.Errorf("ASNFlag(%v) = %q, want %q", a, f, tc.flag)
			}
		})
	}
}

func TestParseDomain(t *testing.T) {
	long63 := "a23456789012345678901234567890123456789012345678901234567890123"
	cases := []struct{ name, in, want, code string }{
		{"plain", "example.gob.mx", "example.gob.mx", ""},
		{"ministry", "ministerio.gob.mx", "ministerio.gob.mx", ""},
		{"upper case", "CERT.Example.GOB.MX", "cert.example.gob.mx", ""},
		{"trailing dot", "example.gob.mx.", "example.gob.mx", ""},
		{"spaces around", "  example.org ", "example.org", ""},
		{"unicode to A-label", "münchen.de", "xn--mnchen-3ya.de", ""},
		{"unicode upper case", "MÜNCHEN.DE", "xn--mnchen-3ya.de", ""},
		{"A-label kept", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de", ""},
		{"spanish IDN", "ñandú.com.py", "xn--and-6ma2c.com.py", ""},
		{"example TLD-like", "csirt-demo.example", "csirt-demo.example", ""},
		{"test TLD-like", "cert.test", "cert.test", ""},
		{"label of 63", long63 + ".com", long63 + ".com", ""},
		{"bare TLD", "com", "", "domain.public_suffix"},
		{"bare second-level suffix", "gov.br", "", "domain.public_suffix"},
		{"co.uk", "co.uk", "", "domain.public_suffix"},
		{"gob.mx", "GOB.MX.", "", "domain.public_suffix"},
		{"single unknown label", "example", "", "domain.public_suffix"},
		{"private suffix", "github.io", "", "domain.public_suffix"},
		{"label of 64", long63 + "4.com", "", "domain.label_too_long"},
		{"name over 253", repeat(long63+".", 4) + "com", "", "domain.too_long"},
		{"wildcard", "*.example.gob.mx", "", "domain.wildcard"},
		{"inner space", "example .gob.mx", "", "domain.space"},
		{"url", "https://example.gob.mx/", "", "domain.url"},
		{"path", "example.gob.mx/cert", "", "domain.url"},
		{"email", "cert@example.gob.mx", "", "domain.email"},
		{"underscore", "_dmarc.example.com", "", "domain.syntax"},
		{"empty label", "example..com", "", "domain.syntax"},
		{"leading hyphen", "-example.com", "", "domain.syntax"},
		{"numeric tld", "192.0.2.1", "", "domain.numeric"},
		{"two trailing dots", "example.com..", "", "domain.syntax"},
		{"only a dot", ".", "", "domain.syntax"},
		{"empty", "", "", "domain.empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := directory.ParseDomain(tc.in)
			if tc.code != "" {
				wantCode(t, err, "value", tc.code)
				return
			}
			if err != nil || d != tc.want {
				t.Fatalf("ParseDomain(%q) = %q, %v; want %q", tc.in, d, err, tc.want)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func TestParseEntryRecognisesKind(t *testing.T) {
	cases := []struct {
		name, in string
		kind     directory.EntryKind
		value    string
		flag     directory.Flag
		code     string
	}{
		{"ipv4 prefix", "198.51.100.0/24", directory.PrefixEntry, "198.51.100.0/24", directory.Documentation, ""},
		{"ipv4 address", "203.0.113.7", directory.PrefixEntry, "203.0.113.7/32", directory.Documentation, ""},
		{"ipv6 prefix", "2001:db8:100::/40", directory.PrefixEntry, "2001:db8:100::/40", directory.Documentation, ""},
		{"public prefix unflagged", "8.8.8.0/24", directory.PrefixEntry, "8.8.8.0/24", directory.Unflagged, ""},
		{"private prefix flagged", "10.1.0.0/16", directory.PrefixEntry, "10.1.0.0/16", directory.Private, ""},
		{"prefix holding a private range is not flagged", "10.0.0.0/7", directory.PrefixEntry, "10.0.0.0/7", directory.Unflagged, ""},
		{"loopback flagged", "127.0.0.1", directory.PrefixEntry, "127.0.0.1/32", directory.Reserved, ""},
		{"AS number", "AS64496", directory.ASNEntry, "AS64496", directory.Documentation, ""},
		{"bare number", "64497", directory.ASNEntry, "AS64497", directory.Documentation, ""},
		{"asdot", "1.10", directory.ASNEntry, "AS65546", directory.Documentation, ""},
		{"AS with space", "AS 64500", directory.ASNEntry, "AS64500", directory.Documentation, ""},
		{"domain", "example.gob.mx", directory.DomainEntry, "example.gob.mx", directory.Unflagged, ""},
		{"domain starting with as", "asuncion.example.com.py", directory.DomainEntry, "asuncion.example.com.py", directory.Unflagged, ""},
		{"non-canonical prefix", "192.0.2.5/24", directory.PrefixEntry, "", "", "prefix.not_canonical"},
		{"three dotted numbers is a bad prefix", "192.0.2", directory.PrefixEntry, "", "", "prefix.syntax"},
		{"url goes to domain", "http://example.gob.mx", directory.DomainEntry, "", "", "domain.url"},
		{"AS_TRANS", "AS23456", directory.ASNEntry, "", "", "asn.trans"},
		{"public suffix", "gov.br", directory.DomainEntry, "", "", "domain.public_suffix"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := directory.ParseEntry(tc.in)
			if tc.code != "" {
				wantCode(t, err, "value", tc.code)
				return
			}
			if err != nil {
				t.Fatalf("ParseEntry(%q): %v", tc.in, err)
			}
			if p.Kind != tc.kind || p.Value != tc.value || p.Flag != tc.flag {
				t.Errorf("ParseEntry(%q) = %+v, want {%s %s %q}", tc.in, p, tc.kind, tc.value, tc.flag)
			}
		})
	}
}

func TestParseEntryAsUnknownKind(t *testing.T) {
	_, err := directory.ParseEntryAs("url", "example.gob.mx")
	wantCode(t, err, "kind", "constituency.kind")
}
