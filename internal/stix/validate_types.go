package stix

import (
	"encoding/json"
	"fmt"
	"sort"
)

// typeRules holds the checks of each type the specification defines, beyond
// the common ones; a read-only table.
var typeRules map[string]func(*checker)

func init() {
	named := func(c *checker) { c.requireStr("name") }
	typeRules = map[string]func(*checker){
		"attack-pattern":       named,
		"campaign":             func(c *checker) { named(c); c.timeOrder("first_seen", "last_seen", false) },
		"course-of-action":     named,
		"grouping":             func(c *checker) { c.requireStr("context"); c.refs("object_refs", true) },
		"identity":             named,
		"incident":             named,
		"indicator":            checkIndicator,
		"infrastructure":       func(c *checker) { named(c); c.timeOrder("first_seen", "last_seen", false) },
		"intrusion-set":        func(c *checker) { named(c); c.timeOrder("first_seen", "last_seen", false) },
		"location":             checkLocation,
		"malware":              checkMalware,
		"malware-analysis":     func(c *checker) { c.requireStr("product"); c.requireOneOf("result", "analysis_sco_refs") },
		"note":                 func(c *checker) { c.requireStr("content"); c.refs("object_refs", true) },
		"observed-data":        checkObservedData,
		"opinion":              checkOpinion,
		"report":               checkReport,
		"threat-actor":         func(c *checker) { named(c); c.timeOrder("first_seen", "last_seen", false) },
		"tool":                 named,
		"vulnerability":        named,
		"relationship":         checkRelationship,
		"sighting":             checkSighting,
		"marking-definition":   checkMarkingDefinition,
		"extension-definition": checkExtensionDefinition,
		"ipv4-addr":            valueSCO,
		"ipv6-addr":            valueSCO,
		"domain-name":          valueSCO,
		"url":                  valueSCO,
		"email-addr":           valueSCO,
		"mac-addr":             valueSCO,
		"file":                 func(c *checker) { c.requireOneOf("hashes", "name") },
		"autonomous-system":    func(c *checker) { c.require("number") },
		"mutex":                named,
		"software":             named,
		"directory":            func(c *checker) { c.requireStr("path") },
		"email-message":        func(c *checker) { c.require("is_multipart") },
		"network-traffic":      func(c *checker) { c.require("protocols"); c.requireOneOf("src_ref", "dst_ref") },
		"artifact":             func(c *checker) { c.requireOneOf("payload_bin", "url") },
	}
}

func valueSCO(c *checker) { c.requireStr("value") }

func checkIndicator(c *checker) {
	pattern := c.requireStr("pattern")
	patternType := c.requireStr("pattern_type")
	c.require("valid_from")
	c.timeOrder("valid_from", "valid_until", true)
	if pattern != "" && patternType == "stix" {
		if _, err := ParsePattern(pattern); err != nil {
			pe, _ := err.(*PatternError)
			args := map[string]any{"Detail": err.Error()}
			if pe != nil {
				args["Column"], args["Detail"] = pe.Column, pe.Message
			}
			c.add("pattern", CodePattern, "does not parse: "+err.Error(), args)
		}
	}
}

func checkLocation(c *checker) {
	_, hasLat := c.float("latitude", -90, 90)
	_, hasLong := c.float("longitude", -180, 180)
	switch {
	case hasLat && !hasLong:
		c.add("longitude", CodeRequired, "required with latitude", nil)
	case hasLong && !hasLat:
		c.add("latitude", CodeRequired, "required with longitude", nil)
	}
	if c.has("precision") && !(hasLat && hasLong) {
		c.add("precision", CodeRequired, "precision needs latitude and longitude", nil)
	}
	if !c.has("region") && !c.has("country") && !(hasLat && hasLong) {
		c.add("region", CodeOneOf, "give at least one of region, country, latitude and longitude",
			map[string]any{"Properties": "region, country, latitude + longitude"})
	}
}

// float returns a number property checked against a range.
func (c *checker) float(key string, lo, hi float64) (float64, bool) {
	if !c.has(key) {
		return 0, false
	}
	var f float64
	if json.Unmarshal(c.m[key], &f) != nil {
		c.typeError(key, "number")
		return 0, false
	}
	if f < lo || f > hi {
		c.add(key, CodeRange, fmt.Sprintf("must be between %g and %g", lo, hi), map[string]any{"Min": lo, "Max": hi, "Value": f})
	}
	return f, true
}

func checkMalware(c *checker) {
	if !c.has("is_family") {
		c.add("is_family", CodeRequired, "required", nil)
		return
	}
	var family bool
	if json.Unmarshal(c.m["is_family"], &family) != nil {
		c.typeError("is_family", "boolean")
		return
	}
	if family {
		c.requireStr("name")
	}
	c.timeOrder("first_seen", "last_seen", false)
	c.refs("sample_refs", false, "file", "artifact")
	c.refs("operating_system_refs", false, "software")
}

func checkObservedData(c *checker) {
	c.require("first_observed", "last_observed", "number_observed")
	c.timeOrder("first_observed", "last_observed", false)
	if c.has("number_observed") {
		c.intRange("number_observed", 1, 999999999)
	}
	switch {
	case c.has("objects") && c.has("object_refs"):
		c.add("object_refs", CodeExclusive, "give objects or object_refs, not both", map[string]any{"Other": "objects"})
	case c.has("object_refs"):
		c.refs("object_refs", true)
	case c.has("objects"):
		c.embeddedObjects()
	default:
		c.add("object_refs", CodeOneOf, "give object_refs (or the deprecated objects)",
			map[string]any{"Properties": "object_refs, objects"})
	}
}

// embeddedObjects checks the deprecated "objects" dictionary of
// observed-data: each value an SCO with its type's required properties.
func (c *checker) embeddedObjects() {
	var objs map[string]json.RawMessage
	if json.Unmarshal(c.m["objects"], &objs) != nil {
		c.typeError("objects", "object")
		return
	}
	keys := make([]string, 0, len(objs))
	for k := range objs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.nested("objects."+k, objs[k], func(n *checker) {
			typ := n.typeName()
			if rule := typeRules[typ]; rule != nil && isSCOType(typ) {
				rule(n)
			}
		})
	}
}

var opinionValues = map[string]bool{
	"strongly-disagree": true, "disagree": true, "neutral": true, "agree": true, "strongly-agree": true,
}

func checkOpinion(c *checker) {
	if v := c.requireStr("opinion"); v != "" && !opinionValues[v] {
		c.add("opinion", CodeEnum, fmt.Sprintf("%q is not one of strongly-disagree, disagree, neutral, agree, strongly-agree", v),
			map[string]any{"Value": v, "Allowed": "strongly-disagree, disagree, neutral, agree, strongly-agree"})
	}
	c.refs("object_refs", true)
}

func checkReport(c *checker) {
	c.requireStr("name")
	c.require("published")
	c.timestamp("published")
	c.refs("object_refs", true)
}

func checkRelationship(c *checker) {
	c.requireStr("relationship_type")
	c.sdoRef("source_ref")
	c.sdoRef("target_ref")
	c.timeOrder("start_time", "stop_time", true)
}

func checkSighting(c *checker) {
	c.sdoRef("sighting_of_ref")
	if id, _ := c.str("sighting_of_ref"); ValidID(id) && isSCOType(IDType(id)) {
		c.add("sighting_of_ref", CodeRefType, fmt.Sprintf("must refer to an SDO, not the observable %q", id),
			map[string]any{"Value": id, "Types": "SDO"})
	}
	c.refs("observed_data_refs", false, "observed-data")
	c.refs("where_sighted_refs", false, "identity", "location")
	c.timeOrder("first_seen", "last_seen", false)
	if c.has("count") {
		c.intRange("count", 0, 999999999)
	}
}

// checkMarkingDefinition applies section 7.2: definition_type and definition
// unless the marking is defined through extensions; TLP 1.0 levels; a
// statement's text.
func checkMarkingDefinition(c *checker) {
	if c.has("extensions") && !c.has("definition_type") {
		return
	}
	defType := c.requireStr("definition_type")
	if !c.has("definition") {
		c.add("definition", CodeRequired, "required with definition_type", nil)
		return
	}
	c.nested("definition", c.m["definition"], func(n *checker) {
		switch defType {
		case "tlp":
			v := n.requireStr("tlp")
			if _, ok := tlp1IDs[v]; v != "" && !ok {
				n.add("tlp", CodeEnum, fmt.Sprintf("%q is not one of white, green, amber, red", v),
					map[string]any{"Value": v, "Allowed": "white, green, amber, red"})
			}
		case "statement":
			n.requireStr("statement")
		}
	})
}

func checkExtensionDefinition(c *checker) {
	c.requireStr("name")
	c.requireStr("schema")
	c.requireStr("version")
	c.require("created_by_ref") // its form and type are checked with the common properties
	c.stringList("extension_types")
	c.require("extension_types")
}
