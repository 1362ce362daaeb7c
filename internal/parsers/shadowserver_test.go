package parsers

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/event"
	"atalaya/internal/sharedtest"
	"atalaya/internal/valid"
)

// fixtureSchema is a small schema in Shadowserver's form, for the cases
// the real one does not pin down.
const fixtureSchema = `{
 "_meta": {"date_created": "2026-01-01T00:00:00Z"},
 "scan_a": {"feed_name": "Scan-A", "file_name": "scan_a",
  "required_fields": [["time.source", "timestamp", "add_UTC_to_timestamp"], ["source.ip", "ip", "validate_ip"], ["source.port", "port", "convert_int"]],
  "optional_fields": [["source.asn", "asn", "invalidate_zero"], ["source.reverse_dns", "hostname"], ["extra.", "only_a", "validate_to_none"], ["extra.", "nat", "convert_bool"]],
  "constant_fields": {"classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system", "classification.identifier": "open-a"}},
 "scan6_a": {"feed_name": "Scan-A IPv6", "file_name": "scan6_a",
  "required_fields": [["time.source", "timestamp", "add_UTC_to_timestamp"], ["source.ip", "ip", "validate_ip"], ["source.port", "port", "convert_int"]],
  "optional_fields": [["source.asn", "asn", "invalidate_zero"], ["source.reverse_dns", "hostname"], ["extra.", "only_a", "validate_to_none"], ["extra.", "nat", "convert_bool"]],
  "constant_fields": {"classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system", "classification.identifier": "open-a"}},
 "event_b": {"feed_name": "Event-B", "file_name": "event4_b",
  "required_fields": [["time.source", "timestamp", "add_UTC_to_timestamp"], ["source.ip", "ip", "validate_ip"], ["source.port", "port", "convert_int"]],
  "optional_fields": [["source.asn", "asn", "invalidate_zero"], ["extra.", "only_b", "validate_to_none"], [false, "ignored"]],
  "constant_fields": {"classification.taxonomy": "malicious-code", "classification.type": "infected-system"}},
 "scan_e": {"feed_name": "Scan-E", "file_name": "scan_e",
  "required_fields": [["time.source", "timestamp", "add_UTC_to_timestamp"], ["source.ip", "ip", "validate_ip"], ["source.port", "port", "convert_int"]],
  "optional_fields": [["source.asn", "asn", "invalidate_zero"], ["extra.", "only_b", "validate_to_none"], ["extra.", "only_e"]],
  "constant_fields": {"classification.taxonomy": "information-gathering", "classification.type": "scanner"}},
 "list_c": {"feed_name": "List-C", "file_name": "list_c",
  "required_fields": [["time.source", "timestamp", "add_UTC_to_timestamp"], ["source.ip", "ip", "validate_ip"]],
  "optional_fields": [["source.network", "ip", "validate_network"], ["source.fqdn", "http_host", "validate_fqdn"], ["source.url", "url", "convert_http_host_and_url", true], ["event_description.text", "category", "category_or_detail", true], ["product.vulnerabilities", "tag", "extract_cve_from_tag"], ["extra.", "tag"], ["extra.", "when", "convert_date"], ["extra.", "ratio", "convert_float"], ["extra.", "blob", "force_base64"], ["protocol.transport", "protocol"]],
  "constant_fields": {"classification.taxonomy": "other", "classification.type": "blacklist", "protocol.transport": "tcp"}},
 "scan_exchange": {"feed_name": "Exchange", "file_name": "scan_exchange",
  "required_fields": [["time.source", "timestamp", "add_UTC_to_timestamp"], ["source.ip", "ip", "validate_ip"]],
  "optional_fields": [["classification.taxonomy", "tag", "scan_exchange_taxonomy"], ["classification.type", "tag", "scan_exchange_type"], ["classification.identifier", "tag", "scan_exchange_identifier"]],
  "constant_fields": {"protocol.application": "exchange"}},
 "future_d": {"feed_name": "Future-D", "file_name": "future_d",
  "required_fields": [["time.source", "timestamp", "add_UTC_to_timestamp"], ["source.ip", "ip", "convert_quantum"]],
  "optional_fields": [], "constant_fields": {}}
}`

func fixture(t testing.TB) *ShadowserverSchema {
	t.Helper()
	s, err := LoadShadowserverSchema(strings.NewReader(fixtureSchema))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoadShadowserverSchema(t *testing.T) {
	s := loadSchemaForTest(t)
	reports := s.Reports()
	if len(reports) != 170 || !slices.IsSorted(reports) {
		t.Fatalf("%d report types (sorted %v), want the schema's 170, sorted", len(reports), slices.IsSorted(reports))
	}
	for _, want := range []string{"scan_http_vulnerable", "event4_sinkhole", "blocklist", "scan6_dns"} {
		if !slices.Contains(reports, want) {
			t.Errorf("Reports() lacks %q", want)
		}
	}
	for _, name := range reports {
		if rep, _ := s.report(name); rep.problem != "" {
			t.Errorf("report %s cannot be parsed: %s", name, rep.problem)
		}
	}
	// A report can be named by its schema key or feed name as well.
	for alias, want := range map[string]string{"event_sinkhole": "event4_sinkhole", "Sinkhole-Events IPv4": "event4_sinkhole", "SCAN_DNS": "scan_dns"} {
		if rep, ok := s.report(alias); !ok || rep.fileName != want {
			t.Errorf("report(%q) = %v, want %s", alias, rep, want)
		}
	}
}

func TestLoadShadowserverSchemaRefuses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", `scan_a,ip`, "reading the Shadowserver schema"},
		{"no reports", `{"_meta": {}}`, "no report types"},
		{"no required fields", `{"a": {"file_name": "a", "required_fields": []}}`, "no required_fields"},
		{"entry too long", `{"a": {"required_fields": [["source.ip", "ip", "validate_ip", true, 1]]}}`, "5 elements"},
		{"column not text", `{"a": {"required_fields": [["source.ip", 7]]}}`, "column is not text"},
		{"twice the same type", `{"a": {"file_name": "x", "required_fields": [["source.ip", "ip"]]}, "b": {"file_name": "x", "required_fields": [["source.ip", "ip"]]}}`, "appears twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadShadowserverSchema(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestShadowserverSamples parses every Shadowserver sample: no line is
// refused, every line gives one event whose raw is the line, and every
// event passes validation once the pipeline has set its defaults.
// blocklist.csv line 4 lists a network (198.123.245.0/24), not an
// address: its event carries source.network alone, which is enough.
func TestShadowserverSamples(t *testing.T) {
	schema := loadSchemaForTest(t)
	paths, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "feeds", "shadowserver"), "*.csv"))
	if err != nil || len(paths) < 12 {
		t.Fatalf("samples: %v, %v", paths, err)
	}
	networkOnly := map[string]int{"blocklist.csv": 4}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			g := gatherFile(t, "shadowserver", Config{Shadowserver: schema}, path)
			if g.err != nil || len(g.rejects) > 0 {
				t.Fatalf("Parse: %v; refused %+v", g.err, g.rejects)
			}
			rows := csvRows(t, path)
			if len(g.events) != rows {
				t.Fatalf("%d events from %d data rows", len(g.events), rows)
			}
			lines := fileLines(t, path)
			for i, e := range g.events {
				line := g.lines[i]
				if e.Raw != lines[line] {
					t.Errorf("line %d: raw %q, file says %q", line, e.Raw, lines[line])
				}
				if e.FeedName != "" || !e.TimeObservation.IsZero() {
					t.Errorf("line %d: the parser set feed.name or time.observation", line)
				}
				if err := asStored(e).Validate(); err != nil {
					t.Errorf("line %d: %v", line, err)
				}
				if networkOnly[name] == line {
					if e.SourceIP.IsValid() || !e.SourceNetwork.IsValid() {
						t.Errorf("line %d: want a network and no address: %+v", line, e)
					}
					continue
				}
				if e.TimeSource.IsZero() || !e.SourceIP.IsValid() {
					t.Errorf("line %d: no time.source or source.ip: %+v", line, e)
				}
			}
		})
	}
}

// csvRows counts a CSV file's data rows with the standard library's
// reader, as a second opinion on the parser's count.
func csvRows(t testing.TB, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return len(recs) - 1
}

// TestShadowserverSampleFields pins values of sample lines, field by
// field, against what the files say.
func TestShadowserverSampleFields(t *testing.T) {
	schema := loadSchemaForTest(t)
	tests := []struct {
		file string
		line int
		want map[string]string
	}{
		{"scan_http_vulnerable.csv", 2, map[string]string{
			"time.source": "2010-02-10T00:00:00Z", "source.ip": "192.168.0.1", "source.port": "8080",
			"protocol.transport": "tcp", "protocol.application": "http", "source.asn": "64512",
			"source.geolocation.cc": "ZZ", "classification.taxonomy": "vulnerable",
			"classification.type": "vulnerable-system", "classification.identifier": "vulnerable-http",
			"extra.source.reverse_dns": "node01.example.com", "extra.tag": "basic-auth,http",
			"extra.source.geolocation.city": "City", "extra.http_code": "401",
			"extra.www_authenticate": `Basic realm=\\"OpenWebif\"\""`, "extra.sic": "0",
			"extra.http_date": "2010-02-10T00:00:00Z", "extra.naics": ""}},
		{"blocklist.csv", 2, map[string]string{
			"classification.taxonomy": "other", "classification.type": "other",
			"classification.identifier": "blacklisted-ip", "extra.source_name": "Alien Vault", "extra.reason": "Malicious Host AA"}},
		{"blocklist.csv", 4, map[string]string{"source.ip": "", "source.network": "198.123.245.0/24"}},
		{"compromised_website.csv", 2, map[string]string{
			"source.url": "http://example.com/header.php", "source.fqdn": "example.com",
			"event_description.text": "spam", "classification.type": "system-compromise"}},
		{"event4_ip_spoofer.csv", 2, map[string]string{
			"source.port": "", "source.network": "98.191.250.0/24", "extra.nat": "true",
			"classification.type": "masquerade", "malware.name": "ip-spoofer"}},
		{"event4_sinkhole.csv", 2, map[string]string{
			"destination.ip": "178.162.1.2", "destination.port": "4455", "destination.asn": "28753",
			"extra.destination.geolocation.cc": "DE", "classification.type": "infected-system",
			"classification.identifier": "victorygate.b"}},
		{"event4_sinkhole_http.csv", 2, map[string]string{"destination.fqdn": "differentia.ru", "protocol.application": "http"}},
		{"scan_rdp.csv", 2, map[string]string{"extra.bluekeep_vulnerable": "N", "extra.jarm": "", "protocol.transport": "tcp"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			g := gatherFile(t, "shadowserver", Config{Shadowserver: schema},
				sharedtest.Path(t, "feeds", "shadowserver", tc.file))
			i := slices.Index(g.lines, tc.line)
			if i < 0 {
				t.Fatalf("no event from line %d", tc.line)
			}
			for field, want := range tc.want {
				if got := get(g.events[i], field); got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
		})
	}
}

// TestShadowserverFromHeader checks that each sample's report type is
// found from its header alone, where the header tells it.
func TestShadowserverFromHeader(t *testing.T) {
	schema := loadSchemaForTest(t)
	tests := []struct{ file, want string }{
		{"blocklist.csv", "blocklist"},
		{"compromised_website.csv", "compromised_website"},
		{"device_id.csv", "device_id"},
		{"event4_honeypot_darknet.csv", "event4_honeypot_darknet"},
		{"event4_ip_spoofer.csv", "event4_ip_spoofer"},
		{"scan_dns.csv", "scan_dns"},
		{"scan_http_vulnerable.csv", "scan_http_vulnerable"},
		{"scan_ntp.csv", "scan_ntp"},
		{"scan_rdp.csv", "scan_rdp"},
		{"scan_smb.csv", "scan_smb"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(sharedtest.Path(t, "feeds", "shadowserver", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			header, err := csvHeader(newCSVRecords(f, ','))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := schema.detect(header.fields)
			if err != nil || rep.fileName != tc.want {
				t.Errorf("detect = %v, %v; want %s", rep, err, tc.want)
			}
		})
	}
}

func TestShadowserverDetect(t *testing.T) {
	s := fixture(t)
	tests := []struct {
		name   string
		header string
		want   string
		err    string
	}{
		{"best match", "timestamp,ip,port,asn,only_a", "scan_a", ""},
		{"twins: the IPv4 one", "timestamp,ip,port,hostname", "scan_a", ""},
		{"other report", "timestamp,ip,port,only_b,ignored", "event4_b", ""},
		{"fewest missing wins", "timestamp,ip,port,asn,ignored", "event4_b", ""},
		{"ambiguous", "timestamp,ip,port,asn,only_b", "", "event4_b, scan_e"},
		{"none fits", "when,where", "", "no report type"},
		{"unknown conversion", "timestamp,ip,zzz", "", "convert_quantum"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := s.detect(strings.Split(tc.header, ","))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("detect = %v, %v; want an error saying %q", rep, err, tc.err)
				}
				return
			}
			if err != nil || rep.fileName != tc.want {
				t.Errorf("detect = %v, %v; want %s", rep, err, tc.want)
			}
		})
	}
}

func TestShadowserverReportFromFileName(t *testing.T) {
	tests := map[string]string{
		"2015-01-01-dns_openresolver-sample-asn.csv":     "dns_openresolver",
		"2020-04-03-scan_ics-sample-asn-delayed.csv":     "scan_ics",
		"2024-07-04-dns_openresolver-123-sample-asn.csv": "dns_openresolver",
		"/var/feeds/event4_sinkhole.csv":                 "event4_sinkhole",
		`C:\feeds\scan_dns.csv`:                          "scan_dns",
		"scan_dns.txt":                                   "",
		"":                                               "",
	}
	for in, want := range tests {
		if got := ShadowserverReportFromFileName(in); got != want {
			t.Errorf("ShadowserverReportFromFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestShadowserverFileNamePicksReport shows why the file name matters:
// event4_sinkhole's old header fits the darknet report as well; named as
// Shadowserver names it, the sinkhole report is used.
func TestShadowserverFileNamePicksReport(t *testing.T) {
	schema := loadSchemaForTest(t)
	path := sharedtest.Path(t, "feeds", "shadowserver", "event4_sinkhole.csv")
	byName := gatherFile(t, "shadowserver", Config{Shadowserver: schema}, path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	byReport := gatherText(t, "shadowserver", Config{Shadowserver: schema, Report: "event4_sinkhole"}, string(data))
	for _, g := range []gathered{byName, byReport} {
		if len(g.events) != 3 || g.events[0].Type != "infected-system" {
			t.Fatalf("events %d, type %q; want 3 infected-system", len(g.events), g.events[0].Type)
		}
	}
}

func TestShadowserverLines(t *testing.T) {
	s := fixture(t)
	const header = "timestamp,ip,port,asn,hostname,only_a,nat,sic\n"
	type want struct {
		line   int
		fields map[string]string
	}
	tests := []struct {
		name    string
		report  string
		body    string
		events  []want
		rejects map[int]string // line: code, "field code" when a field is named
	}{
		{"a line", "scan_a", `2024-03-01 10:20:30,192.0.2.7,443,64496,host.example,x,Y,0` + "\n",
			[]want{{2, map[string]string{"time.source": "2024-03-01T10:20:30Z", "source.ip": "192.0.2.7",
				"source.port": "443", "source.asn": "64496", "extra.source.reverse_dns": "host.example",
				"extra.only_a": "x", "extra.nat": "true", "extra.sic": "0", "classification.identifier": "open-a"}}}, nil},
		{"empty and none values", "scan_a", `2024-03-01 10:20:30,192.0.2.7,,0,,unknown,maybe,` + "\n",
			[]want{{2, map[string]string{"source.port": "", "source.asn": "", "extra.only_a": "", "extra.nat": "", "extra.sic": ""}}}, nil},
		{"bad required value refuses the line, the rest goes on", "scan_a",
			"2024-03-01 10:20:30,192.0.2.7,80x,,,,,\n2024-03-01 10:20:31,192.0.2.8,80,,,,,\n",
			[]want{{3, map[string]string{"source.ip": "192.0.2.8"}}}, map[int]string{2: "source.port parsers_value"}},
		{"bad time refuses the line", "scan_a", "yesterday,192.0.2.7,80,,,,,\n", nil,
			map[int]string{2: "time.source event_time"}},
		{"required address that is not one is dropped, as IntelMQ does", "scan_a",
			"2024-03-01 10:20:30,0.0.0.0,80,,,,,\n",
			[]want{{2, map[string]string{"source.ip": ""}}}, nil},
		{"bad optional value goes to extra", "scan_a", "2024-03-01 10:20:30,192.0.2.7,80,AS-x,,,,\n",
			[]want{{2, map[string]string{"source.asn": "", "extra.asn": "AS-x"}}}, nil},
		{"short row is padded, long row refused", "scan_a",
			"2024-03-01 10:20:30,192.0.2.7,80\n2024-03-01 10:20:30,192.0.2.7,80,,,,,,extra\n",
			[]want{{2, map[string]string{"source.port": "80"}}}, map[int]string{3: "parsers_csv_fields"}},
		{"quoted line break", "scan_a", "2024-03-01 10:20:30,192.0.2.7,80,,\"two\nlines\",,,\n2024-03-01 10:20:31,192.0.2.8,81,,,,,\n",
			[]want{{2, map[string]string{"extra.source.reverse_dns": "two\nlines"}}, {4, map[string]string{"source.port": "81"}}}, nil},
		{"not utf-8", "scan_a", "2024-03-01 10:20:30,192.0.2.7,80,,caf\xe9,,,\n", nil, map[int]string{2: "parsers_encoding"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := gatherText(t, "shadowserver", Config{Shadowserver: s, Report: tc.report}, header+tc.body)
			if g.err != nil {
				t.Fatal(g.err)
			}
			gotRejects := map[int]string{}
			for _, r := range g.rejects {
				code := r.Code
				if r.Field != "" {
					code = r.Field + " " + code
				}
				gotRejects[r.Line] = code
				if r.Raw == "" {
					t.Errorf("line %d refused without its raw line", r.Line)
				}
			}
			if len(gotRejects) != len(tc.rejects) {
				t.Errorf("refused %v, want %v", gotRejects, tc.rejects)
			}
			for line, code := range tc.rejects {
				if gotRejects[line] != code {
					t.Errorf("line %d refused as %q, want %q", line, gotRejects[line], code)
				}
			}
			if len(g.events) != len(tc.events) {
				t.Fatalf("%d events, want %d", len(g.events), len(tc.events))
			}
			for i, w := range tc.events {
				if g.lines[i] != w.line {
					t.Errorf("event %d from line %d, want %d", i, g.lines[i], w.line)
				}
				for field, v := range w.fields {
					if got := get(g.events[i], field); got != v {
						t.Errorf("event %d: %s = %q, want %q", i, field, got, v)
					}
				}
			}
		})
	}
}

func TestShadowserverConversions(t *testing.T) {
	s := fixture(t)
	const header = "timestamp,ip,http_host,url,category,detail,tag,when,ratio,blob,protocol,application\n"
	tests := []struct {
		name   string
		report string
		header string
		line   string
		want   map[string]string
	}{
		{"network, url joined, category, cve, schema constants win", "list_c", header,
			`2024-03-01 10:20:30,198.51.100.0/24,bad.example,GET /x/y.php?a=1 HTTP/1.1,,phish,cve-2021-26855;exchange,"Wed, 10 Feb 2010 00:00:00 GMT",4.6190,hello,udp,https`,
			map[string]string{"source.ip": "", "source.network": "198.51.100.0/24", "source.fqdn": "bad.example",
				"source.url": "https://bad.example/x/y.php?a=1", "event_description.text": "phish",
				"extra.product.vulnerabilities": "CVE-2021-26855", "extra.tag": "cve-2021-26855;exchange",
				"extra.when": "2010-02-10T00:00:00Z", "extra.ratio": "4.619", "extra.blob": "aGVsbG8=",
				"protocol.transport": "tcp", "classification.type": "other", "classification.taxonomy": "other"}},
		{"base64 kept, bad fqdn dropped, bad date kept as given", "list_c", header,
			`2024-03-01 10:20:30,192.0.2.1,not a name!,,cat,,,someday,x,aGVsbG8=,,`,
			map[string]string{"source.ip": "192.0.2.1", "source.fqdn": "", "extra.blob": "aGVsbG8=",
				"extra.when": "someday", "extra.ratio": "x", "event_description.text": "cat", "source.url": ""}},
		{"exchange web shell", "scan_exchange", "timestamp,ip,tag\n", "2024-03-01 10:20:30,192.0.2.1,exchange;webshell",
			map[string]string{"classification.taxonomy": "intrusions", "classification.type": "system-compromise",
				"classification.identifier": "exchange-server-webshell", "protocol.application": "exchange"}},
		{"vulnerable exchange", "scan_exchange", "timestamp,ip,tag\n", "2024-03-01 10:20:30,192.0.2.1,exchange",
			map[string]string{"classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system",
				"classification.identifier": "vulnerable-exchange-server"}},
		{"ignored column", "event4_b", "timestamp,ip,port,ignored\n", "2024-03-01 10:20:30,192.0.2.1,1,secret",
			map[string]string{"extra.ignored": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := gatherText(t, "shadowserver", Config{Shadowserver: s, Report: tc.report}, tc.header+tc.line+"\n")
			if g.err != nil || len(g.rejects) > 0 || len(g.events) != 1 {
				t.Fatalf("Parse: %v, refused %+v, %d events", g.err, g.rejects, len(g.events))
			}
			for field, want := range tc.want {
				if got := get(g.events[0], field); got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
		})
	}
}

func TestShadowserverConfig(t *testing.T) {
	s := fixture(t)
	tests := []struct {
		name        string
		cfg         Config
		field, code string
	}{
		{"no schema", Config{}, "format", "parsers_schema_missing"},
		{"unknown report", Config{Shadowserver: s, Report: "scan_zzz"}, "report", "parsers_report_unknown"},
		{"report this version cannot read", Config{Shadowserver: s, Report: "future_d"}, "report", "parsers_report_unsupported"},
		{"bad constant", Config{Shadowserver: s, Constants: map[string]string{"tlp": "purple"}}, "constants.tlp", "event_tlp"},
		{"unknown constant", Config{Shadowserver: s, Constants: map[string]string{"colour": "red"}}, "constants.colour", "event_unknown_field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New("shadowserver", tc.cfg)
			es := valid.List(err)
			if len(es) != 1 || es[0].Field != tc.field || es[0].Code != tc.code {
				t.Errorf("New: %v; want %s on %s", err, tc.code, tc.field)
			}
		})
	}
}

func TestShadowserverConstants(t *testing.T) {
	s := fixture(t)
	g := gatherText(t, "shadowserver", Config{Shadowserver: s, Report: "scan_a",
		Constants: map[string]string{"tlp": "amber", "classification.type": "scanner", "extra.source": "partner"}},
		"timestamp,ip,port\n2024-03-01 10:20:30,192.0.2.1,1\n")
	if len(g.events) != 1 {
		t.Fatalf("%d events, refused %+v, %v", len(g.events), g.rejects, g.err)
	}
	e := g.events[0]
	// The feed's constants fill what the report leaves; the report's own
	// classification wins.
	if e.TLP != "amber" || e.Extra["source"] != "partner" || e.Type != "vulnerable-system" {
		t.Errorf("tlp %q, extra.source %q, type %q", e.TLP, e.Extra["source"], e.Type)
	}
}

func TestShadowserverHeaderProblems(t *testing.T) {
	s := fixture(t)
	tests := []struct {
		name, report, in, want string
	}{
		{"required column missing", "scan_a", "timestamp,ip\n2024-03-01 10:20:30,192.0.2.1\n", "lacks the column(s) port"},
		{"no report fits", "", "a,b\n1,2\n", "no report type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := gatherText(t, "shadowserver", Config{Shadowserver: s, Report: tc.report}, tc.in)
			if g.err == nil || !strings.Contains(g.err.Error(), tc.want) || len(g.events) > 0 {
				t.Errorf("Parse: %v with %d events; want an error saying %q", g.err, len(g.events), tc.want)
			}
		})
	}
	if g := gatherText(t, "shadowserver", Config{Shadowserver: s}, ""); g.err != nil || len(g.events) > 0 {
		t.Errorf("empty input: %v, %d events", g.err, len(g.events))
	}
}

func TestShadowserverEmitErrorStops(t *testing.T) {
	s := fixture(t)
	p, err := New("shadowserver", Config{Shadowserver: s, Report: "scan_a"})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("store full")
	n := 0
	err = p.Parse(strings.NewReader("timestamp,ip,port\n2024-03-01 10:20:30,192.0.2.1,1\n2024-03-01 10:20:30,192.0.2.2,1\n"),
		func(int, *event.Event) error { n++; return stop }, func(event.Rejected) {})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Parse = %v after %d events; want the emit error after 1", err, n)
	}
}
