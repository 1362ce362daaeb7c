package misp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
	"atalaya/internal/valid"
)

// openSample parses one shared sample with ParseEvent.
func openSample(t *testing.T, rel ...string) *Event {
	t.Helper()
	f, err := os.Open(sharedtest.Path(t, append([]string{"misp"}, rel...)...))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ev, err := ParseEvent(f)
	if err != nil {
		t.Fatalf("ParseEvent(%s): %v", filepath.Join(rel...), err)
	}
	return ev
}

// fixture parses one of our own testdata files.
func fixture(t *testing.T, name string) *Event {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ParseEvent(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ParseEvent(%s): %v", name, err)
	}
	return ev
}

func TestParseEventSamples(t *testing.T) {
	tests := []struct {
		file                                    []string
		info                                    string
		attributes, objects, galaxies, sighting int
		distribution                            Distribution
		orgc                                    string
	}{
		{[]string{"core", "57c4445b-c548-4654-af0b-4be3950d210f.json"}, "Ransomware - Xorist", 9, 0, 0, 0, Unset, "CIRCL"},
		{[]string{"core", "event.json"}, "This is a test", 0, 0, 0, 0, DistributionCommunity, ""},
		{[]string{"core", "new_misp_event.json"}, "This is a test", 0, 0, 0, 0, DistributionOrganisation, "CIRCL"},
		{[]string{"core", "event_obj_attr_tag.json"}, "", 0, 2, 0, 0, Unset, ""},
		{[]string{"core", "existing_event.json"}, "OSINT - Sednit update: How Fancy Bear Spent the Year", 9, 49, 4, 0, DistributionAll, "CIRCL"},
		{[]string{"core", "sighting_1.json"}, "Ursnif, MALWAREMESSIAGH", 5, 0, 1, 6, DistributionAll, "Synovus Financial"},
		{[]string{"core", "shadow.json"}, "Test proposals / ShadowAttributes", 1, 1, 0, 0, DistributionOrganisation, "CIRCL"},
		{[]string{"feed", "digitalside-misp-feed", "5ecea68b-9bc0-493b-9c23-7555c0a80102.json"}, "DigitalSide Malware report: MD5: 1cd71d3bb891df0b251249da0cdcf7e1", 37, 1, 0, 0, Unset, "DIGITALSIDE.IT"},
	}
	for _, tc := range tests {
		t.Run(tc.file[len(tc.file)-1], func(t *testing.T) {
			ev := openSample(t, tc.file...)
			sightings, galaxyClusters := 0, 0
			for _, a := range ev.Attributes {
				sightings += len(a.Sightings)
			}
			for _, g := range ev.Galaxies {
				galaxyClusters += len(g.Clusters)
			}
			orgc := ""
			if ev.Orgc != nil {
				orgc = ev.Orgc.Name
			}
			if ev.Info != tc.info || len(ev.Attributes) != tc.attributes || len(ev.Objects) != tc.objects ||
				len(ev.Galaxies) != tc.galaxies || sightings != tc.sighting || ev.Distribution != tc.distribution || orgc != tc.orgc {
				t.Errorf("got info %q, %d attributes, %d objects, %d galaxies, %d sightings, distribution %d, orgc %q;\nwant %q, %d, %d, %d, %d, %d, %q",
					ev.Info, len(ev.Attributes), len(ev.Objects), len(ev.Galaxies), sightings, ev.Distribution, orgc,
					tc.info, tc.attributes, tc.objects, tc.galaxies, tc.sighting, tc.distribution, tc.orgc)
			}
		})
	}
}

// TestParseEventForms reads the same event written the ways MISP and its
// tools write it: wrapped or bare, numbers and booleans as strings or not.
func TestParseEventForms(t *testing.T) {
	const attr = `{"uuid":"00000000-0000-4000-8000-000000000001","type":"ip-dst","value":"192.0.2.1","to_ids":%s,"distribution":%s}`
	tests := []struct {
		name, doc string
	}{
		{"wrapped, strings", `{"Event":{"info":"x","distribution":"3","timestamp":"1700000000","published":"1","Attribute":[` + sprintf(attr, `"1"`, `"5"`) + `]}}`},
		{"bare, numbers", `{"info":"x","distribution":3,"timestamp":1700000000,"published":1,"Attribute":[` + sprintf(attr, `1`, `5`) + `]}`},
		{"booleans", `{"info":"x","distribution":"3","timestamp":"1700000000","published":true,"Attribute":[` + sprintf(attr, `true`, `"5"`) + `]}`},
		{"API response", `{"response":[{"Event":{"info":"x","distribution":"3","timestamp":"1700000000","published":"true","Attribute":[` + sprintf(attr, `"true"`, `5`) + `]}}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ParseEvent(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if ev.Distribution != DistributionAll || ev.Timestamp != 1700000000 || !ev.Published || len(ev.Attributes) != 1 {
				t.Fatalf("event = %+v", ev)
			}
			if a := ev.Attributes[0]; !a.ToIDS || a.Distribution != DistributionInherit || a.Value != "192.0.2.1" {
				t.Fatalf("attribute = %+v", a)
			}
		})
	}
}

func sprintf(format string, args ...string) string {
	for _, a := range args {
		format = strings.Replace(format, "%s", a, 1)
	}
	return format
}

// TestParseEventKeepsUnknownFields checks that properties the types do not
// name are written back as they came.
func TestParseEventKeepsUnknownFields(t *testing.T) {
	doc := `{"Event":{"info":"x","locked":false,"x_new":{"a":[1,"b",null]},"Attribute":[{"type":"text","value":"v","ShadowAttribute":[],"odd":null}],` +
		`"Tag":[{"name":"t","exportable":false,"numerical_value":null}]}}`
	ev, err := ParseEvent(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	_ = json.Unmarshal([]byte(doc), &want)
	_ = json.Unmarshal(out, &got)
	want = want["Event"].(map[string]any)
	want["Attribute"].([]any)[0].(map[string]any)["to_ids"] = false // always written: MISP reads absent as the type's default
	if d := jsonDiff("Event", want, got); len(d) > 0 {
		t.Errorf("written back differently:\n%s", strings.Join(d, "\n"))
	}
	if ev.Tags[0].Exportable() {
		t.Error("a tag marked exportable: false reads as exportable")
	}
}

func TestParseEventErrors(t *testing.T) {
	tests := []struct {
		name, doc, field, code string
	}{
		{"not JSON", `{"Event": {`, "document", CodeJSON},
		{"trailing garbage", `{"info":"x"} {}`, "document", CodeJSON},
		{"empty", ``, "document", CodeJSON},
		{"a number", `42`, "document", CodeNotEvent},
		{"a galaxy", `{"uuid":"u","name":"Tea Matrix","GalaxyCluster":[]}`, "document", CodeNotEvent},
		{"attribute without type", `{"Event":{"info":"x","Attribute":[{"type":"ip-dst","value":"1"},{"value":"2"}]}}`, "Event.Attribute[1].type", CodeRequired},
		{"attribute without value", `{"info":"x","Attribute":[{"type":"ip-dst","value":""}]}`, "Attribute[0].value", CodeRequired},
		{"distribution out of range", `{"Event":{"info":"x","distribution":"5"}}`, "Event.distribution", CodeRange},
		{"attribute distribution out of range", `{"info":"x","Attribute":[{"type":"a","value":"b","distribution":9}]}`, "Attribute[0].distribution", CodeRange},
		{"threat level zero", `{"info":"x","threat_level_id":"0"}`, "threat_level_id", CodeRange},
		{"timestamp not a number", `{"info":"x","timestamp":"yesterday"}`, "timestamp", CodeNumber},
		{"timestamp a fraction", `{"info":"x","timestamp":1.5}`, "timestamp", CodeNumber},
		{"published not a boolean", `{"info":"x","published":"maybe"}`, "published", CodeBool},
		{"Attribute not a list", `{"info":"x","Attribute":{"type":"a"}}`, "Attribute", CodeJSONType},
		{"attribute not an object", `{"info":"x","Attribute":["1.2.3.4"]}`, "Attribute[0]", CodeJSONType},
		{"info an object", `{"info":{"text":"x"}}`, "info", CodeJSONType},
		{"object attribute broken", `{"info":"x","Object":[{"name":"file","Attribute":[{"type":"md5"}]}]}`, "Object[0].Attribute[0].value", CodeRequired},
		{"sighting date broken", `{"info":"x","Attribute":[{"type":"a","value":"b","Sighting":[{"date_sighting":"x"}]}]}`, "Attribute[0].Sighting[0].date_sighting", CodeNumber},
		{"response item broken", `{"response":[{"Event":{"info":"x"}},{"Event":{"info":"y","analysis":"7"}}]}`, "response[1].Event.analysis", CodeRange},
		{"two events for ParseEvent", `[{"info":"x"},{"info":"y"}]`, "document", CodeOneEvent},
		{"no event in a response", `{"response":[]}`, "document", CodeOneEvent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ParseEvent(strings.NewReader(tc.doc))
			if ev != nil {
				t.Errorf("ParseEvent returned an event with the error")
			}
			for _, e := range valid.List(err) {
				if e.Field == tc.field && e.Code == tc.code {
					return
				}
			}
			t.Fatalf("err = %v, want %s on %q", err, tc.code, tc.field)
		})
	}
}

func TestParseEventsLists(t *testing.T) {
	tests := []struct {
		name, doc string
		want      int
	}{
		{"list of wrapped", `[{"Event":{"info":"a"}},{"Event":{"info":"b"}}]`, 2},
		{"list of bare", `[{"info":"a"},{"info":"b"},{"info":"c"}]`, 3},
		{"response", `{"response":[{"Event":{"info":"a"}}]}`, 1},
		{"one wrapped", `{"Event":{"info":"a"}}`, 1},
		{"empty list", `[]`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events, err := ParseEvents(strings.NewReader(tc.doc))
			if err != nil || len(events) != tc.want {
				t.Fatalf("got %d events, %v; want %d", len(events), err, tc.want)
			}
		})
	}
}

func TestParseSharingGroups(t *testing.T) {
	f, err := os.Open(sharedtest.Path(t, "misp", "core", "sharing_groups.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	groups, err := ParseSharingGroups(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 {
		t.Fatalf("%d groups, want 2", len(groups))
	}
	g := groups[0]
	if g.Name != "PrivateTrustedGroup" || g.Organisation == nil || g.Organisation.Name != "CIRCL" || len(g.Orgs) != 2 ||
		g.Orgs[1].Org.Name != "PifPafPoum" || g.Orgs[1].Extend || !g.Orgs[0].Extend {
		t.Errorf("first group = %+v", g)
	}
	if _, ok := g.Extra["SharingGroupServer"]; !ok {
		t.Errorf("SharingGroupServer was dropped: %v", g.Extra)
	}
	if _, err := ParseSharingGroups(strings.NewReader(`{"SharingGroup":"PrivateTrustedGroup"}`)); err == nil {
		t.Error("a group that is text was accepted")
	}
}

// TestParseEventPHPEmptyObjects: MISP, written in PHP, writes an empty
// object as []; that reads as absent, not as an error.
func TestParseEventPHPEmptyObjects(t *testing.T) {
	doc := `{"info":"x","Org":[],"SharingGroup":[],"Galaxy":[{"name":"g","GalaxyCluster":[{"value":"c","meta":[]}]}]}`
	ev, err := ParseEvent(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Org != nil || ev.SharingGroup != nil || ev.Galaxies[0].Clusters[0].Meta != nil {
		t.Errorf("empty arrays read as %+v %+v %s", ev.Org, ev.SharingGroup, ev.Galaxies[0].Clusters[0].Meta)
	}
	if d := eventDiff(t, ev, throughSTIX(t, ev)); len(d) > 0 {
		t.Errorf("differences:\n%s", strings.Join(d, "\n"))
	}
}
