package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"
)

// TestCheckpointer: the writer leaves the log alone; the checkpointer
// copies it back in the background, and once the log passes the restart
// size it has the next commit write the log from its start.
func TestCheckpointer(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Stop the background one: this test runs checkpoints itself.
	db.stopCheckpoints()
	<-db.checkpoints
	db.stopCheckpoints = nil

	write := func(rows int) {
		t.Helper()
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS filler (v TEXT NOT NULL)`); err != nil {
				return err
			}
			for range rows {
				if _, err := tx.ExecContext(ctx, `INSERT INTO filler (v) VALUES ($1)`, strings.Repeat("x", 3000)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write(400) // about 400 pages of 4 KiB
	// A reader keeps its snapshot: the log cannot start over under it,
	// so the commits after it append to it (as commits racing a PASSIVE
	// checkpoint do under a steady ingest).
	reader, err := db.R().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRowContext(ctx, `SELECT count(*) FROM filler`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	frames, err := checkpoint(ctx, db.R(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if frames < 300 {
		t.Fatalf("the log holds %d frames after 400 rows of 3 KB: did the writer checkpoint by itself?", frames)
	}
	write(10)
	grown, err := checkpoint(ctx, db.R(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if grown <= frames {
		t.Fatalf("log of %d frames after more rows under a reader, was %d: want it to have grown", grown, frames)
	}
	if err := reader.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := checkpoint(ctx, db.R(), 100); err != nil { // past 100 frames: RESTART
		t.Fatal(err)
	}
	// Restarted: the next commit writes the log from its start.
	write(10)
	after, err := checkpoint(ctx, db.R(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if after >= 100 {
		t.Errorf("log of %d frames after the restart and 10 rows; want it to have started over", after)
	}
	if err := db.R().QueryRowContext(ctx, `SELECT count(*) FROM filler`).Scan(&n); err != nil || n != 420 {
		t.Errorf("rows after the checkpoints: %d, %v; want 420", n, err)
	}
}

// TestCheckpointerRuns: left alone, the background checkpointer copies a
// commit's log back within a few ticks.
func TestCheckpointerRuns(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE t (v TEXT NOT NULL); INSERT INTO t (v) VALUES ('a')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * checkpointEvery)
	for {
		// A checkpoint that finds nothing left to copy reports the log
		// as fully copied: frames == copied.
		var busy, frames, copied int
		if err := db.R().QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
			t.Fatal(err)
		}
		if frames > 0 && copied == frames {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("log not copied back: %d of %d frames", copied, frames)
		}
		time.Sleep(checkpointEvery / 2)
	}
}
