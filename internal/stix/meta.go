package stix

import "encoding/json"

// MarkingDefinition is a data marking (section 7.2): TLP 1.0 and statements
// through definition_type and definition, TLP 2.0 and others through
// extensions.
type MarkingDefinition struct {
	Common
	Name           string          `json:"name,omitempty"`
	DefinitionType string          `json:"definition_type,omitempty"`
	Definition     json.RawMessage `json:"definition,omitempty"`
}

// ExtensionDefinition describes an extension of STIX (section 7.3).
type ExtensionDefinition struct {
	Common
	Name                string   `json:"name"`
	Description         string   `json:"description,omitempty"`
	Schema              string   `json:"schema"`
	Version             string   `json:"version"`
	ExtensionTypes      []string `json:"extension_types"`
	ExtensionProperties []string `json:"extension_properties,omitzero"`
}

// Custom is any object whose type this package does not model (x-mitre-*
// objects, language-content, malware-analysis, other SCOs…): the common
// properties are read, everything else is in Extra.
type Custom struct {
	Common
}
