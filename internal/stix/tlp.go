package stix

import (
	"encoding/json"
)

// TLP levels, strictest last. The strings are the TLP 2.0 names as the
// OASIS TLP 2.0 extension writes them in "tlp_2_0".
const (
	TLPClear       = "clear"
	TLPGreen       = "green"
	TLPAmber       = "amber"
	TLPAmberStrict = "amber+strict"
	TLPRed         = "red"
)

// TLPExtensionID is the OASIS extension-definition that TLP 2.0 marking
// definitions carry (cti-stix-common-objects, tlp-2.0).
const TLPExtensionID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlpCreated2 is the created timestamp of the five published TLP 2.0
// marking definitions; tlpCreated1 that of the four STIX 2.1 TLP 1.0 ones.
const (
	tlpCreated2 = "2022-10-01T00:00:00.000Z"
	tlpCreated1 = "2017-01-20T00:00:00.000Z"
)

// tlpLevels lists the levels from least to most strict; the index is the
// strictness rank.
var tlpLevels = [...]string{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed}

// tlp2IDs are the marking-definition ids OASIS publishes for TLP 2.0
// (cti-stix-common-objects/extension-definition-specifications/tlp-2.0).
var tlp2IDs = map[string]string{
	TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// tlp1IDs are the TLP 1.0 marking definitions STIX 2.1 predefines (section
// 7.2.1.4 and the OASIS marking-definition schema), keyed by the 1.0 name.
var tlp1IDs = map[string]string{
	"white": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
	"green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
	"amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
	"red":   "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}

// tlpByID maps every known TLP marking id, 2.0 and 1.0, to its 2.0 level.
var tlpByID = func() map[string]string {
	m := make(map[string]string, len(tlp2IDs)+len(tlp1IDs))
	for level, id := range tlp2IDs {
		m[id] = level
	}
	for name, id := range tlp1IDs {
		level := name
		if name == "white" {
			level = TLPClear // TLP 2.0 renamed WHITE to CLEAR
		}
		m[id] = level
	}
	return m
}()

// TLPLevels returns the TLP 2.0 levels from least to most strict.
func TLPLevels() []string { return tlpLevels[:] }

// TLPRank returns the strictness of level (0 for clear up to 4 for red), or
// -1 when level is not a TLP 2.0 level.
func TLPRank(level string) int {
	for i, l := range tlpLevels {
		if l == level {
			return i
		}
	}
	return -1
}

// TLPMarkingID returns the TLP 2.0 marking-definition id for level, or ""
// when level is not one of the five TLP 2.0 levels.
func TLPMarkingID(level string) string { return tlp2IDs[level] }

// TLPLevel returns the TLP 2.0 level a marking-definition id stands for. It
// knows the TLP 2.0 ids and the TLP 1.0 ids of STIX 2.1, reading 1.0 "white"
// as "clear".
func TLPLevel(markingID string) (string, bool) {
	level, ok := tlpByID[markingID]
	return level, ok
}

// IsTLPMarking reports whether id is one of the TLP 2.0 or TLP 1.0 marking
// definitions.
func IsTLPMarking(id string) bool {
	_, ok := tlpByID[id]
	return ok
}

// TLPFromRefs returns the strictest TLP level among object_marking_refs, and
// false when none of them is a TLP marking.
func TLPFromRefs(refs []string) (string, bool) {
	best := -1
	for _, ref := range refs {
		if level, ok := tlpByID[ref]; ok {
			if r := TLPRank(level); r > best {
				best = r
			}
		}
	}
	if best < 0 {
		return "", false
	}
	return tlpLevels[best], true
}

// tlpExtension is the body of the TLP 2.0 property extension.
type tlpExtension struct {
	ExtensionType string `json:"extension_type"`
	TLP20         string `json:"tlp_2_0"`
}

// tlpMarking2 is a TLP 2.0 marking definition with the properties, and in
// the order, OASIS publishes it.
type tlpMarking2 struct {
	Type        string                  `json:"type"`
	SpecVersion string                  `json:"spec_version"`
	ID          string                  `json:"id"`
	Created     string                  `json:"created"`
	Name        string                  `json:"name"`
	Extensions  map[string]tlpExtension `json:"extensions"`
}

// TLPMarkingObject returns the TLP 2.0 marking-definition object for level
// exactly as OASIS publishes it (id, created 2022-10-01, name "TLP:…", the
// TLP 2.0 property extension), or nil for an unknown level. Bundles that
// reference a TLP marking include this object.
func TLPMarkingObject(level string) json.RawMessage {
	id := tlp2IDs[level]
	if id == "" {
		return nil
	}
	// Marshalling fixed strings cannot fail.
	b, _ := json.Marshal(tlpMarking2{
		Type: "marking-definition", SpecVersion: "2.1", ID: id, Created: tlpCreated2,
		Name: "TLP:" + upperASCII(level),
		Extensions: map[string]tlpExtension{
			TLPExtensionID: {ExtensionType: "property-extension", TLP20: level},
		},
	})
	return b
}

// tlpMarking1 is a STIX 2.1 TLP 1.0 marking definition.
type tlpMarking1 struct {
	Type           string            `json:"type"`
	SpecVersion    string            `json:"spec_version"`
	ID             string            `json:"id"`
	Created        string            `json:"created"`
	DefinitionType string            `json:"definition_type"`
	Name           string            `json:"name"`
	Definition     map[string]string `json:"definition"`
}

// TLP1MarkingObject returns the STIX 2.1 TLP 1.0 marking definition for a
// 1.0 name ("white", "green", "amber", "red"), for peers such as older MISP
// versions that only know TLP 1.0; nil for any other name.
func TLP1MarkingObject(name string) json.RawMessage {
	id := tlp1IDs[name]
	if id == "" {
		return nil
	}
	b, _ := json.Marshal(tlpMarking1{
		Type: "marking-definition", SpecVersion: "2.1", ID: id, Created: tlpCreated1,
		DefinitionType: "tlp", Name: "TLP:" + upperASCII(name),
		Definition: map[string]string{"tlp": name},
	})
	return b
}

// upperASCII upper-cases ASCII letters, leaving "+" alone.
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
