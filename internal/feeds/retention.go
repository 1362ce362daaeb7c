package feeds

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"atalaya/internal/store"
)

const (
	// expireChunk is how many events one retention transaction looks at:
	// small enough never to hold the writer back for long.
	expireChunk = 2000
	// staleRun is how long a run may go without a batch before retention
	// calls it interrupted (its process died).
	staleRun = 15 * time.Minute
)

// keepRetention deletes what outlived its feed's retention, now and then
// every RetentionEvery, until ctx ends.
func (s *Service) keepRetention(ctx context.Context) {
	t := time.NewTicker(s.opts.RetentionEvery)
	defer t.Stop()
	for {
		if n, err := s.expire(ctx); err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("feeds: retention", "err", err)
		} else if n > 0 {
			s.opts.Logger.Info("feeds: retention", "events_deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// expire deletes events last seen before their feed's retention (with
// their deliveries), quarantined lines and finished runs older than it,
// and marks runs that stopped moving as interrupted. It returns the
// number of events deleted.
//
// Events are found without an index on last_seen: an event last seen
// before the cutoff was first seen before it, so its id is below the
// cutoff's id floor; retention walks that id range in short chunks.
func (s *Service) expire(ctx context.Context) (int, error) {
	feeds, err := allFeeds(ctx, s.db.R())
	if err != nil {
		return 0, err
	}
	now := s.now()
	cutoff := map[string]int64{} // feed id -> last seen before this goes
	shortest := defaultRetention
	for _, f := range feeds {
		cutoff[f.ID] = store.Millis(now.Add(-f.retention()))
		shortest = min(shortest, f.retention())
	}
	deleted, err := s.expireEvents(ctx, cutoff, idFloor(now.Add(-shortest)))
	if err != nil {
		return deleted, err
	}
	for _, f := range feeds {
		if err := s.expireFeed(ctx, f.ID, now.Add(-f.retention())); err != nil {
			return deleted, err
		}
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE feed_runs SET state = $1, err = $2, finished = updated
			WHERE state = $3 AND updated < $4`, StateFailed, "interrupted: the run stopped moving (its process ended?)",
			StateRunning, store.Millis(now.Add(-staleRun)))
		return err
	})
	if err != nil {
		return deleted, fmt.Errorf("closing interrupted runs: %w", err)
	}
	return deleted, nil
}

// expireEvents walks events with ids below bound and deletes those past
// their feed's cutoff (or of no feed).
func (s *Service) expireEvents(ctx context.Context, cutoff map[string]int64, bound int64) (int, error) {
	deleted := 0
	after := int64(0)
	for {
		rows, err := s.db.R().QueryContext(ctx, `SELECT id, feed_id, last_seen FROM feed_events
			WHERE id > $1 AND id < $2 ORDER BY id LIMIT $3`, after, bound, expireChunk)
		if err != nil {
			return deleted, fmt.Errorf("retention: reading events: %w", err)
		}
		var ids []int64
		perFeed := map[string]int64{}
		n := 0
		for rows.Next() {
			var id, last int64
			var feed string
			if err := rows.Scan(&id, &feed, &last); err != nil {
				rows.Close()
				return deleted, err
			}
			n++
			after = id
			if c, ok := cutoff[feed]; !ok || last < c {
				ids = append(ids, id)
				perFeed[feed]++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return deleted, err
		}
		if len(ids) > 0 {
			err := s.db.InTx(ctx, func(tx *sql.Tx) error {
				if err := deleteEvents(ctx, tx, ids); err != nil {
					return err
				}
				for feed, k := range perFeed {
					if _, err := tx.ExecContext(ctx, `UPDATE feed_stats SET events = events - $2 WHERE feed_id = $1`, feed, k); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return deleted, fmt.Errorf("retention: deleting events: %w", err)
			}
			deleted += len(ids)
		}
		if n < expireChunk {
			return deleted, nil
		}
	}
}

// expireFeed deletes a feed's quarantined lines, finished runs (but the
// last) and abandoned input positions older than before.
func (s *Service) expireFeed(ctx context.Context, feedID string, before time.Time) error {
	for {
		var n int64
		err := s.db.InTx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM feed_quarantine WHERE id IN (SELECT id FROM feed_quarantine
				WHERE feed_id = $1 AND id < $2 ORDER BY id LIMIT $3)`, feedID, idFloor(before), expireChunk)
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil || n == 0 {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE feed_stats SET quarantined = quarantined - $2 WHERE feed_id = $1`, feedID, n)
			return err
		})
		if err != nil {
			return fmt.Errorf("retention: deleting quarantined lines: %w", err)
		}
		if n < expireChunk {
			break
		}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		ms := store.Millis(before)
		if _, err := tx.ExecContext(ctx, `DELETE FROM feed_runs WHERE feed_id = $1 AND finished > 0 AND finished < $2
			AND id < (SELECT MAX(id) FROM feed_runs WHERE feed_id = $1)`, feedID, ms); err != nil {
			return fmt.Errorf("retention: deleting runs: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM feed_inputs WHERE feed_id = $1 AND updated < $2`, feedID, ms); err != nil {
			return fmt.Errorf("retention: deleting input positions: %w", err)
		}
		return nil
	})
}
