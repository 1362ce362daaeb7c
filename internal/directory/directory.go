// Package directory holds who is who in the program: the member states
// (reference data compiled in), the organisations (the secretariat, the
// member CSIRTs, ministries, partners, donors) with each team's profile, the
// people in them, the member states' points of contact, and each team's
// constituency (the prefixes, AS numbers and domains it answers for, which
// routing uses to deliver events).
//
// Any signed-in actor may read the directory; every change asks package
// access and is written to the audit log in the same transaction. Bad input
// returns valid errors naming the field and changes nothing.
package directory

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"time"

	// Time zones are validated with time.LoadLocation; the embedded
	// database makes that work on hosts without /usr/share/zoneinfo
	// (containers, Windows) and gives the same answer everywhere.
	_ "time/tzdata"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the directory domain's schema.
func Migrations() store.Migrations {
	sub, _ := fs.Sub(migrations, "migrations")
	return store.Migrations{Name: "directory", FS: sub}
}

// Directory is the directory service over a store.
type Directory struct {
	db *store.DB
	// now is the clock, for creation times and "today" in dates.
	now func() time.Time
}

// New returns the directory service over db, which must have been migrated
// with Migrations (and audit.Migrations, since every change is audited).
func New(db *store.DB) *Directory {
	return &Directory{db: db, now: time.Now}
}

// allow returns access.ErrDenied unless actor may do act on t.
func allow(actor access.Actor, act access.Action, t access.Target) error {
	if !access.Can(actor, act, t) {
		return access.ErrDenied
	}
	return nil
}

// record writes one audit entry for a change made by actor inside tx.
func record(ctx context.Context, tx *sql.Tx, actor access.Actor, action, objType, objID, orgID string, before, after any) error {
	return audit.Record(ctx, tx, audit.By(actor), audit.Change{
		Action: action, ObjectType: objType, ObjectID: objID, OrgID: orgID, Before: before, After: after,
	})
}

// today is the current date in UTC as YYYY-MM-DD. Every member state is at
// or behind UTC, so no local "today" is ever after it.
func (d *Directory) today() string { return d.now().UTC().Format(dateLayout) }

// stamp returns the current time as stored, strictly after prev, so an
// update made within the same millisecond as the last one still changes
// updated_at (the optimistic lock of UpdateOrganization relies on it).
func (d *Directory) stamp(prev int64) int64 {
	ms := store.Millis(d.now())
	if ms <= prev {
		ms = prev + 1
	}
	return ms
}
