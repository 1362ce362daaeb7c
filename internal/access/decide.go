package access

// Action is something an actor may try.
type Action string

// The actions of the foundation. Later domains add theirs here, with rows in
// the table test.
const (
	ViewDirectory    Action = "directory.view"    // member states, teams, profiles, contacts
	EditOrganization Action = "organization.edit" // create or change an organisation or team profile
	EditConstituency Action = "constituency.edit" // add or remove a team's prefixes, ASNs, domains
	EditContacts     Action = "contacts.edit"     // nominate or end a member state's points of contact
	ViewUsers        Action = "users.view"        // list the accounts of an organisation
	ManageUsers      Action = "users.manage"      // create, disable, set roles or passwords of accounts
	ViewTokens       Action = "tokens.view"       // see API tokens (never their secret)
	CreateToken      Action = "tokens.create"     // create an API token for oneself
	RevokeToken      Action = "tokens.revoke"     // revoke an API token
	ViewAudit        Action = "audit.view"        // read the audit log
	ManageOwnAccount Action = "account.manage"    // own password, language, second factor

	// Information sharing (issue 3). Whether a given object may be seen is
	// decided by CanSeeIntel; these gate what may be done.
	ViewIntel           Action = "intel.view"           // open the intel pages, TAXII, exports at all
	CreateIntel         Action = "intel.create"         // share a new object (form, import, TAXII POST) as the own org
	EditIntel           Action = "intel.edit"           // new version, revoke, change TLP or distribution of an own object
	DeleteIntel         Action = "intel.delete"         // remove an own object for good (TAXII DELETE)
	ReportSighting      Action = "intel.sight"          // report an indicator seen, as the own org
	ManageSharingGroups Action = "sharinggroups.manage" // create a sharing group, change its members
	ManageCollections   Action = "collections.manage"   // define TAXII collections beyond the defaults
	ViewStatus          Action = "intel.status"         // read the TAXII status of a POST (Target.OwnerID: who posted)

	// Early warning (issue 4). Events are delivered to organisations; an
	// organisation's events, alerts and alert settings are its own.
	ViewEvents   Action = "events.view"   // the inbox, live alerts and stream of Target.OrgID
	ManageAlerts Action = "alerts.manage" // rules, webhooks and digests of Target.OrgID
	ViewFeeds    Action = "feeds.view"    // the feeds' names, schedule and status (no raw lines)
	ManageFeeds  Action = "feeds.manage"  // set up feeds, run them, upload, read quarantine (raw lines)
	PushEvents   Action = "feeds.push"    // push events to a feed whose pusher is Target.OrgID

	// Technical assistance (issue 5). A request belongs to a member state
	// (Target.Country): its government contacts file and follow it; the
	// secretariat runs the workflow for every member.
	ViewAssistance   Action = "assistance.view"   // a request of Target.Country, its details and timeline
	FileAssistance   Action = "assistance.file"   // draft, submit, attach, withdraw, ask an adjustment for Target.Country
	ManageAssistance Action = "assistance.manage" // move requests, consideration, funding, design, implementation, missions, evaluation
	ViewBoard        Action = "assistance.board"  // the board of all requests, overdue steps, the CSV and the annual report
	ViewExperts      Action = "experts.view"      // the roster (availability and conflicts of interest)
	ManageExperts    Action = "experts.manage"    // add and change roster entries
)

// Actions lists every action, for the table test and the docs.
var Actions = []Action{ViewDirectory, EditOrganization, EditConstituency, EditContacts, ViewUsers,
	ManageUsers, ViewTokens, CreateToken, RevokeToken, ViewAudit, ManageOwnAccount,
	ViewIntel, CreateIntel, EditIntel, DeleteIntel, ReportSighting, ManageSharingGroups, ManageCollections, ViewStatus,
	ViewEvents, ManageAlerts, ViewFeeds, ManageFeeds, PushEvents,
	ViewAssistance, FileAssistance, ManageAssistance, ViewBoard, ViewExperts, ManageExperts}

// scopeOf says which token scope an action needs.
var scopeOf = map[Action]Scope{
	ViewDirectory: ScopeRead, EditOrganization: ScopeWrite, EditConstituency: ScopeWrite,
	EditContacts: ScopeWrite, ViewUsers: ScopeAdmin, ManageUsers: ScopeAdmin, ViewTokens: ScopeAdmin,
	CreateToken: ScopeAdmin, RevokeToken: ScopeAdmin, ViewAudit: ScopeAdmin, ManageOwnAccount: ScopeAdmin,
	ViewIntel: ScopeRead, CreateIntel: ScopeWrite, EditIntel: ScopeWrite, DeleteIntel: ScopeWrite,
	ReportSighting: ScopeWrite, ManageSharingGroups: ScopeWrite, ManageCollections: ScopeAdmin,
	ViewStatus: ScopeRead, ViewEvents: ScopeRead, ManageAlerts: ScopeWrite, ViewFeeds: ScopeRead,
	ManageFeeds: ScopeAdmin, PushEvents: ScopeWrite,
	ViewAssistance: ScopeRead, FileAssistance: ScopeWrite, ManageAssistance: ScopeWrite, ViewBoard: ScopeRead,
	ViewExperts: ScopeRead, ManageExperts: ScopeWrite,
}

// Target is what an action touches: the organisation that owns it and, for
// personal things (tokens, an account), the person who owns it. The zero
// Target means "the whole directory" (listing, creating a new organisation).
type Target struct {
	OrgID   string
	OwnerID string
	// Country is the member state (ISO 3166-1 alpha-2) a thing belongs
	// to, for what is a country's rather than an organisation's (its
	// technical-assistance requests).
	Country string
}

// Can reports whether actor a may do act on t. Unknown actions are denied.
func Can(a Actor, act Action, t Target) bool {
	need, known := scopeOf[act]
	if !known || !a.SignedIn() || !a.scoped(need) {
		return false
	}
	own := t.OrgID != "" && t.OrgID == a.OrgID
	self := t.OwnerID != "" && t.OwnerID == a.UserID
	ownCountry := t.Country != "" && t.Country == a.Country
	switch act {
	case ViewDirectory:
		return true
	case EditOrganization, EditContacts:
		// The secretariat keeps the directory; a team admin keeps the
		// profile of the team's own organisation (not its contacts).
		return a.any(SecretariatAdmin, SecretariatOfficer) || (act == EditOrganization && own && a.Has(TeamAdmin))
	case EditConstituency:
		return a.Has(SecretariatAdmin) || (own && a.any(TeamAdmin, Analyst))
	case ViewUsers:
		return a.Has(SecretariatAdmin) || (own && a.any(TeamAdmin, SecretariatOfficer))
	case ManageUsers:
		// The secretariat admin onboards every organisation's first accounts.
		return a.Has(SecretariatAdmin) || (own && a.Has(TeamAdmin))
	case ViewTokens, RevokeToken:
		// Tokens never leave their organisation: the owner, or an admin of
		// the same organisation (to revoke a leaked one).
		return self || (own && a.any(TeamAdmin, SecretariatAdmin))
	case CreateToken:
		return self
	case ViewAudit:
		// The whole log for the secretariat admin; a team admin reads the
		// entries about the own organisation.
		return (t.OrgID == "" && a.Has(SecretariatAdmin)) || (t.OrgID != "" && (a.Has(SecretariatAdmin) || (own && a.Has(TeamAdmin))))
	case ManageOwnAccount:
		return self
	case ViewIntel:
		return len(a.Roles) > 0
	case CreateIntel, EditIntel:
		// Teams and the secretariat (advisories) share as their own
		// organisation; nobody writes in another's name.
		return own && a.any(TeamAdmin, Analyst, SecretariatAdmin, SecretariatOfficer)
	case DeleteIntel:
		return own && a.any(TeamAdmin, SecretariatAdmin)
	case ReportSighting:
		return own && a.any(TeamAdmin, Analyst)
	case ManageSharingGroups:
		// A sharing group is kept by its owner organisation's admins.
		return own && a.any(TeamAdmin, SecretariatAdmin)
	case ManageCollections:
		return a.Has(SecretariatAdmin)
	case ViewStatus:
		// A status is a receipt of one person's POST: theirs to read, and
		// their organisation's admins' (who answer for what it shares).
		// Reading it needs no more than the read scope.
		return self || (own && a.any(TeamAdmin, SecretariatAdmin))
	case ViewEvents:
		// Events name hosts of one organisation's network: its
		// responders, and nobody else (the secretariat has no override).
		return own && a.any(TeamAdmin, Analyst, SecretariatAdmin, SecretariatOfficer)
	case ManageAlerts:
		return own && a.any(TeamAdmin, Analyst, SecretariatAdmin)
	case ViewFeeds:
		return a.any(SecretariatAdmin, SecretariatOfficer, TeamAdmin, Analyst)
	case ManageFeeds:
		// Feeds are collected once for the region by the secretariat.
		// Quarantined raw lines may name any team's hosts: same gate.
		return a.any(SecretariatAdmin, SecretariatOfficer)
	case PushEvents:
		return a.any(SecretariatAdmin, SecretariatOfficer) || (own && a.any(TeamAdmin, Analyst))
	case ViewAssistance, FileAssistance:
		// A member state's requests are its government contacts' (the
		// official channel), and the secretariat's, who may file on a
		// member's behalf. Other members do not see them.
		return a.any(SecretariatAdmin, SecretariatOfficer) || (ownCountry && a.Has(GovernmentContact))
	case ManageAssistance, ViewBoard, ViewExperts, ManageExperts:
		// The secretariat runs the program. The roster holds people's
		// availability and conflicts of interest: not for the members.
		return a.any(SecretariatAdmin, SecretariatOfficer)
	}
	return false
}

// CanSeeEvents reports whether a may read the events delivered to orgID
// (inbox, exports, live alerts, the stream, webhooks and digests are set up
// under the same rule). It is Can(a, ViewEvents, Target{OrgID: orgID}),
// named so every path that returns events asks it by name.
func CanSeeEvents(a Actor, orgID string) bool {
	return orgID != "" && Can(a, ViewEvents, Target{OrgID: orgID})
}
