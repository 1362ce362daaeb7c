package misp

import (
	"encoding/json"
)

// Event is one MISP event: a unit of shared intelligence with its attributes,
// objects, tags, galaxies and reports. Fields MISP leaves out stay zero
// (Analysis and Distribution: Unset); every property not named here is kept
// in Extra (local ids such as "id" and "org_id", "locked", "RelatedEvent",
// "ShadowAttribute"...) and written back as it came.
type Event struct {
	UUID             string
	Info             string
	Date             string // YYYY-MM-DD, as written
	ThreatLevel      int    // threat_level_id: 1 high, 2 medium, 3 low, 4 undefined; 0 when absent
	Analysis         int    // 0 initial, 1 ongoing, 2 complete; Unset when absent
	Distribution     Distribution
	SharingGroupID   string
	Published        bool
	Timestamp        int64 // unix seconds of the last change; 0 when absent
	PublishTimestamp int64
	Org              *Org // the organisation that owns this copy
	Orgc             *Org // the organisation that created the event
	SharingGroup     *SharingGroup
	Tags             []Tag
	Attributes       []Attribute
	Objects          []Object
	Galaxies         []Galaxy
	Reports          []EventReport
	Extra            map[string]json.RawMessage
}

// Org is an organisation as MISP names it in events (Org, Orgc,
// Organisation). Local ids and flags stay in Extra.
type Org struct {
	UUID  string
	Name  string
	Extra map[string]json.RawMessage
}

// parseEvent reads one opened event object.
func parseEvent(f *fields) *Event {
	ev := &Event{
		UUID:             f.str("uuid"),
		Info:             f.str("info"),
		Date:             f.str("date"),
		ThreatLevel:      f.level("threat_level_id", 1, 4, 0),
		Analysis:         f.level("analysis", 0, 2, Unset),
		Distribution:     f.distribution("distribution", false),
		SharingGroupID:   f.str("sharing_group_id"),
		Published:        f.boolean("published"),
		Timestamp:        f.num("timestamp", 0),
		PublishTimestamp: f.num("publish_timestamp", 0),
		Org:              parseOrgAt(f, "Org"),
		Orgc:             parseOrgAt(f, "Orgc"),
	}
	if sub, ok := f.sub("SharingGroup"); ok {
		ev.SharingGroup = parseSharingGroup(sub)
	}
	f.objects("Tag", func(sub *fields) { ev.Tags = append(ev.Tags, parseTag(sub)) })
	f.objects("Attribute", func(sub *fields) {
		if a, ok := parseAttribute(sub); ok {
			ev.Attributes = append(ev.Attributes, a)
		}
	})
	f.objects("Object", func(sub *fields) { ev.Objects = append(ev.Objects, parseObject(sub)) })
	f.objects("Galaxy", func(sub *fields) { ev.Galaxies = append(ev.Galaxies, parseGalaxy(sub)) })
	f.objects("EventReport", func(sub *fields) { ev.Reports = append(ev.Reports, parseEventReport(sub)) })
	ev.Extra = f.rest()
	return ev
}

// header returns the event's own properties, without its attributes,
// objects, galaxies and reports.
func (ev *Event) header() doc {
	d := doc{}
	d.str("uuid", ev.UUID)
	d.str("info", ev.Info)
	d.str("date", ev.Date)
	if ev.ThreatLevel != 0 {
		d.level("threat_level_id", ev.ThreatLevel)
	}
	d.level("analysis", ev.Analysis)
	d.level("distribution", int(ev.Distribution))
	d.str("sharing_group_id", ev.SharingGroupID)
	d.flag("published", ev.Published)
	d.num("timestamp", ev.Timestamp)
	d.num("publish_timestamp", ev.PublishTimestamp)
	if ev.Org != nil {
		d["Org"] = ev.Org
	}
	if ev.Orgc != nil {
		d["Orgc"] = ev.Orgc
	}
	if ev.SharingGroup != nil {
		d["SharingGroup"] = ev.SharingGroup
	}
	listOf(d, "Tag", ev.Tags)
	return d
}

// MarshalJSON writes the event as MISP does, without the {"Event": ...}
// wrapper.
func (ev *Event) MarshalJSON() ([]byte, error) {
	d := ev.header()
	listOf(d, "Attribute", ev.Attributes)
	listOf(d, "Object", ev.Objects)
	listOf(d, "Galaxy", ev.Galaxies)
	listOf(d, "EventReport", ev.Reports)
	return encode(d, ev.Extra)
}

// parseOrgAt reads the organisation under key; absent gives nil.
func parseOrgAt(f *fields, key string) *Org {
	sub, ok := f.sub(key)
	if !ok {
		return nil
	}
	return parseOrg(sub)
}

// parseOrg reads one opened organisation.
func parseOrg(f *fields) *Org {
	o := &Org{UUID: f.str("uuid"), Name: f.str("name")}
	o.Extra = f.rest()
	return o
}

// MarshalJSON writes the organisation as MISP does.
func (o Org) MarshalJSON() ([]byte, error) {
	d := doc{}
	d.str("uuid", o.UUID)
	d.str("name", o.Name)
	return encode(d, o.Extra)
}
