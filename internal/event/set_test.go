package event

import (
	"errors"
	"strings"
	"testing"

	"atalaya/internal/valid"
)

func TestSet(t *testing.T) {
	cases := []struct {
		name, field, value string
		want               string // Get after Set; ignored when code is set
		code               string // expected valid.Error code, "" for success
	}{
		{"time rfc3339", "time.source", "2024-03-01T10:20:30Z", "2024-03-01T10:20:30Z", ""},
		{"time rfc3339 offset to utc", "time.source", "2024-03-01T12:20:30.5+02:00", "2024-03-01T10:20:30.5Z", ""},
		{"time space form", "time.observation", "2024-03-01 10:20:30", "2024-03-01T10:20:30Z", ""},
		{"time bad", "time.source", "yesterday", "", "event_time"},
		{"time date only", "time.source", "2024-03-01", "", "event_time"},
		{"feed name trimmed", "feed.name", "  Shadowserver  ", "Shadowserver", ""},
		{"feed name bad utf8", "feed.name", "a\xffb", "", "event_text"},
		{"accuracy", "feed.accuracy", "87.5", "87.5", ""},
		{"accuracy 100", "feed.accuracy", "100", "100", ""},
		{"accuracy over", "feed.accuracy", "100.1", "", "event_accuracy"},
		{"accuracy negative", "feed.accuracy", "-1", "", "event_accuracy"},
		{"accuracy nan", "feed.accuracy", "NaN", "", "event_accuracy"},
		{"feed url", "feed.url", "https://example.org/feed.csv", "https://example.org/feed.csv", ""},
		{"ipv4", "source.ip", "192.0.2.7", "192.0.2.7", ""},
		{"ipv6 canonical", "source.ip", "2001:DB8:0:0::1", "2001:db8::1", ""},
		{"ipv4 mapped unmapped", "destination.ip", "::ffff:198.51.100.1", "198.51.100.1", ""},
		{"ip bad", "source.ip", "192.0.2.256", "", "event_ip"},
		{"ip zone refused", "source.ip", "fe80::1%eth0", "", "event_ip"},
		{"ip hostname refused", "destination.ip", "example.org", "", "event_ip"},
		{"port", "source.port", "443", "443", ""},
		{"port max", "destination.port", "65535", "65535", ""},
		{"port over", "source.port", "65536", "", "event_port"},
		{"port negative", "source.port", "-1", "", "event_port"},
		{"port text", "destination.port", "http", "", "event_port"},
		{"asn plain", "source.asn", "64496", "64496", ""},
		{"asn prefixed", "source.asn", "AS64496", "64496", ""},
		{"asn lower prefix", "destination.asn", "as4200000000", "4200000000", ""},
		{"asn zero", "source.asn", "0", "", "event_asn"},
		{"asn too big", "source.asn", "4294967296", "", "event_asn"},
		{"asn bare prefix", "source.asn", "AS", "", "event_asn"},
		{"asn plus sign", "source.asn", "+5", "", "event_asn"},
		{"as name", "source.as_name", "EXAMPLE-AS Example Net", "EXAMPLE-AS Example Net", ""},
		{"country upper-cased", "source.geolocation.cc", "uy", "UY", ""},
		{"country three letters", "source.geolocation.cc", "URY", "", "event_country"},
		{"country digits", "source.geolocation.cc", "1A", "", "event_country"},
		{"fqdn lower, no dot", "source.fqdn", "WWW.Example.ORG.", "www.example.org", ""},
		{"fqdn idna", "source.fqdn", "bücher.example", "xn--bcher-kva.example", ""},
		{"fqdn underscore", "destination.fqdn", "_dmarc.example.org", "_dmarc.example.org", ""},
		{"fqdn space", "source.fqdn", "bad host.example", "", "event_fqdn"},
		{"fqdn empty label", "source.fqdn", "a..example", "", "event_fqdn"},
		{"fqdn ip", "source.fqdn", "192.0.2.1", "", "event_fqdn"},
		{"fqdn label too long", "source.fqdn", strings.Repeat("a", 64) + ".example", "", "event_fqdn"},
		{"url http", "source.url", "http://example.org/a?b=c", "http://example.org/a?b=c", ""},
		{"url ftp", "destination.url", "FTP://files.example.org/x", "FTP://files.example.org/x", ""},
		{"url relative", "source.url", "/index.html", "", "event_url"},
		{"url javascript", "source.url", "javascript:alert(1)", "", "event_url"},
		{"url no host", "source.url", "http:///path", "", "event_url"},
		{"network", "source.network", "192.0.2.0/24", "192.0.2.0/24", ""},
		{"network masked", "source.network", "192.0.2.77/24", "192.0.2.0/24", ""},
		{"network bad", "source.network", "192.0.2.0/33", "", "event_network"},
		{"transport", "protocol.transport", "TCP", "tcp", ""},
		{"transport spaces", "protocol.transport", "t c p", "", "event_transport"},
		{"application", "protocol.application", "HTTP", "http", ""},
		{"application control char", "protocol.application", "ht\ttp", "", "event_name"},
		{"malware lower", "malware.name", "Mirai", "mirai", ""},
		{"taxonomy", "classification.taxonomy", "Malicious-Code", "malicious-code", ""},
		{"taxonomy unknown", "classification.taxonomy", "bad-stuff", "", "event_taxonomy"},
		{"type", "classification.type", "infected-system", "infected-system", ""},
		{"type unknown", "classification.type", "drive-by", "", "event_type"},
		{"type upper case", "classification.type", "Infected-System", "infected-system", ""},
		{"type with spaces (IntelMQ 2)", "classification.type", "infected system", "infected-system", ""},
		{"legacy botnet drone", "classification.type", "botnet drone", "infected-system", ""},
		{"legacy c&c", "classification.type", "c&c", "c2-server", ""},
		{"legacy c2server", "classification.type", "c2server", "c2-server", ""},
		{"legacy vulnerable service", "classification.type", "vulnerable service", "vulnerable-system", ""},
		{"legacy blacklist", "classification.type", "blacklist", "other", ""},
		{"legacy unknown", "classification.type", "unknown", "undetermined", ""},
		{"legacy defacement", "classification.type", "defacement", "unauthorised-information-modification", ""},
		{"legacy unauthorized-login", "classification.type", "unauthorized-login", "system-compromise", ""},
		{"american spelling", "classification.type", "unauthorized-use-of-resources", "unauthorised-use-of-resources", ""},
		{"legacy name with stray spaces", "classification.type", "  Botnet   Drone ", "infected-system", ""},
		{"taxonomy with spaces (IntelMQ 2)", "classification.taxonomy", "malicious code", "malicious-code", ""},
		{"taxonomy underscores", "classification.taxonomy", "information_content_security", "information-content-security", ""},
		{"identifier", "classification.identifier", "openresolver", "openresolver", ""},
		{"description", "event_description.text", "Open DNS resolver", "Open DNS resolver", ""},
		{"tlp 2.0", "tlp", "TLP:AMBER+STRICT", "amber+strict", ""},
		{"tlp white is clear", "tlp", "WHITE", "clear", ""},
		{"tlp unknown", "tlp", "purple", "", "event_tlp"},
		{"raw verbatim", "raw", "  a,b,c\n", "  a,b,c\n", ""},
		{"extra", "extra.os.name", "Linux", "Linux", ""},
		{"unknown field", "source.colour", "blue", "", "event_unknown_field"},
		{"bare extra prefix", "extra.", "x", "", "event_unknown_field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var e Event
			err := e.Set(tc.field, tc.value)
			if tc.code != "" {
				var ve *valid.Error
				if !errors.As(err, &ve) {
					t.Fatalf("Set(%q, %q) = %v, want a *valid.Error", tc.field, tc.value, err)
				}
				if ve.Code != tc.code || ve.Field != tc.field {
					t.Fatalf("error field %q code %q, want %q %q", ve.Field, ve.Code, tc.field, tc.code)
				}
				if got, ok := e.Get(tc.field); ok {
					t.Fatalf("failed Set left %q", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Set(%q, %q): %v", tc.field, tc.value, err)
			}
			got, ok := e.Get(tc.field)
			if !ok || got != tc.want {
				t.Fatalf("Get(%q) = %q, %v; want %q", tc.field, got, ok, tc.want)
			}
		})
	}
}

func TestSetEmptyClears(t *testing.T) {
	for _, field := range append(Fields(), "extra.note") {
		t.Run(field, func(t *testing.T) {
			var e Event
			if err := e.Set(field, typicalValue(field)); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if _, ok := e.Get(field); !ok {
				t.Fatalf("Get after Set reports unset")
			}
			if err := e.Set(field, ""); err != nil {
				t.Fatalf("Set empty: %v", err)
			}
			if got, ok := e.Get(field); ok {
				t.Fatalf("still set to %q", got)
			}
		})
	}
}

func TestFieldsAreHarmonisationNames(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Fields() {
		if seen[f] {
			t.Errorf("%s listed twice", f)
		}
		seen[f] = true
		if typicalValue(f) == "" {
			t.Errorf("%s has no typical value in the tests", f)
		}
	}
	if len(seen) != 28 {
		t.Errorf("Fields() has %d names, want 28", len(seen))
	}
}

// typicalValue is a good value for each field, used where a test needs one.
func typicalValue(field string) string {
	return map[string]string{
		"time.source": "2024-03-01T10:20:30Z", "time.observation": "2024-03-01T11:00:00Z",
		"feed.name": "scan-dns", "feed.provider": "Shadowserver", "feed.accuracy": "90",
		"feed.url": "https://example.org/feed", "source.ip": "192.0.2.7", "source.port": "53",
		"source.asn": "64496", "source.as_name": "EXAMPLE", "source.geolocation.cc": "UY",
		"source.fqdn": "ns.example.org", "source.url": "http://example.org/x",
		"source.network": "192.0.2.0/24", "destination.ip": "198.51.100.1",
		"destination.port": "80", "destination.asn": "64497", "destination.fqdn": "c2.example.net",
		"destination.url": "http://c2.example.net/gate", "protocol.transport": "udp",
		"protocol.application": "dns", "malware.name": "mirai",
		"classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system",
		"classification.identifier": "openresolver", "event_description.text": "open resolver",
		"tlp": "amber", "raw": "a,b,c", "extra.note": "n",
	}[field]
}
