package misp

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"atalaya/internal/valid"
)

// Manifest is a MISP feed's manifest.json: a summary of every event of the
// feed by event uuid, so a reader can choose events without fetching them.
type Manifest map[string]ManifestEntry

// ManifestEntry summarises one event of a feed.
type ManifestEntry struct {
	Info        string
	Date        string
	Analysis    int // Unset when absent
	ThreatLevel int // 0 when absent
	Timestamp   int64
	Orgc        *Org
	Tags        []Tag
	Extra       map[string]json.RawMessage
}

// ReadFeed reads a MISP feed: manifest.json and the <uuid>.json file of each
// event it lists, in the manifest's order. A file the manifest names but the
// feed lacks, an event file holding another event, or a malformed file is a
// valid.Errors naming the file ("5ecea68b-….json: Event.Attribute[3].type").
func ReadFeed(fsys fs.FS) (Manifest, []*Event, error) {
	data, err := fs.ReadFile(fsys, "manifest.json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, valid.New("manifest.json", CodeFeedMissing, "the feed has no manifest.json", map[string]any{"File": "manifest.json"})
	}
	if err != nil {
		return nil, nil, err
	}
	manifest, order, err := parseManifest(data)
	if err != nil {
		return nil, nil, err
	}
	var errs valid.Errors
	events := make([]*Event, 0, len(order))
	for _, id := range order {
		if ev := readFeedEvent(fsys, id, &errs); ev != nil {
			events = append(events, ev)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	return manifest, events, nil
}

// readFeedEvent reads <id>.json and checks it holds event id.
func readFeedEvent(fsys fs.FS, id string, errs *valid.Errors) *Event {
	name := id + ".json"
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		msg := "the manifest lists " + name + " but the feed cannot give it: " + err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "the manifest lists " + name + " but the feed has no such file"
		}
		errs.Add(name, CodeFeedMissing, msg, map[string]any{"File": name})
		return nil
	}
	ev, err := ParseEvent(bytes.NewReader(data))
	if err != nil {
		*errs = append(*errs, valid.List(prefixFields(err, name))...)
		return nil
	}
	if ev.UUID != id {
		errs.Add(name+": Event.uuid", CodeFeedUUID, name+" holds event “"+ev.UUID+"”, not the one its name says",
			map[string]any{"File": name, "UUID": ev.UUID})
		return nil
	}
	return ev
}

// parseManifest reads manifest.json, keeping the order of its keys.
func parseManifest(data []byte) (Manifest, []string, error) {
	raw, err := readDocument(bytes.NewReader(data))
	if err != nil {
		return nil, nil, prefixFields(err, "manifest.json")
	}
	order, err := objectKeys(raw)
	if err != nil {
		return nil, nil, valid.New("manifest.json", CodeJSONType, "the manifest must be a JSON object of event uuid to summary", nil)
	}
	var entries map[string]json.RawMessage
	_ = json.Unmarshal(raw, &entries)
	var errs valid.Errors
	m := make(Manifest, len(entries))
	var kept []string
	for _, id := range order {
		if _, dup := m[id]; dup {
			continue
		}
		path := "manifest.json." + id
		if !feedUUID(id) {
			errs.Add(path, CodeFeedKey, "“"+id+"” is not an event uuid", map[string]any{"UUID": id})
			continue
		}
		if f, ok := openFields(path, entries[id], &errs); ok {
			m[id] = parseManifestEntry(f)
			kept = append(kept, id)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	return m, kept, nil
}

func parseManifestEntry(f *fields) ManifestEntry {
	e := ManifestEntry{
		Info:        f.str("info"),
		Date:        f.str("date"),
		Analysis:    f.level("analysis", 0, 2, Unset),
		ThreatLevel: f.level("threat_level_id", 1, 4, 0),
		Timestamp:   f.num("timestamp", 0),
		Orgc:        parseOrgAt(f, "Orgc"),
	}
	f.objects("Tag", func(sub *fields) { e.Tags = append(e.Tags, parseTag(sub)) })
	e.Extra = f.rest()
	return e
}

// MarshalJSON writes the entry as MISP feeds do.
func (e ManifestEntry) MarshalJSON() ([]byte, error) {
	d := doc{}
	d.str("info", e.Info)
	d.str("date", e.Date)
	d.level("analysis", e.Analysis)
	if e.ThreatLevel != 0 {
		d.level("threat_level_id", e.ThreatLevel)
	}
	d.num("timestamp", e.Timestamp)
	if e.Orgc != nil {
		d["Orgc"] = e.Orgc
	}
	listOf(d, "Tag", e.Tags)
	return encode(d, e.Extra)
}

// Summary returns the manifest entry of an event: its info, date, levels,
// timestamp, creator (name and uuid) and exportable tags (name and colour).
func Summary(ev *Event) ManifestEntry {
	e := ManifestEntry{Info: ev.Info, Date: ev.Date, Analysis: ev.Analysis, ThreatLevel: ev.ThreatLevel, Timestamp: ev.Timestamp}
	if ev.Orgc != nil {
		e.Orgc = &Org{UUID: ev.Orgc.UUID, Name: ev.Orgc.Name}
	}
	for _, t := range ev.Tags {
		if t.Exportable() {
			e.Tags = append(e.Tags, Tag{Name: t.Name, Colour: t.Colour})
		}
	}
	return e
}

// WriteFeed writes events as a MISP feed in dir (made if absent):
// <uuid>.json for each event, manifest.json listing exactly these events,
// and hashes.csv with the MD5 of every attribute value (each half of a
// composite value such as filename|md5) and its event uuid, as MISP reads
// feeds to correlate without fetching them. Each file is written whole or
// not at all.
func WriteFeed(dir string, events []*Event) error {
	var errs valid.Errors
	for i, ev := range events {
		if ev == nil || !feedUUID(ev.UUID) {
			errs.Add("events"+indexSuffix(i)+".uuid", CodeFeedEventID, "a feed event needs a uuid, its file name", nil)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	manifest := make(Manifest, len(events))
	var hashes strings.Builder
	for _, ev := range events {
		body, err := marshal(map[string]*Event{"Event": ev})
		if err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(dir, ev.UUID+".json"), body); err != nil {
			return err
		}
		manifest[ev.UUID] = Summary(ev)
		for _, h := range valueHashes(ev) {
			hashes.WriteString(h + "," + ev.UUID + "\n")
		}
	}
	body, err := marshal(manifest)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, "manifest.json"), body); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "hashes.csv"), []byte(hashes.String()))
}

// valueHashes returns the MD5 of each attribute value of the event,
// objects' attributes included; a composite type hashes each part.
func valueHashes(ev *Event) []string {
	var out []string
	add := func(a Attribute) {
		parts := []string{a.Value}
		if strings.Contains(a.Type, "|") || a.Type == "malware-sample" {
			parts = strings.Split(a.Value, "|")
		}
		for _, p := range parts {
			sum := md5.Sum([]byte(p))
			out = append(out, hex.EncodeToString(sum[:]))
		}
	}
	for _, a := range ev.Attributes {
		add(a)
	}
	for _, o := range ev.Objects {
		for _, a := range o.Attributes {
			add(a)
		}
	}
	return out
}

// writeFileAtomic writes through a temporary file renamed into place, so a
// reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// feedUUID accepts what can name a feed file: hex digits and hyphens, the
// form of a UUID, and so never a path.
func feedUUID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if c != '-' && !isHexDigit(c) {
			return false
		}
	}
	return true
}

func isHexDigit(c rune) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// objectKeys returns the keys of a JSON object in the order written.
func objectKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// prefixFields puts file before the field of every validation error.
func prefixFields(err error, file string) error {
	list := valid.List(err)
	if list == nil {
		return err
	}
	out := make(valid.Errors, len(list))
	for i, e := range list {
		c := *e
		c.Field = file + ": " + e.Field
		out[i] = &c
	}
	return out
}
