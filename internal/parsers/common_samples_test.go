package parsers

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
)

// TestFeedSamplesA parses the samples of this family's JSON (and CERT-EU
// CSV) feeds: none is refused, each event's raw is its record as the file
// writes it, and each passes validation with the pipeline's defaults.
func TestFeedSamplesA(t *testing.T) {
	tests := []struct {
		format string
		path   []string
		events int
	}{
		{"cert-eu", []string{"cert-eu", "example.csv"}, 2},
		{"microsoft-ctip", []string{"microsoft-ctip", "ctip.txt"}, 5},
		{"microsoft-bingmurls", []string{"microsoft-bingmurls", "bingmurls.json"}, 2},
		{"anubisnetworks", []string{"bitsight-anubisnetworks", "example_report.json"}, 1},
		{"cznic-proki", []string{"cznic-proki", "example_proki.json"}, 1},
		// 35 of the 95 indicators name a host: 9 IPv4, 14 hostname, 5
		// domain, 5 URL and 1 of the 2 URIs (the other is a path alone).
		{"otx", []string{"alienvault-otx", "test_parser_otx.data"}, 34},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			path := sharedtest.Path(t, append([]string{"feeds"}, tc.path...)...)
			g := gatherFile(t, tc.format, Config{}, path)
			if g.err != nil || len(g.rejects) > 0 {
				t.Fatalf("Parse: %v; refused %+v", g.err, g.rejects)
			}
			if len(g.events) != tc.events {
				t.Fatalf("%d events, want %d", len(g.events), tc.events)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := fileLines(t, path)
			for i, e := range g.events {
				if !strings.Contains(string(data), e.Raw) || e.Raw == "" {
					t.Errorf("event %d: raw is not part of the file: %q", i, e.Raw)
				}
				if first, _, _ := strings.Cut(e.Raw, "\n"); !strings.Contains(lines[g.lines[i]], first) {
					t.Errorf("event %d: line %d (%q) is not where its raw starts (%q)", i, g.lines[i], lines[g.lines[i]], first)
				}
				if e.FeedName != "" || !e.TimeObservation.IsZero() || e.FeedAccuracy != 0 {
					t.Errorf("event %d: the parser set feed.* or time.observation", i)
				}
				if err := asStored(e).Validate(); err != nil {
					t.Errorf("event %d (line %d): %v", i, g.lines[i], err)
				}
				if e.TimeSource.IsZero() {
					t.Errorf("event %d: no time.source", i)
				}
			}
		})
	}
}

// TestFeedSampleFieldsA pins fields of sample records against the files.
func TestFeedSampleFieldsA(t *testing.T) {
	tests := []struct {
		format string
		path   []string
		event  int
		want   map[string]string
	}{
		{"cert-eu", []string{"cert-eu", "example.csv"}, 0, map[string]string{
			"source.ip": "109.125.93.10", "time.source": "2019-04-01T03:13:20Z", "tlp": "amber",
			"classification.taxonomy": "malicious-code", "classification.type": "malware-distribution",
			"source.url": "http://example.com/", "source.asn": "65536", "source.as_name": "EXAMPLE, AT",
			"source.geolocation.cc": "AT", "source.port": "80", "extra.datasource": "RI",
			"extra.confidence": "51", "extra.cert_eu_time_observation": "2019-04-01 10:13:23Z",
			"extra.source.geolocation.city": "Linz", "extra.reported_asn": "65536", "extra.version": ""}},
		{"cert-eu", []string{"cert-eu", "example.csv"}, 1, map[string]string{
			"classification.type": "phishing", "source.fqdn": "example.com", "tlp": "green",
			"extra.event_description.target": "Other"}},
		{"microsoft-ctip", []string{"microsoft-ctip", "ctip.txt"}, 0, map[string]string{
			"source.ip": "224.0.5.8", "source.port": "1204", "source.asn": "65536",
			"destination.ip": "198.18.18.18", "destination.port": "443", "destination.fqdn": "",
			"malware.name": "b85-r2s", "time.source": "2018-02-06T09:37:02Z", "tlp": "green",
			"classification.type": "infected-system", "extra.confidence": "20",
			"extra.additionalmetadata": "", "event_description.text": "Host is a member of Botnet B85-R2S"}},
		{"microsoft-ctip", []string{"microsoft-ctip", "ctip.txt"}, 3, map[string]string{
			"destination.ip": "", "source.ip": "198.51.100.100"}},
		{"microsoft-ctip", []string{"microsoft-ctip", "ctip.txt"}, 4, map[string]string{
			"destination.ip": "192.88.99.209", "destination.fqdn": ""}},
		{"microsoft-bingmurls", []string{"microsoft-bingmurls", "bingmurls.json"}, 1, map[string]string{
			"source.url": "http://010302.example.org/", "source.ip": "198.51.48.124", "source.port": "80",
			"source.asn": "64510", "tlp": "amber", "classification.identifier": "MaliciousUrl",
			"classification.type": "malware-distribution", "extra.tags": `["de"]`,
			"extra.threat_detection_product": "Forefront", "extra.last_reported": ""}},
		{"anubisnetworks", []string{"bitsight-anubisnetworks", "example_report.json"}, 0, map[string]string{
			"source.ip": "203.0.113.2", "time.source": "2017-01-10T09:45:30Z", "malware.name": "nivdort",
			"destination.port": "80", "source.asn": "65536", "source.as_name": "ExampleAS",
			"source.geolocation.cc": "AT", "source.network": "203.0.113.0/24",
			"classification.type": "infected-system", "extra.dns_query_type": "A",
			"extra.env.request_method": "POST", "extra._origin": "dnsmalware",
			"event_description.text": "Sinkhole attempted connection"}},
		{"cznic-proki", []string{"cznic-proki", "example_proki.json"}, 0, map[string]string{
			"source.ip": "192.0.3.1", "destination.ip": "192.0.2.1", "destination.port": "80",
			"source.network": "192.0.3.0/24", "malware.name": "conficker", "protocol.transport": "tcp",
			"classification.taxonomy": "malicious-code", "classification.type": "infected-system",
			"time.source": "2020-08-12T13:32:31Z", "extra.original_feed_name": "spamhaus-cert",
			"extra.original_time_observation": "2020-08-12T14:42:42+00:00", "extra.original_feed_accuracy": "100",
			"extra.source.local_port": "18392", "extra.destination.geolocation.cc": "ZZ",
			"extra.source.abuse_contact": "contact@example.com"}},
		{"otx", []string{"alienvault-otx", "test_parser_otx.data"}, 0, map[string]string{
			"source.url": "http://107.6.172.54/woolen/", "time.source": "2015-09-02T09:21:53.093Z",
			"classification.taxonomy": "other", "classification.type": "other",
			"event_description.text": "The Spy Kittens Are Back: Rocket Kitten 2",
			"extra.author":           "AlienVault", "extra.pulse_key": "55e6bfb14637f22cb605746e",
			"extra.tags": `["spy kittens","rocket kitten","ghole","spearphishing","Social engineering","TSPY_WOOLERG","apt","trendmicro"]`}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			g := gatherFile(t, tc.format, Config{}, sharedtest.Path(t, append([]string{"feeds"}, tc.path...)...))
			if len(g.events) <= tc.event {
				t.Fatalf("%d events, refused %+v, %v", len(g.events), g.rejects, g.err)
			}
			for field, want := range tc.want {
				if got := get(g.events[tc.event], field); got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
		})
	}
}

// TestOTXSample checks the OTX sample's events against the sample read
// independently: one event per indicator of a routable type, at the
// indicator's line, with its JSON as raw.
func TestOTXSample(t *testing.T) {
	path := sharedtest.Path(t, "feeds", "alienvault-otx", "test_parser_otx.data")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pulses []struct {
		TLP        string
		Indicators []struct{ Indicator, Type string }
	}
	if err := json.Unmarshal(data, &pulses); err != nil {
		t.Fatal(err)
	}
	var want []string
	var tlps []string
	for _, p := range pulses {
		for _, ind := range p.Indicators {
			switch ind.Type {
			case "IPv4", "IPv6", "hostname", "domain", "URL", "URI":
				if ind.Type == "URI" && strings.HasPrefix(ind.Indicator, "/") {
					continue
				}
				want = append(want, ind.Indicator)
				tlps = append(tlps, p.TLP)
			}
		}
	}
	g := gatherFile(t, "otx", Config{}, path)
	if len(g.events) != len(want) {
		t.Fatalf("%d events, want %d", len(g.events), len(want))
	}
	lines := fileLines(t, path)
	for i, e := range g.events {
		if !strings.Contains(e.Raw, `"`+want[i]+`"`) {
			t.Errorf("event %d: raw %q is not indicator %q", i, e.Raw, want[i])
		}
		if strings.TrimSpace(lines[g.lines[i]]) != "{" || (i > 0 && g.lines[i] <= g.lines[i-1]) {
			t.Errorf("event %d: line %d (%q) is not its indicator's opening brace, in order", i, g.lines[i], lines[g.lines[i]])
		}
		wantTLP := strings.ReplaceAll(strings.ToLower(tlps[i]), "white", "clear")
		if e.TLP != wantTLP {
			t.Errorf("event %d: tlp %q, pulse says %q", i, e.TLP, tlps[i])
		}
	}
}

func TestJSONFeedRecords(t *testing.T) {
	const ctipRecord = `{"version": 1.5, "indicatorthreattype": "Botnet", "networksourceipv4": "192.0.2.1",
		"firstreporteddatetime": "2018-02-06T09:37:02", "confidence": 50, "hostname": "c2.example",
		"networkdestinationipv4": "198.51.100.1, 198.51.100.1", "Severity": "high", "additionalmetadata": ["x"]}`
	tests := []struct {
		name, format, in string
		want             []map[string]string
		lines            []int
		rejects          map[int]string
		err              string
	}{
		{"ctip: keys in any case, doubled address, hostname", "microsoft-ctip", "[" + ctipRecord + "]",
			[]map[string]string{{"source.ip": "192.0.2.1", "destination.ip": "198.51.100.1",
				"destination.fqdn": "c2.example", "extra.severity": "high", "extra.additionalmetadata": `["x"]`}},
			[]int{1}, nil, ""},
		{"ctip: other versions and threat types refused", "microsoft-ctip",
			"[" + strings.Replace(ctipRecord, "1.5", "2.0", 1) + ",\n" + strings.Replace(ctipRecord, "Botnet", "Phishing", 1) + "]",
			nil, nil, map[int]string{1: "parsers_version", 4: "parsers_threat_type"}, ""},
		{"ctip: bad address refuses", "microsoft-ctip", "[" + strings.Replace(ctipRecord, "192.0.2.1", "192.0.2", 1) + "]",
			nil, nil, map[int]string{1: "source.ip event_ip"}, ""},
		{"bing: placeholders dropped, later report kept", "microsoft-bingmurls",
			`[{"Version": 1.5, "IndicatorThreatType": "MaliciousUrl", "Url": "https://x.example/a", "FirstReportedDateTime": "2018-05-28T07:00:00Z",
			"LastReportedDateTime": "2018-05-29T07:00:00Z", "NetworkDestinationIPv4": "0.0.0.0", "NetworkDestinationAsn": 0}]`,
			[]map[string]string{{"source.url": "https://x.example/a", "source.ip": "", "source.asn": "",
				"extra.last_reported": "2018-05-29T07:00:00Z"}}, []int{1}, nil, ""},
		{"anubis: JSON lines, unknown keys kept, url built", "anubisnetworks",
			`{"_ts": 1484041530, "src": {"ip": "192.0.2.5", "port": 4444}, "comm": {"proto": "http", "http": {"host": "c2.example", "path": "/gate.php"}}, "malw": {"family": "zeus"}, "odd": {"k": [1]}}` + "\n" +
				`{"_ts": "soon", "src": {"ip": "192.0.2.6"}}` + "\n",
			[]map[string]string{{"source.ip": "192.0.2.5", "source.port": "4444", "destination.fqdn": "c2.example",
				"destination.url": "http://c2.example/gate.php", "protocol.application": "http",
				"classification.identifier": "zeus", "extra.odd.k": "[1]"}},
			[]int{1}, map[int]string{2: "time.source event_time"}, ""},
		{"proki: a bare array, a bad optional value kept", "cznic-proki",
			`[{"source.ip": "192.0.2.1", "time.source": "2020-08-12T13:32:31+00:00", "source.asn": "AS-bad", "classification.type": "scanner"}]`,
			[]map[string]string{{"source.ip": "192.0.2.1", "source.asn": "", "extra.source.asn": "AS-bad",
				"classification.taxonomy": "information-gathering"}}, []int{1}, nil, ""},
		{"proki: an answer without data", "cznic-proki", `{"status": "error", "message": "bad key"}`,
			nil, nil, nil, "no data array"},
		{"otx: a pulse per line, non-routable indicators left out", "otx",
			`{"name": "p", "id": "1", "indicators": [{"indicator": "192.0.2.1", "type": "IPv4", "created": "2017-06-15T05:13:01.544"}, {"indicator": "d41d8cd98f00b204e9800998ecf8427e", "type": "FileHash-MD5", "created": "2017-06-15T05:13:01.544"}]}` + "\n" +
				`{"name": "q", "id": "2", "indicators": [{"indicator": "bad.example/x.php", "type": "domain", "created": "2017-06-15T05:13:01"}, {"indicator": "not an ip", "type": "IPv4", "created": "2017-06-15T05:13:01"}]}` + "\n",
			[]map[string]string{{"source.ip": "192.0.2.1", "extra.pulse": "p"}, {"source.url": "http://bad.example/x.php", "extra.pulse_key": "2"}},
			[]int{1, 2}, map[int]string{2: "source.ip event_ip"}, ""},
		{"cert-eu: unknown type and version", "cert-eu",
			"source ip,type,version,source time\n192.0.2.1,weird thing,1.5,2019-04-01 03:13:20Z\n192.0.2.2,phishing,2.0,\n",
			[]map[string]string{{"classification.type": "undetermined", "extra.type": "weird thing"}},
			[]int{2}, map[int]string{3: "parsers_version"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := gatherText(t, tc.format, Config{}, tc.in)
			checkGathered(t, g, tc.want, tc.lines, tc.rejects, tc.err)
		})
	}
}

// TestJSONFeedConstants checks that a feed's constants may classify a
// format's events otherwise, and fill what the records leave.
func TestJSONFeedConstants(t *testing.T) {
	g := gatherFile(t, "microsoft-bingmurls",
		Config{Constants: map[string]string{"classification.type": "phishing", "protocol.application": "http"}},
		sharedtest.Path(t, "feeds", "microsoft-bingmurls", "bingmurls.json"))
	if len(g.events) != 2 {
		t.Fatalf("%d events: %+v %v", len(g.events), g.rejects, g.err)
	}
	for _, e := range g.events {
		if e.Taxonomy != "fraud" || e.Type != "phishing" || e.ProtocolApplication != "http" {
			t.Errorf("got %s/%s %s, want fraud/phishing http", e.Taxonomy, e.Type, e.ProtocolApplication)
		}
	}
}
