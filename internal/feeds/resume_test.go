package feeds

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// failingFile is a file whose reads fail after limit bytes, as when the
// process reading it dies; it keeps Stat, so the input is resumable.
type failingFile struct {
	*os.File
	limit int64
}

func (f *failingFile) Read(p []byte) (int, error) {
	if f.limit <= 0 {
		return 0, errors.New("interrupted")
	}
	if int64(len(p)) > f.limit {
		p = p[:f.limit]
	}
	n, err := f.File.Read(p)
	f.limit -= int64(n)
	return n, err
}

func TestResumeContinuesAfterTheLastDurableLine(t *testing.T) {
	each(t, Options{BatchSize: 64}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x")
		const n = 3000
		text := lines(n) + "bad;line;here\n"
		path := filepath.Join(t.TempDir(), "report.txt")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		open := func(limit int64) *failingFile {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return &failingFile{File: f, limit: limit}
		}
		opt := IngestOptions{Input: path, Trigger: TriggerCLI, Resume: true}
		first, err := fx.s.Ingest(ctx, secretariat(), "x", open(int64(len(text)/2)), opt)
		if err == nil || first.State != StateFailed || first.Accepted == 0 || first.Accepted >= n {
			t.Fatalf("interrupted ingest: %+v, %v", first, err)
		}
		if c := count(t, fx.db, `SELECT COUNT(*) FROM feed_inputs`); c != 1 {
			t.Fatalf("%d input positions kept after the interruption, want 1", c)
		}
		second, err := fx.s.Ingest(ctx, secretariat(), "x", open(1<<40), opt)
		if err != nil {
			t.Fatalf("resumed ingest: %v", err)
		}
		if second.ID != first.ID || second.State != StateOK || second.Lines != n+1 || second.Accepted != n ||
			second.Duplicates != 0 || second.Quarantined != 1 {
			t.Fatalf("resumed run %+v (first %+v)", second, first)
		}
		if c := count(t, fx.db, `SELECT COUNT(*) FROM feed_events WHERE repeats = 1`); c != n {
			t.Errorf("%d events seen once, want %d", c, n)
		}
		if c := count(t, fx.db, `SELECT COUNT(*) FROM feed_events`); c != n {
			t.Errorf("%d events, want %d", c, n)
		}
		if c := count(t, fx.db, `SELECT COUNT(*) FROM feed_quarantine`); c != 1 {
			t.Errorf("%d quarantined, want 1", c)
		}
		if c := count(t, fx.db, `SELECT COUNT(*) FROM feed_inputs`); c != 0 {
			t.Errorf("%d input positions kept after the input was done", c)
		}
		if c := count(t, fx.db, `SELECT COUNT(*) FROM feed_runs`); c != 1 {
			t.Errorf("%d runs, want the one resumed", c)
		}
		// Loaded again on purpose, the file's events are repeats.
		third, err := fx.s.Ingest(ctx, secretariat(), "x", open(1<<40), opt)
		if err != nil || third.ID == first.ID || third.Accepted != 0 || third.Duplicates != n {
			t.Fatalf("third ingest %+v %v", third, err)
		}
	})
}
