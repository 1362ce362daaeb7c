package misp

import (
	"encoding/json"
	"strconv"
	"strings"

	"atalaya/internal/stix"
)

// nativeEvent makes an event of a report or grouping another producer
// wrote: name, dates, labels as tags, the TLP marking as a tlp:* tag and the
// creator identity as Orgc.
func (im *importer) nativeEvent(o *stixObject) *Event {
	published := o.str("published")
	modified := firstNonEmpty(o.str("modified"), o.str("created"))
	ev := &Event{
		UUID:             uuidOf(o.id),
		Info:             o.str("name"),
		Date:             stixDate(firstNonEmpty(published, o.str("created"))),
		Analysis:         Unset,
		Distribution:     Unset,
		Published:        published != "",
		Timestamp:        unixOf(modified),
		PublishTimestamp: unixOf(published),
		Tags:             im.nativeTags(o, ""),
	}
	if ev.Info == "" {
		ev.Info = o.id
	}
	if creator, ok := im.byID[o.str("created_by_ref")]; ok && creator.typ == "identity" {
		ev.Orgc = &Org{UUID: uuidOf(creator.id), Name: creator.str("name")}
	}
	return ev
}

// nativeTags turns labels into tags, and the TLP marking into a tlp:* tag
// unless it is the event's own (eventTLP).
func (im *importer) nativeTags(o *stixObject, eventTLP string) []Tag {
	var tags []Tag
	if level, ok := stix.TLPFromRefs(o.list("object_marking_refs")); ok && level != eventTLP {
		tags = append(tags, Tag{Name: TLPTag(level)})
	}
	for _, l := range o.list("labels") {
		tags = append(tags, Tag{Name: l})
	}
	return tags
}

// native adds what a STIX object without x_misp_kind stands for to ev.
func (im *importer) native(ev *Event, o *stixObject) {
	eventTLP, _ := TLPFromTags(ev.Tags)
	switch o.typ {
	case "indicator":
		im.nativeIndicator(ev, o, eventTLP)
	case "observed-data":
		im.markObserved(o)
		im.observedAttributes(ev, o, eventTLP)
	case "vulnerability":
		ev.Attributes = append(ev.Attributes, im.nativeAttribute(o, 0, "vulnerability", o.str("name"), false, eventTLP))
	case "note":
		ev.Reports = append(ev.Reports, EventReport{UUID: uuidOf(o.id), Name: o.str("abstract"),
			Content: o.str("content"), Distribution: Unset, Timestamp: unixOf(o.str("modified"))})
	case "threat-actor", "malware", "tool", "intrusion-set", "attack-pattern", "campaign", "course-of-action":
		addCluster(ev, o)
	default:
		if o.str("x_misp_type") != "" && o.str("x_misp_value") != "" {
			if a, ok := im.exactAttribute(o); ok { // another MISP exporter's custom object
				ev.Attributes = append(ev.Attributes, a)
			}
			return
		}
		if stix.IDType(o.id) != "" && scoTypes[o.typ] {
			im.scoAttributes(ev, o, 0, eventTLP)
		}
	}
}

// scoTypes are the cyber-observable types FromSTIX reads values from.
var scoTypes = map[string]bool{
	"ipv4-addr": true, "ipv6-addr": true, "domain-name": true, "url": true, "email-addr": true,
	"file": true, "autonomous-system": true, "mac-addr": true, "mutex": true,
	"windows-registry-key": true, "x509-certificate": true,
}

// nativeIndicator makes an attribute meant for detection of each equality
// comparison of the pattern; a pattern with none, or in another language,
// is kept whole.
func (im *importer) nativeIndicator(ev *Event, o *stixObject, eventTLP string) {
	obs, err := stix.Observables(o.raw)
	n := 0
	if err == nil {
		for _, ob := range obs {
			if typ, value := attributeOf(ob); typ != "" {
				a := im.nativeAttribute(o, n, typ, value, true, eventTLP)
				ev.Attributes = append(ev.Attributes, a)
				n++
			}
		}
	}
	if n == 0 {
		typ := patternTypes[o.str("pattern_type")]
		if typ == "" {
			typ = "other"
		}
		ev.Attributes = append(ev.Attributes, im.nativeAttribute(o, 0, typ, o.str("pattern"), true, eventTLP))
		n++
	}
	for i := len(ev.Attributes) - n; i < len(ev.Attributes); i++ {
		im.made[o.id] = append(im.made[o.id], attributeRef{ev, i})
	}
}

// patternTypes maps STIX pattern languages to the MISP attribute types that
// hold such a rule.
var patternTypes = map[string]string{"stix": "stix2-pattern", "yara": "yara", "sigma": "sigma", "snort": "snort", "suricata": "snort"}

// observedAttributes makes an attribute of each value of the observed
// cyber-observables, referenced (STIX 2.1) or embedded (2.0).
func (im *importer) observedAttributes(ev *Event, o *stixObject, eventTLP string) {
	n := 0
	for _, ref := range o.list("object_refs") {
		if sco, ok := im.byID[ref]; ok {
			n += im.scoAttributesFrom(ev, o, sco.raw, n, eventTLP)
		}
	}
	if embedded, err := stix.Observables(o.raw); err == nil {
		for _, ob := range embedded {
			if typ, value := attributeOf(ob); typ != "" {
				ev.Attributes = append(ev.Attributes, im.nativeAttribute(o, n, typ, value, false, eventTLP))
				n++
			}
		}
	}
}

// scoAttributes makes attributes of a cyber-observable a report names
// directly.
func (im *importer) scoAttributes(ev *Event, o *stixObject, n int, eventTLP string) {
	im.scoAttributesFrom(ev, o, o.raw, n, eventTLP)
}

// scoAttributesFrom makes attributes, owned by o, of the values of one
// cyber-observable, and returns how many.
func (im *importer) scoAttributesFrom(ev *Event, o *stixObject, raw json.RawMessage, n int, eventTLP string) int {
	obs, err := stix.Observables(raw)
	if err != nil {
		return 0
	}
	made := 0
	for _, ob := range obs {
		if typ, value := attributeOf(ob); typ != "" {
			ev.Attributes = append(ev.Attributes, im.nativeAttribute(o, n+made, typ, value, false, eventTLP))
			made++
		}
	}
	return made
}

// nativeAttribute makes the n-th attribute of STIX object o. The first
// takes the object's UUID, the others one derived from it.
func (im *importer) nativeAttribute(o *stixObject, n int, typ, value string, toIDS bool, eventTLP string) Attribute {
	uuid := uuidOf(o.id)
	if n > 0 {
		uuid = uuid5(derivedNamespace, o.id+"/"+strconv.Itoa(n))
	}
	comment := o.str("description")
	if name := o.str("name"); comment == "" && name != value {
		comment = name
	}
	category := o.str("x_misp_category")
	if category == "" {
		category = defaultCategory(typ)
	}
	return Attribute{
		UUID: uuid, Type: typ, Category: category, Value: value, Comment: comment, ToIDS: toIDS,
		Distribution: Unset, Timestamp: unixOf(firstNonEmpty(o.str("modified"), o.str("created"))),
		Tags: im.nativeTags(o, eventTLP),
	}
}

// hashTypes maps STIX hash names to MISP hash types.
var hashTypes = map[string]string{
	"MD5": "md5", "SHA-1": "sha1", "SHA-224": "sha224", "SHA-256": "sha256", "SHA-384": "sha384",
	"SHA-512": "sha512", "SHA3-256": "sha3-256", "SHA3-512": "sha3-512", "SSDEEP": "ssdeep", "TLSH": "tlsh",
}

// attributeOf names the MISP attribute type of an observable; "" when MISP
// has none.
func attributeOf(ob stix.Observable) (typ, value string) {
	value = ob.Value
	switch ob.Object + ":" + ob.Path {
	case "ipv4-addr:value", "ipv6-addr:value":
		return "ip-dst", value
	case "domain-name:value":
		return "domain", value
	case "url:value":
		return "url", value
	case "email-addr:value":
		return "email", value
	case "file:name":
		return "filename", value
	case "autonomous-system:number":
		return "AS", "AS" + value
	case "mac-addr:value":
		return "mac-address", value
	case "mutex:name":
		return "mutex", value
	case "windows-registry-key:key":
		return "regkey", value
	}
	alg, isHash := strings.CutPrefix(ob.Path, "hashes.")
	if !isHash {
		return "", ""
	}
	h := hashTypes[strings.Trim(alg, "'")]
	switch {
	case h == "":
		return "", ""
	case ob.Object == "file":
		return h, value
	case ob.Object == "x509-certificate" && (h == "md5" || h == "sha1" || h == "sha256"):
		return "x509-fingerprint-" + h, value
	}
	return "", ""
}

// defaultCategory is MISP's default category of an attribute type
// (describeTypes.json, sane_defaults).
func defaultCategory(typ string) string {
	switch typ {
	case "ip-dst", "ip-src", "domain", "hostname", "url", "AS", "mac-address", "x509-fingerprint-md5",
		"x509-fingerprint-sha1", "x509-fingerprint-sha256":
		return "Network activity"
	case "mutex":
		return "Artifacts dropped"
	case "regkey":
		return "Persistence mechanism"
	case "vulnerability":
		return "External analysis"
	case "stix2-pattern", "yara", "sigma":
		return "Payload installation"
	case "snort":
		return "Network activity"
	case "other", "text", "comment":
		return "Other"
	}
	return "Payload delivery" // hashes, file names, e-mail addresses
}

// addCluster files a threat actor, malware, tool... under a galaxy named
// after its STIX type.
func addCluster(ev *Event, o *stixObject) {
	name := o.str("name")
	cl := GalaxyCluster{UUID: uuidOf(o.id), Type: o.typ, Value: name, Description: o.str("description"),
		TagName: "misp-galaxy:" + o.typ + "=\"" + name + "\""}
	if aliases := o.list("aliases"); len(aliases) > 0 {
		cl.Meta, _ = marshal(map[string]any{"synonyms": aliases})
	}
	for i := range ev.Galaxies {
		if ev.Galaxies[i].Type == o.typ {
			ev.Galaxies[i].Clusters = append(ev.Galaxies[i].Clusters, cl)
			return
		}
	}
	ev.Galaxies = append(ev.Galaxies, Galaxy{
		UUID: uuid5(derivedNamespace, "galaxy:"+o.typ), Name: strings.ReplaceAll(o.typ, "-", " "),
		Type: o.typ, Namespace: "stix", Clusters: []GalaxyCluster{cl},
	})
}

// nativeSightings attaches each native sighting of an indicator that became
// attributes to the first of them.
func (im *importer) nativeSightings() {
	for _, o := range im.objects {
		if o.typ != "sighting" || isDerived(o) || im.byID[o.id] != o {
			continue
		}
		attrs := im.made[o.str("sighting_of_ref")]
		if len(attrs) == 0 {
			continue
		}
		s := Sighting{UUID: uuidOf(o.id), Type: "0", Source: o.str("description"),
			DateSighting: unixOf(firstNonEmpty(o.str("last_seen"), o.str("first_seen"), o.str("created")))}
		if where := o.list("where_sighted_refs"); len(where) > 0 {
			if org, ok := im.byID[where[0]]; ok && org.typ == "identity" {
				s.Organisation = &Org{UUID: uuidOf(org.id), Name: org.str("name")}
			}
		}
		a := &attrs[0].ev.Attributes[attrs[0].index]
		a.Sightings = append(a.Sightings, s)
	}
}

// followEdits updates a MISP attribute restored from x_misp_* properties
// with what was changed on the STIX side since ToSTIX wrote it: an
// indicator whose pattern was edited takes its value (and type) from the
// new pattern, and a revoked object is a deleted attribute. Without this an
// export would bring back the value as MISP first sent it.
func followEdits(o *stixObject, m map[string]json.RawMessage) {
	if string(o.props["revoked"]) == "true" {
		m["deleted"] = json.RawMessage("true")
	}
	pattern := o.str("pattern")
	if o.typ != "indicator" || pattern == "" {
		return
	}
	var typ, value string
	_ = json.Unmarshal(m["type"], &typ)
	_ = json.Unmarshal(m["value"], &value)
	if ob, ok := mapValue(typ, value); ok && patternOf([]observable{ob}) == pattern {
		return // as ToSTIX wrote it
	}
	newType, newValue := "stix2-pattern", pattern
	if obs, err := stix.Observables(o.raw); err == nil && len(obs) == 1 {
		if t, v := attributeOf(obs[0]); t != "" {
			newType, newValue = t, v
		}
	}
	if newValue == value {
		return // the same value, written another way: keep MISP's type
	}
	m["type"], _ = json.Marshal(newType)
	m["value"], _ = json.Marshal(newValue)
	if ts := unixOf(o.str("modified")); ts > 0 {
		m["timestamp"], _ = json.Marshal(strconv.FormatInt(ts, 10))
	}
}
