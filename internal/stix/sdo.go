package stix

import "encoding/json"

// The STIX Domain Objects of section 4 that this package models. Every struct
// embeds Common; properties of later versions or extensions land in
// Common.Extra and Common.Extensions and are written back unchanged.

// AttackPattern describes a way adversaries try to compromise targets.
type AttackPattern struct {
	Common
	Name            string           `json:"name"`
	Description     string           `json:"description,omitempty"`
	Aliases         []string         `json:"aliases,omitzero"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitzero"`
}

// Campaign is a grouping of adversarial behaviours over time against a set
// of targets.
type Campaign struct {
	Common
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Aliases     []string  `json:"aliases,omitzero"`
	FirstSeen   Timestamp `json:"first_seen,omitzero"`
	LastSeen    Timestamp `json:"last_seen,omitzero"`
	Objective   string    `json:"objective,omitempty"`
}

// CourseOfAction is a recommendation to prevent or respond to an attack.
type CourseOfAction struct {
	Common
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Grouping asserts that the referenced objects share a context.
type Grouping struct {
	Common
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Context     string   `json:"context"`
	ObjectRefs  []string `json:"object_refs"`
}

// Identity is an individual, organisation or group.
type Identity struct {
	Common
	Name               string   `json:"name"`
	Description        string   `json:"description,omitempty"`
	Roles              []string `json:"roles,omitzero"`
	IdentityClass      string   `json:"identity_class,omitempty"`
	Sectors            []string `json:"sectors,omitzero"`
	ContactInformation string   `json:"contact_information,omitempty"`
}

// Incident is a stub in STIX 2.1; its details come through extensions.
type Incident struct {
	Common
	Name            string           `json:"name"`
	Description     string           `json:"description,omitempty"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitzero"`
}

// Indicator is a pattern that detects suspicious or malicious activity.
type Indicator struct {
	Common
	Name            string           `json:"name,omitempty"`
	Description     string           `json:"description,omitempty"`
	IndicatorTypes  []string         `json:"indicator_types,omitzero"`
	Pattern         string           `json:"pattern"`
	PatternType     string           `json:"pattern_type"`
	PatternVersion  string           `json:"pattern_version,omitempty"`
	ValidFrom       Timestamp        `json:"valid_from,omitzero"`
	ValidUntil      Timestamp        `json:"valid_until,omitzero"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitzero"`
}

// Infrastructure is a system or service used for attack or defence.
type Infrastructure struct {
	Common
	Name                string           `json:"name"`
	Description         string           `json:"description,omitempty"`
	InfrastructureTypes []string         `json:"infrastructure_types,omitzero"`
	Aliases             []string         `json:"aliases,omitzero"`
	KillChainPhases     []KillChainPhase `json:"kill_chain_phases,omitzero"`
	FirstSeen           Timestamp        `json:"first_seen,omitzero"`
	LastSeen            Timestamp        `json:"last_seen,omitzero"`
}

// IntrusionSet is a set of adversarial behaviours and resources believed to
// be orchestrated by one organisation.
type IntrusionSet struct {
	Common
	Name                 string    `json:"name"`
	Description          string    `json:"description,omitempty"`
	Aliases              []string  `json:"aliases,omitzero"`
	FirstSeen            Timestamp `json:"first_seen,omitzero"`
	LastSeen             Timestamp `json:"last_seen,omitzero"`
	Goals                []string  `json:"goals,omitzero"`
	ResourceLevel        string    `json:"resource_level,omitempty"`
	PrimaryMotivation    string    `json:"primary_motivation,omitempty"`
	SecondaryMotivations []string  `json:"secondary_motivations,omitzero"`
}

// Location is a geographic place.
type Location struct {
	Common
	Name               string   `json:"name,omitempty"`
	Description        string   `json:"description,omitempty"`
	Latitude           *float64 `json:"latitude,omitempty"`
	Longitude          *float64 `json:"longitude,omitempty"`
	Precision          *float64 `json:"precision,omitempty"`
	Region             string   `json:"region,omitempty"`
	Country            string   `json:"country,omitempty"`
	AdministrativeArea string   `json:"administrative_area,omitempty"`
	City               string   `json:"city,omitempty"`
	StreetAddress      string   `json:"street_address,omitempty"`
	PostalCode         string   `json:"postal_code,omitempty"`
}

// Malware is malicious code, as a family or an instance.
type Malware struct {
	Common
	Name                      string           `json:"name,omitempty"`
	Description               string           `json:"description,omitempty"`
	MalwareTypes              []string         `json:"malware_types,omitzero"`
	IsFamily                  bool             `json:"is_family"`
	Aliases                   []string         `json:"aliases,omitzero"`
	KillChainPhases           []KillChainPhase `json:"kill_chain_phases,omitzero"`
	FirstSeen                 Timestamp        `json:"first_seen,omitzero"`
	LastSeen                  Timestamp        `json:"last_seen,omitzero"`
	OperatingSystemRefs       []string         `json:"operating_system_refs,omitzero"`
	ArchitectureExecutionEnvs []string         `json:"architecture_execution_envs,omitzero"`
	ImplementationLanguages   []string         `json:"implementation_languages,omitzero"`
	Capabilities              []string         `json:"capabilities,omitzero"`
	SampleRefs                []string         `json:"sample_refs,omitzero"`
}

// Note is added context by an analyst about other objects.
type Note struct {
	Common
	Abstract   string   `json:"abstract,omitempty"`
	Content    string   `json:"content"`
	Authors    []string `json:"authors,omitzero"`
	ObjectRefs []string `json:"object_refs"`
}

// ObservedData records what was seen: SCOs by reference (object_refs) or,
// deprecated but common, embedded in objects.
type ObservedData struct {
	Common
	FirstObserved  Timestamp                  `json:"first_observed,omitzero"`
	LastObserved   Timestamp                  `json:"last_observed,omitzero"`
	NumberObserved int                        `json:"number_observed"`
	Objects        map[string]json.RawMessage `json:"objects,omitzero"`
	ObjectRefs     []string                   `json:"object_refs,omitzero"`
}

// Opinion is an assessment of the correctness of other objects.
type Opinion struct {
	Common
	Explanation string   `json:"explanation,omitempty"`
	Authors     []string `json:"authors,omitzero"`
	Opinion     string   `json:"opinion"`
	ObjectRefs  []string `json:"object_refs"`
}

// Report is a collection of threat intelligence on one or more topics.
type Report struct {
	Common
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	ReportTypes []string  `json:"report_types,omitzero"`
	Published   Timestamp `json:"published,omitzero"`
	ObjectRefs  []string  `json:"object_refs"`
}

// ThreatActor is an individual, group or organisation acting with malicious
// intent.
type ThreatActor struct {
	Common
	Name                 string    `json:"name"`
	Description          string    `json:"description,omitempty"`
	ThreatActorTypes     []string  `json:"threat_actor_types,omitzero"`
	Aliases              []string  `json:"aliases,omitzero"`
	FirstSeen            Timestamp `json:"first_seen,omitzero"`
	LastSeen             Timestamp `json:"last_seen,omitzero"`
	Roles                []string  `json:"roles,omitzero"`
	Goals                []string  `json:"goals,omitzero"`
	Sophistication       string    `json:"sophistication,omitempty"`
	ResourceLevel        string    `json:"resource_level,omitempty"`
	PrimaryMotivation    string    `json:"primary_motivation,omitempty"`
	SecondaryMotivations []string  `json:"secondary_motivations,omitzero"`
	PersonalMotivations  []string  `json:"personal_motivations,omitzero"`
}

// Tool is legitimate software that threat actors may use.
type Tool struct {
	Common
	Name            string           `json:"name"`
	Description     string           `json:"description,omitempty"`
	ToolTypes       []string         `json:"tool_types,omitzero"`
	Aliases         []string         `json:"aliases,omitzero"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitzero"`
	ToolVersion     string           `json:"tool_version,omitempty"`
}

// Vulnerability is a flaw in software that can be exploited.
type Vulnerability struct {
	Common
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}
