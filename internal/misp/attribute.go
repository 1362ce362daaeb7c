package misp

import (
	"encoding/json"
)

// Attribute is one MISP attribute: a typed value (an IP address, a domain, a
// hash...) with its category, whether it is meant for detection (to_ids), its
// distribution, tags and sightings. Inside an Object, ObjectRelation names
// its role there.
type Attribute struct {
	UUID               string
	Type               string // MISP attribute type: "ip-dst", "domain", "filename|md5"...
	Category           string
	Value              string
	Comment            string
	ToIDS              bool
	Distribution       Distribution
	SharingGroupID     string
	Timestamp          int64
	Deleted            bool
	DisableCorrelation bool
	ObjectRelation     string
	FirstSeen          string // as written, usually RFC 3339 with microseconds
	LastSeen           string
	Tags               []Tag
	Sightings          []Sighting
	Galaxies           []Galaxy
	Extra              map[string]json.RawMessage
}

// Tag is a MISP tag: free text or a machine tag from a taxonomy
// ("tlp:amber", `ecsirt:malicious-code="ransomware"`).
type Tag struct {
	Name   string
	Colour string
	Local  bool // a local tag never leaves the instance
	Extra  map[string]json.RawMessage
}

// Sighting is one report that an attribute's value was seen (Type "0"),
// is a false positive ("1") or has expired ("2").
type Sighting struct {
	UUID          string
	Type          string
	Source        string
	DateSighting  int64 // unix seconds
	Timestamp     int64
	Value         string
	AttributeUUID string
	Organisation  *Org
	Extra         map[string]json.RawMessage
}

// parseAttribute reads one opened attribute; it needs a type and a value.
func parseAttribute(f *fields) (Attribute, bool) {
	a := Attribute{
		UUID:               f.str("uuid"),
		Type:               f.str("type"),
		Category:           f.str("category"),
		Value:              f.str("value"),
		Comment:            f.str("comment"),
		ToIDS:              f.boolean("to_ids"),
		Distribution:       f.distribution("distribution", true),
		SharingGroupID:     f.str("sharing_group_id"),
		Timestamp:          f.num("timestamp", 0),
		Deleted:            f.boolean("deleted"),
		DisableCorrelation: f.boolean("disable_correlation"),
		ObjectRelation:     f.str("object_relation"),
		FirstSeen:          f.str("first_seen"),
		LastSeen:           f.str("last_seen"),
	}
	f.objects("Tag", func(sub *fields) { a.Tags = append(a.Tags, parseTag(sub)) })
	f.objects("Sighting", func(sub *fields) { a.Sightings = append(a.Sightings, parseSighting(sub)) })
	f.objects("Galaxy", func(sub *fields) { a.Galaxies = append(a.Galaxies, parseGalaxy(sub)) })
	a.Extra = f.rest()
	ok := true
	for _, req := range [...]struct{ key, v string }{{"type", a.Type}, {"value", a.Value}} {
		if req.v == "" {
			f.errs.Add(f.at(req.key), CodeRequired, "an attribute needs a "+req.key, map[string]any{"Property": req.key})
			ok = false
		}
	}
	return a, ok
}

// fields returns the attribute's known properties as MISP writes them.
func (a Attribute) fields() doc {
	d := doc{}
	d.str("uuid", a.UUID)
	d.str("type", a.Type)
	d.str("category", a.Category)
	d.str("value", a.Value)
	d.str("comment", a.Comment)
	d["to_ids"] = a.ToIDS // always: MISP reads an absent to_ids as the type's default
	d.level("distribution", int(a.Distribution))
	d.str("sharing_group_id", a.SharingGroupID)
	d.num("timestamp", a.Timestamp)
	d.flag("deleted", a.Deleted)
	d.flag("disable_correlation", a.DisableCorrelation)
	d.str("object_relation", a.ObjectRelation)
	d.str("first_seen", a.FirstSeen)
	d.str("last_seen", a.LastSeen)
	listOf(d, "Tag", a.Tags)
	listOf(d, "Sighting", a.Sightings)
	listOf(d, "Galaxy", a.Galaxies)
	return d
}

// MarshalJSON writes the attribute as MISP does.
func (a Attribute) MarshalJSON() ([]byte, error) { return encode(a.fields(), a.Extra) }

// parseTag reads one opened tag.
func parseTag(f *fields) Tag {
	t := Tag{Name: f.str("name"), Colour: f.str("colour"), Local: f.boolean("local")}
	t.Extra = f.rest()
	return t
}

// MarshalJSON writes the tag as MISP does.
func (t Tag) MarshalJSON() ([]byte, error) {
	d := doc{}
	d.str("name", t.Name)
	d.str("colour", t.Colour)
	d.flag("local", t.Local)
	return encode(d, t.Extra)
}

// Exportable reports whether MISP would pass the tag on: not local, and not
// marked "exportable": false.
func (t Tag) Exportable() bool {
	if t.Local {
		return false
	}
	raw, ok := t.Extra["exportable"]
	if !ok {
		return true
	}
	var b bool
	return json.Unmarshal(raw, &b) != nil || b
}

// parseSighting reads one opened sighting.
func parseSighting(f *fields) Sighting {
	s := Sighting{
		UUID:          f.str("uuid"),
		Type:          f.str("type"),
		Source:        f.str("source"),
		DateSighting:  f.num("date_sighting", 0),
		Timestamp:     f.num("timestamp", 0),
		Value:         f.str("value"),
		AttributeUUID: f.str("attribute_uuid"),
		Organisation:  parseOrgAt(f, "Organisation"),
	}
	s.Extra = f.rest()
	return s
}

// MarshalJSON writes the sighting as MISP does.
func (s Sighting) MarshalJSON() ([]byte, error) {
	d := doc{}
	d.str("uuid", s.UUID)
	d.str("type", s.Type)
	d.str("source", s.Source)
	d.num("date_sighting", s.DateSighting)
	d.num("timestamp", s.Timestamp)
	d.str("value", s.Value)
	d.str("attribute_uuid", s.AttributeUUID)
	if s.Organisation != nil {
		d["Organisation"] = s.Organisation
	}
	return encode(d, s.Extra)
}
