package misp

import (
	"strings"

	"atalaya/internal/stix"
)

// Distribution is MISP's distribution level: how far an event, attribute or
// object may travel between MISP instances. Unset (-1) when the source did
// not say.
type Distribution int

// The distribution levels MISP defines.
const (
	DistributionOrganisation Distribution = 0 // your organisation only
	DistributionCommunity    Distribution = 1 // this community only
	DistributionConnected    Distribution = 2 // connected communities
	DistributionAll          Distribution = 3 // all communities
	DistributionSharingGroup Distribution = 4 // the members of a sharing group
	DistributionInherit      Distribution = 5 // as the event (attributes and objects only)
)

// distributionNames holds the English wording MISP uses and the catalog key
// of each level, indexed by level.
var distributionNames = [...]struct{ text, key string }{
	{"Your organisation only", "misp.distribution.organisation"},
	{"This community only", "misp.distribution.community"},
	{"Connected communities", "misp.distribution.connected"},
	{"All communities", "misp.distribution.all"},
	{"Sharing group", "misp.distribution.sharing_group"},
	{"Inherit event", "misp.distribution.inherit"},
}

// Valid reports whether d is one of the six levels (Unset is not).
func (d Distribution) Valid() bool { return d >= 0 && int(d) < len(distributionNames) }

// String returns the level in MISP's English words, "Not set" for Unset and
// "Unknown" for anything else.
func (d Distribution) String() string {
	switch {
	case d.Valid():
		return distributionNames[d].text
	case d == Unset:
		return "Not set"
	}
	return "Unknown"
}

// Key returns the message-catalog key that names d in the reader's language
// ("misp.distribution.all"...), "misp.distribution.unset" for Unset and
// "misp.distribution.unknown" for anything else.
func (d Distribution) Key() string {
	switch {
	case d.Valid():
		return distributionNames[d].key
	case d == Unset:
		return "misp.distribution.unset"
	}
	return "misp.distribution.unknown"
}

// Effective resolves Inherit against the event's level, so a caller deciding
// who may receive an attribute never sees 5. Unset stays Unset.
func (d Distribution) Effective(event Distribution) Distribution {
	if d == DistributionInherit {
		return event
	}
	return d
}

// tlpTags maps the MISP TLP tags, lower-cased, to TLP 2.0 levels. MISP's tlp
// taxonomy has both the TLP 1.0 "white" and the TLP 2.0 "clear".
var tlpTags = map[string]string{
	"tlp:white":        stix.TLPClear,
	"tlp:clear":        stix.TLPClear,
	"tlp:green":        stix.TLPGreen,
	"tlp:amber":        stix.TLPAmber,
	"tlp:amber+strict": stix.TLPAmberStrict,
	"tlp:red":          stix.TLPRed,
}

// TLPLevelOfTag returns the TLP 2.0 level a tag stands for ("tlp:white" gives
// "clear"), and false when the tag is not a TLP tag.
func TLPLevelOfTag(name string) (string, bool) {
	level, ok := tlpTags[strings.ToLower(strings.TrimSpace(name))]
	return level, ok
}

// TLPFromTags returns the strictest TLP 2.0 level among tags, and false when
// none is a TLP tag. Strictest, because a producer who tagged both amber and
// red meant at least red.
func TLPFromTags(tags []Tag) (string, bool) {
	best, found := "", false
	for _, t := range tags {
		level, ok := TLPLevelOfTag(t.Name)
		if ok && (!found || stix.TLPRank(level) > stix.TLPRank(best)) {
			best, found = level, true
		}
	}
	return best, found
}

// TLPTag returns the MISP tag name for a TLP 2.0 level ("tlp:amber+strict"),
// or "" for an unknown level.
func TLPTag(level string) string {
	if stix.TLPRank(level) < 0 {
		return ""
	}
	return "tlp:" + level
}

// IsTLPTag reports whether the tag is one of the TLP tags.
func IsTLPTag(name string) bool {
	_, ok := TLPLevelOfTag(name)
	return ok
}
