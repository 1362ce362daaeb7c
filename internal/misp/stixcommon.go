package misp

import (
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"atalaya/internal/stix"
)

// STIX custom properties of ours that are not MISP properties. x_misp_kind
// says what a STIX object carries, so FromSTIX restores exactly what ToSTIX
// wrote and treats everything else as native STIX. Objects of the kinds
// cluster, sighting, reference, placeholder and observable are derived for
// STIX readers only: the event's report or attribute holds their MISP data,
// and FromSTIX skips them.
const (
	propKind  = "x_misp_kind"  // what the object carries: one of the kind* values
	propExtra = "x_misp_extra" // the properties the Go types do not name, as a JSON object
	propUUID  = "x_misp_uuid"  // the MISP uuid, when the STIX id could not use it
	// propUntitled marks a report whose event had no info: STIX requires a
	// name, so the report has a made-up one that is not given back.
	propUntitled = "x_misp_untitled"
)

// Values of x_misp_kind.
const (
	kindEvent       = "event"
	kindAttribute   = "attribute"
	kindObject      = "object"
	kindCluster     = "galaxy-cluster"
	kindReport      = "event-report"
	kindSighting    = "sighting"
	kindReference   = "reference"
	kindPlaceholder = "placeholder"
	kindObservable  = "observable"
)

// mispKeys lists every MISP property the Go types name. A STIX custom
// property name must be lower case with underscores, so "meta-category"
// travels as x_misp_meta_category and "Tag" as x_misp_tag; this table leads
// back.
var mispKeys = func() map[string]string {
	keys := []string{
		"uuid", "info", "date", "threat_level_id", "analysis", "distribution", "sharing_group_id",
		"published", "timestamp", "publish_timestamp", "Org", "Orgc", "SharingGroup", "Tag",
		"type", "category", "value", "comment", "to_ids", "deleted", "disable_correlation",
		"object_relation", "first_seen", "last_seen", "Sighting", "Galaxy",
		"name", "meta-category", "description", "template_uuid", "template_version",
		"Attribute", "ObjectReference", "content", "tag_name", "meta", "namespace",
	}
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[customName(k)] = k
	}
	return m
}()

// customName is the STIX custom property that carries MISP property key.
func customName(key string) string {
	return "x_misp_" + strings.ToLower(strings.ReplaceAll(key, "-", "_"))
}

// addCustom writes the MISP properties of d, except skip, and extra as
// x_misp_* properties of a STIX object.
func addCustom(props map[string]any, d doc, extra map[string]json.RawMessage, skip ...string) {
	for k, v := range d {
		if !slices.Contains(skip, k) {
			props[customName(k)] = v
		}
	}
	if len(extra) > 0 {
		props[propExtra] = extra
	}
}

// mispFromCustom collects the x_misp_* properties of a STIX object back into
// the MISP JSON object they came from.
func mispFromCustom(obj map[string]json.RawMessage) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	if raw, ok := obj[propExtra]; ok {
		var extra map[string]json.RawMessage
		if json.Unmarshal(raw, &extra) == nil {
			for k, v := range extra {
				m[k] = v
			}
		}
	}
	for prop, v := range obj {
		if key, ok := mispKeys[prop]; ok {
			m[key] = v
		}
	}
	return m
}

// scoNamespace is the UUIDv5 namespace STIX 2.1 (section 2.9) gives
// cyber-observable ids, so the same value gets the same id everywhere.
var scoNamespace = mustUUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

// derivedNamespace is ours: ids this package has to make up (a MISP uuid
// that is absent, not an RFC 4122 UUID, or used twice; relationships) are
// UUIDv5 in it, so converting the same event twice gives the same ids.
var derivedNamespace = mustUUID("9c0a3f56-2d4b-4e7a-8f1c-6b3e5d7a9f20")

// mustUUID parses a UUID constant of this file.
func mustUUID(s string) [16]byte {
	var u [16]byte
	b, err := hex.DecodeString(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36])
	if err != nil || len(b) != 16 {
		panic("misp: bad UUID constant " + s)
	}
	copy(u[:], b)
	return u
}

// uuid5 returns the RFC 4122 version 5 UUID of name in namespace.
func uuid5(namespace [16]byte, name string) string { return stix.UUID5(namespace, name) }

// scoID returns the deterministic id of a cyber-observable from its
// id-contributing properties, serialised as canonical JSON (keys sorted, no
// white space), as STIX 2.1 section 2.9 asks.
func scoID(objType string, contributing map[string]any) string {
	return stix.SCOID(objType, contributing)
}

// uuidOf returns the UUID part of a STIX id.
func uuidOf(id string) string {
	if t := stix.IDType(id); t != "" {
		return id[len(t)+2:]
	}
	return ""
}

// epoch is the timestamp of objects nothing dates (an event with neither
// timestamp nor date): fixed, so a second conversion gives the same version.
const epoch = "1970-01-01T00:00:00.000Z"

// stixTime writes unix seconds as a STIX timestamp with milliseconds.
func stixTime(unix int64) string {
	return stix.NewTimestamp(time.Unix(unix, 0)).String()
}

// unixOf reads a STIX timestamp back to unix seconds; 0 when it does not
// parse.
func unixOf(ts string) int64 {
	t, err := stix.ParseTimestamp(ts)
	if err != nil {
		return 0
	}
	return t.Time.Unix()
}

// mispTime converts a MISP first_seen/last_seen (RFC 3339, often with
// microseconds and an offset) to a STIX timestamp; "" when it does not parse.
func mispTime(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	return stix.NewTimestamp(t).String()
}

// dateTime turns an event date (YYYY-MM-DD) into a STIX timestamp at
// midnight UTC; "" when it does not parse.
func dateTime(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	return stix.NewTimestamp(t).String()
}
