package feeds

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct{ ms atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}

func (c *clock) set(t time.Time)     { c.ms.Store(t.UnixMilli()) }
func (c *clock) now() time.Time      { return time.UnixMilli(c.ms.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ms.Add(d.Milliseconds()) }

func TestRetentionDeletesWhatWasNotSeenAgain(t *testing.T) {
	t0 := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	clk := newClock(t0)
	each(t, Options{Now: clk.now}, func(t *testing.T, fx fixture) {
		clk.set(t0)
		mustFeed(t, fx.s, "daily", func(f *Feed) { f.Retention = 24 * time.Hour })
		mustFeed(t, fx.s, "default") // 90 days
		in := lines(10) + "bad;line\n"
		mustIngest(t, fx.s, "daily", in)
		mustIngest(t, fx.s, "default", in)
		clk.add(20 * time.Hour)
		mustIngest(t, fx.s, "daily", "192.0.2.1;malicious-code;infected-system;;n0\n") // line 1 again
		clk.add(5 * time.Hour)
		deleted, err := fx.s.expire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if deleted != 9 {
			t.Errorf("%d events deleted, want the 9 of daily not seen again", deleted)
		}
		perFeed := func(name string) int64 {
			return count(t, fx.db, `SELECT COUNT(*) FROM feed_events e JOIN feeds f ON f.id = e.feed_id WHERE f.name = $1`, name)
		}
		if n := perFeed("daily"); n != 1 {
			t.Errorf("daily keeps %d events, want 1", n)
		}
		if n := perFeed("default"); n != 10 {
			t.Errorf("default keeps %d events, want 10", n)
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feed_deliveries d LEFT JOIN feed_events e ON e.id = d.event_id
			WHERE e.id IS NULL`); n != 0 {
			t.Errorf("%d deliveries outlived their events", n)
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feed_deliveries`); n != 11 {
			t.Errorf("%d deliveries, want 11 (1 + 10)", n)
		}
		st, err := fx.s.Feeds(ctx, secretariat())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range st {
			want := map[string][2]int64{"daily": {1, 0}, "default": {10, 1}}[f.Name]
			if f.Events != want[0] || f.Quarantined != want[1] {
				t.Errorf("%s: %d events, %d quarantined; want %v", f.Name, f.Events, f.Quarantined, want)
			}
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feed_quarantine`); n != 1 {
			t.Errorf("%d quarantined lines, want the one of default", n)
		}
		runs, err := fx.s.Runs(ctx, secretariat(), "daily", 0)
		if err != nil || len(runs) != 1 || runs[0].Lines != 1 {
			t.Errorf("daily's runs after retention: %+v %v (want the last only)", runs, err)
		}
		again, err := fx.s.expire(ctx)
		if err != nil || again != 0 {
			t.Errorf("second pass deleted %d, %v", again, err)
		}
	})
}

func TestRetentionClosesStaleRuns(t *testing.T) {
	clk := newClock(time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC))
	each(t, Options{Now: clk.now}, func(t *testing.T, fx fixture) {
		f := mustFeed(t, fx.s, "x")
		run := &runState{}
		run.FeedID, run.FeedName, run.Trigger = f.ID, f.Name, TriggerPush
		if err := fx.s.createRun(ctx, run, StateRunning); err != nil {
			t.Fatal(err)
		}
		clk.add(10 * time.Minute)
		if _, err := fx.s.expire(ctx); err != nil {
			t.Fatal(err)
		}
		if r, _ := fx.s.run(ctx, fx.db.R(), run.ID); r.State != StateRunning {
			t.Errorf("a run 10 minutes quiet was closed: %+v", r)
		}
		clk.add(10 * time.Minute)
		if _, err := fx.s.expire(ctx); err != nil {
			t.Fatal(err)
		}
		if r, _ := fx.s.run(ctx, fx.db.R(), run.ID); r.State != StateFailed || !strings.Contains(r.Err, "interrupted") {
			t.Errorf("a run 20 minutes quiet: %+v", r)
		}
	})
}

// lineSource generates n event lines without ever holding them all.
type lineSource struct {
	n, i int
	buf  []byte
}

func (g *lineSource) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i < g.n {
		g.buf = fmt.Appendf(g.buf, "192.0.2.%d;malicious-code;infected-system;;g%d\n", 1+g.i%250, g.i)
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

func TestBackpressureBoundsWhatWaits(t *testing.T) {
	const batch, queue = 16, 32
	var mu sync.Mutex
	var delivered int
	slow := func(ds []StoredEvent) {
		mu.Lock()
		delivered += len(ds)
		mu.Unlock()
		time.Sleep(time.Millisecond) // a slow consumer of deliveries
	}
	each(t, Options{BatchSize: batch, QueueSize: queue, OnCommit: slow}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x")
		const n = 4000
		r, err := fx.s.Ingest(ctx, secretariat(), "x", &lineSource{n: n}, IngestOptions{})
		if err != nil || r.Accepted != n {
			t.Fatalf("run %+v %v", r, err)
		}
		// What waits for the writer is the queue and the batch in hand,
		// whatever the size of the input.
		peak := fx.s.PeakQueued()
		if peak > queue+batch+1 {
			t.Errorf("%d rows waited for the writer at once, want at most %d", peak, queue+batch+1)
		}
		if peak < queue {
			t.Errorf("the queue never filled (peak %d): the test did not slow the writer", peak)
		}
	})
}
