package feeds

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// fakeFetcher answers pulls with what its fetch function says, recording
// the state each pull was given.
type fakeFetcher struct {
	mu     sync.Mutex
	states []string
	fetch  func(call int, state []byte) (Fetched, error)
}

func (f *fakeFetcher) Fetch(ctx context.Context, feed Feed, state []byte) (Fetched, error) {
	f.mu.Lock()
	call := len(f.states)
	f.states = append(f.states, string(state))
	fn := f.fetch
	f.mu.Unlock()
	return fn(call, state)
}

func (f *fakeFetcher) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.states...)
}

// fileInput is an input reading a file, its reads failing after limit
// bytes when limit > 0; done counts Done calls.
func fileInput(path string, limit int64, done *int) Input {
	return Input{
		Name: filepath.Base(path),
		Open: func() (io.ReadCloser, error) {
			f, err := os.Open(path)
			if err != nil || limit <= 0 {
				return f, err
			}
			return &failingFile{File: f, limit: limit}, nil
		},
		Done: func() error { *done++; return nil },
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPullResumesAnInterruptedPull(t *testing.T) {
	ff := &fakeFetcher{}
	each(t, Options{Fetcher: ff, BatchSize: 32}, func(t *testing.T, fx fixture) {
		ff.mu.Lock()
		ff.states = nil
		ff.mu.Unlock()
		mustFeed(t, fx.s, "x", func(f *Feed) { f.Source, f.URL = SourceHTTP, "https://feeds.example/x" })
		a := writeFile(t, "a.txt", lines(500))
		bText := ""
		for i := 500; i < 1500; i++ {
			bText += lineAt(i)
		}
		b := writeFile(t, "b.txt", bText)
		done := 0
		ff.fetch = func(call int, state []byte) (Fetched, error) {
			switch call {
			case 0: // b breaks off half-way
				return Fetched{Inputs: []Input{fileInput(a, 0, &done), fileInput(b, int64(len(bText)/2), &done)}, State: []byte("v2")}, nil
			case 1:
				return Fetched{Inputs: []Input{fileInput(a, 0, &done), fileInput(b, 0, &done)}, State: []byte("v2")}, nil
			}
			return Fetched{NotModified: true}, nil
		}
		first, err := fx.s.RunFeed(ctx, secretariat(), "x")
		if err == nil || first.State != StateFailed || done != 0 {
			t.Fatalf("interrupted pull: %+v, %v, done %d", first, err, done)
		}
		second, err := fx.s.RunFeed(ctx, secretariat(), "x")
		if err != nil || second.State != StateOK || second.Trigger != TriggerManual || done != 2 {
			t.Fatalf("repeated pull: %+v, %v, done %d", second, err, done)
		}
		if first.Accepted+second.Accepted != 1500 || second.Duplicates != 0 {
			t.Errorf("accepted %d + %d, duplicates %d: want 1500 in all, no duplicates", first.Accepted, second.Accepted, second.Duplicates)
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feed_events WHERE repeats = 1`); n != 1500 {
			t.Errorf("%d events seen once, want 1500", n)
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feed_inputs`); n != 0 {
			t.Errorf("%d input rows left after the pull completed", n)
		}
		third, err := fx.s.RunFeed(ctx, secretariat(), "x")
		if err != nil || third.State != StateNotModified {
			t.Fatalf("third pull: %+v %v", third, err)
		}
		if got := ff.calls(); len(got) != 3 || got[0] != "" || got[1] != "" || got[2] != "v2" {
			t.Errorf("states given to the fetcher: %q (the state is saved only after a complete pull)", got)
		}
	})
}

func TestRunFeedRefusals(t *testing.T) {
	ff := &fakeFetcher{fetch: func(int, []byte) (Fetched, error) { return Fetched{}, errors.New("connection refused") }}
	each(t, Options{Fetcher: ff}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "up")
		mustFeed(t, fx.s, "pulled", func(f *Feed) { f.Source, f.URL = SourceHTTP, "https://feeds.example/x" })
		if _, err := fx.s.RunFeed(ctx, secretariat(), "up"); len(valid.List(err)) == 0 {
			t.Errorf("pulling an upload feed: %v", err)
		}
		r, err := fx.s.RunFeed(ctx, secretariat(), "pulled")
		if err == nil || r.State != StateFailed || r.Err == "" {
			t.Errorf("failed fetch: %+v %v", r, err)
		}
		if _, err := fx.s.RunFeed(ctx, analyst(orgA), "pulled"); err == nil {
			t.Errorf("an analyst ran a feed")
		}
		// Another process holds the lease.
		if _, err := fx.db.R().ExecContext(ctx, `UPDATE feeds SET lease_until = $1`, time.Now().Add(time.Hour).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.s.RunFeed(ctx, secretariat(), "pulled"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("pull under another's lease: %v", err)
		}
	})
}

func TestRunFeedWithoutFetcher(t *testing.T) {
	each(t, Options{}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "pulled", func(f *Feed) { f.Source, f.URL = SourceHTTP, "https://feeds.example/x" })
		if _, err := fx.s.RunFeed(ctx, secretariat(), "pulled"); !errors.Is(err, errNoFetcher) {
			t.Errorf("no fetcher: %v", err)
		}
	})
}

func TestSchedulePullsFeedsWhenDue(t *testing.T) {
	clk := newClock(time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC))
	pulls := make(chan string, 16)
	ff := &fakeFetcher{fetch: func(int, []byte) (Fetched, error) { return Fetched{NotModified: true}, nil }}
	ff2 := fetcherFunc(func(ctx context.Context, f Feed, state []byte) (Fetched, error) {
		pulls <- f.Name
		return ff.Fetch(ctx, f, state)
	})
	each(t, Options{Fetcher: ff2, Now: clk.now, ScheduleEvery: 5 * time.Millisecond}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "hourly", func(f *Feed) { f.Source, f.URL, f.Interval = SourceHTTP, "https://feeds.example/x", time.Hour })
		mustFeed(t, fx.s, "off", func(f *Feed) {
			f.Source, f.URL, f.Interval, f.Enabled = SourceHTTP, "https://feeds.example/y", time.Hour, false
		})
		mustFeed(t, fx.s, "by-hand", func(f *Feed) { f.Source, f.URL = SourceHTTP, "https://feeds.example/z" })
		mustFeed(t, fx.s, "incoming", func(f *Feed) { f.Source, f.Dir = SourceDir, "/var/spool/feeds" })
		got := map[string]int{}
		deadline := time.After(10 * time.Second)
		for len(got) < 2 {
			select {
			case name := <-pulls:
				got[name]++
			case <-deadline:
				t.Fatalf("pulls so far: %v", got)
			}
		}
		time.Sleep(100 * time.Millisecond) // the schedule ticks 20 times: nothing is due again
		clk.add(61 * time.Minute)
		deadline = time.After(10 * time.Second)
		for got["hourly"] < 2 || got["incoming"] < 2 {
			select {
			case name := <-pulls:
				got[name]++
			case <-deadline:
				t.Fatalf("pulls so far: %v", got)
			}
		}
		if got["hourly"] != 2 || got["incoming"] != 2 || got["off"] != 0 || got["by-hand"] != 0 {
			t.Errorf("pulls %v, want hourly and incoming twice each (once per interval), none of the others", got)
		}
		st, err := fx.s.Feeds(ctx, secretariat())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range st {
			if f.Name == "hourly" && (f.LastRun == nil || f.LastRun.Trigger != TriggerSchedule || !f.NextRun.Equal(clk.now().Add(time.Hour))) {
				t.Errorf("hourly's status: last %+v next %v", f.LastRun, f.NextRun)
			}
			if f.Name == "by-hand" && !f.NextRun.IsZero() {
				t.Errorf("a feed pulled by hand shows a next run %v", f.NextRun)
			}
		}
	})
}

type fetcherFunc func(ctx context.Context, f Feed, state []byte) (Fetched, error)

func (fn fetcherFunc) Fetch(ctx context.Context, f Feed, state []byte) (Fetched, error) {
	return fn(ctx, f, state)
}
