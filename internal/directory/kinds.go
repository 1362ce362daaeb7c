package directory

// Kind is what an organisation is in the program. The values are stored in
// organizations.kind and other packages rely on them (auth recognises the
// secretariat by kind = 'secretariat'): never rename one.
type Kind string

// The kinds of organisation.
const (
	Secretariat      Kind = "secretariat"
	NationalCSIRT    Kind = "national_csirt"
	GovernmentCSIRT  Kind = "government_csirt"
	PoliceCSIRT      Kind = "police_csirt"
	DefenseCSIRT     Kind = "defense_csirt"
	SectorCSIRT      Kind = "sector_csirt"
	Ministry         Kind = "ministry"
	PartnerPrivate   Kind = "partner_private"
	PartnerAcademia  Kind = "partner_academia"
	PartnerNonprofit Kind = "partner_nonprofit"
	Donor            Kind = "donor"
)

// Kinds lists every kind, in the order forms show them.
var Kinds = []Kind{Secretariat, NationalCSIRT, GovernmentCSIRT, PoliceCSIRT, DefenseCSIRT, SectorCSIRT,
	Ministry, PartnerPrivate, PartnerAcademia, PartnerNonprofit, Donor}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// IsCSIRT reports whether organisations of kind k are incident response
// teams: they have a team profile and a constituency, and events are routed
// to them.
func (k Kind) IsCSIRT() bool {
	switch k {
	case NationalCSIRT, GovernmentCSIRT, PoliceCSIRT, DefenseCSIRT, SectorCSIRT:
		return true
	}
	return false
}

// needsCountry reports whether an organisation of kind k must belong to a
// member state: teams and ministries act for one state. The secretariat is
// regional and must have none; partners and donors may be anywhere.
func (k Kind) needsCountry() bool { return k.IsCSIRT() || k == Ministry }

// TeamStatus is where a CSIRT stands in its life.
type TeamStatus string

// The team statuses.
const (
	Active   TeamStatus = "active"
	Forming  TeamStatus = "forming"  // being set up, often with the program's assistance
	Inactive TeamStatus = "inactive" // dissolved or dormant; kept for history
)

// TeamStatuses lists every status, in the order forms show them.
var TeamStatuses = []TeamStatus{Active, Forming, Inactive}

// Valid reports whether s is one of TeamStatuses.
func (s TeamStatus) Valid() bool { return s == Active || s == Forming || s == Inactive }

// ContactKind is the role of a member state's point of contact.
type ContactKind string

// The kinds of point of contact a member state names.
const (
	IncidentResponse ContactKind = "incident_response" // usually the national CSIRT
	Policy           ContactKind = "policy"            // the 2018 confidence-building measure
	Cybercrime       ContactKind = "cybercrime"        // cooperation on cybercrime cases
)

// ContactKinds lists every kind of contact, in the order pages show them.
var ContactKinds = []ContactKind{IncidentResponse, Policy, Cybercrime}

// Valid reports whether k is one of ContactKinds.
func (k ContactKind) Valid() bool { return k == IncidentResponse || k == Policy || k == Cybercrime }

// EntryKind is the kind of a constituency entry.
type EntryKind string

// The kinds of constituency entry.
const (
	PrefixEntry EntryKind = "prefix" // an IPv4 or IPv6 prefix, e.g. 192.0.2.0/24
	ASNEntry    EntryKind = "asn"    // an autonomous system number, e.g. AS64496
	DomainEntry EntryKind = "domain" // a domain and everything under it, e.g. example.gob.mx
)

// EntryKinds lists every kind of entry, in the order pages show them.
var EntryKinds = []EntryKind{PrefixEntry, ASNEntry, DomainEntry}

// rank orders entry kinds for listing.
func (k EntryKind) rank() int {
	switch k {
	case PrefixEntry:
		return 0
	case ASNEntry:
		return 1
	}
	return 2
}
