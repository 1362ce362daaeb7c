package misp

import (
	"encoding/json"
	"slices"
	"strings"

	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// stixObject is one STIX object read for FromSTIX.
type stixObject struct {
	path  string // "objects[3]", for errors
	typ   string
	id    string
	props map[string]json.RawMessage
	raw   json.RawMessage
}

// str returns a string property, "" when absent or not a string.
func (o *stixObject) str(key string) string {
	var s string
	_ = json.Unmarshal(o.props[key], &s)
	return s
}

// list returns a list-of-strings property.
func (o *stixObject) list(key string) []string {
	var l []string
	_ = json.Unmarshal(o.props[key], &l)
	return l
}

// importer holds the state of one FromSTIX call.
type importer struct {
	objects []*stixObject
	byID    map[string]*stixObject
	used    map[string]bool
	errs    valid.Errors
	// made lists the attributes made from a native indicator, by its id, so
	// a native sighting of it can be attached.
	made map[string][]attributeRef
}

// attributeRef points at an attribute by position, which stays valid while
// the event's list grows.
type attributeRef struct {
	ev    *Event
	index int
}

// FromSTIX turns STIX objects into MISP events. A report or grouping becomes
// an event with what its object_refs name; objects ToSTIX wrote (x_misp_kind)
// are restored exactly, native STIX objects become reasonable attributes
// (the equality comparisons of an indicator's pattern, the values of
// observed cyber-observables), galaxy clusters (threat actors, malware...) and
// event reports (notes). Objects outside any report go to one event named
// "STIX import". A malformed object gives a valid.Errors naming it
// ("objects[3].id").
func FromSTIX(objects []json.RawMessage) ([]*Event, error) {
	return fromSTIX(objects, "STIX import", "")
}

// FromSTIXNamed is FromSTIX with the name of the event that gathers the
// objects outside any report (an export's title, "Atalaya export 2024-06-01").
func FromSTIXNamed(objects []json.RawMessage, info string) ([]*Event, error) {
	return fromSTIX(objects, info, "")
}

// FromBundle is FromSTIX for a whole bundle: the objects outside any report
// go to an event named after the bundle, with the bundle's UUID.
func FromBundle(b stix.Bundle) ([]*Event, error) {
	return fromSTIX(b.Objects, "STIX bundle "+b.ID, uuidOf(b.ID))
}

func fromSTIX(raws []json.RawMessage, orphanInfo, orphanUUID string) ([]*Event, error) {
	im := &importer{byID: map[string]*stixObject{}, used: map[string]bool{}, made: map[string][]attributeRef{}}
	im.read(raws)
	if err := im.errs.Err(); err != nil {
		return nil, err
	}
	var events []*Event
	for _, o := range im.objects {
		if (o.typ == "report" || o.typ == "grouping") && im.byID[o.id] == o {
			im.used[o.id] = true
			events = append(events, im.event(o))
		}
	}
	if ev := im.orphans(orphanInfo, orphanUUID); ev != nil {
		events = append(events, ev)
	}
	im.nativeSightings()
	if err := im.errs.Err(); err != nil {
		return nil, err
	}
	return events, nil
}

// read parses every object; of two versions of one id the later modified
// wins.
func (im *importer) read(raws []json.RawMessage) {
	for i, raw := range raws {
		o := &stixObject{path: "objects" + indexSuffix(i), raw: raw}
		if err := json.Unmarshal(raw, &o.props); err != nil || o.props == nil {
			im.errs.Add(o.path, CodeSTIX, "not a JSON object", nil)
			continue
		}
		o.typ, o.id = o.str("type"), o.str("id")
		if o.typ == "" || o.id == "" {
			im.errs.Add(o.path+".id", CodeSTIX, "a STIX object needs a type and an id", map[string]any{"Property": "id"})
			continue
		}
		if prev, ok := im.byID[o.id]; ok && unixOf(prev.str("modified")) > unixOf(o.str("modified")) {
			continue
		}
		im.byID[o.id] = o
		im.objects = append(im.objects, o)
	}
}

// event makes the event of a report or grouping.
func (im *importer) event(o *stixObject) *Event {
	var ev *Event
	if o.str(propKind) == kindEvent {
		ev = im.exactEvent(o)
	} else {
		ev = im.nativeEvent(o)
	}
	if ev == nil {
		return &Event{}
	}
	for _, ref := range o.list("object_refs") {
		child, ok := im.byID[ref]
		if !ok || child == o {
			continue // left out of the export, or filtered
		}
		im.used[ref] = true
		im.child(ev, child)
	}
	return ev
}

// exactEvent restores an event ToSTIX wrote from its report's x_misp_*
// properties.
func (im *importer) exactEvent(o *stixObject) *Event {
	m := mispFromCustom(o.props)
	m["info"] = o.props["name"]
	if string(o.props[propUntitled]) == "true" {
		m["info"] = json.RawMessage(`""`)
	}
	m["uuid"] = im.mispUUID(o)
	f, ok := im.open(o, m)
	if !ok {
		return nil
	}
	return parseEvent(f)
}

// mispUUID is the MISP uuid of an object ToSTIX wrote: x_misp_uuid when the
// id could not carry it, else the id's.
func (im *importer) mispUUID(o *stixObject) json.RawMessage {
	if raw, ok := o.props[propUUID]; ok {
		return raw
	}
	raw, _ := json.Marshal(uuidOf(o.id))
	return raw
}

// open hands a rebuilt MISP object to the parser, errors naming the STIX
// object.
func (im *importer) open(o *stixObject, m map[string]json.RawMessage) (*fields, bool) {
	raw, err := marshal(m)
	if err != nil {
		im.errs.Add(o.path, CodeSTIX, err.Error(), nil)
		return nil, false
	}
	return openFields(o.path, raw, &im.errs)
}

// child adds what one object a report refers to stands for.
func (im *importer) child(ev *Event, o *stixObject) {
	switch o.str(propKind) {
	case kindAttribute:
		im.markObserved(o)
		if a, ok := im.exactAttribute(o); ok {
			ev.Attributes = append(ev.Attributes, a)
		}
	case kindObject:
		im.markObserved(o)
		m := mispFromCustom(o.props)
		m["uuid"] = im.mispUUID(o)
		if f, ok := im.open(o, m); ok {
			ev.Objects = append(ev.Objects, parseObject(f))
		}
	case kindReport:
		m := mispFromCustom(o.props)
		m["uuid"] = im.mispUUID(o)
		if f, ok := im.open(o, m); ok {
			ev.Reports = append(ev.Reports, parseEventReport(f))
		}
	case kindCluster, kindSighting, kindReference, kindPlaceholder, kindObservable:
		// derived for STIX readers; the event or attribute holds the data
	default:
		im.native(ev, o)
	}
}

// exactAttribute restores an attribute from its x_misp_* properties; an
// x-misp-attribute of another MISP exporter, without x_misp_kind, is read the
// same way.
func (im *importer) exactAttribute(o *stixObject) (Attribute, bool) {
	m := mispFromCustom(o.props)
	m["uuid"] = im.mispUUID(o)
	followEdits(o, m)
	f, ok := im.open(o, m)
	if !ok {
		return Attribute{}, false
	}
	return parseAttribute(f)
}

// markObserved marks the cyber-observables of an observed-data as taken, so
// they do not turn up again among the objects outside any report.
func (im *importer) markObserved(o *stixObject) {
	if o.typ != "observed-data" {
		return
	}
	for _, ref := range o.list("object_refs") {
		im.used[ref] = true
		if sco, ok := im.byID[ref]; ok {
			for _, r := range sco.list("resolves_to_refs") {
				im.used[r] = true
			}
			for _, key := range []string{"src_ref", "dst_ref"} {
				if r := sco.str(key); r != "" {
					im.used[r] = true
				}
			}
		}
	}
}

// skipped are the types that never become MISP data on their own.
var skipped = []string{"report", "grouping", "identity", "marking-definition", "relationship",
	"sighting", "language-content", "extension-definition", "location"}

// orphans gathers the objects no report refers to into one event.
func (im *importer) orphans(info, uuid string) *Event {
	var candidates []*stixObject
	for _, o := range im.objects {
		if im.used[o.id] || im.byID[o.id] != o || slices.Contains(skipped, o.typ) || isDerived(o) {
			continue
		}
		candidates = append(candidates, o)
	}
	for _, o := range candidates { // an observed-data takes its observables first
		im.markObserved(o)
	}
	ev := &Event{Info: info, Analysis: Unset, Distribution: Unset}
	var ids []string
	var latest int64
	for _, o := range candidates {
		if im.used[o.id] {
			continue
		}
		im.used[o.id] = true
		ids = append(ids, o.id)
		latest = max(latest, unixOf(o.str("modified")), unixOf(o.str("created")))
		im.child(ev, o)
	}
	if len(ev.Attributes)+len(ev.Objects)+len(ev.Galaxies)+len(ev.Reports) == 0 {
		return nil
	}
	if uuid == "" {
		slices.Sort(ids)
		uuid = uuid5(derivedNamespace, "orphans:"+strings.Join(ids, ","))
	}
	ev.UUID, ev.Timestamp = uuid, latest
	if latest > 0 {
		ev.Date = stixDate(stixTime(latest))
	}
	return ev
}

// isDerived reports objects ToSTIX made for STIX readers only.
func isDerived(o *stixObject) bool {
	switch o.str(propKind) {
	case kindCluster, kindSighting, kindReference, kindPlaceholder, kindObservable:
		return true
	}
	return false
}

// stixDate is the date part of a STIX timestamp.
func stixDate(ts string) string {
	if len(ts) < 10 {
		return ""
	}
	return ts[:10]
}
