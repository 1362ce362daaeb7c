package parsers

import "testing"

// FuzzSTIX runs the stix format over any document: no panic, no failure,
// everything handed out storable (see fuzzParse). testdata/fuzz/FuzzSTIX
// holds OASIS example bundles.
func FuzzSTIX(f *testing.F) {
	f.Add([]byte(stixBundle(stixInd(stixID1, "[ipv4-addr:value = '192.0.2.1'] OR [domain-name:value = 'a.example']",
		`"indicator_types":["malicious-activity"]`, `"object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]`),
		`{"type":"malware","id":"malware--`+stixID2+`","name":"x"}`,
		`{"type":"relationship","id":"relationship--`+stixID3+`","relationship_type":"indicates","source_ref":"indicator--`+stixID1+`","target_ref":"malware--`+stixID2+`"}`)))
	f.Add([]byte(`{"more":false,"objects":[` + stixInd(stixID1, "[url:value = 'http://x4z9arb.cn/4712']") + `]}`))
	f.Add([]byte(stixInd(stixID1, "[ipv4-addr:value = '198.51.100.0/24' AND network-traffic:dst_ref.value = '2001:db8::1']")))
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--x","pattern":"[ipv4-addr:value = "}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, "stix", data, true)
	})
}
