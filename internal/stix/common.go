package stix

import "encoding/json"

// Object is any decoded STIX object: one of the structs of this package
// (pointer), or *Custom for a type this package does not model. Core gives
// the common properties every object embeds.
type Object interface {
	Core() *Common
}

// Common holds the properties shared by STIX objects (section 3.2 of the
// specification) and every property the concrete type does not model. SDOs,
// SROs and SCOs embed it; properties an object does not carry stay zero and
// are not written.
type Common struct {
	Type               string                     `json:"type"`
	SpecVersion        string                     `json:"spec_version,omitempty"`
	ID                 string                     `json:"id,omitempty"`
	CreatedByRef       string                     `json:"created_by_ref,omitempty"`
	Created            Timestamp                  `json:"created,omitzero"`
	Modified           Timestamp                  `json:"modified,omitzero"`
	Revoked            *bool                      `json:"revoked,omitempty"`
	Labels             []string                   `json:"labels,omitzero"`
	Confidence         *int                       `json:"confidence,omitempty"`
	Lang               string                     `json:"lang,omitempty"`
	ExternalReferences []ExternalReference        `json:"external_references,omitzero"`
	ObjectMarkingRefs  []string                   `json:"object_marking_refs,omitzero"`
	GranularMarkings   []GranularMarking          `json:"granular_markings,omitzero"`
	Defanged           *bool                      `json:"defanged,omitempty"` // SCOs only
	Extensions         map[string]json.RawMessage `json:"extensions,omitzero"`

	// Extra holds every property the concrete type does not model (x_mitre_*,
	// x_misp_*, properties of later versions…), written back as received.
	Extra map[string]json.RawMessage `json:"-"`
}

// Core returns c itself; through embedding it makes every struct of this
// package an Object.
func (c *Common) Core() *Common { return c }

// IsRevoked reports whether the object is marked revoked.
func (c *Common) IsRevoked() bool { return c.Revoked != nil && *c.Revoked }

// Version returns the text that identifies this version: modified, else
// created, else "" (SCOs are not versioned).
func (c *Common) Version() string {
	if !c.Modified.IsZero() {
		return c.Modified.String()
	}
	return c.Created.String()
}

// ExternalReference points to non-STIX information (section 2.5).
type ExternalReference struct {
	SourceName  string            `json:"source_name"`
	Description string            `json:"description,omitempty"`
	URL         string            `json:"url,omitempty"`
	Hashes      map[string]string `json:"hashes,omitzero"`
	ExternalID  string            `json:"external_id,omitempty"`

	Extra map[string]json.RawMessage `json:"-"` // properties not modelled here
}

// KillChainPhase is one phase of a kill chain (section 2.8).
type KillChainPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`

	Extra map[string]json.RawMessage `json:"-"` // properties not modelled here
}

// GranularMarking applies a marking (marking_ref) or a language (lang) to
// the properties its selectors name (section 7.2.3).
type GranularMarking struct {
	Lang       string   `json:"lang,omitempty"`
	MarkingRef string   `json:"marking_ref,omitempty"`
	Selectors  []string `json:"selectors"`

	Extra map[string]json.RawMessage `json:"-"` // properties not modelled here
}

var (
	externalReferenceProps = jsonProps[ExternalReference]()
	killChainPhaseProps    = jsonProps[KillChainPhase]()
	granularMarkingProps   = jsonProps[GranularMarking]()
)

// UnmarshalJSON reads an external reference, keeping unknown properties.
func (r *ExternalReference) UnmarshalJSON(b []byte) error {
	type plain ExternalReference
	return decodeProps(b, (*plain)(r), &r.Extra, externalReferenceProps)
}

// MarshalJSON writes an external reference with its unknown properties.
func (r ExternalReference) MarshalJSON() ([]byte, error) {
	type plain ExternalReference
	return encodeProps(plain(r), r.Extra, externalReferenceProps)
}

// UnmarshalJSON reads a kill-chain phase, keeping unknown properties.
func (k *KillChainPhase) UnmarshalJSON(b []byte) error {
	type plain KillChainPhase
	return decodeProps(b, (*plain)(k), &k.Extra, killChainPhaseProps)
}

// MarshalJSON writes a kill-chain phase with its unknown properties.
func (k KillChainPhase) MarshalJSON() ([]byte, error) {
	type plain KillChainPhase
	return encodeProps(plain(k), k.Extra, killChainPhaseProps)
}

// UnmarshalJSON reads a granular marking, keeping unknown properties.
func (g *GranularMarking) UnmarshalJSON(b []byte) error {
	type plain GranularMarking
	return decodeProps(b, (*plain)(g), &g.Extra, granularMarkingProps)
}

// MarshalJSON writes a granular marking with its unknown properties.
func (g GranularMarking) MarshalJSON() ([]byte, error) {
	type plain GranularMarking
	return encodeProps(plain(g), g.Extra, granularMarkingProps)
}
