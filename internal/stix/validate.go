package stix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"atalaya/internal/valid"
)

// Validate checks one STIX 2.1 object against the rules the specification
// states as MUST: required properties per type, identifier form and type
// prefix, timestamps (millisecond precision for created and modified, order
// of paired times), references to objects of the right type, the indicator
// pattern when pattern_type is "stix", marking-definition rules. It returns
// nil or valid.Errors, each naming the property path
// ("external_references[0].source_name") and a stable code.
//
// SHOULD-level advice (vocabularies, recommended properties) is not checked:
// content that breaks only advice is valid and must be accepted.
func Validate(raw []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return valid.Errors{{Field: "object", Code: CodeJSON, Message: "not a JSON object",
			Args: map[string]any{"Property": "object"}}}
	}
	c := &checker{m: m}
	c.object()
	return c.errs.Err()
}

// checker accumulates the problems of one object (or one embedded
// observable, with prefix set).
type checker struct {
	m      map[string]json.RawMessage
	prefix string // path of an embedded object, "objects.0."
	errs   valid.Errors
}

// sdoCommon lists the types that carry the SDO/SRO common properties
// (created and modified required).
var sdoCommon = map[string]bool{
	"attack-pattern": true, "campaign": true, "course-of-action": true, "grouping": true,
	"identity": true, "incident": true, "indicator": true, "infrastructure": true,
	"intrusion-set": true, "location": true, "malware": true, "malware-analysis": true,
	"note": true, "observed-data": true, "opinion": true, "report": true,
	"threat-actor": true, "tool": true, "vulnerability": true, "relationship": true,
	"sighting": true, "language-content": true, "extension-definition": true,
}

// object runs the checks common to every object, then the type's own.
func (c *checker) object() {
	typ := c.typeName()
	if typ == "" {
		return
	}
	c.id(typ)
	c.specVersion(typ)
	c.versionTimes(typ)
	c.ref("created_by_ref", false, "identity")
	c.commonLists()
	if rule := typeRules[typ]; rule != nil {
		rule(c)
	}
}

// add records one problem.
func (c *checker) add(field, code, msg string, args map[string]any) {
	field = c.prefix + field
	if args == nil {
		args = map[string]any{}
	}
	if _, ok := args["Property"]; !ok {
		args["Property"] = field
	}
	c.errs = append(c.errs, &valid.Error{Field: field, Code: code, Message: field + ": " + msg, Args: args})
}

// has reports whether the property is present (null counts as absent).
func (c *checker) has(key string) bool {
	v, ok := c.m[key]
	return ok && string(bytes.TrimSpace(v)) != "null"
}

// require records a missing property.
func (c *checker) require(keys ...string) {
	for _, k := range keys {
		if !c.has(k) {
			c.add(k, CodeRequired, "required", nil)
		}
	}
}

// requireOneOf records that none of keys is present.
func (c *checker) requireOneOf(keys ...string) {
	for _, k := range keys {
		if c.has(k) {
			return
		}
	}
	c.add(keys[0], CodeOneOf, "give at least one of "+strings.Join(keys, ", "),
		map[string]any{"Properties": strings.Join(keys, ", ")})
}

// str returns a string property; a present non-string is recorded.
func (c *checker) str(key string) (string, bool) {
	if !c.has(key) {
		return "", false
	}
	var s string
	if json.Unmarshal(c.m[key], &s) != nil {
		c.typeError(key, "string")
		return "", false
	}
	return s, true
}

// requireStr returns a required, non-empty string property.
func (c *checker) requireStr(key string) string {
	s, ok := c.str(key)
	switch {
	case !ok && !c.has(key):
		c.add(key, CodeRequired, "required", nil)
	case ok && s == "":
		c.add(key, CodeRequired, "required and must not be empty", nil)
	}
	return s
}

func (c *checker) typeError(key, expected string) {
	c.add(key, CodeJSONType, "must be a JSON "+expected, map[string]any{"Expected": expected})
}

// typeName checks "type" and returns it, or "" when unusable.
func (c *checker) typeName() string {
	typ := c.requireStr("type")
	if typ != "" && !ValidTypeName(typ) {
		c.add("type", CodeType, fmt.Sprintf("%q is not a STIX type name (3 to 250 characters: a-z, 0-9, single hyphens)", typ),
			map[string]any{"Value": typ})
		return ""
	}
	return typ
}

// id checks the identifier's form and that its prefix is the type.
func (c *checker) id(typ string) {
	id := c.requireStr("id")
	if id == "" {
		return
	}
	if !ValidID(id) || IDType(id) != typ {
		c.add("id", CodeID, fmt.Sprintf("%q is not an identifier %s--<UUID>", id, typ),
			map[string]any{"Value": id, "Type": typ})
	}
}

// specVersion requires "2.1" on SDOs, SROs and meta objects, and checks it
// wherever present (SCOs may leave it out).
func (c *checker) specVersion(typ string) {
	if sdoCommon[typ] || typ == "marking-definition" {
		c.require("spec_version")
	}
	if v, ok := c.str("spec_version"); ok && v != "2.1" {
		c.add("spec_version", CodeSpecVersion, fmt.Sprintf("must be \"2.1\", found %q", v), map[string]any{"Value": v})
	}
}

// versionTimes checks created and modified: required on SDOs and SROs,
// precise to the millisecond, and modified not before created.
func (c *checker) versionTimes(typ string) {
	if sdoCommon[typ] {
		c.require("created", "modified")
	} else if typ == "marking-definition" {
		c.require("created")
	}
	created, okc := c.timestamp("created")
	modified, okm := c.timestamp("modified")
	for _, p := range []struct {
		key string
		t   Timestamp
		ok  bool
	}{{"created", created, okc}, {"modified", modified, okm}} {
		if p.ok && !millisecondPrecise(p.t.String()) {
			c.add(p.key, CodePrecision, "must be precise to the millisecond, as 2016-04-06T20:03:48.000Z",
				map[string]any{"Value": p.t.String()})
		}
	}
	if okc && okm && modified.Before(created) {
		c.add("modified", CodeModifiedBefore, "is earlier than created", map[string]any{"Other": "created"})
	}
}

// millisecondPrecise reports whether a timestamp text has at least three
// fraction digits.
func millisecondPrecise(s string) bool {
	dot := strings.LastIndexByte(s, '.')
	return dot > 0 && len(s)-dot-2 >= 3
}

// timestamp returns a timestamp property, recording a malformed one.
func (c *checker) timestamp(key string) (Timestamp, bool) {
	s, ok := c.str(key)
	if !ok {
		return Timestamp{}, false
	}
	t, err := ParseTimestamp(s)
	if err != nil {
		c.add(key, CodeTimestamp, err.Error(), map[string]any{"Value": s})
		return Timestamp{}, false
	}
	return t, true
}

// timeOrder checks that later is not before earlier (strict: not equal
// either).
func (c *checker) timeOrder(earlier, later string, strict bool) {
	a, oka := c.timestamp(earlier)
	b, okb := c.timestamp(later)
	if !oka || !okb {
		return
	}
	switch {
	case strict && !a.Before(b):
		c.add(later, CodeTimeNotAfter, "must be later than "+earlier, map[string]any{"Other": earlier})
	case !strict && b.Before(a):
		c.add(later, CodeTimeBefore, "cannot be earlier than "+earlier, map[string]any{"Other": earlier})
	}
}
