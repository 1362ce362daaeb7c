package access

import "slices"

// TLP is a Traffic Light Protocol 2.0 level. The strings are the ones the
// STIX marking definitions and the MISP tags use after "tlp:".
type TLP string

// The TLP 2.0 levels, from the most open to the most closed.
const (
	TLPClear       TLP = "clear"
	TLPGreen       TLP = "green"
	TLPAmber       TLP = "amber"
	TLPAmberStrict TLP = "amber+strict"
	TLPRed         TLP = "red"
)

// TLPs lists the levels from the most open to the most closed, the order
// forms show them and Stricter compares them.
var TLPs = []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed}

// ValidTLP reports whether t is one of TLPs.
func ValidTLP(t TLP) bool { return slices.Contains(TLPs, t) }

// Stricter returns the more closed of two levels; an unknown level counts
// as the most closed, so a mistake never opens anything.
func Stricter(a, b TLP) TLP {
	ia, ib := slices.Index(TLPs, a), slices.Index(TLPs, b)
	if ia < 0 {
		ia = len(TLPs)
	}
	if ib < 0 {
		ib = len(TLPs)
	}
	if ia >= ib {
		if ia == len(TLPs) {
			return TLPRed
		}
		return a
	}
	return b
}

// Intel is what the decision needs to know about a shared object: who
// created it, its marking, and its distribution as the creator chose it.
// Distribution is the union of the three: every member organisation when
// Members is set, the member organisations of Groups, the organisations
// named in Orgs.
type Intel struct {
	OrgID   string // the creator organisation
	TLP     TLP
	Members bool     // all member organisations of the network
	Groups  []string // sharing group ids
	Orgs    []string // named recipient organisation ids
}

// SharingAllowed reports whether a creator may choose this combination.
// TLP:RED is for named recipients only, so it cannot go to all members, and
// an object must go somewhere (its own organisation always sees it).
func SharingAllowed(o Intel) bool {
	if !ValidTLP(o.TLP) {
		return false
	}
	return !(o.TLP == TLPRed && o.Members)
}

// CanSeeIntel reports whether actor a may see object o. groups are the
// sharing groups the actor's organisation belongs to (the caller reads them
// from the store; membership is data, the rule is here).
//
// The creator organisation always sees its objects. Others see an object
// only when the distribution reaches their organisation: all members, a
// shared sharing group, or their organisation named. TLP:RED never travels
// to all members even if the data says so. Experts and observers (people
// outside the member teams and governments) see only TLP:CLEAR and GREEN.
// The secretariat has no override: it sees what is shared with it.
func CanSeeIntel(a Actor, groups []string, o Intel) bool {
	if !Can(a, ViewIntel, Target{}) || a.OrgID == "" || !ValidTLP(o.TLP) {
		return false
	}
	if o.OrgID == a.OrgID {
		return true
	}
	if !a.any(SecretariatAdmin, SecretariatOfficer, TeamAdmin, Analyst, GovernmentContact) &&
		o.TLP != TLPClear && o.TLP != TLPGreen {
		return false
	}
	if slices.Contains(o.Orgs, a.OrgID) {
		return true
	}
	for _, g := range o.Groups {
		if slices.Contains(groups, g) {
			return true
		}
	}
	return o.Members && o.TLP != TLPRed
}
