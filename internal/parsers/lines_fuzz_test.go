package parsers

import (
	"bytes"
	"encoding/csv"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"atalaya/internal/event"
)

// lineFormats are family B's formats in a fixed order: FuzzLines picks one
// by the input's first byte.
var lineFormats = slices.Sorted(maps.Keys(formatsB))

// lineSeeds are real lines of each format (from the samples in
// ../shared/testdata/feeds) and a few broken ones; testdata/fuzz/FuzzLines
// holds whole sample files.
var lineSeeds = map[string][]string{
	"bambenek": {"## Feed generated at: 2016-11-12 18:17\n213.247.47.190,IP used by shiotob/urlzone/bebloh C&C,2016-11-12 18:02,http://osint.bambenekconsulting.com/manual/bebloh.txt\n",
		"x.example,Domain used by a DGA,2016-11-12,\n"},
	"blocklistde": {"192.0.2.4\n198.51.100.34\n", "# c\n\n2001:db8::1\r\nnot an address\n"},
	"cymru-cap": {"#generated on 20190326\nbot|172.16.0.21|64496|2019-03-25 03:44:22|family: nivdort;dest_addr: 172.16.0.22; dest_port: 80;protocol: 6;|Example AS Name, AT\n",
		"darknet|172.16.0.21|64496|2019-09-30 13:49:49|destination_port_numbers: 17875,24526 (total_count:19);port: 40434;protocol: 17;|Example AS Name, AT\n",
		"controller|172.16.0.21|64496|2019-09-22 05:39:38|family: http_post;hostname: sub.example.comport: 80;|Example AS Name, AT\n",
		"bot|172.16.0.21|64496|2019-09-11 16:39:57|srcport 61458 mwtype Conficker dstaddr 172.16.0.22|Example AS Name, AT\n",
		"proxy|172.16.0.21|64496|2020-12-14 08:28:01|httpconnect-51915; additional_asns: 212682;|Example AS Name, AT\n"},
	"dshield": {"#    updated: Tue Dec 15 15:33:38 2015 UTC\nStart\tEnd\tNetblock\tAttacks\tName\tCountry\temail\n43.229.53.0\t43.229.53.255\t24\t788\tJapan Inet\tJP\tadmin@v6nic.net\n194.63.140.0\t194.63.140.255\t24\t585\t\t\t\n"},
	"feodo": {"# Last updated: 2021-02-10 13:34:57 UTC\n\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\",\"malware\"\n\"2021-01-17 07:30:05\",\"10.213.75.205\",\"443\",\"online\",\"2021-02-10\",\"Dridex\"\n",
		`[{"ip_address":"192.0.2.1","port":447,"status":"offline","as_number":64496,"first_seen":"2021-01-17 07:30:05","malware":"QakBot"}]`,
		"<table id=\"botnet_c2s\"><thead><tr><th>Firstseen (UTC)</th><th>Host</th><th>Malware</th><th>Status</th><th>Network (ASN)</th><th>Country</th></tr></thead>\n<tbody><tr><td>2021-05-10 14:56:05</td><td><a>94.177.255.18</a></td><td>Dridex</td><td>Online</td><td>AS199883 ARUBACLOUDLTD-ASN</td><td><img> GB</td></tr></tbody></table>"},
	"openphish":     {"http://www..example.com/phishing\nhttps://192.0.2.1/x\n"},
	"spamhaus-cert": {"; ip, asn, country, lastseen, botname, domain, remote_ip, remote_port, local_port, protocol\n192.168.46.8,AS64496,AT,1523192708,l_spamlink,http://example.com/,http://example.com/,,192.168.46.8:1660:darkmailer2,tcp\n111.111.111.183,AS11178,LV,1471111139,iotmirai,-,?,?,?,?\n"},
	"spamhaus-drop": {"; Last-Modified: Mon, 14 Sep 2015 04:39:22 GMT\n1.4.0.0/17 ; SBL256893\n2a06:e480::/29 ; SBL301771\n",
		`{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}` + "\n"},
	"zoneh": {"\"add_date\",\"accept_date\",\"attacker\",\"domain\",\"ip_address\"\n\"2016-01-01 11:56:00\",\"2016-06-01 13:20:21\",\"L33tz\",\"http://defaced.example.com\",\"203.0.113.1\"\n",
		"\"2016-01-01 11:56:00\",\"x\",\"y\",\"http://a.example\",\"\n"},
}

// FuzzLines runs one of the line formats, chosen by the first byte, over
// the rest of the input. Whatever the input, Parse must not panic or fail
// (the input is in memory and emit never fails), and everything handed
// out must be storable: line numbers from 1 and not going back, raw and
// quarantined text valid UTF-8 within bounds, a classification whose type
// belongs to its taxonomy.
func FuzzLines(f *testing.F) {
	for i, format := range lineFormats {
		for _, s := range lineSeeds[format] {
			f.Add(append([]byte{byte(i)}, s...))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		format := lineFormats[int(data[0])%len(lineFormats)]
		fuzzParse(t, format, data[1:], true)
	})
}

// fuzzParse runs format over data and checks what it hands out.
func fuzzParse(t *testing.T, format string, data []byte, ordered bool) {
	p, err := New(format, Config{})
	if err != nil {
		t.Fatal(err)
	}
	last := 0
	err = p.Parse(bytes.NewReader(data), func(line int, e *event.Event) error {
		if line < 1 || ordered && line < last {
			t.Fatalf("%s: event on line %d after line %d", format, line, last)
		}
		last = line
		if e.Raw == "" || len(e.Raw) > 65536 || !utf8.ValidString(e.Raw) {
			t.Fatalf("%s: raw of %d bytes, valid UTF-8 %v", format, len(e.Raw), utf8.ValidString(e.Raw))
		}
		if e.Taxonomy != "" && e.Type != "" && !event.TypeBelongs(e.Taxonomy, e.Type) {
			t.Fatalf("%s: type %q is not of taxonomy %q", format, e.Type, e.Taxonomy)
		}
		return nil
	}, func(r event.Rejected) {
		if r.Line < 1 || r.Code == "" || r.Message == "" || len(r.Raw) > 65536 || !utf8.ValidString(r.Raw) {
			t.Fatalf("%s: refusal %+v", format, r)
		}
	})
	if err != nil {
		t.Fatalf("%s: Parse: %v", format, err)
	}
}

// FuzzKitSplitCSV compares kitSplitCSV with encoding/csv on every one-line
// record encoding/csv reads without error: both must give the same fields.
func FuzzKitSplitCSV(f *testing.F) {
	for _, s := range []string{`a,b,c`, `"a","b,c",d`, `"say ""hi""",x`, `a,`, `"2021-01-17 07:30:05","10.213.75.205","443"`, `,,`, `""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rec string) {
		if rec == "" || strings.ContainsAny(rec, "\r\n") || !utf8.ValidString(rec) {
			return
		}
		r := csv.NewReader(strings.NewReader(rec))
		r.FieldsPerRecord = -1
		want, err := r.Read()
		if err != nil {
			return
		}
		got, ok := kitSplitCSV(rec, ',', nil)
		if !ok || !slices.Equal(got, want) {
			t.Fatalf("kitSplitCSV(%q) = %q, %v; encoding/csv reads %q", rec, got, ok, want)
		}
	})
}
