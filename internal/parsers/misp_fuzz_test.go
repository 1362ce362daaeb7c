package parsers

import "testing"

// FuzzMISP runs the misp format over any document: no panic, no failure,
// everything handed out storable (see fuzzParse). testdata/fuzz/FuzzMISP
// holds events of the samples.
func FuzzMISP(f *testing.F) {
	f.Add([]byte(mispDoc(`{"name":"ecsirt:malicious-code=\"ransomware\""},{"name":"tlp:white"},{"name":"misp-galaxy:banker=\"Gozi\""}`,
		mispAttr("ip-dst", "Network activity", "192.0.2.1"),
		mispAttr("domain|ip", "Network activity", "c2.example.org|198.51.100.2", `"timestamp":"1465681304"`),
		mispAttr("url", "Payload delivery", "http://fake.website.com/malware/is/here", `"Tag":[{"name":"rsit:fraud=\"phishing\""}]`),
		mispAttr("text", "Payload type", "Locky"))))
	f.Add([]byte(`{"Event":{"info":"x","Object":[{"name":"domain-ip","Attribute":[{"type":"ip-dst","category":"Network activity","value":"10.0.0.0/8"}]}]}}`))
	f.Add([]byte(`[{"Event":{"info":"a"}},{"info":"b","Attribute":[{"type":"hostname|port","category":"Network activity","value":"a.example|99999"}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, "misp", data, true)
	})
}
