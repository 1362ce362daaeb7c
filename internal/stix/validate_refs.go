package stix

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// notReferenceable are the types an SDO/SCO reference (relationship ends,
// sighting_of_ref) cannot point at.
var notReferenceable = []string{"relationship", "sighting", "bundle", "marking-definition", "language-content", "extension-definition"}

// refValue checks one identifier found at field: its form, and when types
// is not empty, that its type is one of them.
func (c *checker) refValue(field, id string, types []string) {
	if !ValidID(id) {
		c.add(field, CodeID, fmt.Sprintf("%q is not an identifier <type>--<UUID>", id), map[string]any{"Value": id})
		return
	}
	if len(types) > 0 && !slices.Contains(types, IDType(id)) {
		c.add(field, CodeRefType, fmt.Sprintf("must refer to %s, not %q", strings.Join(types, " or "), id),
			map[string]any{"Value": id, "Types": strings.Join(types, ", ")})
	}
}

// ref checks a single reference property.
func (c *checker) ref(key string, required bool, types ...string) {
	var id string
	if required {
		id = c.requireStr(key)
	} else {
		id, _ = c.str(key)
	}
	if id != "" {
		c.refValue(key, id, types)
	}
}

// sdoRef checks a reference that must point at an SDO or SCO: any valid id
// but relationships, sightings and meta objects.
func (c *checker) sdoRef(key string) {
	id := c.requireStr(key)
	if id == "" {
		return
	}
	c.refValue(key, id, nil)
	if ValidID(id) && slices.Contains(notReferenceable, IDType(id)) {
		c.add(key, CodeRefType, fmt.Sprintf("must refer to an SDO or SCO, not %q", id),
			map[string]any{"Value": id, "Types": "SDO, SCO"})
	}
}

// list returns the elements of a list property; a non-list or an empty list
// is recorded.
func (c *checker) list(key string, required bool) []json.RawMessage {
	if !c.has(key) {
		if required {
			c.add(key, CodeRequired, "required", nil)
		}
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(c.m[key], &items) != nil {
		c.typeError(key, "array")
		return nil
	}
	if len(items) == 0 {
		c.add(key, CodeEmptyList, "must not be an empty list", nil)
	}
	return items
}

// refs checks a list of references.
func (c *checker) refs(key string, required bool, types ...string) {
	for i, item := range c.list(key, required) {
		field := fmt.Sprintf("%s[%d]", key, i)
		var id string
		if json.Unmarshal(item, &id) != nil {
			c.typeError(field, "string")
			continue
		}
		c.refValue(field, id, types)
	}
}

// stringList checks a list of strings (labels, aliases…).
func (c *checker) stringList(key string) {
	for i, item := range c.list(key, false) {
		var s string
		if json.Unmarshal(item, &s) != nil {
			c.typeError(fmt.Sprintf("%s[%d]", key, i), "string")
		}
	}
}

// commonLists checks the list properties every object may carry.
func (c *checker) commonLists() {
	c.stringList("labels")
	c.refs("object_marking_refs", false, "marking-definition")
	for i, item := range c.list("external_references", false) {
		c.nested(fmt.Sprintf("external_references[%d]", i), item, func(n *checker) {
			n.requireStr("source_name")
		})
	}
	for i, item := range c.list("granular_markings", false) {
		c.nested(fmt.Sprintf("granular_markings[%d]", i), item, func(n *checker) {
			n.requireOneOf("marking_ref", "lang")
			if n.has("marking_ref") && n.has("lang") {
				n.add("lang", CodeExclusive, "give marking_ref or lang, not both", map[string]any{"Other": "marking_ref"})
			}
			n.ref("marking_ref", false, "marking-definition")
			n.list("selectors", true)
		})
	}
	for i, item := range c.list("kill_chain_phases", false) {
		c.nested(fmt.Sprintf("kill_chain_phases[%d]", i), item, func(n *checker) {
			n.requireStr("kill_chain_name")
			n.requireStr("phase_name")
		})
	}
	if c.has("confidence") {
		c.intRange("confidence", 0, 100)
	}
	c.extensionKeys()
}

// nested runs check on an embedded JSON object at field.
func (c *checker) nested(field string, raw json.RawMessage, check func(*checker)) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		c.typeError(field, "object")
		return
	}
	n := &checker{m: m, prefix: c.prefix + field + "."}
	check(n)
	c.errs = append(c.errs, n.errs...)
}

// intRange checks an integer property between lo and hi inclusive.
func (c *checker) intRange(key string, lo, hi int64) {
	var n json.Number
	if json.Unmarshal(c.m[key], &n) != nil {
		c.typeError(key, "integer")
		return
	}
	v, err := n.Int64()
	if err != nil {
		c.typeError(key, "integer")
		return
	}
	if v < lo || v > hi {
		c.add(key, CodeRange, fmt.Sprintf("must be between %d and %d", lo, hi), map[string]any{"Min": lo, "Max": hi, "Value": v})
	}
}

// extensionKeys checks that extension-definition keys of "extensions" are
// identifiers (predefined extensions end in "-ext"; others are left alone).
func (c *checker) extensionKeys() {
	if !c.has("extensions") {
		return
	}
	var ext map[string]json.RawMessage
	if json.Unmarshal(c.m["extensions"], &ext) != nil {
		c.typeError("extensions", "object")
		return
	}
	for k := range ext {
		if strings.HasPrefix(k, "extension-definition--") && !ValidID(k) {
			c.add("extensions."+k, CodeID, fmt.Sprintf("%q is not an extension-definition identifier", k), map[string]any{"Value": k})
		}
	}
}
