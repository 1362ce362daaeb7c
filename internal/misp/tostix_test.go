package misp

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/stix"
	"atalaya/internal/stix/stixtest"
)

// stixObjects indexes a conversion's objects by id, decoded.
func stixObjects(t *testing.T, conv Conversion) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, raw := range conv.Objects {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("object is not JSON: %v", err)
		}
		id, _ := m["id"].(string)
		if _, dup := out[id]; dup {
			t.Fatalf("id %s emitted twice", id)
		}
		out[id] = m
	}
	return out
}

// TestToSTIXMapping converts the mapping fixture, one attribute of each
// kind, and checks what each became.
func TestToSTIXMapping(t *testing.T) {
	conv, err := ToSTIX(fixture(t, "mapping.json"))
	if err != nil {
		t.Fatal(err)
	}
	objs := stixObjects(t, conv)
	const a = "00000000-0000-4000-8000-0000000000"
	tests := []struct {
		name, id, pattern string
	}{
		{"ip to detect", "indicator--" + a + "01", "[ipv4-addr:value = '198.51.100.7']"},
		{"domain|ip", "indicator--" + a + "02", "[domain-name:value = 'evil.example' AND domain-name:resolves_to_refs[*].value = '203.0.113.9']"},
		{"filename|sha256", "indicator--" + a + "03", "[file:name = 'drop.exe' AND file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']"},
		{"AS", "indicator--" + a + "04", "[autonomous-system:number = 64496]"},
		{"IPv6 and port", "indicator--" + a + "05", "[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = '2001:db8::5' AND network-traffic:dst_port = 8443]"},
		{"URL without scheme, not to detect", "x-misp-attribute--" + a + "06", ""},
		{"free text", "x-misp-attribute--" + a + "07", ""},
		{"e-mail sender", "indicator--" + a + "08", "[email-addr:value = 'phish@bad.example']"},
		{"registry key: hive spelt out, quote escaped", "indicator--" + a + "09", `[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\Software\\Run\\it\'s']`},
		{"MAC address, not to detect", "observed-data--" + a + "0a", ""},
		{"link", "observed-data--" + a + "0b", ""},
		{"deleted", "x-misp-attribute--" + a + "0c", ""},
		{"md5 that is no hash", "x-misp-attribute--" + a + "0d", ""},
		{"ip, not to detect", "observed-data--" + a + "0e", ""},
		{"file object", "indicator--0b000000-0000-4000-8000-000000000001", "[file:name = 'invoice.pdf.exe' AND file:hashes.MD5 = '0123456789abcdef0123456789abcdef']"},
		{"domain-ip object", "observed-data--0b000000-0000-4000-8000-000000000002", ""},
		{"object of text", "x-misp-object--0b000000-0000-4000-8000-000000000003", ""},
		{"event report", "note--0d000000-0000-4000-8000-000000000001", ""},
		{"threat actor cluster", "threat-actor--5b4ee3ea-eee3-4c8e-8323-85ae32658754", ""},
		{"ATT&CK cluster", "attack-pattern--a62a8db3-f23a-4d8f-afd6-9dbc77e7813b", ""},
		{"cluster STIX has no type for", "x-misp-galaxy-cluster--0e000000-0000-4000-8000-000000000002", ""},
		{"sighting of an indicator", "sighting--5e000000-0000-4000-8000-000000000002", ""},
	}
	report := objs[conv.ReportID]
	refs, _ := report["object_refs"].([]any)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, ok := objs[tc.id]
			if !ok {
				t.Fatalf("no object %s", tc.id)
			}
			if got, _ := o["pattern"].(string); got != tc.pattern {
				t.Errorf("pattern = %s\nwant      %s", got, tc.pattern)
			}
			if !slices.Contains(refs, any(tc.id)) {
				t.Errorf("the report does not refer to %s", tc.id)
			}
		})
	}
	if _, ok := objs["sighting--5e000000-0000-4000-8000-000000000003"]; ok {
		t.Error("a false-positive sighting became a STIX sighting")
	}
	if _, ok := objs["sighting--5e000000-0000-4000-8000-000000000001"]; ok {
		t.Error("a sighting of an attribute that is no indicator became a STIX sighting")
	}
	mac := objs["mac-addr--"+uuid5(scoNamespace, `{"value":"aa:bb:cc:dd:ee:ff"}`)]
	if mac == nil {
		t.Error("the MAC address is not written lower case with colons, or its id is not the STIX one")
	}
}

// TestToSTIXSharing checks the event-level metadata and markings.
func TestToSTIXSharing(t *testing.T) {
	conv, err := ToSTIX(fixture(t, "mapping.json"))
	if err != nil {
		t.Fatal(err)
	}
	if conv.TLP != stix.TLPAmber || conv.Distribution != DistributionSharingGroup ||
		conv.SharingGroupUUID != "2b3c4d5e-0000-4000-8000-00000000000b" || conv.SharingGroupName != "Regional CSIRTs" ||
		conv.OrgName != "CSIRT Example" || conv.OrgUUID != "1a2b3c4d-0000-4000-8000-00000000000a" ||
		conv.ReportID != "report--6f1b2a3c-4d5e-4f60-8a7b-9c0d1e2f3a4b" {
		t.Errorf("conversion = TLP %q, distribution %d, group %q %q, org %q %q, report %q",
			conv.TLP, conv.Distribution, conv.SharingGroupUUID, conv.SharingGroupName, conv.OrgName, conv.OrgUUID, conv.ReportID)
	}
	email := "indicator--00000000-0000-4000-8000-000000000008"
	if conv.ObjectTLP[email] != stix.TLPRed || len(conv.ObjectTLP) != 1 {
		t.Errorf("ObjectTLP = %v, want only %s: red", conv.ObjectTLP, email)
	}
	objs := stixObjects(t, conv)
	tests := []struct {
		id, marking string
		labels      []any
	}{
		{conv.ReportID, stix.TLPMarkingID(stix.TLPAmber), []any{`rsit:malicious-code="ransomware"`}},
		{email, stix.TLPMarkingID(stix.TLPRed), []any{"phishing"}},
		{"indicator--00000000-0000-4000-8000-000000000001", stix.TLPMarkingID(stix.TLPAmber), nil},
	}
	for _, tc := range tests {
		o := objs[tc.id]
		if refs, _ := o["object_marking_refs"].([]any); len(refs) != 1 || refs[0] != tc.marking {
			t.Errorf("%s: object_marking_refs = %v, want [%s]", tc.id, refs, tc.marking)
		}
		if labels, _ := o["labels"].([]any); !slices.Equal(labels, tc.labels) {
			t.Errorf("%s: labels = %v, want %v", tc.id, labels, tc.labels)
		}
		if o["created_by_ref"] != "identity--1a2b3c4d-0000-4000-8000-00000000000a" {
			t.Errorf("%s: created_by_ref = %v", tc.id, o["created_by_ref"])
		}
	}
	for _, level := range []string{stix.TLPAmber, stix.TLPRed} {
		if _, ok := objs[stix.TLPMarkingID(level)]; !ok {
			t.Errorf("the %s marking definition is not in the output", level)
		}
	}
}

// TestToSTIXValidates checks every object ToSTIX emits for every sample
// against the OASIS schemas (custom x-misp-* types against the core schema
// only), and that the check can fail.
func TestToSTIXValidates(t *testing.T) {
	v := stixtest.Validator(t)
	events := map[string]*Event{"mapping.json": fixture(t, "mapping.json")}
	for name, ev := range sampleEventsParsed(t) {
		events[name] = ev
	}
	for name, ev := range events {
		t.Run(name, func(t *testing.T) {
			conv, err := ToSTIX(ev)
			if err != nil {
				t.Fatal(err)
			}
			for _, raw := range conv.Objects {
				var head struct{ Type string }
				_ = json.Unmarshal(raw, &head)
				if _, custom := v.SchemaFor(head.Type); custom != strings.HasPrefix(head.Type, "x-misp-") {
					t.Errorf("type %s: custom = %v", head.Type, custom)
				}
				if err := v.Object(raw); err != nil {
					t.Errorf("%v\n%s", err, raw)
				}
			}
		})
	}
	conv, _ := ToSTIX(fixture(t, "mapping.json"))
	for _, raw := range conv.Objects {
		if bytes.Contains(raw, []byte(`"type":"indicator"`)) {
			broken := bytes.Replace(raw, []byte(`"pattern_type":"stix"`), []byte(`"pattern_type":7`), 1)
			if v.Object(broken) == nil {
				t.Fatal("the validator accepts an indicator whose pattern_type is a number")
			}
			return
		}
	}
}

// TestToSTIXDeterministic converts twice: the same ids and bytes, so a
// re-import is recognised as the same version.
func TestToSTIXDeterministic(t *testing.T) {
	for name, ev := range sampleEventsParsed(t) {
		a, errA := ToSTIX(ev)
		b, errB := ToSTIX(ev)
		if errA != nil || errB != nil || len(a.Objects) != len(b.Objects) {
			t.Fatalf("%s: %v %v", name, errA, errB)
		}
		for i := range a.Objects {
			if !bytes.Equal(a.Objects[i], b.Objects[i]) {
				t.Errorf("%s: object %d differs between two conversions", name, i)
			}
		}
	}
}

// TestToSTIXMadeUpIDs converts event_obj_attr_tag.json, whose objects are
// named "a" and "b" and whose attributes have no uuid: the ids are made up,
// valid and distinct, and the MISP uuids travel in x_misp_uuid.
func TestToSTIXMadeUpIDs(t *testing.T) {
	conv, err := ToSTIX(openSample(t, "core", "event_obj_attr_tag.json"))
	if err != nil {
		t.Fatal(err)
	}
	objs := stixObjects(t, conv)
	carried := map[string]bool{}
	for id, o := range objs {
		if !stix.ValidID(id) {
			t.Errorf("invalid id %s", id)
		}
		if u, ok := o[propUUID].(string); ok {
			carried[u] = true
		}
	}
	for _, want := range []string{"a", "b", ""} {
		if !carried[want] {
			t.Errorf("MISP uuid %q is not carried in x_misp_uuid", want)
		}
	}
	rels := 0
	for _, o := range objs {
		if o["type"] == "relationship" && o["relationship_type"] == "baz" {
			rels++
		}
	}
	if rels != 1 {
		t.Errorf("%d relationships for the reference from a to b, want 1", rels)
	}
}

// TestToSTIXEmptyEvent: a report must refer to something; an event with
// nothing in it gets a placeholder note.
func TestToSTIXEmptyEvent(t *testing.T) {
	conv, err := ToSTIX(openSample(t, "core", "event.json"))
	if err != nil {
		t.Fatal(err)
	}
	objs := stixObjects(t, conv)
	refs, _ := objs[conv.ReportID]["object_refs"].([]any)
	if len(refs) != 1 || objs[refs[0].(string)][propKind] != kindPlaceholder {
		t.Fatalf("object_refs = %v, want one placeholder note", refs)
	}
	if _, err := ToSTIX(nil); err == nil {
		t.Error("ToSTIX(nil) gave no error")
	}
}
