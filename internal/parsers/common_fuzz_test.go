package parsers

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"atalaya/internal/event"
)

// checkParseInvariants runs p over input and checks what every parser promises
// whatever the input: no panic, every refusal with a line number within
// the input and a storable raw line, every event with its raw line and
// lines in order.
func checkParseInvariants(t *testing.T, p Parser, input []byte) {
	t.Helper()
	maxLine := bytes.Count(input, []byte{'\n'}) + 1
	last := 0
	err := p.Parse(bytes.NewReader(input), func(line int, e *event.Event) error {
		if line <= 0 || line > maxLine || line < last {
			t.Fatalf("event at line %d (input has %d lines, previous event at %d)", line, maxLine, last)
		}
		last = line
		if e.Raw == "" || len(e.Raw) > maxRecord || !utf8.ValidString(e.Raw) {
			t.Fatalf("line %d: raw of %d bytes, valid UTF-8 %v", line, len(e.Raw), utf8.ValidString(e.Raw))
		}
		if e.Type != "" && e.Taxonomy != "" && !event.TypeBelongs(e.Taxonomy, e.Type) {
			t.Fatalf("line %d: type %s not of taxonomy %s", line, e.Type, e.Taxonomy)
		}
		return nil
	}, func(r event.Rejected) {
		if r.Line <= 0 || r.Line > maxLine {
			t.Fatalf("refusal at line %d (input has %d lines): %+v", r.Line, maxLine, r)
		}
		if r.Code == "" || r.Message == "" || len(r.Raw) > maxRecord || !utf8.ValidString(r.Raw) {
			t.Fatalf("refusal without code or message, or raw not storable: %+v", r)
		}
	})
	_ = err // header problems fail the whole input; that is allowed
}

// jsonFeedFormats are the formats FuzzJSONFeeds spreads its inputs over,
// by the input's first byte.
var jsonFeedFormats = []string{"microsoft-ctip", "microsoft-bingmurls", "anubisnetworks", "cznic-proki", "otx", "cert-eu"}

// FuzzJSONFeeds feeds every JSON (and the CERT-EU CSV) format of this
// family: the first byte of the input picks the format.
func FuzzJSONFeeds(f *testing.F) {
	seeds := []string{
		`[{"indicatorthreattype": "Botnet", "description": "Host is a member of Botnet B85-R2S", "externalid": "B85-R2S", "tlplevel": "Green", "confidence": 20, "firstreporteddatetime": "2018-02-06T09:37:02", "version": 1.5, "networksourceipv4": "224.0.5.8", "networksourceport": 1204, "networkdestinationipv4": "198.18.18.18", "networkdestinationport": 443, "networksourceasn": "65536", "additionalmetadata": ["null"], "hostname": "198.18.18.18", "useragent": ""}]`,
		`[{"Attributable": true, "Description": "Website has been identified as malicious by Bing", "FirstReportedDateTime": "2018-05-28T07:00:00Z", "IndicatorThreatType": "MaliciousUrl", "NetworkDestinationAsn": 65540, "NetworkDestinationIPv4": "127.5.9.48", "NetworkDestinationPort": 80, "Tags": ["at"], "TLPLevel": "Amber", "Url": "http://01.example.com/foobar.html", "Version": 1.5}]`,
		`{"_geo_env_remote_addr": {"path": "env.remote_addr", "asn_name": "ExampleAS", "asn": 65536, "ip": "203.0.113.2", "netmask": 24, "country_code": "AT"}, "_ts": 1484041530, "qtype": "A", "trojanfamily": "Nivdort", "env": {"server_port": 80, "remote_addr": "203.0.113.2", "request_method": "POST"}}`,
		`{"status": "OK", "data": [{"malware.name": "conficker", "destination.port": 80, "source.ip": "192.0.3.1", "classification.taxonomy": "malicious code", "classification.type": "infected-system", "time.source": "2020-08-12T13:32:31+00:00", "feed.name": "spamhaus-cert"}]}`,
		`[{"name": "p", "id": "55e6bfb14637f22cb605746e", "TLP": "white", "tags": ["apt"], "indicators": [{"indicator": "http://107.6.172.54/woolen/", "type": "URL", "created": "2015-09-02T09:21:53.093"}, {"indicator": "84.11.146.62", "type": "IPv4", "created": "2015-09-02T09:21:53.093"}]}]`,
		"feed code,source ip,source time,observation time,tlp,type,source cc,url,domain name,version\nRI,109.125.93.10,2019-04-01 03:13:20Z,2019-04-01 10:13:23Z,amber,malware url,AT,http://example.com/,,1.5\n",
	}
	for i, s := range seeds {
		f.Add(append([]byte{byte(i)}, s...))
	}
	parsers := make([]Parser, len(jsonFeedFormats))
	for i, format := range jsonFeedFormats {
		p, err := New(format, Config{})
		if err != nil {
			f.Fatal(err)
		}
		parsers[i] = p
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		checkParseInvariants(t, parsers[int(data[0])%len(parsers)], data[1:])
	})
}

// TestFuzzSeedsParse runs the fuzz seeds as a test with a check the fuzz
// target cannot make: each seed gives at least one event.
func TestFuzzSeedsParse(t *testing.T) {
	inputs := map[string]string{
		"microsoft-ctip": `[{"indicatorthreattype": "Botnet", "version": 1.5, "networksourceipv4": "224.0.5.8", "firstreporteddatetime": "2018-02-06T09:37:02"}]`,
		"cert-eu":        "source ip,source time,type\n192.0.2.1,2019-04-01 03:13:20Z,scanner\n",
	}
	for format, in := range inputs {
		if g := gatherText(t, format, Config{}, in); len(g.events) != 1 || !strings.Contains(in, g.events[0].Raw) {
			t.Errorf("%s: %+v", format, g)
		}
	}
}
