package misp

import (
	"regexp"
	"strings"

	"atalaya/internal/stix"
)

// attribute emits the STIX object for one event attribute: an indicator,
// observed-data or x-misp-attribute, with every MISP property in x_misp_*.
func (c *converter) attribute(a *Attribute, path string) {
	ts := c.stamp(a.Timestamp)
	markings, level := c.markingsFor(a.Tags)
	obs, ok := observable{}, false
	if !a.Deleted {
		obs, ok = mapValue(a.Type, a.Value)
	}
	typ := "x-misp-attribute"
	switch {
	case ok && a.ToIDS:
		typ = "indicator"
	case ok && len(obs.scos) > 0:
		typ = "observed-data"
	}
	id, carry := c.assign(typ, a.UUID, path)
	props := c.common(typ, id, ts, markings, tagLabels(a.Tags))
	props[propKind] = kindAttribute
	if carry {
		props[propUUID] = a.UUID
	}
	addCustom(props, a.fields(), a.Extra, "uuid")
	switch typ {
	case "indicator":
		c.indicator(props, a.Value, a.Comment, a.FirstSeen, []observable{obs})
	case "observed-data":
		c.observedData(props, a.FirstSeen, a.LastSeen, []observable{obs}, markings, level)
	}
	if level != "" {
		c.conv.ObjectTLP[id] = level
	}
	c.emit(props, true)
	if a.UUID != "" {
		c.stixOf[a.UUID] = id
	}
	if typ == "indicator" {
		c.sightings(a, id, path, markings)
	}
}

// indicator adds what an indicator needs: a name, the pattern and when it
// is valid from (first_seen, else its creation).
func (c *converter) indicator(props map[string]any, name, comment, firstSeen string, obs []observable) {
	props["name"] = name
	if comment != "" {
		props["description"] = comment
	}
	props["pattern"] = patternOf(obs)
	props["pattern_type"] = "stix"
	props["valid_from"] = c.firstTime(mispTime(firstSeen), props["created"].(string))
}

// observedData adds the observation window and the cyber-observables,
// emitting each of those once.
func (c *converter) observedData(props map[string]any, firstSeen, lastSeen string, obs []observable, markings []string, level string) {
	first := c.firstTime(mispTime(firstSeen), props["created"].(string))
	last := c.firstTime(mispTime(lastSeen), first)
	if last < first { // same layout, so text order is time order
		last = first
	}
	props["first_observed"], props["last_observed"], props["number_observed"] = first, last, 1
	var refs []string
	for _, o := range obs {
		for _, s := range o.scos {
			refs = append(refs, s.id)
			c.observable(s, markings, level)
		}
	}
	props["object_refs"] = refs
}

// observable emits a cyber-observable once. A value shared by parts with
// different TLP tags keeps the strictest in ObjectTLP.
func (c *converter) observable(s sco, markings []string, level string) {
	if level != "" {
		if prev, ok := c.conv.ObjectTLP[s.id]; !ok || stix.TLPRank(level) > stix.TLPRank(prev) {
			c.conv.ObjectTLP[s.id] = level
		}
	}
	if c.used[s.id] {
		return
	}
	c.used[s.id] = true
	body := make(map[string]any, len(s.body)+1)
	for k, v := range s.body {
		body[k] = v
	}
	if len(markings) > 0 {
		body["object_marking_refs"] = markings
	}
	body[propKind] = kindObservable
	c.emit(body, false)
}

// object emits the STIX object for a MISP object: an indicator over its
// attributes meant for detection, else observed-data over those STIX knows,
// else x-misp-object. The attributes and references travel whole in
// x_misp_attribute and x_misp_objectreference.
func (c *converter) object(o *Object, path string) {
	var tags []Tag
	var detect, observed []observable
	for _, a := range o.Attributes {
		tags = append(tags, a.Tags...)
		if o.Deleted || a.Deleted {
			continue
		}
		if ob, ok := mapValue(a.Type, a.Value); ok {
			observed = append(observed, ob)
			if a.ToIDS {
				detect = append(detect, ob)
			}
		}
	}
	markings, level := c.markingsFor(tags)
	typ := "x-misp-object"
	switch {
	case len(detect) > 0:
		typ = "indicator"
	case hasSCOs(observed):
		typ = "observed-data"
	}
	id, carry := c.assign(typ, o.UUID, path)
	props := c.common(typ, id, c.stamp(o.Timestamp), markings, nil)
	props[propKind] = kindObject
	if carry {
		props[propUUID] = o.UUID
	}
	addCustom(props, o.fields(), o.Extra, "uuid")
	switch typ {
	case "indicator":
		c.indicator(props, o.Name, o.Comment, o.FirstSeen, detect)
	case "observed-data":
		c.observedData(props, o.FirstSeen, o.LastSeen, observed, markings, level)
	}
	if level != "" {
		c.conv.ObjectTLP[id] = level
	}
	c.emit(props, true)
	if o.UUID != "" {
		c.stixOf[o.UUID] = id
	}
	for _, a := range o.Attributes {
		if a.UUID != "" {
			if _, taken := c.stixOf[a.UUID]; !taken {
				c.stixOf[a.UUID] = id
			}
		}
	}
}

func hasSCOs(obs []observable) bool {
	for _, o := range obs {
		if len(o.scos) > 0 {
			return true
		}
	}
	return false
}

// relationshipType is the form the OASIS schema allows.
var relationshipType = regexp.MustCompile(`^[a-z0-9-]+$`)

// references emits a relationship for each reference of an object whose two
// ends are in the event. The references themselves travel in the object.
func (c *converter) references(o *Object, path string) {
	for i, r := range o.References {
		source := c.stixOf[firstNonEmpty(r.ObjectUUID, o.UUID)]
		target := c.stixOf[r.ReferencedUUID]
		if r.Deleted || source == "" || target == "" || source == target || !relationshipType.MatchString(r.RelationshipType) {
			continue
		}
		id := "relationship--" + uuid5(derivedNamespace, c.key+"/"+path+".ObjectReference"+indexSuffix(i))
		props := c.common("relationship", id, c.stamp(r.Timestamp), c.markings, nil)
		props["relationship_type"] = r.RelationshipType
		props["source_ref"], props["target_ref"] = source, target
		if r.Comment != "" {
			props["description"] = r.Comment
		}
		props[propKind] = kindReference
		c.emit(props, true)
	}
}

func firstNonEmpty(candidates ...string) string {
	for _, s := range candidates {
		if s != "" {
			return s
		}
	}
	return ""
}

// sightings emits a STIX sighting of the indicator for each MISP sighting
// that says the value was seen (type 0). The attribute keeps them all.
func (c *converter) sightings(a *Attribute, indicator, path string, markings []string) {
	for i, s := range a.Sightings {
		if s.Type != "" && s.Type != "0" {
			continue
		}
		id, _ := c.assign("sighting", s.UUID, path+".Sighting"+indexSuffix(i))
		ts := c.stamp(firstPositive(s.DateSighting, s.Timestamp))
		props := c.common("sighting", id, ts, markings, nil)
		props["sighting_of_ref"] = indicator
		props["count"] = 1
		props["first_seen"], props["last_seen"] = ts, ts
		if s.Organisation != nil && (s.Organisation.UUID != "" || s.Organisation.Name != "") {
			props["where_sighted_refs"] = []string{c.identity(s.Organisation)}
		}
		if s.Source != "" {
			props["description"] = s.Source
		}
		props[propKind] = kindSighting
		c.emit(props, true)
	}
}

func firstPositive(a, b int64) int64 {
	if a > 0 {
		return a
	}
	return b
}

// eventReport emits a note for an event report.
func (c *converter) eventReport(r *EventReport, path string) {
	id, carry := c.assign("note", r.UUID, path)
	props := c.common("note", id, c.stamp(r.Timestamp), c.markings, nil)
	props["content"] = r.Content
	if r.Name != "" {
		props["abstract"] = r.Name
	}
	props["object_refs"] = []string{c.reportID}
	props[propKind] = kindReport
	if carry {
		props[propUUID] = r.UUID
	}
	addCustom(props, r.fields(), r.Extra, "uuid")
	c.emit(props, true)
}

// clusterSDO names the STIX object a galaxy type stands for, by the words
// MISP galaxy types end with ("mitre-attack-pattern", "mitre-malware").
var clusterSDO = []struct{ suffix, sdo string }{
	{"attack-pattern", "attack-pattern"},
	{"intrusion-set", "intrusion-set"},
	{"course-of-action", "course-of-action"},
	{"threat-actor", "threat-actor"},
	{"malware", "malware"},
	{"malpedia", "malware"},
	{"ransomware", "malware"},
	{"banker", "malware"},
	{"botnet", "malware"},
	{"rat", "malware"},
	{"stealer", "malware"},
	{"backdoor", "malware"},
	{"exploit-kit", "malware"},
	{"tool", "tool"},
}

// sdoForGalaxy returns the SDO type of a galaxy, "" when none fits.
func sdoForGalaxy(galaxyType string) string {
	for _, m := range clusterSDO {
		if strings.HasSuffix(galaxyType, m.suffix) {
			return m.sdo
		}
	}
	return ""
}

// cluster emits an SDO for a galaxy cluster, for STIX readers; the event's
// report carries the galaxy itself.
func (c *converter) cluster(g Galaxy, cl *GalaxyCluster, path string) {
	typ := sdoForGalaxy(firstNonEmpty(g.Type, cl.Type))
	if typ == "" || cl.Value == "" {
		typ = "x-misp-galaxy-cluster"
	}
	id, _ := c.assign(typ, cl.UUID, path)
	props := c.common(typ, id, c.created, c.markings, nil)
	props["name"] = cl.Value
	if cl.Description != "" {
		props["description"] = cl.Description
	}
	if typ == "malware" {
		props["is_family"] = true
	}
	if aliases := clusterSynonyms(cl.Meta); len(aliases) > 0 && typ != "attack-pattern" && typ != "course-of-action" {
		props["aliases"] = aliases
	}
	if cl.TagName != "" {
		props["labels"] = []string{cl.TagName}
	}
	props[propKind] = kindCluster
	c.emit(props, true)
}
