package audit_test

import (
	"context"
	"database/sql"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

func record(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, audit.Who{UserID: "u1", Name: "ana@example.org", OrgID: "o1"}, audit.Change{
				Action: "constituency.add", ObjectType: "organization", ObjectID: "o1", OrgID: "o1",
				Before: nil, After: map[string]any{"prefix": "192.0.2.0/24", "i": i},
			})
		})
		if err != nil {
			t.Fatalf("record: %v", err)
		}
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string // SQL run after 5 entries; "" leaves the log intact
		wantSeq int64  // entry Verify must blame; 0 means the log verifies
	}{
		{"intact", "", 0},
		{"edited after_json", `UPDATE audit_log SET after_json = '{"prefix":"0.0.0.0/0"}' WHERE seq = 3`, 3},
		{"edited actor", `UPDATE audit_log SET actor_name = 'someone@else' WHERE seq = 2`, 2},
		{"deleted middle row", `DELETE FROM audit_log WHERE seq = 3`, 3},
		{"deleted last row", `DELETE FROM audit_log WHERE seq = 5`, 5},
		{"deleted first row", `DELETE FROM audit_log WHERE seq = 1`, 1},
		{"rehashed edit still breaks the chain", `UPDATE audit_log SET hash = 'ab' WHERE seq = 4`, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, []store.Migrations{audit.Migrations()}, func(t *testing.T, db *store.DB) {
				record(t, db, 5)
				if tc.tamper != "" {
					if _, err := db.R().Exec(tc.tamper); err != nil {
						t.Fatalf("tamper: %v", err)
					}
				}
				n, err := audit.Verify(context.Background(), db)
				if tc.wantSeq == 0 {
					if err != nil || n != 5 {
						t.Fatalf("Verify = %d, %v; want 5 entries, no error", n, err)
					}
					return
				}
				ce, ok := err.(*audit.ChainError)
				if !ok {
					t.Fatalf("Verify error = %v, want *ChainError", err)
				}
				if ce.Seq != tc.wantSeq {
					t.Errorf("Verify blames entry %d (%s), want %d", ce.Seq, ce.Reason, tc.wantSeq)
				}
			})
		})
	}
}

func TestListPagesNewestFirst(t *testing.T) {
	storetest.Each(t, []store.Migrations{audit.Migrations()}, func(t *testing.T, db *store.DB) {
		record(t, db, 7)
		ctx := context.Background()
		page, next, err := audit.List(ctx, db, audit.Filter{OrgID: "o1", Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 3 || page[0].Seq != 7 || next != 5 {
			t.Fatalf("first page: %d entries from %d, next %d; want 3 from 7, next 5", len(page), page[0].Seq, next)
		}
		var seen int
		for cursor := int64(0); ; {
			page, next, err := audit.List(ctx, db, audit.Filter{OrgID: "o1", Limit: 3, Before: cursor})
			if err != nil {
				t.Fatal(err)
			}
			seen += len(page)
			if next == 0 {
				break
			}
			cursor = next
		}
		if seen != 7 {
			t.Errorf("paged through %d entries, want 7", seen)
		}
		other, _, err := audit.List(ctx, db, audit.Filter{OrgID: "o2"})
		if err != nil || len(other) != 0 {
			t.Errorf("entries of another org: %d, %v", len(other), err)
		}
	})
}

func TestVisible(t *testing.T) {
	secAdmin := access.Actor{UserID: "s", OrgID: "sec", Secretariat: true, Roles: []access.Role{access.SecretariatAdmin}}
	teamAdmin := access.Actor{UserID: "t", OrgID: "a", Roles: []access.Role{access.TeamAdmin}}
	analyst := access.Actor{UserID: "n", OrgID: "a", Roles: []access.Role{access.Analyst}}
	cases := []struct {
		name  string
		actor access.Actor
		entry audit.Entry
		want  bool
	}{
		{"secretariat admin reads another org's change", secAdmin, audit.Entry{OrgID: "b", ObjectType: "organization"}, true},
		{"secretariat admin reads global entries", secAdmin, audit.Entry{ObjectType: "contact"}, true},
		{"secretariat admin does not read another org's token entries", secAdmin, audit.Entry{OrgID: "b", ObjectType: audit.TokenObject}, false},
		{"secretariat admin reads own org's token entries", secAdmin, audit.Entry{OrgID: "sec", ObjectType: audit.TokenObject}, true},
		{"team admin reads own org", teamAdmin, audit.Entry{OrgID: "a", ObjectType: "organization"}, true},
		{"team admin reads own org's tokens", teamAdmin, audit.Entry{OrgID: "a", ObjectType: audit.TokenObject}, true},
		{"team admin does not read another org", teamAdmin, audit.Entry{OrgID: "b", ObjectType: "organization"}, false},
		{"team admin does not read global entries", teamAdmin, audit.Entry{ObjectType: "contact"}, false},
		{"analyst reads nothing", analyst, audit.Entry{OrgID: "a", ObjectType: "organization"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := audit.Visible(tc.actor, tc.entry); got != tc.want {
				t.Errorf("Visible = %v, want %v", got, tc.want)
			}
		})
	}
}
