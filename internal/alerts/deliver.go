package alerts

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"time"

	"atalaya/internal/feeds"
	"atalaya/internal/store"
)

const (
	timeUnit    = time.Millisecond // what the store keeps of a time
	recordBatch = 1000             // alerts per transaction at most
	postMax     = 500              // alerts per webhook post at most
	seqAlert    = "alert"
	seqWebhook  = "webhook"
)

// pending is a match waiting to be recorded.
type pending struct {
	ruleID, ruleName string
	at               time.Time
	d                feeds.StoredEvent
}

// queue holds matches between Deliver (many callers) and the recorder
// (one). It is bounded in matches, not in calls, so a burst of deliveries
// cannot grow memory without limit.
type queue struct {
	mu    sync.Mutex
	items []pending
	max   int
	wake  chan struct{} // capacity 1: "there is something"
}

func newQueue(max int) *queue { return &queue{max: max, wake: make(chan struct{}, 1)} }

// push adds what fits and returns how many did not.
func (q *queue) push(ms []pending) (dropped int) {
	q.mu.Lock()
	room := q.max - len(q.items)
	if room < len(ms) {
		dropped, ms = len(ms)-max(room, 0), ms[:max(room, 0)]
	}
	q.items = append(q.items, ms...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return dropped
}

// take swaps the queue's items for buf (emptied), so the recorder works on
// them while Deliver fills the other slice.
func (q *queue) take(buf []pending) []pending {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.items
	q.items = buf[:0]
	return out
}

// Deliver evaluates the rules of each delivery's organisation; it is
// feeds.Options.OnCommit and returns quickly: matching is in memory, with
// the snapshot of compiled rules, and matches go to a bounded queue that
// the recorder drains (when the queue is full, matches are dropped and
// counted in Stats().QueueDrops and atalaya_alerts_dropped_total). ds is
// not kept: what matched is copied.
func (s *Service) Deliver(ds []feeds.StoredEvent) {
	set := s.rules.Load()
	if len(set.byOrg) == 0 {
		return
	}
	var ms []pending
	var evaluated, failed int64
	act := newActivation(nil)
	now := s.now().UTC()
	for i := range ds {
		rules := set.byOrg[ds[i].OrgID]
		if len(rules) == 0 {
			continue
		}
		act.reset(&ds[i])
		for _, r := range rules {
			evaluated++
			ok, err := match(r.prg, act)
			if err != nil {
				failed++
				continue
			}
			if ok {
				d := ds[i]
				d.Event.Extra = maps.Clone(d.Event.Extra)
				ms = append(ms, pending{ruleID: r.id, ruleName: r.name, at: now, d: d})
			}
		}
	}
	s.metrics.evaluated.Add(evaluated)
	s.metrics.ruleErrors.Add(failed)
	if len(ms) == 0 {
		return
	}
	dropped := s.queue.push(ms)
	s.metrics.matched.Add(int64(len(ms) - dropped))
	s.metrics.queueDrops.Add(int64(dropped))
}

// record writes queued matches as alerts and publishes them, until ctx
// ends; what is queued then is still written.
func (s *Service) record(ctx context.Context) {
	var buf []pending
	for {
		select {
		case <-ctx.Done():
			// Shutting down: write what was matched, with a little time of
			// its own (the store closes after Start returns).
			flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			s.recordAll(flush, s.queue.take(nil))
			cancel()
			return
		case <-s.queue.wake:
		}
		buf = s.queue.take(buf)
		s.recordAll(ctx, buf)
		clear(buf) // drop references to the events until the next swap
	}
}

func (s *Service) recordAll(ctx context.Context, ms []pending) {
	for len(ms) > 0 {
		n := min(len(ms), recordBatch)
		alerts, posted, err := s.recordBatch(ctx, ms[:n])
		if err != nil {
			s.log.Error("alerts not recorded", "alerts", n, "err", err)
			s.metrics.storeDrops.Add(int64(n))
		} else {
			s.metrics.recorded.Add(int64(n))
			s.hub.publish(alerts)
			if posted {
				s.wakeWebhooks()
			}
		}
		ms = ms[n:]
	}
}

// recordBatch writes alerts and the webhook posts they cause in one
// transaction, so a post exists exactly when its alerts do.
func (s *Service) recordBatch(ctx context.Context, ms []pending) (alerts []Alert, posted bool, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		alerts = alerts[:0]
		first, err := nextIDs(ctx, tx, seqAlert, len(ms))
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO alerts (id, org_id, rule_id, rule_name, at, delivery_id, event_json)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`)
		if err != nil {
			return fmt.Errorf("preparing alert insert: %w", err)
		}
		defer stmt.Close()
		for i := range ms {
			m := &ms[i]
			a := Alert{ID: first + int64(i), OrgID: m.d.OrgID, RuleID: m.ruleID, RuleName: m.ruleName,
				At: m.at.Truncate(timeUnit), Event: m.d}
			body, err := encodeDelivery(&m.d)
			if err != nil {
				return fmt.Errorf("encoding alert: %w", err)
			}
			if _, err := stmt.ExecContext(ctx, a.ID, a.OrgID, a.RuleID, a.RuleName, store.Millis(a.At), m.d.ID, string(body)); err != nil {
				return fmt.Errorf("inserting alert: %w", err)
			}
			alerts = append(alerts, a)
		}
		posted, err = s.queuePosts(ctx, tx, alerts)
		return err
	})
	return alerts, posted, err
}

// nextIDs takes n ids from the named counter, in the caller's transaction,
// and returns the first.
func nextIDs(ctx context.Context, tx *sql.Tx, name string, n int) (int64, error) {
	var last int64
	err := tx.QueryRowContext(ctx, `UPDATE alert_seq SET last = last + $1 WHERE name = $2 RETURNING last`, n, name).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("taking %s ids: %w", name, err)
	}
	return last - int64(n) + 1, nil
}

// queuePosts adds one pending post per enabled webhook of each
// organisation with alerts (several when there are more than postMax).
func (s *Service) queuePosts(ctx context.Context, tx *sql.Tx, alerts []Alert) (bool, error) {
	byOrg := make(map[string][]Alert)
	var orgs []string
	for _, a := range alerts {
		if byOrg[a.OrgID] == nil {
			orgs = append(orgs, a.OrgID)
		}
		byOrg[a.OrgID] = append(byOrg[a.OrgID], a)
	}
	posted := false
	now := store.Millis(s.now())
	for _, org := range orgs {
		hooks, err := enabledHooks(ctx, tx, org)
		if err != nil {
			return posted, err
		}
		if len(hooks) == 0 {
			continue
		}
		as := byOrg[org]
		for len(as) > 0 {
			n := min(len(as), postMax)
			body, err := json.Marshal(struct {
				Alerts []Alert `json:"alerts"`
			}{as[:n]})
			if err != nil {
				return posted, fmt.Errorf("encoding webhook post: %w", err)
			}
			for _, h := range hooks {
				if err := insertPost(ctx, tx, h, org, body, n, now); err != nil {
					return posted, err
				}
				posted = true
			}
			as = as[n:]
		}
	}
	return posted, nil
}

func enabledHooks(ctx context.Context, tx *sql.Tx, orgID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM alert_webhooks WHERE org_id = $1 AND enabled = $2 ORDER BY id`, orgID, true)
	if err != nil {
		return nil, fmt.Errorf("reading webhooks: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func insertPost(ctx context.Context, tx *sql.Tx, hookID, orgID string, body []byte, alerts int, now int64) error {
	id, err := nextIDs(ctx, tx, seqWebhook, 1)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO alert_webhook_deliveries (id, webhook_id, org_id, payload, alerts,
		attempts, state, last_status, last_error, next_attempt, created_at)
		VALUES ($1, $2, $3, $4, $5, 0, $6, 0, '', $7, $7)`, id, hookID, orgID, string(body), alerts, statePending, now)
	if err != nil {
		return fmt.Errorf("queueing webhook post: %w", err)
	}
	return nil
}
