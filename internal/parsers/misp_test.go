package parsers

import (
	"errors"
	"os"
	"strings"
	"testing"

	"atalaya/internal/event"
	"atalaya/internal/sharedtest"
)

// TestMISPSamples parses the MISP events of ../shared/testdata/misp. The
// counts are those of the attributes of types ip-src, ip-dst, domain,
// hostname and url in a network category, counted in the files (the
// events' and their objects'); events without such attributes give none.
// Documents that are not events (a galaxy, a sighting, sharing groups) are
// refused as one whole.
func TestMISPSamples(t *testing.T) {
	cases := []struct {
		path   []string
		events int
		line   int    // line (attribute number) of the event checked
		want   ktWant // its fields
	}{
		{[]string{"feed", "digitalside-misp-feed", "5ecea68b-9bc0-493b-9c23-7555c0a80102.json"}, 32,
			7, ktWant{"source.ip": "98.159.99.222", "tlp": "clear", "time.source": "2020-05-27T17:42:35Z",
				"classification.taxonomy": "other", "classification.type": "undetermined",
				"extra.misp.event_uuid": "5ecea68b-9bc0-493b-9c23-7555c0a80102",
				"extra.misp.category":   "Network activity"}},
		{[]string{"core", "misp_event.json"}, 1,
			1, ktWant{"source.url": "http://fake.website.com/malware/is/here", "source.fqdn": "fake.website.com",
				"classification.taxonomy": "malicious-code", "classification.type": "infected-system",
				"malware.name": "locky", "time.source": "2016-06-11T21:41:44Z",
				"event_description.text": "A Random Event"}},
		{[]string{"core", "sighting_1.json"}, 5,
			1, ktWant{"source.fqdn": "ooiasjdnqjwbeasdasd.com", "malware.name": "gozi", "extra.comment": "Ursnif"}},
		{[]string{"core", "existing_event.json"}, 31, 3, ktWant{"source.fqdn": "movieultimate.com", "tlp": "clear"}},
		{[]string{"core", "to_delete1.json"}, 6, 0, nil},
		{[]string{"core", "event_obj_attr_tag.json"}, 1, 0, nil},
		{[]string{"core", "57c4445b-c548-4654-af0b-4be3950d210f.json"}, 0, 0, nil},
		{[]string{"core", "event.json"}, 0, 0, nil},
		{[]string{"core", "new_misp_event.json"}, 0, 0, nil},
		{[]string{"core", "shadow.json"}, 0, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.path[len(tc.path)-1], func(t *testing.T) {
			f, err := os.Open(sharedtest.Path(t, append([]string{"misp"}, tc.path...)...))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := ktParseAll(t, "misp", Config{}, f)
			for _, r := range got.rejects {
				t.Errorf("attribute %d refused: %s", r.Line, r.Message)
			}
			if len(got.events) != tc.events {
				t.Fatalf("%d events, want %d", len(got.events), tc.events)
			}
			for i, e := range got.events {
				if err := ktStored(e).Validate(); err != nil {
					t.Errorf("event %d: %v", i, err)
				}
			}
			if tc.want != nil {
				evs := got.eventsOfLine(tc.line)
				if len(evs) != 1 {
					t.Fatalf("line %d gave %d events", tc.line, len(evs))
				}
				ktCheck(t, evs[0], tc.want)
			}
		})
	}
	for _, name := range []string{"galaxy.json", "sighting.json", "sharing_groups.json"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(sharedtest.Path(t, "misp", "core", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := ktParseAll(t, "misp", Config{}, f)
			if len(got.events) != 0 || len(got.rejects) != 1 || got.rejects[0].Code != "misp_not_event" || got.rejects[0].Line != 1 {
				t.Errorf("%d events, refused %+v; want none and one misp_not_event", len(got.events), got.rejects)
			}
		})
	}
}

// mispDoc writes a MISP event with the attributes and event tags given.
func mispDoc(tags string, attrs ...string) string {
	return `{"Event":{"uuid":"5ecea68b-9bc0-493b-9c23-7555c0a80102","info":"Test","date":"2024-03-01","timestamp":"1709251200",` +
		`"Tag":[` + tags + `],"Attribute":[` + strings.Join(attrs, ",") + `]}}`
}

// mispAttr writes an attribute of type typ and category cat.
func mispAttr(typ, cat, value string, more ...string) string {
	s := `{"type":"` + typ + `","category":"` + cat + `","value":` + stixQuote(value)
	for _, m := range more {
		s += "," + m
	}
	return s + "}"
}

func TestMISPAttributes(t *testing.T) {
	cases := []struct {
		name   string
		input  string
		cfg    Config
		events []ktWant
		lines  []int
		reject string
		line   int
	}{
		{"types and composites",
			mispDoc("", mispAttr("ip-src", "Network activity", "192.0.2.1"),
				mispAttr("domain|ip", "Network activity", "c2.example.org|198.51.100.2"),
				mispAttr("ip-dst|port", "Network activity", "198.51.100.3|8443"),
				mispAttr("hostname|port", "Network activity", "x.example.org|80"),
				mispAttr("ip-dst", "Network activity", "203.0.113.0/24")),
			Config{}, []ktWant{{"source.ip": "192.0.2.1", "time.source": "2024-03-01T00:00:00Z"},
				{"source.fqdn": "c2.example.org", "source.ip": "198.51.100.2"},
				{"source.ip": "198.51.100.3", "source.port": "8443"},
				{"source.fqdn": "x.example.org", "source.port": "80"},
				{"source.network": "203.0.113.0/24", "source.ip": "203.0.113.0"}},
			[]int{1, 2, 3, 4, 5}, "", 0},
		{"other categories, types and deleted attributes give nothing; numbering counts them",
			mispDoc("", mispAttr("ip-dst", "External analysis", "192.0.2.1"),
				mispAttr("md5", "Payload delivery", "d41d8cd98f00b204e9800998ecf8427e"),
				mispAttr("ip-dst", "Network activity", "192.0.2.2", `"deleted":true`),
				mispAttr("ip-dst", "Network activity", "192.0.2.3")),
			Config{}, []ktWant{{"source.ip": "192.0.2.3"}}, []int{4}, "", 0},
		{"classification: attribute tag over event tag, rsit and ecsirt",
			mispDoc(`{"name":"ecsirt:malicious-code=\"c&c\""},{"name":"tlp:green"}`,
				mispAttr("ip-dst", "Network activity", "192.0.2.1"),
				mispAttr("url", "Payload delivery", "http://phish.example/login", `"Tag":[{"name":"rsit:fraud=\"phishing\""},{"name":"tlp:amber"}]`)),
			Config{}, []ktWant{{"classification.taxonomy": "malicious-code", "classification.type": "c2-server", "tlp": "green"},
				{"classification.taxonomy": "fraud", "classification.type": "phishing", "tlp": "amber"}}, []int{1, 2}, "", 0},
		{"without a tag the constants classify",
			mispDoc("", mispAttr("domain", "Network activity", "bad.example")),
			Config{Constants: map[string]string{"classification.type": "malware-distribution"}},
			[]ktWant{{"classification.taxonomy": "malicious-code", "classification.type": "malware-distribution"}}, []int{1}, "", 0},
		{"attribute time over event time",
			mispDoc("", mispAttr("domain", "Network activity", "bad.example", `"timestamp":"1465681304"`)),
			Config{}, []ktWant{{"time.source": "2016-06-11T21:41:44Z"}}, []int{1}, "", 0},
		{"object attributes follow the event's",
			`{"Event":{"info":"x","Attribute":[` + mispAttr("domain", "Network activity", "a.example") + `],` +
				`"Object":[{"name":"domain-ip","Attribute":[` + mispAttr("ip-dst", "Network activity", "192.0.2.7") + `]}]}}`,
			Config{}, []ktWant{{"source.fqdn": "a.example"}, {"source.ip": "192.0.2.7"}}, []int{1, 2}, "", 0},
		{"bad value refused, the rest read",
			mispDoc("", mispAttr("ip-dst", "Network activity", "192.0.2.300"), mispAttr("domain", "Network activity", "ok.example")),
			Config{}, []ktWant{{"source.fqdn": "ok.example"}}, []int{2}, "event_ip", 1},
		{"composite without its parts",
			mispDoc("", mispAttr("domain|ip", "Network activity", "only.example")),
			Config{}, nil, nil, kitCodeBadValue, 1},
		{"not JSON", "{nope", Config{}, nil, nil, "misp_json", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ktParseAll(t, "misp", tc.cfg, strings.NewReader(tc.input))
			if len(got.events) != len(tc.events) {
				t.Fatalf("%d events (%v refused), want %d", len(got.events), got.rejects, len(tc.events))
			}
			for i, w := range tc.events {
				ktCheck(t, got.events[i], w)
				if got.lines[i] != tc.lines[i] {
					t.Errorf("event %d on line %d, want %d", i, got.lines[i], tc.lines[i])
				}
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

func TestMISPEmitError(t *testing.T) {
	p, err := New("misp", Config{})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	err = p.Parse(strings.NewReader(mispDoc("", mispAttr("ip-dst", "Network activity", "192.0.2.1"),
		mispAttr("ip-dst", "Network activity", "192.0.2.2"))),
		func(int, *event.Event) error { calls++; return stop }, func(event.Rejected) {})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Parse = %v after %d emits, want %v after 1", err, calls, stop)
	}
}
