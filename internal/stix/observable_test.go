package stix

import (
	"reflect"
	"testing"
)

func TestObservables(t *testing.T) {
	ind := func(pattern string) string {
		return `{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","pattern_type":"stix","pattern":` + quoteJSON(pattern) + `}`
	}
	cases := []struct {
		name string
		raw  string
		want []Observable
	}{
		{"ipv4 equality", ind("[ipv4-addr:value = '198.51.100.1']"),
			[]Observable{{"ipv4-addr", "value", "198.51.100.1"}}},
		{"IN set of domains", ind("[domain-name:value IN ('a.example', 'b.example')]"),
			[]Observable{{"domain-name", "value", "a.example"}, {"domain-name", "value", "b.example"}}},
		{"hash names canonical", ind("[file:hashes.md5 = 'aa' OR file:hashes.'SHA-256' = 'bb' OR file:hashes.sha1 = 'cc']"),
			[]Observable{{"file", "hashes.MD5", "aa"}, {"file", "hashes.'SHA-256'", "bb"}, {"file", "hashes.'SHA-1'", "cc"}}},
		{"NOT and != left out", ind("[ipv4-addr:value NOT = '10.0.0.1' AND ipv4-addr:value != '10.0.0.2' OR url:value = 'http://x.example/']"),
			[]Observable{{"url", "value", "http://x.example/"}}},
		{"LIKE and MATCHES left out", ind("[url:value LIKE 'http://%' OR email-addr:value MATCHES '.*']"), nil},
		{"non-value paths left out", ind("[file:size = 10 OR x509-certificate:issuer = 'CN=x']"), nil},
		{"network-traffic refs", ind("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.5'] AND [network-traffic:src_ref.value = '2001:db8::1']"),
			[]Observable{{"ipv4-addr", "value", "203.0.113.5"}, {"ipv6-addr", "value", "2001:db8::1"}}},
		{"email sender", ind("[email-message:from_ref.value = 'x@example.org']"),
			[]Observable{{"email-addr", "value", "x@example.org"}}},
		{"AS number", ind("[autonomous-system:number = 64496]"),
			[]Observable{{"autonomous-system", "number", "64496"}}},
		{"duplicates once", ind("[ipv4-addr:value = '1.1.1.1'] OR [ipv4-addr:value = '1.1.1.1'] WITHIN 5 SECONDS"),
			[]Observable{{"ipv4-addr", "value", "1.1.1.1"}}},
		{"not a stix pattern", `{"type":"indicator","pattern_type":"sigma","pattern":"title: x"}`, nil},
		{"ipv4-addr SCO", `{"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}`,
			[]Observable{{"ipv4-addr", "value", "198.51.100.3"}}},
		{"file SCO", `{"type":"file","id":"file--ff26c055-6336-5bc5-b98d-13d6226742dd","name":"a.exe","hashes":{"sha256":"bb","MD5":"aa","x-custom":"cc"}}`,
			[]Observable{{"file", "hashes.'SHA-256'", "bb"}, {"file", "hashes.MD5", "aa"}, {"file", "hashes.'x-custom'", "cc"}, {"file", "name", "a.exe"}}},
		{"autonomous-system SCO", `{"type":"autonomous-system","id":"autonomous-system--ff26c055-6336-5bc5-b98d-13d6226742dd","number":15139}`,
			[]Observable{{"autonomous-system", "number", "15139"}}},
		{"observed-data embedded objects", `{"type":"observed-data","objects":{"1":{"type":"domain-name","value":"b.example"},"0":{"type":"ipv4-addr","value":"192.0.2.1"}}}`,
			[]Observable{{"ipv4-addr", "value", "192.0.2.1"}, {"domain-name", "value", "b.example"}}},
		{"other types", `{"type":"malware","name":"x","is_family":true}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Observables([]byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestObservablesErrors(t *testing.T) {
	cases := []struct{ name, raw, field, code string }{
		{"bad pattern", `{"type":"indicator","pattern_type":"stix","pattern":"[ipv4-addr:value = "}`, "pattern", CodePattern},
		{"not JSON", `{"type":`, "object", CodeJSON},
		{"pattern not a string", `{"type":"indicator","pattern_type":"stix","pattern":5}`, "pattern", CodeJSONType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Observables([]byte(tc.raw))
			if !hasError(err, tc.field, tc.code) {
				t.Errorf("got %v, want %s %s", err, tc.field, tc.code)
			}
		})
	}
}

// TestObservablesSamples: the OASIS indicators name the values their
// patterns compare with equality.
func TestObservablesSamples(t *testing.T) {
	total := 0
	for _, s := range allSamples(t) {
		for i, raw := range s.bundle.Objects {
			obs, err := Observables(raw)
			if err != nil {
				t.Errorf("%s objects[%d]: %v", s.name, i, err)
			}
			total += len(obs)
		}
	}
	// 17 equality patterns of the examples and 3 SCOs; the regular
	// expressions and x509 issuer comparisons name none.
	if total != 20 {
		t.Errorf("%d observables in the samples, want 20", total)
	}
}
