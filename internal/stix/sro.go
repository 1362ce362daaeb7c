package stix

// Relationship links two SDOs or SCOs (section 5.1).
type Relationship struct {
	Common
	RelationshipType string    `json:"relationship_type"`
	Description      string    `json:"description,omitempty"`
	SourceRef        string    `json:"source_ref"`
	TargetRef        string    `json:"target_ref"`
	StartTime        Timestamp `json:"start_time,omitzero"`
	StopTime         Timestamp `json:"stop_time,omitzero"`
}

// Sighting says that something (sighting_of_ref) was seen, by whom
// (where_sighted_refs) and when (section 5.2).
type Sighting struct {
	Common
	Description      string    `json:"description,omitempty"`
	FirstSeen        Timestamp `json:"first_seen,omitzero"`
	LastSeen         Timestamp `json:"last_seen,omitzero"`
	Count            *int      `json:"count,omitempty"`
	SightingOfRef    string    `json:"sighting_of_ref"`
	ObservedDataRefs []string  `json:"observed_data_refs,omitzero"`
	WhereSightedRefs []string  `json:"where_sighted_refs,omitzero"`
	Summary          *bool     `json:"summary,omitempty"`
}
