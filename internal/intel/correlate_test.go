package intel

import (
	"fmt"
	"slices"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/stix"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// obs builds an observable as stix.Observables reports one.
func obs(object, path, value string) stix.Observable {
	return stix.Observable{Object: object, Path: path, Value: value}
}

func TestNormalize(t *testing.T) {
	cases := []struct {
		name string
		in   stix.Observable
		want Value
		ok   bool
	}{
		{"ipv4", obs("ipv4-addr", "value", "198.51.100.7"), Value{"ip", "198.51.100.7"}, true},
		{"ipv4 host prefix", obs("ipv4-addr", "value", "198.51.100.7/32"), Value{"ip", "198.51.100.7"}, true},
		{"ipv4 prefix not masked", obs("ipv4-addr", "value", "198.51.100.7/24"), Value{"prefix", "198.51.100.0/24"}, true},
		{"ipv6 long form", obs("ipv6-addr", "value", "2001:DB8:0:0:0:0:0:1"), Value{"ip", "2001:db8::1"}, true},
		{"v4-mapped", obs("ipv6-addr", "value", "::ffff:198.51.100.7"), Value{"ip", "198.51.100.7"}, true},
		{"not an address", obs("ipv4-addr", "value", "999.1.1.1"), Value{}, false},
		{"domain case and dot", obs("domain-name", "value", "Evil.Example.COM."), Value{"domain", "evil.example.com"}, true},
		{"IDN", obs("domain-name", "value", "bücher.example"), Value{"domain", "xn--bcher-kva.example"}, true},
		{"url scheme and host", obs("url", "value", "HTTP://Evil.Example.com:8080/Path?Q=1"), Value{"url", "http://evil.example.com:8080/Path?Q=1"}, true},
		{"email", obs("email-addr", "value", "Bad.Actor@Example.ORG"), Value{"email", "bad.actor@example.org"}, true},
		{"sha256 quoted", obs("file", "hashes.'SHA-256'", "AEB1D8E1B8C7F7E1D8A3C7E1B8C7F7E1D8A3C7E1B8C7F7E1D8A3C7E1B8C7F7E1"),
			Value{"sha256", "aeb1d8e1b8c7f7e1d8a3c7e1b8c7f7e1d8a3c7e1b8c7f7e1d8a3c7e1b8c7f7e1"}, true},
		{"md5", obs("file", "hashes.MD5", "D41D8CD98F00B204E9800998ECF8427E"), Value{"md5", "d41d8cd98f00b204e9800998ecf8427e"}, true},
		{"sha1 lower-case key", obs("file", "hashes.sha1", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"), Value{"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"}, true},
		{"ssdeep keeps case", obs("file", "hashes.SSDEEP", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"), Value{"ssdeep", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"}, true},
		{"file name", obs("file", "name", "invoice.exe"), Value{"filename", "invoice.exe"}, true},
		{"asn", obs("autonomous-system", "number", "64496"), Value{"asn", "AS64496"}, true},
		{"ref value", obs("network-traffic", "dst_ref.value", "198.51.100.7"), Value{"ip", "198.51.100.7"}, true},
		{"other property", obs("process", "name", "evil"), Value{"process:name", "evil"}, true},
		{"empty", obs("ipv4-addr", "value", " "), Value{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Normalize(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Normalize(%v) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseValue(t *testing.T) {
	cases := []struct {
		in   string
		want Value
		ok   bool
	}{
		{"198.51.100.7", Value{"ip", "198.51.100.7"}, true},
		{" 2001:db8::/32 ", Value{"prefix", "2001:db8::/32"}, true},
		{"AS64496", Value{"asn", "AS64496"}, true},
		{"as64496", Value{"asn", "AS64496"}, true},
		{"D41D8CD98F00B204E9800998ECF8427E", Value{"md5", "d41d8cd98f00b204e9800998ecf8427e"}, true},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", Value{"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"}, true},
		{"https://Example.com/a", Value{"url", "https://example.com/a"}, true},
		{"cert@Example.org", Value{"email", "cert@example.org"}, true},
		{"Example.com.", Value{"domain", "example.com"}, true},
		{"phishing campaign", Value{}, false},
		{"word", Value{}, false},
		{"", Value{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseValue(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ParseValue(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// warningList is a WarningMatcher over fixed values.
type warningList map[string]string

func (w warningList) Match(v string) []string {
	if name, ok := w[v]; ok {
		return []string{name}
	}
	return nil
}

func TestCorrelations(t *testing.T) {
	storetest.Each(t, sets(), func(t *testing.T, db *store.DB) {
		s := New(db, Options{CorrelationLimit: 3, Warnings: warningList{"8.8.8.8": "Google DNS"}})
		a, b := analyst("org-a"), analyst("org-b")
		members := Sharing{TLP: access.TLPGreen, Members: true}
		subject := indicator("subject", "[ipv4-addr:value = '198.51.100.1'] OR [ipv4-addr:value = '203.0.113.5'] "+
			"OR [ipv4-addr:value = '10.1.2.3'] OR [ipv4-addr:value = '8.8.8.8']")
		mustPut(t, s, a, members, subject)
		// 198.51.100.1: two others carry it, one of them unseen by b.
		seen := indicator("seen", "[ipv4-addr:value = '198.51.100.1/32']")
		mustPut(t, s, a, members, seen)
		mustPut(t, s, analyst("org-c"), Sharing{TLP: access.TLPRed}, indicator("unseen", "[ipv4-addr:value = '198.51.100.1']"))
		// 203.0.113.5: in five others, over the limit of three.
		for i := range 5 {
			mustPut(t, s, a, members, indicator(fmt.Sprint("common ", i), "[ipv4-addr:value = '203.0.113.5']"))
		}
		// 10.1.2.3 (private) and 8.8.8.8 (on a list) in one other each.
		mustPut(t, s, a, members, indicator("private", "[ipv4-addr:value = '10.1.2.3']"))
		mustPut(t, s, a, members, indicator("dns", "[ipv4-addr:value = '8.8.8.8']"))

		cs, err := s.Correlations(ctx, b, idOf(t, subject))
		if err != nil {
			t.Fatal(err)
		}
		byValue := map[string]Correlation{}
		for _, c := range cs {
			byValue[c.Value.Value] = c
		}
		if c := byValue["198.51.100.1"]; c.Common || len(c.Objects) != 1 || c.Objects[0].ID != idOf(t, seen) {
			t.Errorf("198.51.100.1: %+v (b must see only the green one)", c)
		}
		if c := byValue["203.0.113.5"]; !c.Common || len(c.Objects) != 0 || c.Total != 5 {
			t.Errorf("203.0.113.5: common %v, %d listed, total %d; want common, none listed, 5", c.Common, len(c.Objects), c.Total)
		}
		if c := byValue["10.1.2.3"]; len(c.Warnings) == 0 || len(c.Objects) != 0 {
			t.Errorf("10.1.2.3: %+v, want a special-purpose warning and no correlation", c)
		}
		if c := byValue["8.8.8.8"]; !slices.Contains(c.Warnings, "Google DNS") || len(c.Objects) != 0 {
			t.Errorf("8.8.8.8: %+v, want the Google DNS warning and no correlation", c)
		}
		// Lookup still finds values on warning lists.
		if got, err := s.Lookup(ctx, b, Value{"ip", "8.8.8.8"}, 10); err != nil || len(got) != 2 {
			t.Errorf("Lookup 8.8.8.8: %d objects (%v), want 2", len(got), err)
		}
		// The search box finds by value too.
		p, err := s.List(ctx, b, Filter{Query: "198.51.100.1"})
		if err != nil || len(p.Objects) != 2 {
			t.Errorf("search 198.51.100.1: %d objects (%v), want 2", len(p.Objects), err)
		}
	})
}

func TestSpecialWarnings(t *testing.T) {
	cases := []struct {
		v    Value
		warn bool
	}{
		{Value{"ip", "10.0.0.1"}, true},
		{Value{"ip", "127.0.0.1"}, true},
		{Value{"ip", "169.254.1.1"}, true},
		{Value{"ip", "224.0.0.1"}, true},
		{Value{"ip", "0.0.0.0"}, true},
		{Value{"ip", "fe80::1"}, true},
		{Value{"ip", "192.0.2.1"}, false}, // documentation: the demo uses it
		{Value{"ip", "198.51.100.1"}, false},
		{Value{"prefix", "192.168.0.0/24"}, true},
		{Value{"prefix", "0.0.0.0/0"}, false},
		{Value{"domain", "localhost"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.v.Value, func(t *testing.T) {
			if got := len(specialWarnings(tc.v)) > 0; got != tc.warn {
				t.Errorf("warned %v, want %v", got, tc.warn)
			}
		})
	}
}
