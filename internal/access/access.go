// Package access is the one place that decides who may see or do what in
// Atalaya. Its functions are pure: they take the actor, the action and what
// the action touches, and answer. Every path that returns or changes data
// (pages, API, exports, streams, alerts, e-mail) asks here.
//
// The secretariat facilitates; it is not above the teams. It maintains the
// directory (organisations, points of contact) and onboards accounts, but it
// does not see another organisation's API tokens.
package access

import "errors"

// Role is what a person does in the program. A person may hold several.
type Role string

// The roles of the program and the network.
const (
	SecretariatAdmin   Role = "secretariat_admin"
	SecretariatOfficer Role = "secretariat_officer"
	TeamAdmin          Role = "team_admin"
	Analyst            Role = "analyst"
	GovernmentContact  Role = "government_contact"
	Expert             Role = "expert"
	Observer           Role = "observer"
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{SecretariatAdmin, SecretariatOfficer, TeamAdmin, Analyst, GovernmentContact, Expert, Observer}

// ValidRole reports whether r is one of Roles.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Scope limits what an API token may do. A session (no token) has every
// scope its roles allow.
type Scope string

// The token scopes.
const (
	ScopeRead  Scope = "read"  // read what the owner may read
	ScopeWrite Scope = "write" // also change what the owner may change
	ScopeAdmin Scope = "admin" // also manage users, tokens and read the audit log
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeRead, ScopeWrite, ScopeAdmin}

// Actor is who asks: a signed-in person, or a person through an API token.
type Actor struct {
	UserID string
	Name   string // e-mail, for the audit log
	OrgID  string
	// Country is the member state (alpha-2) of the organisation, "" for
	// one of no member state (the secretariat, partners, donors).
	Country string
	Addr    string // remote address of the request, for the audit log
	// Secretariat is true when OrgID is the secretariat's organisation: the
	// secretariat roles count only there.
	Secretariat bool
	Roles       []Role
	// Scopes is nil for a browser session, else the token's scopes.
	Scopes []Scope
}

// ErrDenied is returned by domain functions when access says no. The HTTP
// layers turn it into 403 (or 404 where existence itself is secret).
var ErrDenied = errors.New("permission denied")

// Anonymous is the actor of a request with no session and no token.
var Anonymous = Actor{}

// Has reports whether the actor holds role r. Secretariat roles held outside
// the secretariat organisation count for nothing.
func (a Actor) Has(r Role) bool {
	if (r == SecretariatAdmin || r == SecretariatOfficer) && !a.Secretariat {
		return false
	}
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// SignedIn reports whether the actor is a known person.
func (a Actor) SignedIn() bool { return a.UserID != "" }

func (a Actor) scoped(s Scope) bool {
	if a.Scopes == nil {
		return true
	}
	for _, x := range a.Scopes {
		if x == s || (x == ScopeAdmin) || (x == ScopeWrite && s == ScopeRead) {
			return true
		}
	}
	return false
}

func (a Actor) any(roles ...Role) bool {
	for _, r := range roles {
		if a.Has(r) {
			return true
		}
	}
	return false
}
