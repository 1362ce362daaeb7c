// Package intel is the store of what members deliberately share: STIX 2.1
// objects, every version of each, with the creator organisation, a TLP 2.0
// marking and a distribution (all members, sharing groups, named
// organisations). It also keeps the correlation index of observable values,
// sightings and the notifications they raise, sharing groups, custom TAXII
// collections and TAXII statuses.
//
// Whether an actor may see an object is decided by access.CanSeeIntel alone.
// Reads prefilter in SQL with the same semantics, for speed, and confirm
// every row with access.CanSeeIntel before returning it. An object the actor
// may not see does not exist for them: ErrNotFound, never ErrDenied.
package intel

import (
	"embed"
	"encoding/json"
	"io/fs"
	"sync/atomic"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the intel domain's schema.
func Migrations() store.Migrations {
	sub, _ := fs.Sub(migrations, "migrations")
	return store.Migrations{Name: "intel", FS: sub}
}

// ErrNotFound is returned when an object, group, collection or status does
// not exist or the actor may not see it.
var ErrNotFound = store.ErrNotFound

// WarningMatcher tells which warning lists a value is on (MISP warning
// lists implement it). Values on a list are shown with a note and not
// correlated.
type WarningMatcher interface {
	Match(value string) []string
}

// Options tune a Store.
type Options struct {
	Now      func() time.Time // nil -> time.Now
	Warnings WarningMatcher   // nil -> built-in special-purpose ranges only
	// CorrelationLimit: a value carried by more objects than this is
	// "common": counted, not listed (0 -> 100).
	CorrelationLimit int
}

// Store is the intel store over a database migrated with Migrations (and
// audit.Migrations, since every change is audited).
type Store struct {
	db    *store.DB
	now   func() time.Time
	warn  WarningMatcher
	limit int
	// drops counts rows the SQL prefilter let through and access refused:
	// always 0 unless the prefilter has a bug (tests assert it).
	drops atomic.Int64
}

// New returns the intel store over db.
func New(db *store.DB, opts Options) *Store {
	s := &Store{db: db, now: opts.Now, warn: opts.Warnings, limit: opts.CorrelationLimit}
	if s.now == nil {
		s.now = time.Now
	}
	if s.limit <= 0 {
		s.limit = 100
	}
	return s
}

// Sharing is the marking and distribution the creator chose (see
// access.Intel). It applies to every version of an object.
type Sharing struct {
	TLP     access.TLP
	Members bool
	Groups  []string // sharing group ids
	Orgs    []string // organisation ids
}

// Object is one stored version of a STIX object with Atalaya's metadata.
type Object struct {
	ID, Type, Version string // STIX id; type; version = modified text (or created, or "" for SCOs)
	SpecVersion       string
	Name              string // what a list shows (stix.Envelope.Name)
	Created, Modified time.Time
	Added             time.Time // date added, unique per stored version, microsecond precision (TAXII date_added)
	OrgID             string    // creator organisation in Atalaya
	CreatedBy         string    // user id who stored it
	Revoked           bool
	Latest            bool // the newest version of its id
	Sharing           Sharing
	Raw               json.RawMessage // the object exactly as received/created
}

// intelOf is what access needs to decide on an object.
func intelOf(orgID string, sh Sharing) access.Intel {
	return access.Intel{OrgID: orgID, TLP: sh.TLP, Members: sh.Members, Groups: sh.Groups, Orgs: sh.Orgs}
}
