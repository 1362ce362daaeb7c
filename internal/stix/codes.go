package stix

import (
	"encoding/json"
)

// Codes of the *valid.Error values this package returns; the catalogs hold
// "invalid.<code>" in every language.
const (
	CodeJSON           = "stix_json"                    // not JSON, or not a JSON object
	CodeJSONType       = "stix_json_type"               // a property of the wrong JSON type
	CodeRequired       = "stix_required"                // a required property is absent or empty
	CodeID             = "stix_id"                      // not "<type>--<uuid>", or the prefix is not the type
	CodeType           = "stix_type"                    // not a valid type name
	CodeTimestamp      = "stix_timestamp"               // not a STIX timestamp
	CodePrecision      = "stix_timestamp_precision"     // created or modified without milliseconds
	CodeModifiedBefore = "stix_modified_before_created" // modified earlier than created
	CodeSpecVersion    = "stix_spec_version"            // spec_version is not "2.1"
	CodeRefType        = "stix_ref_type"                // a *_ref or *_refs names an object of the wrong type
	CodePattern        = "stix_pattern"                 // the indicator pattern does not parse
	CodeBundle         = "stix_bundle"                  // not a bundle
	CodeEmptyList      = "stix_empty_list"              // a list present but empty
)

// allCodes lists every code, for the test that the catalogs hold them all.
var allCodes = []string{
	CodeJSON, CodeJSONType, CodeRequired, CodeID, CodeType, CodeTimestamp, CodePrecision,
	CodeModifiedBefore, CodeSpecVersion, CodeRefType, CodePattern, CodeBundle, CodeEmptyList,
	CodeOneOf, CodeExclusive, CodeTimeBefore, CodeTimeNotAfter, CodeRange, CodeEnum,
}

// expectedJSON names the JSON type a Go destination needs.
func expectedJSON(te *json.UnmarshalTypeError) string {
	switch te.Type.Kind().String() {
	case "string":
		return "string"
	case "slice":
		return "array"
	case "map", "struct":
		return "object"
	case "bool":
		return "boolean"
	case "int", "int64", "int32", "float64", "uint64":
		return "number"
	}
	return te.Type.String()
}

// More codes of Validate.
const (
	CodeOneOf        = "stix_one_of"         // none of several alternative properties is present
	CodeExclusive    = "stix_exclusive"      // two properties that exclude each other are both present
	CodeTimeBefore   = "stix_time_before"    // a later time (last_seen) is before its earlier one
	CodeTimeNotAfter = "stix_time_not_after" // a time that must be strictly later (valid_until) is not
	CodeRange        = "stix_range"          // a number outside its range
	CodeEnum         = "stix_enum"           // a value outside a closed list
)
