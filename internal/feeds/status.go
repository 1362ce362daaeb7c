package feeds

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// The values of Run.State.
const (
	StateRunning     = "running"
	StateOK          = "ok"
	StateFailed      = "failed"
	StateNotModified = "not-modified"
)

// The values of Run.Trigger.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
	TriggerUpload   = "upload"
	TriggerPush     = "push"
	TriggerCLI      = "cli"
	TriggerDir      = "dir"
)

const runColumns = `id, feed_id, trigger_kind, input, state, started, finished, lines, accepted, duplicates,
	quarantined, filtered, delivered, err`

func scanRun(row scanner) (Run, error) {
	var r Run
	var started, finished int64
	err := row.Scan(&r.ID, &r.FeedID, &r.Trigger, &r.Input, &r.State, &started, &finished, &r.Lines, &r.Accepted,
		&r.Duplicates, &r.Quarantined, &r.Filtered, &r.Delivered, &r.Err)
	r.Started, r.Finished = store.Time(started), store.Time(finished)
	return r, err
}

// Feeds lists every feed with its status (access.ViewFeeds).
func (s *Service) Feeds(ctx context.Context, a access.Actor) ([]FeedStatus, error) {
	if !access.Can(a, access.ViewFeeds, access.Target{}) {
		return nil, access.ErrDenied
	}
	feeds, err := allFeeds(ctx, s.db.R())
	if err != nil {
		return nil, err
	}
	last, err := s.lastRuns(ctx)
	if err != nil {
		return nil, err
	}
	stats, err := s.stats(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]FeedStatus, len(feeds))
	for i, f := range feeds {
		st := FeedStatus{Feed: f.shown(), Events: stats[f.ID][0], Quarantined: stats[f.ID][1]}
		if r, ok := last[f.ID]; ok {
			r.FeedName = f.Name
			st.LastRun = &r
		}
		if every := f.every(); every > 0 && s.opts.Fetcher != nil {
			st.NextRun = s.now()
			if !f.pulledAt.IsZero() {
				st.NextRun = f.pulledAt.Add(every)
			}
		}
		out[i] = st
	}
	return out, nil
}

// lastRuns reads the newest run of every feed (run ids sort by time).
func (s *Service) lastRuns(ctx context.Context) (map[string]Run, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+runColumns+` FROM feed_runs
		WHERE id IN (SELECT MAX(id) FROM feed_runs GROUP BY feed_id)`)
	if err != nil {
		return nil, fmt.Errorf("reading last runs: %w", err)
	}
	defer rows.Close()
	out := map[string]Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("reading last runs: %w", err)
		}
		out[r.FeedID] = r
	}
	return out, rows.Err()
}

// stats reads the events and quarantined counts of every feed.
func (s *Service) stats(ctx context.Context) (map[string][2]int64, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT feed_id, events, quarantined FROM feed_stats`)
	if err != nil {
		return nil, fmt.Errorf("reading feed counts: %w", err)
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var id string
		var n [2]int64
		if err := rows.Scan(&id, &n[0], &n[1]); err != nil {
			return nil, fmt.Errorf("reading feed counts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Runs lists a feed's runs (by id or name), newest first
// (access.ViewFeeds); limit 0 means 50, at most 1000.
func (s *Service) Runs(ctx context.Context, a access.Actor, feedID string, limit int) ([]Run, error) {
	if !access.Can(a, access.ViewFeeds, access.Target{}) {
		return nil, access.ErrDenied
	}
	f, err := feedByRef(ctx, s.db.R(), feedID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+runColumns+` FROM feed_runs WHERE feed_id = $1
		ORDER BY id DESC LIMIT $2`, f.ID, pageSize(limit))
	if err != nil {
		return nil, fmt.Errorf("listing runs of %s: %w", f.Name, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("listing runs of %s: %w", f.Name, err)
		}
		r.FeedName = f.Name
		out = append(out, r)
	}
	return out, rows.Err()
}

// run reads one run.
func (s *Service) run(ctx context.Context, q store.Querier, id string) (Run, error) {
	r, err := scanRun(q.QueryRowContext(ctx, `SELECT `+runColumns+` FROM feed_runs WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return Run{}, fmt.Errorf("run %s: %w", id, ErrNotFound)
	}
	return r, err
}

// pageSize applies the default (50) and the bound (1000) of list limits.
func pageSize(limit int) int {
	switch {
	case limit <= 0:
		return 50
	case limit > 1000:
		return 1000
	}
	return limit
}

// parseCursor reads a cursor made by formatCursor: the last id of the
// previous page. "" starts at the newest.
func parseCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n <= 0 {
		return 0, valid.New("cursor", "feeds_cursor", "is not a cursor this list gave", nil)
	}
	return n, nil
}

// Quarantine lists a feed's refused lines, newest first
// (access.ManageFeeds: raw lines may name any team's hosts).
func (s *Service) Quarantine(ctx context.Context, a access.Actor, feedID, cursor string, limit int) ([]Quarantined, string, error) {
	if !access.Can(a, access.ManageFeeds, access.Target{}) {
		return nil, "", access.ErrDenied
	}
	f, err := feedByRef(ctx, s.db.R(), feedID)
	if err != nil {
		return nil, "", err
	}
	before, err := parseCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	if before == 0 {
		before = 1<<63 - 1
	}
	n := pageSize(limit)
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, run_id, line, field, code, message, raw, at
		FROM feed_quarantine WHERE feed_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, f.ID, before, n+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing quarantine of %s: %w", f.Name, err)
	}
	defer rows.Close()
	var out []Quarantined
	for rows.Next() {
		q := Quarantined{FeedID: f.ID}
		var line, at int64
		if err := rows.Scan(&q.ID, &q.RunID, &line, &q.Rejected.Field, &q.Rejected.Code, &q.Rejected.Message,
			&q.Rejected.Raw, &at); err != nil {
			return nil, "", fmt.Errorf("listing quarantine of %s: %w", f.Name, err)
		}
		q.Rejected.Line, q.At = int(line), store.Time(at)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = strconv.FormatInt(out[n-1].ID, 10)
	}
	return out, next, nil
}

// DeleteFeed removes a feed with its events and quarantine (ManageFeeds).
// Events go in short transactions first, so a big feed never holds the
// store for long; the feed itself goes last, audited.
func (s *Service) DeleteFeed(ctx context.Context, a access.Actor, id string) error {
	if !access.Can(a, access.ManageFeeds, access.Target{}) {
		return access.ErrDenied
	}
	f, err := feedByRef(ctx, s.db.R(), id)
	if err != nil {
		return err
	}
	if !s.claimFeed(f.ID) {
		return fmt.Errorf("feed %s is being pulled: %w", f.Name, store.ErrConflict)
	}
	defer s.releaseFeed(f.ID)
	for {
		ids, err := s.eventIDs(ctx, `SELECT id FROM feed_events WHERE feed_id = $1 LIMIT 2000`, f.ID)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		if err := s.db.InTx(ctx, func(tx *sql.Tx) error { return deleteEvents(ctx, tx, ids) }); err != nil {
			return fmt.Errorf("deleting events of %s: %w", f.Name, err)
		}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM feed_quarantine WHERE feed_id = $1`, `DELETE FROM feed_runs WHERE feed_id = $1`,
			`DELETE FROM feed_inputs WHERE feed_id = $1`, `DELETE FROM feed_state WHERE feed_id = $1`,
			`DELETE FROM feed_stats WHERE feed_id = $1`, `DELETE FROM feed_events WHERE feed_id = $1`,
			`DELETE FROM feeds WHERE id = $1`} {
			if _, err := tx.ExecContext(ctx, q, f.ID); err != nil {
				return fmt.Errorf("deleting feed %s: %w", f.Name, err)
			}
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "feed.delete", ObjectType: "feed",
			ObjectID: f.ID, Before: f.shown()})
	})
}

// eventIDs runs a query selecting event ids.
func (s *Service) eventIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("selecting events: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// deleteEvents deletes events and their deliveries.
func deleteEvents(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := inList(ids)
	if _, err := tx.ExecContext(ctx, `DELETE FROM feed_deliveries WHERE event_id IN (`+in+`)`, args...); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM feed_events WHERE id IN (`+in+`)`, args...)
	return err
}

// inList returns "$1, $2, ..." and the arguments for ids.
func inList(ids []int64) (string, []any) {
	b := make([]byte, 0, len(ids)*6)
	args := make([]any, len(ids))
	for i, id := range ids {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(i+1), 10)
		args[i] = id
	}
	return string(b), args
}
