package intel

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Codes of the valid.Error values and refusals this package returns; the
// catalogs hold "invalid.<code>" in en, es, pt and fr.
const (
	CodeNotOwner     = "intel_not_owner"         // the id was first stored by another organisation
	CodeSharing      = "intel_sharing"           // TLP:RED cannot go to all members
	CodeTLP          = "intel_tlp"               // not a TLP 2.0 level
	CodeTLPBelowMark = "intel_tlp_below_marking" // the level chosen is more open than the object's marking
	CodeGroupUnknown = "intel_group_unknown"     // no such sharing group, or the organisation is not in it
	CodeNext         = "intel_next"              // a paging cursor this server did not give
	CodeRequired     = "intel_required"          // a required field is empty
	CodeTooLong      = "intel_too_long"          // longer than the field allows
	CodeValidUntil   = "intel_valid_until"       // valid until is not after valid from
	CodeConfidence   = "intel_confidence"        // confidence outside 0–100
	CodeCount        = "intel_count"             // a sighting count below 1
	CodeLastSeen     = "intel_last_seen"         // last seen before first seen
	CodeNotVersioned = "intel_not_versioned"     // SCOs have no versions: they cannot be revoked
	CodeRevoked      = "intel_revoked"           // a revoked object takes no new version
	CodeRefUnknown   = "intel_ref_unknown"       // a reference to an object the actor cannot see
	CodeNotIndicator = "intel_not_indicator"     // a sighting must be of an indicator
	CodeWrongType    = "intel_wrong_type"        // the id given is of another type than the form
	CodeAliasTaken   = "intel_alias_taken"       // another collection has this alias
)

// maxName is the longest name or title a form accepts, in characters.
const maxName = 500

// fold lower-cases s and strips accents, so a search for "mexico" finds
// "México" on both engines alike.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
