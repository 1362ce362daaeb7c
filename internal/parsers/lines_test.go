package parsers

import (
	"errors"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"atalaya/internal/event"
	"atalaya/internal/sharedtest"
)

// ktParsed is what one Parse gave: the events (copied, as a consumer must)
// with their line numbers, and the refused lines.
type ktParsed struct {
	events  []event.Event
	lines   []int
	rejects []event.Rejected
}

// ktParseAll runs format over input and keeps everything it hands out.
func ktParseAll(t testing.TB, format string, cfg Config, input io.Reader) ktParsed {
	t.Helper()
	p, err := New(format, cfg)
	if err != nil {
		t.Fatalf("New(%q): %v", format, err)
	}
	var out ktParsed
	err = p.Parse(input, func(line int, e *event.Event) error {
		c := *e
		c.Extra = maps.Clone(e.Extra)
		out.events = append(out.events, c)
		out.lines = append(out.lines, line)
		return nil
	}, func(r event.Rejected) { out.rejects = append(out.rejects, r) })
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return out
}

// ktParseText is ktParseAll over a string.
func ktParseText(t testing.TB, format, text string) ktParsed {
	t.Helper()
	return ktParseAll(t, format, Config{}, strings.NewReader(text))
}

// ktStored gives e what the pipeline adds before Validate (feed name and
// observation time), so a test can check that a ktParsed event is storable.
func ktStored(e event.Event) event.Event {
	e.FeedName = "test-feed"
	e.TimeObservation = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	return e
}

// TestLineSamples parses every sample of the line formats in
// ../shared/testdata/feeds: no line is refused, the number of events is the
// one counted by hand from the file, and every event is storable.
func TestLineSamples(t *testing.T) {
	cases := []struct {
		format string
		path   []string
		events int
	}{
		// 35 data lines; the darknet line with ports 23, 2323 gives 2
		// events and the one listing 10 ports gives 10.
		{"cymru-cap", []string{"cymru", "certname_20190327.txt"}, 35 + 1 + 9},
		{"spamhaus-drop", []string{"spamhaus", "drop.txt"}, 2},
		{"spamhaus-cert", []string{"spamhaus", "cert.txt"}, 19},
		{"feodo", []string{"abusech", "feodoips.txt"}, 2},
		{"feodo", []string{"abusech", "feodotracker.html"}, 2},
		{"blocklistde", []string{"blocklistde", "imap.txt"}, 6},
		{"dshield", []string{"dshield", "block.txt"}, 2},
		{"openphish", []string{"openphish", "feed.txt"}, 2},
		{"bambenek", []string{"bambenek", "c2-ipmasterlist.txt"}, 1},
		{"zoneh", []string{"zoneh", "defacement_accepted.csv"}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.format+"/"+tc.path[len(tc.path)-1], func(t *testing.T) {
			f, err := os.Open(sharedtest.Path(t, append([]string{"feeds"}, tc.path...)...))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := ktParseAll(t, tc.format, Config{}, f)
			for _, r := range got.rejects {
				t.Errorf("line %d refused: %s (%s)", r.Line, r.Message, r.Raw)
			}
			if len(got.events) != tc.events {
				t.Errorf("%d events, ktWant %d", len(got.events), tc.events)
			}
			for i, e := range got.events {
				if err := ktStored(e).Validate(); err != nil {
					t.Errorf("event of line %d: %v", got.lines[i], err)
				}
				if e.Raw == "" {
					t.Errorf("event of line %d has no raw", got.lines[i])
				}
				if i > 0 && got.lines[i] < got.lines[i-1] {
					t.Errorf("line numbers go back: %d after %d", got.lines[i], got.lines[i-1])
				}
			}
		})
	}
}

// ktWant is a field and its expected value (Get's form); "" expects unset.
type ktWant map[string]string

// ktCheck compares the fields named in w.
func ktCheck(t *testing.T, e event.Event, w ktWant) {
	t.Helper()
	for field, v := range w {
		got, _ := e.Get(field)
		if got != v {
			t.Errorf("%s = %q, ktWant %q", field, got, v)
		}
	}
}

// eventsOfLine returns the events ktParsed from line n.
func (p ktParsed) eventsOfLine(n int) []event.Event {
	var out []event.Event
	for i, l := range p.lines {
		if l == n {
			out = append(out, p.events[i])
		}
	}
	return out
}

// TestLineSampleFields checks chosen lines of the samples field by field,
// with the values IntelMQ's own tests expect for the same lines (their
// legacy type names read as the RSIT types they stand for).
func TestLineSampleFields(t *testing.T) {
	type lineWant struct {
		line   int
		index  int // which of the line's events
		ktWant ktWant
	}
	cases := []struct {
		format string
		path   []string
		lines  []lineWant
	}{
		{"cymru-cap", []string{"cymru", "certname_20190327.txt"}, []lineWant{
			{4, 0, ktWant{"time.source": "2019-03-22T11:18:52Z", "classification.taxonomy": "malicious-code",
				"classification.type": "infected-system", "classification.identifier": "conficker",
				"malware.name": "conficker", "source.ip": "172.16.0.21", "source.asn": "64496",
				"source.as_name": "Example AS Name", "source.geolocation.cc": "AT",
				"raw": "bot|172.16.0.21|64496|2019-03-22 11:18:52|family: Conficker;|Example AS Name, AT"}},
			{5, 0, ktWant{"destination.ip": "172.16.0.22", "destination.port": "80", "protocol.transport": "tcp",
				"malware.name": "nivdort"}},
			{6, 0, ktWant{"classification.type": "brute-force", "classification.taxonomy": "intrusion-attempts",
				"classification.identifier": "ssh", "protocol.application": "ssh"}},
			{7, 0, ktWant{"classification.type": "c2-server", "malware.name": "stealrat"}},
			{8, 0, ktWant{"source.fqdn": "www.example.com", "malware.name": "http_post"}},
			{9, 0, ktWant{"destination.port": "23", "extra.protocol.transport": "182", "classification.identifier": "darknet"}},
			{9, 1, ktWant{"destination.port": "2323", "extra.protocol.transport": "182"}},
			{10, 0, ktWant{"destination.port": "55756", "protocol.transport": "udp"}},
			{12, 0, ktWant{"source.url": "http://www.example.com/", "classification.type": "phishing"}},
			{13, 0, ktWant{"source.port": "34320", "protocol.application": "http", "classification.identifier": "openproxy"}},
			{14, 0, ktWant{"source.port": "61039", "protocol.application": "socks4"}},
			{15, 0, ktWant{"classification.type": "vulnerable-system", "classification.identifier": "dns-open-resolver",
				"protocol.application": "dns"}},
			{18, 0, ktWant{"source.port": "61458", "malware.name": "conficker", "destination.ip": "172.16.0.22"}},
			{19, 0, ktWant{"source.port": "15390", "destination.ip": "172.16.0.22", "destination.port": "80",
				"malware.name": "azorult"}},
			{25, 0, ktWant{"source.fqdn": "sub.example.com", "source.port": "80", "malware.name": "http_post"}},
			{27, 9, ktWant{"destination.port": "60704", "source.port": "40434", "protocol.transport": "udp"}},
			{30, 0, ktWant{"protocol.transport": "nvp-ii", "destination.port": ""}},
			{32, 0, ktWant{"extra.source.account": "pm", "classification.identifier": "scanner"}},
			{35, 0, ktWant{"extra.source.asns": "64496,212682", "protocol.application": "httpconnect", "source.port": "51915"}},
			{37, 0, ktWant{"extra.hostname": "172.16.0.21", "source.fqdn": ""}},
			{38, 0, ktWant{"source.fqdn": "21-0-16-172.example.tld"}},
		}},
		{"spamhaus-drop", []string{"spamhaus", "drop.txt"}, []lineWant{
			{5, 0, ktWant{"source.network": "1.4.0.0/17", "source.ip": "1.4.0.0", "extra.blocklist": "SBL256893",
				"time.source": "2015-09-14T04:39:22Z", "classification.type": "spam", "raw": "1.4.0.0/17 ; SBL256893"}},
			{6, 0, ktWant{"source.network": "2a06:e480::/29", "source.ip": "2a06:e480::"}},
		}},
		{"spamhaus-cert", []string{"spamhaus", "cert.txt"}, []lineWant{
			{2, 0, ktWant{"source.ip": "109.126.64.2", "source.asn": "12635", "source.geolocation.cc": "AT",
				"time.source": "2015-08-31T08:16:10Z", "malware.name": "asprox", "classification.type": "infected-system",
				"destination.port": "25", "protocol.transport": "tcp"}},
			{3, 0, ktWant{"destination.fqdn": "dxxt.sinkhole.dk", "destination.ip": "212.227.20.19",
				"extra.source.local_port": "1036", "malware.name": "patcher"}},
			{5, 0, ktWant{"malware.name": "mirai", "classification.identifier": "mirai", "destination.ip": "",
				"destination.port": "", "protocol.transport": ""}},
			{6, 0, ktWant{"classification.type": "scanner", "classification.identifier": "rdp", "protocol.application": "rdp"}},
			{7, 0, ktWant{"classification.type": "vulnerable-system", "classification.identifier": "openrelay"}},
			{8, 0, ktWant{"classification.type": "brute-force", "classification.identifier": "ssh"}},
			{12, 0, ktWant{"malware.name": "s_other"}},
			{13, 0, ktWant{"classification.type": "spam", "source.url": "http://example.com/", "extra.spam_ip": "192.168.46.8",
				"extra.malware.version": "1660", "malware.name": "darkmailer2", "extra.source.local_port": ""}},
			{15, 0, ktWant{"classification.identifier": "imap", "protocol.application": "imap", "extra.source.local_port": "64954"}},
			{16, 0, ktWant{"classification.taxonomy": "other", "classification.identifier": "proxyget", "destination.fqdn": ""}},
			{17, 0, ktWant{"classification.identifier": "telnet", "protocol.application": "telnet", "destination.fqdn": ""}},
			{18, 0, ktWant{"classification.identifier": "authentication-spoof"}},
		}},
		{"feodo", []string{"abusech", "feodoips.txt"}, []lineWant{
			{10, 0, ktWant{"time.source": "2021-01-17T07:30:05Z", "source.ip": "10.213.75.205", "source.port": "443",
				"malware.name": "dridex", "extra.status": "online", "extra.last_online": "2021-02-10",
				"classification.type": "c2-server", "extra.feed_last_generated": "2021-02-10 13:34:57 UTC"}},
		}},
		{"feodo", []string{"abusech", "feodotracker.html"}, []lineWant{
			{95, 0, ktWant{"time.source": "2021-05-10T14:56:05Z", "source.ip": "94.177.255.18", "malware.name": "dridex",
				"extra.status": "online", "source.asn": "199883", "source.as_name": "ARUBACLOUDLTD-ASN",
				"source.geolocation.cc": "GB", "classification.taxonomy": "malicious-code"}},
			{96, 0, ktWant{"source.ip": "203.114.109.124", "extra.status": "offline", "source.asn": "131293",
				"source.as_name": "TOT-LLI-AS-AP TOT Public Company Limited", "source.geolocation.cc": "TH"}},
		}},
		{"blocklistde", []string{"blocklistde", "imap.txt"}, []lineWant{
			{1, 0, ktWant{"source.ip": "192.0.2.4", "classification.taxonomy": "other", "raw": "192.0.2.4"}},
			{6, 0, ktWant{"source.ip": "203.0.113.254"}},
		}},
		{"dshield", []string{"dshield", "block.txt"}, []lineWant{
			{32, 0, ktWant{"source.network": "43.229.53.0/24", "source.ip": "43.229.53.0", "extra.attacks": "788",
				"extra.network_name": "Japan Inet", "source.geolocation.cc": "JP", "extra.abuse_contact": "admin@v6nic.net",
				"time.source": "2015-12-15T15:33:38Z"}},
			{33, 0, ktWant{"source.network": "194.63.140.0/24", "extra.attacks": "585", "source.geolocation.cc": "",
				"extra.network_name": ""}},
		}},
		{"openphish", []string{"openphish", "feed.txt"}, []lineWant{
			{1, 0, ktWant{"source.url": "http://www..example.com/phishing", "classification.type": "phishing",
				"source.fqdn": ""}},
		}},
		{"bambenek", []string{"bambenek", "c2-ipmasterlist.txt"}, []lineWant{
			{17, 0, ktWant{"source.ip": "213.247.47.190", "time.source": "2016-11-12T18:02:00Z",
				"malware.name": "shiotob/urlzone/bebloh", "classification.type": "c2-server",
				"event_description.text":      "IP used by shiotob/urlzone/bebloh C&C",
				"extra.event_description.url": "http://osint.bambenekconsulting.com/manual/bebloh.txt"}},
		}},
		{"zoneh", []string{"zoneh", "defacement_accepted.csv"}, []lineWant{
			{2, 0, ktWant{"time.source": "2016-01-01T11:56:00Z", "source.url": "http://defaced.example.com",
				"source.fqdn": "defaced.example.com", "source.ip": "203.0.113.1", "source.geolocation.cc": "ZZ",
				"protocol.application": "http", "extra.actor": "L33tz", "extra.os.name": "Win 2008",
				"extra.http_target": "IIS/7.5", "extra.compromise_method": "known vulnerability (i.e. unpatched system)",
				"extra.zoneh_report_id": "12345678", "extra.accepted_date": "2016-06-01 13:20:21",
				"classification.type": "system-compromise", "classification.identifier": "compromised-website"}},
			{3, 0, ktWant{"source.fqdn": "defaced2.example.com", "extra.redefacement": "yes"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.format+"/"+tc.path[len(tc.path)-1], func(t *testing.T) {
			f, err := os.Open(sharedtest.Path(t, append([]string{"feeds"}, tc.path...)...))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := ktParseAll(t, tc.format, Config{}, f)
			for _, lw := range tc.lines {
				evs := got.eventsOfLine(lw.line)
				if lw.index >= len(evs) {
					t.Errorf("line %d gave %d events, ktWant at least %d", lw.line, len(evs), lw.index+1)
					continue
				}
				t.Run("line "+strconv.Itoa(lw.line), func(t *testing.T) { ktCheck(t, evs[lw.index], lw.ktWant) })
			}
		})
	}
}

// TestLineRejects feeds each format a small input with one bad line among
// good ones: the bad line is refused with its physical line number and a
// catalog code, comments and blank lines are skipped, and the lines after
// it are read.
func TestLineRejects(t *testing.T) {
	cases := []struct {
		name, format, input string
		events              int
		line                int // the refused line
		code                string
	}{
		{"cymru unknown category", "cymru-cap",
			"#generated on 20190326\n\nworm|192.0.2.1|64496|2019-03-22 11:18:52||AS, AT\nspam|192.0.2.2|64496|2019-03-22 11:18:52||AS, AT\n",
			1, 3, kitCodeCategory},
		{"cymru short line", "cymru-cap", "bot|192.0.2.1|64496\nspam|192.0.2.2|0|2019-03-22 11:18:52||AS, AT\n", 1, 1, kitCodeColumns},
		{"cymru bad address", "cymru-cap", "# c\nspam|192.0.2.300|0|2019-03-22 11:18:52||AS, AT\nspam|192.0.2.2|0|2019-03-22 11:18:52||AS, AT\n", 1, 2, "event_ip"},
		{"cymru bad time", "cymru-cap", "spam|192.0.2.1|0|yesterday||AS, AT\n", 0, 1, "event_time"},
		{"drop bad network", "spamhaus-drop", "; x\n1.4.0.0/33 ; SBL1\n1.4.0.0/17 ; SBL2\n", 1, 2, "event_network"},
		{"drop asn-drop refused", "spamhaus-drop", "AS64496 ; UY | EXAMPLE\n1.4.0.0/17 ; SBL2\n", 1, 1, kitCodeNothing},
		{"drop json", "spamhaus-drop", `{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}` + "\n{bad\n" +
			`{"type":"metadata","timestamp":1700000000,"size":1,"records":1}` + "\n", 1, 2, kitCodeJSON},
		{"cert short line", "spamhaus-cert", "; h\n198.51.100.1,AS1,AT\n198.51.100.1,AS1,AT,1441008970,asprox,,,25,,tcp\n", 1, 2, kitCodeColumns},
		{"cert bad time", "spamhaus-cert", "198.51.100.1,AS1,AT,yesterday,asprox,,,25,,tcp\n", 0, 1, kitCodeTime},
		{"feodo bad port", "feodo", "# c\n\"2021-01-17 07:30:05\",\"192.0.2.1\",\"99999\",\"online\",\"2021-02-10\",\"Dridex\"\n\"2021-01-17 07:30:05\",\"192.0.2.1\",\"443\",\"online\",\"2021-02-10\",\"Dridex\"\n", 1, 2, "event_port"},
		{"feodo open quote", "feodo", "\"2021-01-17 07:30:05,192.0.2.1\n2021-01-17 07:30:05,192.0.2.2,443,online,2021-02-10,Dridex\n", 1, 1, kitCodeQuote},
		{"feodo json entry", "feodo", `[{"ip_address":"192.0.2.1","port":447,"malware":"QakBot","first_seen":"2021-01-17 07:30:05"},` +
			`{"ip_address":"nope","port":1}]`, 1, 2, "event_ip"},
		{"feodo html without table", "feodo", "<html><body><p>nothing</p></body></html>", 0, 1, kitCodeDocument},
		{"blocklistde not an address", "blocklistde", "192.0.2.1\nexample.org\n\n192.0.2.2\n", 2, 2, "event_ip"},
		{"dshield bad start", "dshield", "# updated: Tue Dec 15 15:33:38 2015 UTC\nStart\tEnd\tNetblock\nx.y\t1\t24\n192.0.2.0\t192.0.2.255\t24\t5\n", 1, 3, kitCodeNetwork},
		{"dshield bad mask", "dshield", "192.0.2.0\t192.0.2.255\t40\n", 0, 1, "event_network"},
		{"openphish relative", "openphish", "/phish\nhttps://192.0.2.9/login\n", 1, 1, "event_url"},
		{"bambenek bad time", "bambenek", "## x\n192.0.2.1,IP used by x C&C,soon,http://example.org/x.txt\n", 0, 2, kitCodeTime},
		{"bambenek short", "bambenek", "192.0.2.1\n", 0, 1, kitCodeColumns},
		{"zoneh bad time", "zoneh", "\"add_date\",\"domain\",\"ip_address\"\n\"then\",\"http://a.example\",\"192.0.2.1\"\n\"2016-01-01 11:56:00\",\"http://b.example\",\"192.0.2.2\"\n", 1, 2, "event_time"},
		{"zoneh open quote", "zoneh", "\"add_date\",\"domain\",\"ip_address\"\n\"2016-01-01 11:56:00\",\"http://a.example\n192.0.2.1\n", 0, 2, kitCodeQuote},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ktParseText(t, tc.format, tc.input)
			if len(got.events) != tc.events {
				t.Errorf("%d events, ktWant %d", len(got.events), tc.events)
			}
			if len(got.rejects) != 1 {
				t.Fatalf("%d refused lines, ktWant 1: %+v", len(got.rejects), got.rejects)
			}
			r := got.rejects[0]
			if r.Line != tc.line || r.Code != tc.code || r.Message == "" {
				t.Errorf("refused line %d code %q (%s), ktWant line %d code %q", r.Line, r.Code, r.Message, tc.line, tc.code)
			}
		})
	}
}

// TestLineExtras checks behaviour the samples do not show.
func TestLineExtras(t *testing.T) {
	t.Run("zoneh record over two lines", func(t *testing.T) {
		got := ktParseText(t, "zoneh", "\"add_date\",\"domain\",\"ip_address\",\"reason\"\n"+
			"\"2016-01-01 11:56:00\",\"http://a.example\",\"192.0.2.1\",\"two\nlines\"\n"+
			"\"2016-01-02 11:56:00\",\"http://b.example\",\"192.0.2.2\",\"one\"\n")
		if len(got.events) != 2 || len(got.rejects) != 0 {
			t.Fatalf("%d events, %d refused; ktWant 2, 0", len(got.events), len(got.rejects))
		}
		if got.lines[0] != 2 || got.lines[1] != 4 {
			t.Errorf("lines %v, ktWant [2 4]", got.lines)
		}
		ktCheck(t, got.events[0], ktWant{"extra.reason": "two\nlines", "source.fqdn": "a.example"})
	})
	t.Run("feodo json", func(t *testing.T) {
		got := ktParseText(t, "feodo", ` [{"ip_address":"192.0.2.1","port":447,"status":"offline","hostname":"c2.example.net",`+
			`"as_number":64496,"as_name":"EXAMPLE","country":"UY","first_seen":"2021-01-17 07:30:05",`+
			`"last_online":"2021-02-10","malware":"QakBot"}]`)
		if len(got.events) != 1 || len(got.rejects) != 0 {
			t.Fatalf("%d events, %v refused", len(got.events), got.rejects)
		}
		ktCheck(t, got.events[0], ktWant{"source.ip": "192.0.2.1", "source.port": "447", "source.asn": "64496",
			"source.as_name": "EXAMPLE", "source.geolocation.cc": "UY", "source.fqdn": "c2.example.net",
			"malware.name": "qakbot", "extra.status": "offline", "time.source": "2021-01-17T07:30:05Z",
			"classification.type": "c2-server"})
		if err := ktStored(got.events[0]).Validate(); err != nil {
			t.Error(err)
		}
	})
	t.Run("bambenek domain and dga lists", func(t *testing.T) {
		got := ktParseText(t, "bambenek", "c2.example.org,Domain used by cryptolocker,2016-11-12 18:02,http://x.example/c.txt\n"+
			"abcdefgh.example.net,Domain used by Cryptolocker - Flashback DGA for 13 Apr 2017,2017-04-13,http://x.example/d.txt\n")
		if len(got.events) != 2 || len(got.rejects) != 0 {
			t.Fatalf("%d events, %v refused", len(got.events), got.rejects)
		}
		ktCheck(t, got.events[0], ktWant{"source.fqdn": "c2.example.org", "classification.type": "c2-server",
			"malware.name": "cryptolocker"})
		ktCheck(t, got.events[1], ktWant{"source.fqdn": "abcdefgh.example.net", "classification.taxonomy": "other",
			"classification.type": "other", "classification.identifier": "dga-domain",
			"malware.name": "cryptolocker - flashback", "time.source": "2017-04-13T00:00:00Z"})
	})
	t.Run("drop json lines", func(t *testing.T) {
		got := ktParseText(t, "spamhaus-drop", `{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}`+"\n"+
			`{"type":"metadata","timestamp":1700000000,"size":1,"records":1}`+"\n")
		if len(got.events) != 1 || len(got.rejects) != 0 {
			t.Fatalf("%d events, %v refused", len(got.events), got.rejects)
		}
		ktCheck(t, got.events[0], ktWant{"source.network": "1.10.16.0/20", "extra.blocklist": "SBL256894", "extra.rir": "apnic"})
	})
	t.Run("crlf, bom and physical line numbers", func(t *testing.T) {
		got := ktParseText(t, "blocklistde", "\xef\xbb\xbf# list\r\n\r\n192.0.2.1\r\n# more\r\n2001:db8::1\r\n")
		if len(got.events) != 2 || len(got.rejects) != 0 {
			t.Fatalf("%d events, %v refused", len(got.events), got.rejects)
		}
		if !slices.Equal(got.lines, []int{3, 5}) {
			t.Errorf("lines %v, ktWant [3 5]", got.lines)
		}
		ktCheck(t, got.events[1], ktWant{"source.ip": "2001:db8::1", "raw": "2001:db8::1"})
	})
	t.Run("line too long is refused, the rest read", func(t *testing.T) {
		got := ktParseText(t, "blocklistde", "192.0.2.1\n"+strings.Repeat("9", kitMaxLine+10)+"\n192.0.2.2")
		if len(got.events) != 2 || len(got.rejects) != 1 {
			t.Fatalf("%d events, %d refused; ktWant 2, 1", len(got.events), len(got.rejects))
		}
		if r := got.rejects[0]; r.Line != 2 || r.Code != kitCodeTooLong || len(r.Raw) > kitMaxQuarantined {
			t.Errorf("refused line %d code %q raw %d bytes", r.Line, r.Code, len(r.Raw))
		}
		if got.lines[1] != 3 {
			t.Errorf("line after the long one is %d, ktWant 3", got.lines[1])
		}
	})
	t.Run("invalid UTF-8 is refused with a storable raw", func(t *testing.T) {
		got := ktParseText(t, "openphish", "http://example.org/\xff\n")
		if len(got.rejects) != 1 || got.rejects[0].Code != "event_url" && got.rejects[0].Code != "event_raw" {
			t.Fatalf("refused %+v", got.rejects)
		}
		if r := got.rejects[0].Raw; !ktUTF8(r) {
			t.Errorf("raw %q is not UTF-8", r)
		}
	})
}

func ktUTF8(s string) bool { return strings.ToValidUTF8(s, "") == s }

// TestLineConstants checks the feed's constants: they override a format's
// defaults, lose to what the line says, a type alone brings its taxonomy,
// and a bad constant is refused when the parser is built.
func TestLineConstants(t *testing.T) {
	cfg := Config{Constants: map[string]string{
		"classification.type": "ids-alert", "protocol.application": "imap", "tlp": "amber",
	}}
	got := ktParseAll(t, "blocklistde", cfg, strings.NewReader("192.0.2.1\n"))
	if len(got.events) != 1 {
		t.Fatalf("%d events", len(got.events))
	}
	ktCheck(t, got.events[0], ktWant{"classification.taxonomy": "intrusion-attempts",
		"classification.type": "ids-alert", "protocol.application": "imap", "tlp": "amber",
		"classification.identifier": "blocklist-de"})
	if err := ktStored(got.events[0]).Validate(); err != nil {
		t.Error(err)
	}

	// The line's own classification wins over a constant.
	got = ktParseAll(t, "cymru-cap", Config{Constants: map[string]string{"classification.type": "undetermined",
		"classification.taxonomy": "other", "feed.accuracy": "80"}},
		strings.NewReader("spam|192.0.2.2|0|2019-03-22 11:18:52||AS, AT\n"))
	ktCheck(t, got.events[0], ktWant{"classification.type": "spam", "classification.taxonomy": "abusive-content",
		"feed.accuracy": "80"})

	for _, format := range slices.Sorted(maps.Keys(formatsB)) {
		_, err := New(format, Config{Constants: map[string]string{"source.ip": "not-an-ip"}})
		if err == nil || !strings.Contains(err.Error(), "constants.source.ip") {
			t.Errorf("%s: bad constant gave %v", format, err)
		}
	}
}

// TestLineEmitError checks that an error of emit stops the parse and is
// returned, for every format of the family.
func TestLineEmitError(t *testing.T) {
	inputs := map[string]string{
		"cymru-cap":     "spam|192.0.2.2|0|2019-03-22 11:18:52||AS, AT\nspam|192.0.2.3|0|2019-03-22 11:18:52||AS, AT\n",
		"spamhaus-drop": "192.0.2.0/24 ; SBL1\n198.51.100.0/24 ; SBL2\n",
		"spamhaus-cert": "198.51.100.1,AS1,AT,1441008970,asprox,,,25,,tcp\n198.51.100.2,AS1,AT,1441008970,asprox,,,25,,tcp\n",
		"feodo":         "2021-01-17 07:30:05,192.0.2.1,443,online,2021-02-10,Dridex\n2021-01-17 07:30:05,192.0.2.2,443,online,2021-02-10,Dridex\n",
		"blocklistde":   "192.0.2.1\n192.0.2.2\n",
		"dshield":       "192.0.2.0\t192.0.2.255\t24\n198.51.100.0\t198.51.100.255\t24\n",
		"openphish":     "http://a.example/\nhttp://b.example/\n",
		"bambenek":      "192.0.2.1,IP used by x C&C,2016-11-12 18:02,http://e.example/\n192.0.2.2,IP used by x C&C,2016-11-12 18:02,http://e.example/\n",
		"zoneh":         "\"add_date\",\"domain\",\"ip_address\"\n\"2016-01-01 11:56:00\",\"http://a.example\",\"192.0.2.1\"\n\"2016-01-01 11:56:00\",\"http://b.example\",\"192.0.2.2\"\n",
	}
	if len(inputs) != len(formatsB) {
		t.Fatalf("inputs for %d formats, the family has %d", len(inputs), len(formatsB))
	}
	stop := errors.New("store full")
	for format, input := range inputs {
		t.Run(format, func(t *testing.T) {
			p, err := New(format, Config{})
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			err = p.Parse(strings.NewReader(input), func(int, *event.Event) error { calls++; return stop },
				func(r event.Rejected) { t.Errorf("refused %+v", r) })
			if !errors.Is(err, stop) || calls != 1 {
				t.Errorf("Parse = %v after %d emits, ktWant %v after 1", err, calls, stop)
			}
		})
	}
}

// TestLineDefaultsValid sets each format's defaults on an event and checks
// they are accepted (start ignores errors, trusting this test).
func TestLineDefaultsValid(t *testing.T) {
	all := map[string][]kitField{
		"spamhaus-drop": spamhausDropDefaults, "feodo": feodoDefaults, "blocklistde": blocklistDEDefaults,
		"dshield": dshieldDefaults, "openphish": openPhishDefaults, "bambenek": bambenekDefaults, "zoneh": zoneHDefaults,
	}
	for name, defaults := range all {
		var e event.Event
		for _, f := range defaults {
			if err := e.Set(f.name, f.value); err != nil {
				t.Errorf("%s default %s=%q: %v", name, f.name, f.value, err)
			}
		}
		if !event.TypeBelongs(e.Taxonomy, e.Type) {
			t.Errorf("%s: type %q is not of taxonomy %q", name, e.Type, e.Taxonomy)
		}
	}
	for name, c := range cymruCategories {
		if !event.TypeBelongs(c.taxonomy, c.typ) {
			t.Errorf("cymru %s: type %q is not of taxonomy %q", name, c.typ, c.taxonomy)
		}
	}
	for name, c := range spamhausBots {
		if !event.TypeBelongs(c.taxonomy, c.typ) {
			t.Errorf("spamhaus %s: type %q is not of taxonomy %q", name, c.typ, c.taxonomy)
		}
	}
}

func TestKitSplitCSV(t *testing.T) {
	cases := []struct {
		in     string
		ktWant []string
		ok     bool
	}{
		{`a,b,c`, []string{"a", "b", "c"}, true},
		{`"a","b,c",d`, []string{"a", "b,c", "d"}, true},
		{`"say ""hi""",x`, []string{`say "hi"`, "x"}, true},
		{`a,`, []string{"a", ""}, true},
		{``, []string{""}, true},
		{`"open,x`, nil, false},
		{`"a"b,c`, []string{"ab", "c"}, true},
		{`a"b,c`, []string{`a"b`, "c"}, true},
	}
	for _, tc := range cases {
		got, ok := kitSplitCSV(tc.in, ',', nil)
		if ok != tc.ok || (ok && !slices.Equal(got, tc.ktWant)) {
			t.Errorf("kitSplitCSV(%q) = %q, %v; ktWant %q, %v", tc.in, got, ok, tc.ktWant, tc.ok)
		}
	}
}
