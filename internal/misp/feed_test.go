package misp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"atalaya/internal/sharedtest"
	"atalaya/internal/valid"
)

const digitalSide = "5ecea68b-9bc0-493b-9c23-7555c0a80102"

func TestReadFeedDigitalSide(t *testing.T) {
	manifest, events, err := ReadFeed(os.DirFS(sharedtest.Path(t, "misp", "feed", "digitalside-misp-feed")))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || len(manifest) != 1 {
		t.Fatalf("%d events, %d manifest entries; want 1 and 1", len(events), len(manifest))
	}
	ev, entry := events[0], manifest[digitalSide]
	if ev.UUID != digitalSide || len(ev.Attributes) != 37 || len(ev.Objects) != 1 || entry.Info != ev.Info ||
		entry.Orgc == nil || entry.Orgc.Name != "DIGITALSIDE.IT" || entry.Timestamp != 1599541517 || entry.ThreatLevel != 2 || entry.Analysis != 0 {
		t.Errorf("event %s with %d attributes, %d objects; entry %+v", ev.UUID, len(ev.Attributes), len(ev.Objects), entry)
	}
	if level, ok := TLPFromTags(ev.Tags); !ok || level != "clear" {
		t.Errorf("TLP of the feed event = %q, %v; want clear (tlp:white)", level, ok)
	}
	// The summary we would write says what DigitalSide's manifest says.
	got, _ := json.Marshal(Summary(ev))
	want, _ := json.Marshal(entry)
	if d := jsonDiff("manifest", decode(t, want), decode(t, got)); len(d) > 0 {
		t.Errorf("Summary differs from the feed's manifest:\n%s", strings.Join(d, "\n"))
	}
}

func decode(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	// The feed's manifest names its organisation with a local id as well.
	if m, ok := v.(map[string]any); ok {
		if org, ok := m["Orgc"].(map[string]any); ok {
			delete(org, "id")
		}
	}
	return v
}

func TestReadFeedErrors(t *testing.T) {
	const id = "11111111-2222-4333-8444-555555555555"
	event := `{"Event":{"uuid":"` + id + `","info":"x"}}`
	tests := []struct {
		name        string
		files       map[string]string
		field, code string
	}{
		{"no manifest", map[string]string{id + ".json": event}, "manifest.json", CodeFeedMissing},
		{"manifest not JSON", map[string]string{"manifest.json": `{`}, "manifest.json: document", CodeJSON},
		{"manifest a list", map[string]string{"manifest.json": `[]`}, "manifest.json", CodeJSONType},
		{"event file missing", map[string]string{"manifest.json": `{"` + id + `":{"info":"x"}}`}, id + ".json", CodeFeedMissing},
		{"key that is a path", map[string]string{"manifest.json": `{"../etc/passwd":{}}`}, "manifest.json.../etc/passwd", CodeFeedKey},
		{"manifest entry broken", map[string]string{"manifest.json": `{"` + id + `":{"timestamp":"soon"}}`, id + ".json": event},
			"manifest.json." + id + ".timestamp", CodeNumber},
		{"event file of another event", map[string]string{"manifest.json": `{"` + id + `":{}}`,
			id + ".json": strings.Replace(event, "5555555555", "6666666666", 1)}, id + ".json: Event.uuid", CodeFeedUUID},
		{"event file broken", map[string]string{"manifest.json": `{"` + id + `":{}}`,
			id + ".json": `{"Event":{"uuid":"` + id + `","info":"x","Attribute":[{"type":"ip-dst"}]}}`}, id + ".json: Event.Attribute[0].value", CodeRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(body)}
			}
			m, events, err := ReadFeed(fsys)
			errs := valid.List(err)
			if m != nil || events != nil || len(errs) != 1 || errs[0].Field != tc.field || errs[0].Code != tc.code {
				t.Fatalf("err = %v, want %s on %q", err, tc.code, tc.field)
			}
		})
	}
}

// TestWriteFeed writes the sample events as a feed and reads them back.
func TestWriteFeed(t *testing.T) {
	var events []*Event
	for _, ev := range sampleEventsParsed(t) {
		if ev.UUID != "" {
			events = append(events, ev)
		}
	}
	events = append(events, fixture(t, "mapping.json"))
	dir := filepath.Join(t.TempDir(), "feed")
	if err := WriteFeed(dir, events); err != nil {
		t.Fatal(err)
	}
	manifest, back, err := ReadFeed(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(events) || len(manifest) != len(events) {
		t.Fatalf("read back %d events, %d manifest entries; wrote %d", len(back), len(manifest), len(events))
	}
	byUUID := map[string]*Event{}
	for _, ev := range back {
		byUUID[ev.UUID] = ev
	}
	for _, ev := range events {
		if d := eventDiff(t, ev, byUUID[ev.UUID]); len(d) > 0 {
			t.Errorf("%s differs:\n%s", ev.UUID, strings.Join(d, "\n"))
		}
	}
	hashes := mustRead(t, filepath.Join(dir, "hashes.csv"))
	lines := strings.Split(strings.TrimSuffix(hashes, "\n"), "\n")
	for _, want := range []string{
		"16fc18d787294ad5171100e33d05d4e2," + digitalSide,                       // md5("3306"), the feed's first attribute
		"018b78335f8ce71be2381e2654424c93,6f1b2a3c-4d5e-4f60-8a7b-9c0d1e2f3a4b", // md5("drop.exe"), half of a filename|sha256
	} {
		if !strings.Contains(hashes, want+"\n") {
			t.Errorf("hashes.csv lacks %s", want)
		}
	}
	count := 0
	for _, l := range lines {
		if strings.HasSuffix(l, ","+digitalSide) {
			count++
		}
	}
	if count != 40 {
		t.Errorf("%d hashes for the DigitalSide event, want 40 (37 attributes and 3 object attributes)", count)
	}
	if err := WriteFeed(dir, []*Event{{Info: "no uuid"}}); valid.List(err) == nil || valid.List(err)[0].Field != "events[0].uuid" {
		t.Errorf("WriteFeed of an event without uuid: %v", err)
	}
}
