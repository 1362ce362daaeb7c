package misp

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"strings"

	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// Conversion is what ToSTIX makes of one event: the STIX objects, and the
// sharing metadata Atalaya keeps beside them, which STIX has no place for.
type Conversion struct {
	// Objects are the STIX 2.1 objects, TLP marking definitions and the
	// creator's identity first, then the report, then what it refers to.
	Objects  []json.RawMessage
	ReportID string // the report that stands for the event

	TLP              string       // strictest tlp:* tag of the event as a TLP 2.0 level ("clear"...); "" when none
	Distribution     Distribution // the event's MISP distribution; Unset when it did not say
	SharingGroupUUID string       // with distribution 4
	SharingGroupName string
	OrgName, OrgUUID string // the creator organisation (Orgc), else the owner (Org)

	// ObjectTLP holds the TLP level of objects made from an attribute (or an
	// object's attributes) that carries its own tlp:* tag, by STIX id.
	ObjectTLP map[string]string
}

// converter holds the state of one ToSTIX call.
type converter struct {
	ev       *Event
	conv     *Conversion
	key      string // seed of derived ids: the event uuid, else a digest of the event
	reportID string
	creator  string   // identity id; "" when the event names no organisation
	markings []string // the event's TLP marking, if any
	created  string   // the event's timestamp, for its parts without one
	used     map[string]bool
	head     []json.RawMessage // marking definitions and identities
	body     []json.RawMessage
	refs     []string          // the report's object_refs
	stixOf   map[string]string // MISP uuid of an attribute or object -> STIX id carrying it
	err      error
}

// ToSTIX converts one event to STIX 2.1: a report for the event, an
// indicator for each attribute meant for detection that STIX can express as a
// pattern, observed-data with cyber-observables for other values STIX knows,
// custom x-misp-attribute and x-misp-object objects for the rest, SDOs for
// galaxy clusters, notes for event reports, sightings of indicators and
// relationships for object references. Every MISP property travels in
// x_misp_* properties, so FromSTIX gives the event back.
func ToSTIX(ev *Event) (Conversion, error) {
	if ev == nil {
		return Conversion{}, valid.New("event", CodeRequired, "no event to convert", map[string]any{"Property": "event"})
	}
	c := newConverter(ev)
	c.creatorIdentity()
	for i := range ev.Attributes {
		c.attribute(&ev.Attributes[i], "Attribute"+indexSuffix(i))
	}
	for i := range ev.Objects {
		c.object(&ev.Objects[i], "Object"+indexSuffix(i))
	}
	for i := range ev.Objects {
		c.references(&ev.Objects[i], "Object"+indexSuffix(i))
	}
	for gi, g := range ev.Galaxies {
		for ci := range g.Clusters {
			c.cluster(g, &g.Clusters[ci], "Galaxy"+indexSuffix(gi)+".GalaxyCluster"+indexSuffix(ci))
		}
	}
	for i := range ev.Reports {
		c.eventReport(&ev.Reports[i], "EventReport"+indexSuffix(i))
	}
	c.report()
	if c.err != nil {
		return Conversion{}, c.err
	}
	c.conv.Objects = append(c.head, c.body...)
	return *c.conv, nil
}

func newConverter(ev *Event) *converter {
	c := &converter{
		ev:     ev,
		conv:   &Conversion{Distribution: ev.Distribution, ObjectTLP: map[string]string{}},
		key:    ev.UUID,
		used:   map[string]bool{},
		stixOf: map[string]string{},
	}
	if c.key == "" {
		header, _ := marshal(ev.header())
		sum := sha1.Sum(header)
		c.key = "event:" + hex.EncodeToString(sum[:])
	}
	c.created = c.firstTime(stixTimeOrEmpty(ev.Timestamp), dateTime(ev.Date), epoch)
	if level, ok := TLPFromTags(ev.Tags); ok {
		c.conv.TLP = level
		c.markings = c.useMarking(level)
	}
	if sg := ev.SharingGroup; sg != nil {
		c.conv.SharingGroupUUID, c.conv.SharingGroupName = sg.UUID, sg.Name
	}
	c.reportID, _ = c.assign("report", ev.UUID, "Event")
	return c
}

// firstTime returns the first non-empty timestamp.
func (c *converter) firstTime(candidates ...string) string {
	for _, t := range candidates {
		if t != "" {
			return t
		}
	}
	return epoch
}

// stamp is the STIX timestamp of a part: its own, else the event's.
func (c *converter) stamp(unix int64) string {
	return c.firstTime(stixTimeOrEmpty(unix), c.created)
}

func stixTimeOrEmpty(unix int64) string {
	if unix <= 0 {
		return ""
	}
	return stixTime(unix)
}

// assign gives a STIX id of type typ to the MISP thing with uuid: the uuid
// itself when it is an RFC 4122 UUID not given out yet, else one derived from
// the event and path. carry says the MISP uuid must travel in x_misp_uuid.
func (c *converter) assign(typ, uuid, path string) (id string, carry bool) {
	id = typ + "--" + uuid
	if uuid != "" && stix.ValidID(id) && !c.used[id] {
		c.used[id] = true
		return id, false
	}
	id = typ + "--" + uuid5(derivedNamespace, c.key+"/"+path)
	c.used[id] = true
	return id, true
}

// useMarking returns object_marking_refs for a TLP level and emits its
// marking definition once.
func (c *converter) useMarking(level string) []string {
	id := stix.TLPMarkingID(level)
	if id == "" {
		return nil
	}
	if !c.used[id] {
		c.used[id] = true
		c.head = append(c.head, stix.TLPMarkingObject(level))
	}
	return []string{id}
}

// markingsFor returns the markings of a part with tags: its own TLP tag,
// else the event's. level is "" when the part has no TLP tag of its own.
func (c *converter) markingsFor(tags []Tag) (markings []string, level string) {
	if l, ok := TLPFromTags(tags); ok {
		return c.useMarking(l), l
	}
	return c.markings, ""
}

// creatorIdentity emits the identity of the creator organisation and fills
// the conversion's organisation.
func (c *converter) creatorIdentity() {
	org := c.ev.Orgc
	if org == nil {
		org = c.ev.Org
	}
	if org == nil || (org.Name == "" && org.UUID == "") {
		return
	}
	c.conv.OrgName, c.conv.OrgUUID = org.Name, org.UUID
	c.creator = c.identity(org)
}

// identity emits an identity for a MISP organisation once and returns its
// id. Its dates are fixed, so every event names the same version.
func (c *converter) identity(org *Org) string {
	id := "identity--" + org.UUID
	if !stix.ValidID(id) {
		id = "identity--" + uuid5(derivedNamespace, "org:"+org.UUID+"/"+org.Name)
	}
	if c.used[id] {
		return id
	}
	c.used[id] = true
	name := org.Name
	if name == "" {
		name = org.UUID
	}
	c.head = append(c.head, c.marshal(map[string]any{
		"type": "identity", "spec_version": "2.1", "id": id, "created": epoch, "modified": epoch,
		"name": name, "identity_class": "organization",
	}))
	return id
}

// common returns the properties every STIX object made here has.
func (c *converter) common(typ, id, ts string, markings, labels []string) map[string]any {
	props := map[string]any{"type": typ, "spec_version": "2.1", "id": id, "created": ts, "modified": ts}
	if c.creator != "" {
		props["created_by_ref"] = c.creator
	}
	if len(markings) > 0 {
		props["object_marking_refs"] = markings
	}
	if len(labels) > 0 {
		props["labels"] = labels
	}
	return props
}

// tagLabels returns the names of the tags that are not TLP tags (those
// become markings).
func tagLabels(tags []Tag) []string {
	var out []string
	for _, t := range tags {
		if t.Name != "" && !IsTLPTag(t.Name) {
			out = append(out, t.Name)
		}
	}
	return out
}

// emit adds an object to the output and, when listed, to the report.
func (c *converter) emit(props map[string]any, listed bool) {
	c.body = append(c.body, c.marshal(props))
	if listed {
		c.refs = append(c.refs, props["id"].(string))
	}
}

func (c *converter) marshal(props map[string]any) json.RawMessage {
	b, err := marshal(props)
	if err != nil && c.err == nil {
		c.err = err
	}
	return b
}

// report emits the report that stands for the event, with every MISP
// property of the event (galaxies included) in x_misp_* properties.
func (c *converter) report() {
	ev := c.ev
	if len(c.refs) == 0 {
		c.placeholder()
	}
	props := c.common("report", c.reportID, c.created, c.markings, tagLabels(ev.Tags))
	props["name"] = ev.Info
	if strings.TrimSpace(ev.Info) == "" {
		// STIX requires a report name; the event had none, and
		// x_misp_untitled tells FromSTIX to give it none back.
		props["name"] = "MISP event " + ev.UUID
		props[propUntitled] = true
	}
	props["published"] = c.firstTime(stixTimeOrEmpty(ev.PublishTimestamp), c.created)
	props["object_refs"] = c.refs
	props[propKind] = kindEvent
	if uuidOf(c.reportID) != ev.UUID {
		props[propUUID] = ev.UUID
	}
	d := ev.header()
	listOf(d, "Galaxy", ev.Galaxies)
	addCustom(props, d, ev.Extra, "uuid", "info")
	c.conv.ReportID = c.reportID
	c.body = append([]json.RawMessage{c.marshal(props)}, c.body...)
}

// placeholder gives an event with nothing in it the one object a report
// must refer to.
func (c *converter) placeholder() {
	id := "note--" + uuid5(derivedNamespace, c.key+"/placeholder")
	props := c.common("note", id, c.created, c.markings, nil)
	props["content"] = "This MISP event has no attributes, objects, galaxies or reports."
	props["object_refs"] = []string{c.reportID}
	props[propKind] = kindPlaceholder
	c.emit(props, true)
}
