package feeds

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// A pull holds its feed's lease so that, with several processes on one
// store, each feed is pulled by one of them at a time; the lease is
// renewed while the pull goes on, and lapses if its process dies.
const (
	leaseFor   = 15 * time.Minute
	leaseRenew = 5 * time.Minute
)

// errNoFetcher is the answer of a pull when the service has no Fetcher.
var errNoFetcher = errors.New("feeds: no fetcher is configured for pulls")

// RunFeed pulls the feed now (access.ManageFeeds) and returns its run.
func (s *Service) RunFeed(ctx context.Context, a access.Actor, name string) (Run, error) {
	if !access.Can(a, access.ManageFeeds, access.Target{}) {
		return Run{}, access.ErrDenied
	}
	f, err := feedByRef(ctx, s.db.R(), name)
	if err != nil {
		return Run{}, err
	}
	if !pullable(f.Source) {
		return Run{}, valid.New("source", "feeds_not_pullable", "is "+f.Source+": this feed takes what is sent to it and cannot be pulled",
			map[string]any{"Value": f.Source})
	}
	return s.pull(ctx, f, TriggerManual, false)
}

// pull fetches the feed's inputs, ingests them as one run and, once all
// is durable, lets the inputs go (Done) and saves the pull's state. An
// interrupted pull is repeated from the old state: the inputs it had
// finished are skipped and the one it was reading resumes. A scheduled
// pull (due) happens only if no pull began since f was read.
func (s *Service) pull(ctx context.Context, f Feed, trigger string, due bool) (Run, error) {
	if s.opts.Fetcher == nil {
		return Run{}, errNoFetcher
	}
	if !s.claimFeed(f.ID) {
		return Run{}, fmt.Errorf("feed %s is being pulled: %w", f.Name, store.ErrConflict)
	}
	defer s.releaseFeed(f.ID)
	var seen *time.Time
	if due {
		seen = &f.pulledAt
	}
	ok, err := s.takeLease(ctx, f.ID, seen)
	if err != nil {
		return Run{}, err
	}
	if !ok {
		return Run{}, fmt.Errorf("feed %s is being pulled by another process: %w", f.Name, store.ErrConflict)
	}
	renewing, stopRenew := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.renewLease(renewing, f.ID) })
	defer func() {
		stopRenew()
		wg.Wait()
		s.releaseLease(f.ID)
	}()
	state, err := s.loadState(ctx, f.ID)
	if err != nil {
		return Run{}, err
	}
	fetched, err := s.opts.Fetcher.Fetch(ctx, f, state)
	if err != nil {
		return s.recordPull(ctx, f, trigger, StateFailed, fmt.Errorf("fetching %s: %w", f.Name, err))
	}
	if fetched.NotModified || len(fetched.Inputs) == 0 {
		if err := s.saveState(ctx, f.ID, fetched.State, nil); err != nil {
			return Run{}, err
		}
		return s.recordPull(ctx, f, trigger, StateNotModified, nil)
	}
	inputs := make([]source, len(fetched.Inputs))
	for i, in := range fetched.Inputs {
		inputs[i] = source{name: in.Name, format: in.Format, open: in.Open, resume: true, keep: true}
	}
	run, kept, err := s.ingestPull(ctx, f, trigger, inputs)
	if err != nil {
		return run, err
	}
	for _, in := range fetched.Inputs {
		if in.Done != nil {
			if err := in.Done(); err != nil {
				return run, fmt.Errorf("feed %s: after ingesting %s: %w", f.Name, in.Name, err)
			}
		}
	}
	return run, s.saveState(ctx, f.ID, fetched.State, kept)
}

// ingestPull ingests a pull's inputs and returns the identities of those
// whose rows wait for the pull's end.
func (s *Service) ingestPull(ctx context.Context, f Feed, trigger string, inputs []source) (Run, []string, error) {
	var kept []string
	run, err := s.ingest(ctx, f, trigger, inputs, nil, &kept)
	return run, kept, err
}

// recordPull stores a pull that brought nothing to ingest.
func (s *Service) recordPull(ctx context.Context, f Feed, trigger, state string, cause error) (Run, error) {
	run := &runState{}
	// Any team reads runs: a URL's query (often an API key) stays out.
	run.FeedID, run.FeedName, run.Trigger, run.Input = f.ID, f.Name, trigger, redactURL(f.URL)+f.Dir
	if cause != nil {
		run.Err = cause.Error()
	}
	if err := s.createRun(ctx, run, state); err != nil {
		return Run{}, errors.Join(cause, err)
	}
	return run.Run, cause
}

// takeLease takes the feed's pull lease and records when the pull began;
// with seen set, only if the last pull began then (no other process, or
// schedule tick, pulled it since).
func (s *Service) takeLease(ctx context.Context, feedID string, seen *time.Time) (bool, error) {
	now := s.now()
	query := `UPDATE feeds SET lease_until = $2, pulled_at = $3 WHERE id = $1 AND lease_until < $3`
	args := []any{feedID, store.Millis(now.Add(leaseFor)), store.Millis(now)}
	if seen != nil {
		query += ` AND pulled_at = $4`
		args = append(args, store.Millis(*seen))
	}
	return s.updateLease(ctx, query, args...)
}

// updateLease runs a lease update and tells whether it took.
func (s *Service) updateLease(ctx context.Context, query string, args ...any) (bool, error) {
	var res sql.Result
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("taking the lease of a feed: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Service) renewLease(ctx context.Context, feedID string) {
	t := time.NewTicker(leaseRenew)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, err := s.updateLease(ctx, `UPDATE feeds SET lease_until = $2 WHERE id = $1`, feedID,
				store.Millis(s.now().Add(leaseFor)))
			if err != nil && ctx.Err() == nil {
				s.opts.Logger.Warn("feeds: renewing a pull's lease", "feed", feedID, "err", err)
			}
		}
	}
}

func (s *Service) releaseLease(feedID string) {
	ctx, cancel := context.WithTimeout(context.Background(), timeoutBestEffort)
	defer cancel()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE feeds SET lease_until = 0 WHERE id = $1`, feedID)
		return err
	})
	if err != nil {
		s.opts.Logger.Warn("feeds: releasing a pull's lease", "feed", feedID, "err", err)
	}
}

func (s *Service) loadState(ctx context.Context, feedID string) ([]byte, error) {
	var text string
	err := s.db.R().QueryRowContext(ctx, `SELECT state FROM feed_state WHERE feed_id = $1`, feedID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the pull state: %w", err)
	}
	return base64.StdEncoding.DecodeString(text)
}

// saveState stores the pull's state and drops the rows of its inputs, in
// one transaction: from now on a pull starts afresh.
func (s *Service) saveState(ctx context.Context, feedID string, state []byte, kept []string) error {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if state != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO feed_state (feed_id, state, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (feed_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
				feedID, base64.StdEncoding.EncodeToString(state), store.Millis(s.now())); err != nil {
				return err
			}
		}
		for _, ident := range kept {
			if _, err := tx.ExecContext(ctx, `DELETE FROM feed_inputs WHERE feed_id = $1 AND ident = $2`, feedID, ident); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving the pull state: %w", err)
	}
	return nil
}

// schedule pulls the feeds that are due until ctx ends, each feed one
// pull at a time, and waits for the pulls it started.
func (s *Service) schedule(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(s.opts.ScheduleEvery)
	defer t.Stop()
	for {
		s.startDue(ctx, &wg)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startDue starts a pull of every enabled feed whose interval has passed
// since its last pull.
func (s *Service) startDue(ctx context.Context, wg *sync.WaitGroup) {
	if s.opts.Fetcher == nil {
		return
	}
	feeds, err := allFeeds(ctx, s.db.R())
	if err != nil {
		if ctx.Err() == nil {
			s.opts.Logger.Error("feeds: schedule", "err", err)
		}
		return
	}
	now := s.now()
	for _, f := range feeds {
		every := f.every()
		if every == 0 || (!f.pulledAt.IsZero() && now.Before(f.pulledAt.Add(every))) || s.busy(f.ID) {
			continue
		}
		trigger := TriggerSchedule
		if f.Source == SourceDir {
			trigger = TriggerDir
		}
		wg.Go(func() {
			run, err := s.pull(ctx, f, trigger, true)
			switch {
			case errors.Is(err, store.ErrConflict), ctx.Err() != nil:
			case err != nil:
				s.opts.Logger.Warn("feeds: pull failed", "feed", f.Name, "run", run.ID, "err", err)
			default:
				s.opts.Logger.Info("feeds: pulled", "feed", f.Name, "run", run.ID, "state", run.State,
					"accepted", run.Accepted, "duplicates", run.Duplicates, "quarantined", run.Quarantined)
			}
		})
	}
}

func (s *Service) busy(feedID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pulling[feedID]
}

// redactURL drops the query and credentials of a feed URL for display.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return raw
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	return u.String()
}
