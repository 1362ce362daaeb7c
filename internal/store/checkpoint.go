package store

import (
	"context"
	"database/sql"
	"time"
)

// SQLite writes every commit to the write-ahead log; a checkpoint copies
// the log back into the database file and syncs it. Left to the writer
// (wal_autocheckpoint), that copy and sync happen inside a commit every
// so many pages, and the one writer stands still meanwhile: measured with
// `atalaya bench ingest`, the feeds writer spent a fifth of its time there
// and ingest ran at 47,000 events/s; with the checkpoints beside it, over
// 70,000 (docs/benchmarks.md).
//
// So the writer never checkpoints, and the checkpointer does, on a reader
// connection, in PASSIVE mode: it copies what is committed without
// stopping the writer or readers. A PASSIVE checkpoint cannot let the log
// start over while commits keep coming, so once the log passes walRestart
// the checkpointer asks for a RESTART, which waits for the commit in
// progress, finishes the copy and has the next commit write the log from
// its start: one short pause every few hundred megabytes instead of every
// 64. The log file is cut back to walKeep bytes when it starts over.
const (
	checkpointEvery = 250 * time.Millisecond
	walRestart      = 1 << 17 // frames (pages) in the log: 512 MiB at 4 KiB
	walKeep         = 64 << 20
)

// startCheckpointer runs the checkpoints over conns until Close.
func (db *DB) startCheckpointer(conns *sql.DB) {
	ctx, cancel := context.WithCancel(context.Background())
	db.stopCheckpoints, db.checkpoints = cancel, make(chan struct{})
	go func() {
		defer close(db.checkpoints)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// Errors (a busy database, a closing pool) are left for the
			// next tick: a checkpoint is never needed for correctness.
			_, _ = checkpoint(ctx, conns, walRestart)
		}
	}()
}

// checkpoint runs one PASSIVE checkpoint, then a RESTART when the log has
// grown past restartAt frames. It returns the log's size in frames as the
// first checkpoint found it.
func checkpoint(ctx context.Context, conns *sql.DB, restartAt int) (int, error) {
	var busy, frames, copied int
	if err := conns.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return 0, err
	}
	if frames > restartAt {
		if err := conns.QueryRowContext(ctx, `PRAGMA wal_checkpoint(RESTART)`).Scan(&busy, new(int), &copied); err != nil {
			return frames, err
		}
	}
	return frames, nil
}
