package stix

import (
	"os"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
	"atalaya/internal/valid"
)

// TestValidateSamples: the OASIS examples and ATT&CK Mobile are valid STIX
// 2.1, so every object validates clean.
func TestValidateSamples(t *testing.T) {
	for _, s := range allSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			for i, raw := range s.bundle.Objects {
				if err := Validate(raw); err != nil {
					t.Errorf("objects[%d]: %v", i, err)
				}
			}
		})
	}
}

// TestValidateFreeTAXII: the FreeTAXII testlab indicators predate STIX 2.1
// final and lack pattern_type.
func TestValidateFreeTAXII(t *testing.T) {
	raw, err := os.ReadFile(sharedtest.Path(t, "taxii", "freetaxii-testlab", "indicators.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseBundle(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Objects) == 0 {
		t.Fatal("no objects")
	}
	n := 0
	for i, o := range b.Objects {
		env, err := ParseEnvelope(o)
		if err != nil || env.Type != "indicator" {
			continue
		}
		n++
		if !hasError(Validate(o), "pattern_type", CodeRequired) {
			t.Errorf("objects[%d]: want pattern_type required, got %v", i, Validate(o))
		}
	}
	if n != 6 {
		t.Errorf("checked %d indicators, want 6", n)
	}
}

// hasError reports whether err holds a problem with field and code.
func hasError(err error, field, code string) bool {
	for _, e := range valid.List(err) {
		if e.Field == field && e.Code == code {
			return true
		}
	}
	return false
}

// TestValidateErrors breaks one rule at a time, starting from valid objects.
func TestValidateErrors(t *testing.T) {
	const (
		ind  = `"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"`
		rel  = `"type":"relationship","spec_version":"2.1","id":"relationship--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","relationship_type":"uses"`
		sig  = `"type":"sighting","spec_version":"2.1","id":"sighting--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z"`
		sdo  = `"spec_version":"2.1","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z"`
		uuid = "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
	)
	cases := []struct{ name, raw, field, code string }{
		{"valid indicator passes", `{` + ind + `,"pattern":"[ipv4-addr:value = '1.2.3.4']"}`, "", ""},
		{"not an object", `[1]`, "object", CodeJSON},
		{"no type", `{"id":"x"}`, "type", CodeRequired},
		{"bad type name", `{"type":"Indicator","id":"x"}`, "type", CodeType},
		{"no pattern", `{` + ind + `}`, "pattern", CodeRequired},
		{"pattern does not parse", `{` + ind + `,"pattern":"[ipv4-addr:value = ]"}`, "pattern", CodePattern},
		{"pattern of another language is not parsed", `{` + strings.Replace(ind, `"stix"`, `"sigma"`, 1) + `,"pattern":"title: x"}`, "", ""},
		{"no pattern_type", `{` + strings.Replace(ind, `"pattern_type":"stix",`, "", 1) + `,"pattern":"[a:b = 1]"}`, "pattern_type", CodeRequired},
		{"no valid_from", `{` + strings.Replace(ind, `,"valid_from":"2016-01-01T00:00:00Z"`, "", 1) + `,"pattern":"[a:b = 1]"}`, "valid_from", CodeRequired},
		{"valid_until not after valid_from", `{` + ind + `,"pattern":"[a:b = 1]","valid_until":"2016-01-01T00:00:00Z"}`, "valid_until", CodeTimeNotAfter},
		{"id of another type", `{` + strings.Replace(ind, `"id":"indicator--`, `"id":"malware--`, 1) + `,"pattern":"[a:b = 1]"}`, "id", CodeID},
		{"id not a uuid", `{` + strings.Replace(ind, uuid, "1234", 1) + `,"pattern":"[a:b = 1]"}`, "id", CodeID},
		{"spec_version 2.0", `{` + strings.Replace(ind, `"2.1"`, `"2.0"`, 1) + `,"pattern":"[a:b = 1]"}`, "spec_version", CodeSpecVersion},
		{"no spec_version", `{` + strings.Replace(ind, `"spec_version":"2.1",`, "", 1) + `,"pattern":"[a:b = 1]"}`, "spec_version", CodeRequired},
		{"created not a timestamp", `{` + strings.Replace(ind, `"created":"2016-04-06T20:03:48.000Z"`, `"created":"2016-04-06"`, 1) + `,"pattern":"[a:b = 1]"}`, "created", CodeTimestamp},
		{"created without milliseconds", `{` + strings.Replace(ind, `"created":"2016-04-06T20:03:48.000Z"`, `"created":"2016-04-06T20:03:48Z"`, 1) + `,"pattern":"[a:b = 1]"}`, "created", CodePrecision},
		{"modified before created", `{` + strings.Replace(ind, `"modified":"2016-04-06T20:03:48.000Z"`, `"modified":"2016-04-06T20:03:47.999Z"`, 1) + `,"pattern":"[a:b = 1]"}`, "modified", CodeModifiedBefore},
		{"created_by_ref not an identity", `{` + ind + `,"pattern":"[a:b = 1]","created_by_ref":"malware--` + uuid + `"}`, "created_by_ref", CodeRefType},
		{"marking ref not a marking", `{` + ind + `,"pattern":"[a:b = 1]","object_marking_refs":["identity--` + uuid + `"]}`, "object_marking_refs[0]", CodeRefType},
		{"empty labels", `{` + ind + `,"pattern":"[a:b = 1]","labels":[]}`, "labels", CodeEmptyList},
		{"external reference without source", `{` + ind + `,"pattern":"[a:b = 1]","external_references":[{"source_name":"a"},{"url":"http://x"}]}`, "external_references[1].source_name", CodeRequired},
		{"granular marking without selectors", `{` + ind + `,"pattern":"[a:b = 1]","granular_markings":[{"marking_ref":"marking-definition--` + uuid + `"}]}`, "granular_markings[0].selectors", CodeRequired},
		{"granular marking with neither", `{` + ind + `,"pattern":"[a:b = 1]","granular_markings":[{"selectors":["name"]}]}`, "granular_markings[0].marking_ref", CodeOneOf},
		{"confidence above 100", `{` + ind + `,"pattern":"[a:b = 1]","confidence":101}`, "confidence", CodeRange},
		{"kill chain phase without phase", `{` + ind + `,"pattern":"[a:b = 1]","kill_chain_phases":[{"kill_chain_name":"x"}]}`, "kill_chain_phases[0].phase_name", CodeRequired},
		{"relationship source is a relationship", `{` + rel + `,"source_ref":"relationship--` + uuid + `","target_ref":"malware--` + uuid + `"}`, "source_ref", CodeRefType},
		{"relationship without target", `{` + rel + `,"source_ref":"malware--` + uuid + `"}`, "target_ref", CodeRequired},
		{"relationship target not an id", `{` + rel + `,"source_ref":"malware--` + uuid + `","target_ref":"the bad guys"}`, "target_ref", CodeID},
		{"sighting of an SCO", `{` + sig + `,"sighting_of_ref":"ipv4-addr--` + uuid + `"}`, "sighting_of_ref", CodeRefType},
		{"sighting where a malware", `{` + sig + `,"sighting_of_ref":"indicator--` + uuid + `","where_sighted_refs":["malware--` + uuid + `"]}`, "where_sighted_refs[0]", CodeRefType},
		{"sighting last_seen before first_seen", `{` + sig + `,"sighting_of_ref":"indicator--` + uuid + `","first_seen":"2016-01-02T00:00:00Z","last_seen":"2016-01-01T00:00:00Z"}`, "last_seen", CodeTimeBefore},
		{"report without published", `{"type":"report","id":"report--` + uuid + `",` + sdo + `,"name":"r","object_refs":["indicator--` + uuid + `"]}`, "published", CodeRequired},
		{"report with empty object_refs", `{"type":"report","id":"report--` + uuid + `",` + sdo + `,"name":"r","published":"2016-01-01T00:00:00Z","object_refs":[]}`, "object_refs", CodeEmptyList},
		{"malware family without name", `{"type":"malware","id":"malware--` + uuid + `",` + sdo + `,"is_family":true}`, "name", CodeRequired},
		{"malware without is_family", `{"type":"malware","id":"malware--` + uuid + `",` + sdo + `,"name":"x"}`, "is_family", CodeRequired},
		{"opinion outside its list", `{"type":"opinion","id":"opinion--` + uuid + `",` + sdo + `,"opinion":"maybe","object_refs":["report--` + uuid + `"]}`, "opinion", CodeEnum},
		{"location with latitude only", `{"type":"location","id":"location--` + uuid + `",` + sdo + `,"latitude":10}`, "longitude", CodeRequired},
		{"location with nothing", `{"type":"location","id":"location--` + uuid + `",` + sdo + `,"name":"x"}`, "region", CodeOneOf},
		{"observed-data with both", `{"type":"observed-data","id":"observed-data--` + uuid + `",` + sdo + `,"first_observed":"2016-01-01T00:00:00Z","last_observed":"2016-01-01T00:00:00Z","number_observed":1,"objects":{"0":{"type":"ipv4-addr","value":"1.2.3.4"}},"object_refs":["ipv4-addr--` + uuid + `"]}`, "object_refs", CodeExclusive},
		{"observed-data embedded without value", `{"type":"observed-data","id":"observed-data--` + uuid + `",` + sdo + `,"first_observed":"2016-01-01T00:00:00Z","last_observed":"2016-01-01T00:00:00Z","number_observed":1,"objects":{"0":{"type":"ipv4-addr"}}}`, "objects.0.value", CodeRequired},
		{"observed-data count zero", `{"type":"observed-data","id":"observed-data--` + uuid + `",` + sdo + `,"first_observed":"2016-01-01T00:00:00Z","last_observed":"2016-01-01T00:00:00Z","number_observed":0,"object_refs":["ipv4-addr--` + uuid + `"]}`, "number_observed", CodeRange},
		{"TLP 1.0 with an unknown colour", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--` + uuid + `","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","definition":{"tlp":"purple"}}`, "definition.tlp", CodeEnum},
		{"statement without text", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--` + uuid + `","created":"2017-01-20T00:00:00.000Z","definition_type":"statement","definition":{}}`, "definition.statement", CodeRequired},
		{"marking without definition", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--` + uuid + `","created":"2017-01-20T00:00:00.000Z","definition_type":"statement"}`, "definition", CodeRequired},
		{"ipv4-addr without value", `{"type":"ipv4-addr","id":"ipv4-addr--` + uuid + `"}`, "value", CodeRequired},
		{"file without hashes or name", `{"type":"file","id":"file--` + uuid + `","size":5}`, "hashes", CodeOneOf},
		{"extension key not an id", `{"type":"file","id":"file--` + uuid + `","name":"x","extensions":{"extension-definition--nope":{}}}`, "extensions.extension-definition--nope", CodeID},
		{"name of the wrong type", `{"type":"tool","id":"tool--` + uuid + `",` + sdo + `,"name":5}`, "name", CodeJSONType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate([]byte(tc.raw))
			if tc.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if !hasError(err, tc.field, tc.code) {
				t.Errorf("got %v, want %s %s", err, tc.field, tc.code)
			}
			for _, e := range valid.List(err) {
				if e.Message == "" || e.Args["Property"] != e.Field {
					t.Errorf("error %+v lacks a message or its Property argument", e)
				}
			}
		})
	}
}
