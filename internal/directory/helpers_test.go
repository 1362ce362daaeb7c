package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/directory"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

var ctx = context.Background()

func schema() []store.Migrations {
	return []store.Migrations{audit.Migrations(), directory.Migrations()}
}

// each runs fn on both engines with a fresh directory.
func each(t *testing.T, fn func(t *testing.T, db *store.DB, d *directory.Directory)) {
	t.Helper()
	storetest.Each(t, schema(), func(t *testing.T, db *store.DB) { fn(t, db, directory.New(db)) })
}

var secAdmin = access.Actor{UserID: "u-sec-admin", Name: "admin@csp.example", OrgID: "org-sec",
	Secretariat: true, Roles: []access.Role{access.SecretariatAdmin}}

var secOfficer = access.Actor{UserID: "u-sec-officer", Name: "officer@csp.example", OrgID: "org-sec",
	Secretariat: true, Roles: []access.Role{access.SecretariatOfficer}}

func member(orgID string, role access.Role) access.Actor {
	return access.Actor{UserID: "u-" + string(role) + "-" + orgID, Name: string(role) + "@" + orgID + ".example",
		OrgID: orgID, Roles: []access.Role{role}}
}

// newTeam creates a national CSIRT of country with the given short name.
func newTeam(t *testing.T, d *directory.Directory, short, country string) directory.Organization {
	t.Helper()
	return mustCreate(t, d, directory.Organization{Kind: directory.NationalCSIRT, Name: "Team " + short,
		ShortName: short, Country: country})
}

func mustCreate(t *testing.T, d *directory.Directory, o directory.Organization) directory.Organization {
	t.Helper()
	got, err := d.CreateOrganization(ctx, secAdmin, o)
	if err != nil {
		t.Fatalf("creating %s: %v", o.Name, err)
	}
	return got
}

func mustAdd(t *testing.T, d *directory.Directory, actor access.Actor, orgID, raw string) (directory.Entry, []directory.Overlap) {
	t.Helper()
	e, ov, err := d.AddConstituency(ctx, actor, orgID, raw, "")
	if err != nil {
		t.Fatalf("adding %q to %s: %v", raw, orgID, err)
	}
	return e, ov
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.R().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// auditOK verifies the whole chain and returns the number of entries.
func auditOK(t *testing.T, db *store.DB) int64 {
	t.Helper()
	n, err := audit.Verify(ctx, db)
	if err != nil {
		t.Fatalf("audit.Verify: %v", err)
	}
	return n
}

// auditActions returns the actions of the audit log, oldest first.
func auditActions(t *testing.T, db *store.DB, objectID string) []string {
	t.Helper()
	es, _, err := audit.List(ctx, db, audit.Filter{ObjectID: objectID, Limit: 500})
	if err != nil {
		t.Fatalf("audit.List: %v", err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[len(es)-1-i] = e.Action
	}
	return out
}

func wantDenied(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, access.ErrDenied) {
		t.Fatalf("error = %v, want access.ErrDenied", err)
	}
}

// fieldsOf lists the fields a validation error names, in order.
func fieldsOf(err error) string {
	note(err)
	var fs []string
	for _, e := range valid.List(err) {
		fs = append(fs, e.Field)
	}
	return strings.Join(fs, " ")
}
