package stix

import "testing"

// benchIndicator is a typical indicator as peers send it (about 1 KB).
const benchIndicator = `{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
"created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","created":"2016-04-06T20:03:48.000Z",
"modified":"2016-04-06T20:03:48.000Z","name":"Malicious site hosting downloader","description":"This organized threat actor group operates to create profit from all types of crime.",
"indicator_types":["malicious-activity"],"pattern":"[url:value = 'http://x4z9arb.cn/4712/' OR domain-name:value = 'x4z9arb.cn']",
"pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","kill_chain_phases":[{"kill_chain_name":"lockheed-martin-cyber-kill-chain","phase_name":"delivery"}],
"labels":["phishing"],"confidence":85,"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
"external_references":[{"source_name":"capec","external_id":"CAPEC-163","url":"https://capec.mitre.org/data/definitions/163.html"}],
"x_misp_category":"Network activity"}`

const benchPattern = "([file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' OR file:name = 'x.exe'] AND [ipv4-addr:value IN ('198.51.100.1', '198.51.100.2')]) WITHIN 300 SECONDS"

func BenchmarkDecodeIndicator(b *testing.B) {
	raw := []byte(benchIndicator)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeIndicator(b *testing.B) {
	o, err := Decode([]byte(benchIndicator))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Encode(o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseEnvelope(b *testing.B) {
	raw := []byte(benchIndicator)
	for b.Loop() {
		if _, err := ParseEnvelope(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateIndicator(b *testing.B) {
	raw := []byte(benchIndicator)
	for b.Loop() {
		if err := Validate(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePattern(b *testing.B) {
	for b.Loop() {
		if _, err := ParsePattern(benchPattern); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkObservables(b *testing.B) {
	raw := []byte(benchIndicator)
	for b.Loop() {
		obs, err := Observables(raw)
		if err != nil || len(obs) != 2 {
			b.Fatal(obs, err)
		}
	}
}
