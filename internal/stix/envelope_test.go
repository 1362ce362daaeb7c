package stix

import (
	"testing"
)

func TestParseEnvelope(t *testing.T) {
	cases := []struct {
		name, raw  string
		typ, label string
		version    string
		tlp        string
	}{
		{"indicator", `{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:49.000Z","name":"Bad IP","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"],"x_custom":1}`,
			"indicator", "Bad IP", "2016-04-06T20:03:49.000Z", TLPRed},
		{"created only", `{"type":"marking-definition","id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z","name":"TLP:GREEN"}`,
			"marking-definition", "TLP:GREEN", "2017-01-20T00:00:00.000Z", ""},
		{"ipv4-addr value", `{"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"}`,
			"ipv4-addr", "198.51.100.3", "", ""},
		{"file strongest hash", `{"type":"file","id":"file--28bb3599-77cd-5a82-a950-b5bc3caf07c4","hashes":{"MD5":"aa","SHA-256":"bb"}}`,
			"file", "bb", "", ""},
		{"file name first", `{"type":"file","id":"file--28bb3599-77cd-5a82-a950-b5bc3caf07c4","name":"a.exe","hashes":{"MD5":"aa"}}`,
			"file", "a.exe", "", ""},
		{"autonomous-system", `{"type":"autonomous-system","id":"autonomous-system--28bb3599-77cd-5a82-a950-b5bc3caf07c4","number":64496}`,
			"autonomous-system", "AS64496", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ParseEnvelope([]byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			if e.Type != tc.typ || e.Name != tc.label || e.Version() != tc.version {
				t.Errorf("got type %q name %q version %q", e.Type, e.Name, e.Version())
			}
			if got, _ := TLPFromRefs(e.ObjectMarkingRefs); got != tc.tlp {
				t.Errorf("TLP %q, want %q", got, tc.tlp)
			}
		})
	}
}

func TestParseEnvelopeErrors(t *testing.T) {
	cases := []struct{ name, raw, field, code string }{
		{"not JSON", `{`, "object", CodeJSON},
		{"array", `[]`, "object", CodeJSONType},
		{"no type", `{"id":"x--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}`, "type", CodeRequired},
		{"no id", `{"type":"indicator"}`, "id", CodeRequired},
		{"bad created", `{"type":"indicator","id":"i","created":"yesterday"}`, "created", CodeTimestamp},
		{"bad modified", `{"type":"indicator","id":"i","modified":"2016-04-06T20:03:48+02:00"}`, "modified", CodeTimestamp},
		{"labels not a list", `{"type":"indicator","id":"i","labels":"x"}`, "labels", CodeJSONType},
		{"confidence a string", `{"type":"indicator","id":"i","confidence":"high"}`, "confidence", CodeJSONType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseEnvelope([]byte(tc.raw))
			if !hasError(err, tc.field, tc.code) {
				t.Errorf("got %v, want %s %s", err, tc.field, tc.code)
			}
		})
	}
}

// TestEnvelopeSamples reads every sample object's envelope.
func TestEnvelopeSamples(t *testing.T) {
	for _, s := range allSamples(t) {
		for i, raw := range s.bundle.Objects {
			e, err := ParseEnvelope(raw)
			if err != nil {
				t.Fatalf("%s objects[%d]: %v", s.name, i, err)
			}
			if !ValidID(e.ID) || IDType(e.ID) != e.Type {
				t.Errorf("%s objects[%d]: id %q type %q", s.name, i, e.ID, e.Type)
			}
		}
	}
}
