package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"atalaya/internal/event"
	"atalaya/internal/sharedtest"
	"atalaya/internal/stix"
)

// TestSTIXSamples parses the OASIS example bundles and the TAXII test
// lab's indicators. The expected counts come from reading the files: one
// event per IP, network, domain or URL an indicator's pattern compares
// (hashes, e-mail and certificate patterns give none), one per indicator
// id (the test lab holds five versions of one indicator).
func TestSTIXSamples(t *testing.T) {
	cases := []struct {
		path   []string
		events int
		first  ktWant // fields of the first event
	}{
		{[]string{"stix", "examples", "oasis-cti-documentation", "indicator-for-malicious-url.json"}, 1,
			ktWant{"source.url": "http://x4z9arb.cn/4712/", "source.fqdn": "x4z9arb.cn",
				"classification.taxonomy": "malicious-code", "classification.type": "malware-distribution",
				"malware.name": "x4z9arb backdoor", "time.source": "2014-06-29T13:49:37.079Z",
				"classification.identifier": "malicious-activity",
				"extra.stix.indicator_id":   "indicator--d81f86b9-975b-4c0b-875e-810c5ad45a4f"}},
		{[]string{"stix", "examples", "oasis-cti-documentation", "sighting-of-an-indicator.json"}, 1,
			ktWant{"source.url": "http://paypa1.banking.com", "classification.type": "other"}},
		{[]string{"stix", "examples", "oasis-cti-documentation", "using-marking-definitions.json"}, 1,
			ktWant{"source.ip": "10.0.0.0", "tlp": "amber"}},
		{[]string{"stix", "examples", "oasis-cti-documentation", "malware-indicator-for-file-hash.json"}, 0, nil},
		{[]string{"stix", "examples", "oasis-cti-documentation", "using-granular-markings.json"}, 0, nil},
		{[]string{"stix", "examples", "oasis-cti-documentation", "defining-campaigns-threat-actors-intrusion-sets.json"}, 0, nil},
		{[]string{"stix", "examples", "oasis-schemas-repo", "apt1.json"}, 7,
			ktWant{"source.network": "223.166.0.0/15", "source.ip": "223.166.0.0",
				"classification.type": "c2-server"}},
		{[]string{"stix", "examples", "oasis-schemas-repo", "indicator-for-c2-ip-address.json"}, 1,
			ktWant{"source.ip": "10.0.0.0", "event_description.text": "IP Address for known C2 channel"}},
		{[]string{"stix", "examples", "oasis-schemas-repo", "indicators-for-C2-with-COA.json"}, 1,
			ktWant{"source.ip": "10.0.0.0", "malware.name": "poison ivy", "classification.type": "c2-server"}},
		{[]string{"stix", "examples", "oasis-schemas-repo", "indicator-to-campaign-relationship.json"}, 1, nil},
		{[]string{"stix", "examples", "oasis-schemas-repo", "malicious-email-indicator-with-attachment.json"}, 0, nil},
		{[]string{"stix", "examples", "oasis-schemas-repo", "interop-objectmarking-test.json"}, 0, nil},
		{[]string{"stix", "examples", "oasis-schemas-repo", "infrastructure.json"}, 0, nil},
		{[]string{"taxii", "freetaxii-testlab", "indicators.json"}, 2,
			ktWant{"source.ip": "192.168.100.100", "classification.taxonomy": "intrusions",
				"classification.type": "system-compromise", "extra.stix.confidence": "99", "feed.accuracy": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.path[len(tc.path)-1], func(t *testing.T) {
			f, err := os.Open(sharedtest.Path(t, tc.path...))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := ktParseAll(t, "stix", Config{}, f)
			for _, r := range got.rejects {
				t.Errorf("object %d refused: %s", r.Line, r.Message)
			}
			if len(got.events) != tc.events {
				t.Fatalf("%d events, want %d", len(got.events), tc.events)
			}
			for i, e := range got.events {
				if err := ktStored(e).Validate(); err != nil {
					t.Errorf("event %d: %v", i, err)
				}
			}
			if tc.first != nil {
				ktCheck(t, got.events[0], tc.first)
			}
		})
	}
}

// TestSTIXTAXIIEnvelope reads a collection of the OASIS reference TAXII
// server's data as the envelope its objects endpoint answers: three
// versions of one URL indicator give one event, of the latest version.
func TestSTIXTAXIIEnvelope(t *testing.T) {
	data, err := os.ReadFile(sharedtest.Path(t, "taxii", "medallion", "default_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var server struct {
		Group struct {
			Collections []struct {
				ID      string            `json:"id"`
				Objects []json.RawMessage `json:"objects"`
			} `json:"collections"`
		} `json:"trustgroup1"`
	}
	if err := json.Unmarshal(data, &server); err != nil {
		t.Fatal(err)
	}
	var objects []json.RawMessage
	for _, c := range server.Group.Collections {
		if c.ID == "91a7b528-80eb-42ed-a74d-c6fbd5a26116" {
			objects = c.Objects
		}
	}
	envelope, _ := json.Marshal(map[string]any{"more": false, "objects": objects})
	got := ktParseAll(t, "stix", Config{}, bytes.NewReader(envelope))
	if len(got.events) != 1 || len(got.rejects) != 0 {
		t.Fatalf("%d events, %v refused; want 1, none", len(got.events), got.rejects)
	}
	ktCheck(t, got.events[0], ktWant{"source.url": "http://x4z9arb.cn/4712", "source.fqdn": "x4z9arb.cn",
		"classification.identifier": "url-watchlist"})
	if got.lines[0] != 5 {
		t.Errorf("line %d, want 5 (the fifth object)", got.lines[0])
	}
}

// stixBundle wraps indicator JSON texts in a bundle.
func stixBundle(objects ...string) string {
	return `{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[` + strings.Join(objects, ",") + `]}`
}

// stixInd writes an indicator with the properties given (JSON members).
func stixInd(id, pattern string, more ...string) string {
	s := `{"type":"indicator","spec_version":"2.1","id":"indicator--` + id + `","created":"2024-01-01T00:00:00.000Z",` +
		`"modified":"2024-01-01T00:00:00.000Z","pattern_type":"stix","valid_from":"2024-01-02T00:00:00Z",` +
		`"pattern":` + stixQuote(pattern)
	for _, m := range more {
		s += "," + m
	}
	return s + "}"
}

func stixQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

const (
	stixID1 = "00000000-0000-4000-8000-000000000001"
	stixID2 = "00000000-0000-4000-8000-000000000002"
	stixID3 = "00000000-0000-4000-8000-000000000003"
)

func TestSTIXIndicators(t *testing.T) {
	amber2 := stix.TLPMarkingID(stix.TLPAmber)
	red2 := stix.TLPMarkingID(stix.TLPRed)
	cases := []struct {
		name   string
		input  string
		cfg    Config
		events []ktWant // each event's fields, in order
		reject string   // code of the one refused object, "" for none
		line   int      // its line
	}{
		{"address and domain of one pattern",
			stixBundle(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1'] OR [domain-name:value = 'Bad.Example.ORG']",
				`"indicator_types":["malicious-activity"]`)),
			Config{}, []ktWant{{"source.ip": "192.0.2.1", "time.source": "2024-01-02T00:00:00Z", "classification.type": "other"},
				{"source.fqdn": "bad.example.org", "source.ip": ""}}, "", 0},
		{"networks: /32 is an address, /24 a network",
			stixBundle(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1/32' OR ipv6-addr:value = '2001:db8::/32']")),
			Config{}, []ktWant{{"source.ip": "192.0.2.1", "source.network": ""},
				{"source.network": "2001:db8::/32", "source.ip": "2001:db8::"}}, "", 0},
		{"network-traffic destination",
			stixBundle(stixInd(stixID1, "[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 443]")),
			Config{}, []ktWant{{"source.ip": "198.51.100.7"}}, "", 0},
		{"negated comparisons name nothing",
			stixBundle(stixInd(stixID1, "[ipv4-addr:value != '192.0.2.1']"), stixInd(stixID2, "[url:value = 'http://ok.example/']")),
			Config{}, []ktWant{{"source.url": "http://ok.example/"}}, "", 0},
		{"revoked, benign and other pattern languages give nothing",
			stixBundle(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1']", `"revoked":true`),
				stixInd(stixID2, "[ipv4-addr:value = '192.0.2.2']", `"indicator_types":["benign"]`),
				`{"type":"indicator","id":"indicator--`+stixID3+`","pattern_type":"sigma","pattern":"title: x"}`),
			Config{}, nil, "", 0},
		{"latest version wins, wherever it is",
			stixBundle(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1']"),
				strings.Replace(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.9']"), `"modified":"2024-01-01T00:00:00.000Z"`, `"modified":"2024-02-01T00:00:00.000Z"`, 1),
				stixInd(stixID1, "[ipv4-addr:value = '192.0.2.5']")),
			Config{}, []ktWant{{"source.ip": "192.0.2.9"}}, "", 0},
		{"bad pattern refused, the rest read",
			stixBundle(stixInd(stixID1, "[ipv4-addr:value = "), stixInd(stixID2, "[ipv4-addr:value = '192.0.2.2']")),
			Config{}, []ktWant{{"source.ip": "192.0.2.2"}}, stix.CodePattern, 1},
		{"bad value refused",
			stixBundle(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.300']"), stixInd(stixID2, "[url:value = 'http://ok.example/']")),
			Config{}, []ktWant{{"source.url": "http://ok.example/"}}, "event_ip", 1},
		{"object that is not an object",
			stixBundle(`[1]`, stixInd(stixID2, "[ipv4-addr:value = '192.0.2.2']")),
			Config{}, []ktWant{{"source.ip": "192.0.2.2"}}, kitCodeJSON, 1},
		{"TLP: strictest of TLP 2.0 ids and a TLP 1.0 definition of the bundle",
			stixBundle(`{"type":"marking-definition","id":"marking-definition--`+stixID3+`","definition_type":"tlp","definition":{"tlp":"green"}}`,
				stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1']", `"object_marking_refs":["marking-definition--`+stixID3+`","`+amber2+`"]`),
				stixInd(stixID2, "[ipv4-addr:value = '192.0.2.2']", `"object_marking_refs":["marking-definition--`+stixID3+`"]`),
				stixInd("00000000-0000-4000-8000-000000000004", "[ipv4-addr:value = '192.0.2.3']", `"object_marking_refs":["`+red2+`","`+amber2+`"]`)),
			Config{}, []ktWant{{"tlp": "amber"}, {"tlp": "green"}, {"tlp": "red"}}, "", 0},
		{"classification by type and kill chain",
			stixBundle(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1']", `"indicator_types":["compromised"]`),
				stixInd(stixID2, "[ipv4-addr:value = '192.0.2.2']", `"indicator_types":["malicious-activity"]`,
					`"kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"command-and-control"}]`),
				stixInd(stixID3, "[ipv4-addr:value = '192.0.2.3']", `"indicator_types":["unknown"]`)),
			Config{}, []ktWant{{"classification.taxonomy": "intrusions", "classification.type": "system-compromise"},
				{"classification.taxonomy": "malicious-code", "classification.type": "c2-server"},
				{"classification.taxonomy": "other", "classification.type": "undetermined"}}, "", 0},
		{"no indicator type: the feed's constants classify",
			stixBundle(stixInd(stixID1, "[domain-name:value = 'phish.example']")),
			Config{Constants: map[string]string{"classification.type": "phishing"}},
			[]ktWant{{"classification.taxonomy": "fraud", "classification.type": "phishing"}}, "", 0},
		{"a lone indicator, its confidence kept",
			stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1']", `"confidence":75`),
			Config{}, []ktWant{{"source.ip": "192.0.2.1", "extra.stix.confidence": "75", "feed.accuracy": ""}}, "", 0},
		{"not JSON", "{nope", Config{}, nil, kitCodeJSON, 1},
		{"neither bundle nor object", `{"type":"campaign"}`, Config{}, nil, kitCodeDocument, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ktParseAll(t, "stix", tc.cfg, strings.NewReader(tc.input))
			if len(got.events) != len(tc.events) {
				t.Fatalf("%d events, want %d", len(got.events), len(tc.events))
			}
			for i, w := range tc.events {
				ktCheck(t, got.events[i], w)
				if err := ktStored(got.events[i]).Validate(); err != nil {
					t.Errorf("event %d: %v", i, err)
				}
			}
			switch {
			case tc.reject == "" && len(got.rejects) > 0:
				t.Errorf("refused %+v", got.rejects)
			case tc.reject != "" && (len(got.rejects) != 1 || got.rejects[0].Code != tc.reject || got.rejects[0].Line != tc.line):
				t.Errorf("refused %+v, want one of code %q at %d", got.rejects, tc.reject, tc.line)
			}
		})
	}
}

func TestSTIXEmitError(t *testing.T) {
	p, err := New("stix", Config{})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	err = p.Parse(strings.NewReader(stixBundle(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1']"), stixInd(stixID2, "[ipv4-addr:value = '192.0.2.2']"))),
		func(int, *event.Event) error { calls++; return stop }, func(event.Rejected) {})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Parse = %v after %d emits, want %v after 1", err, calls, stop)
	}
}
