package stix

import (
	"time"
)

// Creating objects. Callers either fill a struct and call Encode, or use the
// constructors below, which set what the specification requires of a new
// object: spec_version "2.1", a fresh id of the type, created = modified =
// the instant given (cut to the millisecond). The clock is the caller's:
// pass now in, so tests and imports decide the time.
//
// Constructors do not validate what the caller puts in; run Validate on the
// encoded object where input comes from people or peers.

// NewCommon returns the common properties of a new SDO or SRO of objType.
func NewCommon(objType string, now time.Time) Common {
	ts := NewTimestamp(now)
	return Common{Type: objType, SpecVersion: "2.1", ID: NewID(objType), Created: ts, Modified: ts}
}

// NewVersion prepares the next version of an object: same id and created,
// modified set to now, or one millisecond after the previous modified when
// now is not later (a new version must have a later modified).
func NewVersion(c *Common, now time.Time) {
	ts := NewTimestamp(now)
	if !c.Modified.IsZero() && !c.Modified.Before(ts) {
		ts = NewTimestamp(c.Modified.Time.Add(time.Millisecond))
	}
	c.Modified = ts
}

// NewIndicator returns an indicator with a STIX pattern, valid from now.
func NewIndicator(now time.Time, name, pattern string) *Indicator {
	return &Indicator{
		Common:      NewCommon("indicator", now),
		Name:        name,
		Pattern:     pattern,
		PatternType: "stix",
		ValidFrom:   NewTimestamp(now),
	}
}

// NewReport returns a report published at published, referring to objectRefs.
func NewReport(now time.Time, name string, published time.Time, objectRefs []string) *Report {
	return &Report{
		Common:     NewCommon("report", now),
		Name:       name,
		Published:  NewTimestamp(published),
		ObjectRefs: objectRefs,
	}
}

// NewSighting returns a sighting of the SDO sightingOfRef (an indicator,
// malware…), seen by whereSightedRefs (identities or locations).
func NewSighting(now time.Time, sightingOfRef string, whereSightedRefs []string) *Sighting {
	return &Sighting{
		Common:           NewCommon("sighting", now),
		SightingOfRef:    sightingOfRef,
		WhereSightedRefs: whereSightedRefs,
	}
}

// NewRelationship returns a relationship of relType ("indicates", "uses",
// "related-to"…) from sourceRef to targetRef.
func NewRelationship(now time.Time, relType, sourceRef, targetRef string) *Relationship {
	return &Relationship{
		Common:           NewCommon("relationship", now),
		RelationshipType: relType,
		SourceRef:        sourceRef,
		TargetRef:        targetRef,
	}
}

// NewIdentity returns an identity of identityClass ("organization",
// "individual", "group", "system", "class", "unknown").
func NewIdentity(now time.Time, name, identityClass string) *Identity {
	return &Identity{Common: NewCommon("identity", now), Name: name, IdentityClass: identityClass}
}

// NewNote returns a note with content about objectRefs.
func NewNote(now time.Time, content string, objectRefs []string) *Note {
	return &Note{Common: NewCommon("note", now), Content: content, ObjectRefs: objectRefs}
}

// NewGrouping returns a grouping with context ("suspicious-activity",
// "malware-analysis", "unspecified") of objectRefs.
func NewGrouping(now time.Time, name, context string, objectRefs []string) *Grouping {
	return &Grouping{Common: NewCommon("grouping", now), Name: name, Context: context, ObjectRefs: objectRefs}
}

// NewObservedData returns observed-data over [first, last] for count
// observations of the SCOs objectRefs.
func NewObservedData(now, first, last time.Time, count int, objectRefs []string) *ObservedData {
	return &ObservedData{
		Common:         NewCommon("observed-data", now),
		FirstObserved:  NewTimestamp(first),
		LastObserved:   NewTimestamp(last),
		NumberObserved: count,
		ObjectRefs:     objectRefs,
	}
}

// NewMalware returns a malware family (isFamily) or instance.
func NewMalware(now time.Time, name string, isFamily bool) *Malware {
	return &Malware{Common: NewCommon("malware", now), Name: name, IsFamily: isFamily}
}

// NewVulnerability returns a vulnerability named name (a CVE id, say; put
// the CVE itself in an external reference with source_name "cve").
func NewVulnerability(now time.Time, name string) *Vulnerability {
	return &Vulnerability{Common: NewCommon("vulnerability", now), Name: name}
}

// scoCommon returns the common properties of an SCO with a deterministic id.
func scoCommon(objType string, contributing map[string]any) Common {
	return Common{Type: objType, SpecVersion: "2.1", ID: SCOID(objType, contributing)}
}

// NewIPv4Addr returns an ipv4-addr with the deterministic id of its value.
func NewIPv4Addr(value string) *IPv4Addr {
	return &IPv4Addr{Common: scoCommon("ipv4-addr", map[string]any{"value": value}), Value: value}
}

// NewIPv6Addr returns an ipv6-addr with the deterministic id of its value.
func NewIPv6Addr(value string) *IPv6Addr {
	return &IPv6Addr{Common: scoCommon("ipv6-addr", map[string]any{"value": value}), Value: value}
}

// NewDomainName returns a domain-name with the deterministic id of its value.
func NewDomainName(value string) *DomainName {
	return &DomainName{Common: scoCommon("domain-name", map[string]any{"value": value}), Value: value}
}

// NewURL returns a url with the deterministic id of its value.
func NewURL(value string) *URL {
	return &URL{Common: scoCommon("url", map[string]any{"value": value}), Value: value}
}

// NewEmailAddr returns an email-addr with the deterministic id of its value.
func NewEmailAddr(value string) *EmailAddr {
	return &EmailAddr{Common: scoCommon("email-addr", map[string]any{"value": value}), Value: value}
}

// NewFile returns a file identified by hashes (algorithm → hex) and name,
// either of which may be empty.
func NewFile(hashes map[string]string, name string) *File {
	contributing := map[string]any{}
	if alg, v := idHash(hashes); alg != "" {
		contributing["hashes"] = map[string]any{alg: v}
	}
	if name != "" {
		contributing["name"] = name
	}
	return &File{Common: scoCommon("file", contributing), Hashes: hashes, Name: name}
}

// NewAutonomousSystem returns an autonomous-system with the deterministic id
// of its number.
func NewAutonomousSystem(number int64, name string) *AutonomousSystem {
	return &AutonomousSystem{Common: scoCommon("autonomous-system", map[string]any{"number": number}), Number: number, Name: name}
}
