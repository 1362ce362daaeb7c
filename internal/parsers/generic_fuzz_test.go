package parsers

import "testing"

// genericFuzzMapping maps the columns of the fuzz seeds.
var genericFuzzMapping = map[string]string{
	"ip": "source.ip", "timestamp": "time.source", "port": "source.port", "asn": "source.asn",
	"hostname": "source.fqdn", "url": "source.url", "type": "classification.type",
	"src.ip": "source.ip", "note": "extra.note",
}

func FuzzGenericCSV(f *testing.F) {
	for _, s := range []string{
		"timestamp,ip,port,hostname,type,note\n2024-03-01 10:20:30,192.0.2.1,443,www.example.org,scanner,\"a, \"\"b\"\"\"\n",
		"# comment\nip;port;type\n198.51.100.7;22;brute-force\n198.51.100.8;;\n",
		"\"timestamp\",\"ip\",\"port\",\"hostname\",\"tag\",\"asn\"\n\"2018-04-14 00:14:34\",\"198.51.100.179\",53,\"198-51-100-189.example.net\",\"openresolver\",25255\n",
		"ip,url\n192.0.2.1,\"http://x.example/\nsecond line\"\n",
	} {
		f.Add([]byte(s))
	}
	p, err := New("csv", Config{Mapping: genericFuzzMapping})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParseInvariants(t, p, data) })
}

func FuzzGenericJSON(f *testing.F) {
	for _, s := range []string{
		`{"src": {"ip": "192.0.2.1"}, "port": 8080, "timestamp": 1709288430, "note": ["a", "b"], "type": "botnet drone"}` + "\n" + `{"ip": "192.0.2.2"}` + "\n",
		"[\n" + `{"ip": "2001:db8::1", "url": "https://x.example/a?b=c"}` + ",\n" + `{"hostname": "Bad.Example."}` + "\n]",
		"{\n  \"ip\": \"192.0.2.3\",\n  \"asn\": \"AS64496\"\n}\n{\n  \"ip\": \"192.0.2.4\"\n}\n",
		`{"ip": "192.0.2.1"` + "\n" + `[1,2]` + "\n" + `"text"` + "\n",
	} {
		f.Add([]byte(s))
	}
	p, err := New("json", Config{Mapping: genericFuzzMapping})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParseInvariants(t, p, data) })
}
