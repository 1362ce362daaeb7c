package intel

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// benchEngines runs a benchmark on SQLite (the embedded store the targets
// are for) and on PostgreSQL when one is configured.
func benchEngines(b *testing.B, fn func(b *testing.B, open func() *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, func() *store.DB { return storetest.SQLite(b, sets()) }) })
	b.Run("postgres", func(b *testing.B) { fn(b, func() *store.DB { return storetest.Postgres(b, sets()) }) })
}

// BenchmarkPutAttackMobile imports ATT&CK Mobile (2,148 objects) into an
// empty store: target under 1 s on SQLite.
func BenchmarkPutAttackMobile(b *testing.B) {
	objs := readBundle(b, "stix", "attack", "mobile-attack-17.1.json")
	benchEngines(b, func(b *testing.B, open func() *store.DB) {
		a := analyst("org-a")
		for b.Loop() {
			b.StopTimer()
			s := New(open(), Options{})
			b.StartTimer()
			rep, err := s.Put(context.Background(), a, objs, PutOptions{Sharing: Sharing{TLP: access.TLPClear, Members: true}})
			if err != nil || len(rep.Accepted) != len(objs) {
				b.Fatalf("accepted %d of %d: %v", len(rep.Accepted), len(objs), err)
			}
		}
		b.ReportMetric(float64(len(objs)), "objects/op")
	})
}

// BenchmarkListPage1000 reads a 1,000-object page (as TAXII does) as a
// member of another organisation: target well under 50 ms.
func BenchmarkListPage1000(b *testing.B) {
	objs := readBundle(b, "stix", "attack", "mobile-attack-17.1.json")
	benchEngines(b, func(b *testing.B, open func() *store.DB) {
		s := New(open(), Options{})
		if _, err := s.Put(context.Background(), analyst("org-a"), objs, PutOptions{Sharing: Sharing{TLP: access.TLPGreen, Members: true}}); err != nil {
			b.Fatal(err)
		}
		d := analyst("org-d")
		for b.Loop() {
			p, err := s.List(context.Background(), d, Filter{Limit: 1000})
			if err != nil || len(p.Objects) != 1000 || !p.More {
				b.Fatalf("page of %d: %v", len(p.Objects), err)
			}
		}
	})
}

// BenchmarkLookupMillionValues looks a value up among a million indexed
// values (100,000 objects of 10 values each): target under 1 ms.
func BenchmarkLookupMillionValues(b *testing.B) {
	benchEngines(b, func(b *testing.B, open func() *store.DB) {
		db := open()
		if err := seedValues(context.Background(), db, 100_000, 10); err != nil {
			b.Fatal(err)
		}
		s := New(db, Options{})
		d := analyst("org-d")
		want := Value{"ip", benchIP(4242, 3)}
		for b.Loop() {
			got, err := s.Lookup(context.Background(), d, want, 10)
			if err != nil || len(got) != 1 {
				b.Fatalf("found %d: %v", len(got), err)
			}
		}
	})
}

// benchIP is the j-th value of object i in seedValues.
func benchIP(i, j int) string {
	n := i*10 + j
	return fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
}

// seedValues bulk-inserts objects indicators of org-a, shared with all
// members, each carrying per values: multi-row INSERTs in large
// transactions, not Put, so a million rows take seconds.
func seedValues(ctx context.Context, db *store.DB, objects, per int) error {
	const chunk = 400 // rows per INSERT statement
	const perTx = 20_000
	for start := 0; start < objects; start += perTx {
		end := min(start+perTx, objects)
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			for lo := start; lo < end; lo += chunk {
				hi := min(lo+chunk, end)
				if err := seedChunk(ctx, tx, lo, hi, per); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// seedChunk inserts objects lo..hi-1 with their sharing and values.
func seedChunk(ctx context.Context, tx *sql.Tx, lo, hi, per int) error {
	var sh, ob, va query
	sh.w("INSERT INTO intel_sharing (stix_id, org_id, tlp, members, groups_json, orgs_json, updated_at) VALUES ")
	ob.w("INSERT INTO intel_objects (stix_id, version, type, spec_version, name, name_lc, created, modified, added_us, org_id, created_by, revoked, latest, is_first, raw) VALUES ")
	va.w("INSERT INTO intel_values (kind, value, stix_id) VALUES ")
	for i := lo; i < hi; i++ {
		id := fmt.Sprintf("indicator--%08x-0000-4000-8000-000000000000", i)
		sep := ", "
		if i == lo {
			sep = ""
		}
		sh.w(sep, "(", sh.arg(id), ", 'org-a', 'green', TRUE, '[]', '[]', 0)")
		ob.w(sep, "(", ob.arg(id), ", '2024-01-01T00:00:00.000Z', 'indicator', '2.1', ", ob.arg(fmt.Sprint("bench ", i)),
			", 'bench', 0, 0, ", ob.arg(int64(i+1)), ", 'org-a', 'bench', FALSE, TRUE, TRUE, '{}')")
		for j := range per {
			if i > lo || j > 0 {
				va.w(", ")
			}
			va.w("('ip', ", va.arg(benchIP(i, j)), ", ", va.arg(id), ")")
		}
	}
	for _, q := range []*query{&sh, &ob, &va} {
		if _, err := tx.ExecContext(ctx, q.String(), q.args...); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
	}
	return nil
}
