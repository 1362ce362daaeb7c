package stix

// The JSON methods below are alike for every type: decode the modelled
// properties, keep the others in Extra, write both back. They convert to a
// local type without methods so that encoding/json does not recurse.

// props holds the modelled property names of each type, computed once from
// the struct tags; read-only after package initialisation.
var (
	attackPatternProps       = jsonProps[AttackPattern]()
	campaignProps            = jsonProps[Campaign]()
	courseOfActionProps      = jsonProps[CourseOfAction]()
	groupingProps            = jsonProps[Grouping]()
	identityProps            = jsonProps[Identity]()
	incidentProps            = jsonProps[Incident]()
	indicatorProps           = jsonProps[Indicator]()
	infrastructureProps      = jsonProps[Infrastructure]()
	intrusionSetProps        = jsonProps[IntrusionSet]()
	locationProps            = jsonProps[Location]()
	malwareProps             = jsonProps[Malware]()
	noteProps                = jsonProps[Note]()
	observedDataProps        = jsonProps[ObservedData]()
	opinionProps             = jsonProps[Opinion]()
	reportProps              = jsonProps[Report]()
	threatActorProps         = jsonProps[ThreatActor]()
	toolProps                = jsonProps[Tool]()
	vulnerabilityProps       = jsonProps[Vulnerability]()
	relationshipProps        = jsonProps[Relationship]()
	sightingProps            = jsonProps[Sighting]()
	iPv4AddrProps            = jsonProps[IPv4Addr]()
	iPv6AddrProps            = jsonProps[IPv6Addr]()
	domainNameProps          = jsonProps[DomainName]()
	uRLProps                 = jsonProps[URL]()
	emailAddrProps           = jsonProps[EmailAddr]()
	fileProps                = jsonProps[File]()
	autonomousSystemProps    = jsonProps[AutonomousSystem]()
	markingDefinitionProps   = jsonProps[MarkingDefinition]()
	extensionDefinitionProps = jsonProps[ExtensionDefinition]()
	customProps              = jsonProps[Custom]()
)

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *AttackPattern) UnmarshalJSON(b []byte) error {
	type plain AttackPattern
	return decodeProps(b, (*plain)(o), &o.Extra, attackPatternProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o AttackPattern) MarshalJSON() ([]byte, error) {
	type plain AttackPattern
	return encodeProps(plain(o), o.Extra, attackPatternProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Campaign) UnmarshalJSON(b []byte) error {
	type plain Campaign
	return decodeProps(b, (*plain)(o), &o.Extra, campaignProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Campaign) MarshalJSON() ([]byte, error) {
	type plain Campaign
	return encodeProps(plain(o), o.Extra, campaignProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *CourseOfAction) UnmarshalJSON(b []byte) error {
	type plain CourseOfAction
	return decodeProps(b, (*plain)(o), &o.Extra, courseOfActionProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o CourseOfAction) MarshalJSON() ([]byte, error) {
	type plain CourseOfAction
	return encodeProps(plain(o), o.Extra, courseOfActionProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Grouping) UnmarshalJSON(b []byte) error {
	type plain Grouping
	return decodeProps(b, (*plain)(o), &o.Extra, groupingProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Grouping) MarshalJSON() ([]byte, error) {
	type plain Grouping
	return encodeProps(plain(o), o.Extra, groupingProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Identity) UnmarshalJSON(b []byte) error {
	type plain Identity
	return decodeProps(b, (*plain)(o), &o.Extra, identityProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Identity) MarshalJSON() ([]byte, error) {
	type plain Identity
	return encodeProps(plain(o), o.Extra, identityProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Incident) UnmarshalJSON(b []byte) error {
	type plain Incident
	return decodeProps(b, (*plain)(o), &o.Extra, incidentProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Incident) MarshalJSON() ([]byte, error) {
	type plain Incident
	return encodeProps(plain(o), o.Extra, incidentProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Indicator) UnmarshalJSON(b []byte) error {
	type plain Indicator
	return decodeProps(b, (*plain)(o), &o.Extra, indicatorProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Indicator) MarshalJSON() ([]byte, error) {
	type plain Indicator
	return encodeProps(plain(o), o.Extra, indicatorProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Infrastructure) UnmarshalJSON(b []byte) error {
	type plain Infrastructure
	return decodeProps(b, (*plain)(o), &o.Extra, infrastructureProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Infrastructure) MarshalJSON() ([]byte, error) {
	type plain Infrastructure
	return encodeProps(plain(o), o.Extra, infrastructureProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *IntrusionSet) UnmarshalJSON(b []byte) error {
	type plain IntrusionSet
	return decodeProps(b, (*plain)(o), &o.Extra, intrusionSetProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o IntrusionSet) MarshalJSON() ([]byte, error) {
	type plain IntrusionSet
	return encodeProps(plain(o), o.Extra, intrusionSetProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Location) UnmarshalJSON(b []byte) error {
	type plain Location
	return decodeProps(b, (*plain)(o), &o.Extra, locationProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Location) MarshalJSON() ([]byte, error) {
	type plain Location
	return encodeProps(plain(o), o.Extra, locationProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Malware) UnmarshalJSON(b []byte) error {
	type plain Malware
	return decodeProps(b, (*plain)(o), &o.Extra, malwareProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Malware) MarshalJSON() ([]byte, error) {
	type plain Malware
	return encodeProps(plain(o), o.Extra, malwareProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Note) UnmarshalJSON(b []byte) error {
	type plain Note
	return decodeProps(b, (*plain)(o), &o.Extra, noteProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Note) MarshalJSON() ([]byte, error) {
	type plain Note
	return encodeProps(plain(o), o.Extra, noteProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *ObservedData) UnmarshalJSON(b []byte) error {
	type plain ObservedData
	return decodeProps(b, (*plain)(o), &o.Extra, observedDataProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o ObservedData) MarshalJSON() ([]byte, error) {
	type plain ObservedData
	return encodeProps(plain(o), o.Extra, observedDataProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Opinion) UnmarshalJSON(b []byte) error {
	type plain Opinion
	return decodeProps(b, (*plain)(o), &o.Extra, opinionProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Opinion) MarshalJSON() ([]byte, error) {
	type plain Opinion
	return encodeProps(plain(o), o.Extra, opinionProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Report) UnmarshalJSON(b []byte) error {
	type plain Report
	return decodeProps(b, (*plain)(o), &o.Extra, reportProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Report) MarshalJSON() ([]byte, error) {
	type plain Report
	return encodeProps(plain(o), o.Extra, reportProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *ThreatActor) UnmarshalJSON(b []byte) error {
	type plain ThreatActor
	return decodeProps(b, (*plain)(o), &o.Extra, threatActorProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o ThreatActor) MarshalJSON() ([]byte, error) {
	type plain ThreatActor
	return encodeProps(plain(o), o.Extra, threatActorProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Tool) UnmarshalJSON(b []byte) error {
	type plain Tool
	return decodeProps(b, (*plain)(o), &o.Extra, toolProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Tool) MarshalJSON() ([]byte, error) {
	type plain Tool
	return encodeProps(plain(o), o.Extra, toolProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Vulnerability) UnmarshalJSON(b []byte) error {
	type plain Vulnerability
	return decodeProps(b, (*plain)(o), &o.Extra, vulnerabilityProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Vulnerability) MarshalJSON() ([]byte, error) {
	type plain Vulnerability
	return encodeProps(plain(o), o.Extra, vulnerabilityProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Relationship) UnmarshalJSON(b []byte) error {
	type plain Relationship
	return decodeProps(b, (*plain)(o), &o.Extra, relationshipProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Relationship) MarshalJSON() ([]byte, error) {
	type plain Relationship
	return encodeProps(plain(o), o.Extra, relationshipProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Sighting) UnmarshalJSON(b []byte) error {
	type plain Sighting
	return decodeProps(b, (*plain)(o), &o.Extra, sightingProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Sighting) MarshalJSON() ([]byte, error) {
	type plain Sighting
	return encodeProps(plain(o), o.Extra, sightingProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *IPv4Addr) UnmarshalJSON(b []byte) error {
	type plain IPv4Addr
	return decodeProps(b, (*plain)(o), &o.Extra, iPv4AddrProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o IPv4Addr) MarshalJSON() ([]byte, error) {
	type plain IPv4Addr
	return encodeProps(plain(o), o.Extra, iPv4AddrProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *IPv6Addr) UnmarshalJSON(b []byte) error {
	type plain IPv6Addr
	return decodeProps(b, (*plain)(o), &o.Extra, iPv6AddrProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o IPv6Addr) MarshalJSON() ([]byte, error) {
	type plain IPv6Addr
	return encodeProps(plain(o), o.Extra, iPv6AddrProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *DomainName) UnmarshalJSON(b []byte) error {
	type plain DomainName
	return decodeProps(b, (*plain)(o), &o.Extra, domainNameProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o DomainName) MarshalJSON() ([]byte, error) {
	type plain DomainName
	return encodeProps(plain(o), o.Extra, domainNameProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *URL) UnmarshalJSON(b []byte) error {
	type plain URL
	return decodeProps(b, (*plain)(o), &o.Extra, uRLProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o URL) MarshalJSON() ([]byte, error) {
	type plain URL
	return encodeProps(plain(o), o.Extra, uRLProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *EmailAddr) UnmarshalJSON(b []byte) error {
	type plain EmailAddr
	return decodeProps(b, (*plain)(o), &o.Extra, emailAddrProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o EmailAddr) MarshalJSON() ([]byte, error) {
	type plain EmailAddr
	return encodeProps(plain(o), o.Extra, emailAddrProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *File) UnmarshalJSON(b []byte) error {
	type plain File
	return decodeProps(b, (*plain)(o), &o.Extra, fileProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o File) MarshalJSON() ([]byte, error) {
	type plain File
	return encodeProps(plain(o), o.Extra, fileProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *AutonomousSystem) UnmarshalJSON(b []byte) error {
	type plain AutonomousSystem
	return decodeProps(b, (*plain)(o), &o.Extra, autonomousSystemProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o AutonomousSystem) MarshalJSON() ([]byte, error) {
	type plain AutonomousSystem
	return encodeProps(plain(o), o.Extra, autonomousSystemProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *MarkingDefinition) UnmarshalJSON(b []byte) error {
	type plain MarkingDefinition
	return decodeProps(b, (*plain)(o), &o.Extra, markingDefinitionProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o MarkingDefinition) MarshalJSON() ([]byte, error) {
	type plain MarkingDefinition
	return encodeProps(plain(o), o.Extra, markingDefinitionProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *ExtensionDefinition) UnmarshalJSON(b []byte) error {
	type plain ExtensionDefinition
	return decodeProps(b, (*plain)(o), &o.Extra, extensionDefinitionProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o ExtensionDefinition) MarshalJSON() ([]byte, error) {
	type plain ExtensionDefinition
	return encodeProps(plain(o), o.Extra, extensionDefinitionProps)
}

// UnmarshalJSON reads the object, keeping unmodelled properties in Extra.
func (o *Custom) UnmarshalJSON(b []byte) error {
	type plain Custom
	return decodeProps(b, (*plain)(o), &o.Extra, customProps)
}

// MarshalJSON writes the object with the properties kept in Extra.
func (o Custom) MarshalJSON() ([]byte, error) {
	type plain Custom
	return encodeProps(plain(o), o.Extra, customProps)
}
