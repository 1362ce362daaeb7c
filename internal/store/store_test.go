package store

import (
	"context"
	"database/sql"
	"testing"
)

// TestSQLiteWriterSettings: the write connection carries the settings
// batched writers rely on (the readers keep SQLite's defaults), and they
// hold on every transaction.
func TestSQLiteWriterSettings(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 2 {
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			var cache, checkpoint int
			if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&checkpoint); err != nil {
				return err
			}
			if cache != -16384 || checkpoint != 0 {
				t.Errorf("writer: cache_size %d, wal_autocheckpoint %d; want -16384 and 0 (the checkpointer does it)", cache, checkpoint)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var cache int
	if err := db.R().QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		t.Fatal(err)
	}
	if cache == -16384 {
		t.Errorf("a reader got the writer's 16 MB cache")
	}
}
