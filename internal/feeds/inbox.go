package feeds

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// deliveredColumns reads a StoredEvent (see scanStored).
const deliveredColumns = `d.id, d.event_id, f.name, d.org_id, d.by_rule, d.match_key, e.repeats, e.first_seen,
	e.last_seen, e.data FROM feed_deliveries d JOIN feed_events e ON e.id = d.event_id JOIN feeds f ON f.id = e.feed_id`

func (s *Service) scanStored(row scanner) (StoredEvent, error) {
	var se StoredEvent
	var first, last int64
	var data string
	if err := row.Scan(&se.ID, &se.EventID, &se.FeedName, &se.OrgID, &se.By, &se.Key, &se.Repeats, &first, &last,
		&data); err != nil {
		return StoredEvent{}, err
	}
	se.FirstSeen, se.LastSeen = store.Time(first), store.Time(last)
	e, err := s.codec.decode(data)
	if err != nil {
		return StoredEvent{}, fmt.Errorf("event %d: %w", se.EventID, err)
	}
	se.Event = e
	return se, nil
}

// Inbox lists the events delivered to orgID, newest first
// (access.CanSeeEvents).
func (s *Service) Inbox(ctx context.Context, a access.Actor, orgID string, f Filter) ([]StoredEvent, string, error) {
	if !access.CanSeeEvents(a, orgID) {
		return nil, "", access.ErrDenied
	}
	before, err := parseCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	w := where{args: []any{orgID}}
	w.add("d.org_id = $%d", nil)
	if before > 0 {
		w.add("d.id < $%d", before)
	}
	if f.Feed != "" {
		w.add("f.name = $%d", f.Feed)
	}
	if f.Taxonomy != "" {
		w.add("e.taxonomy = $%d", f.Taxonomy)
	}
	if f.Type != "" {
		w.add("e.type = $%d", f.Type)
	}
	if f.By != "" {
		w.add("d.by_rule = $%d", f.By)
	}
	if !f.Since.IsZero() {
		w.add("e.last_seen >= $%d", store.Millis(f.Since))
	}
	if !f.Until.IsZero() {
		w.add("e.last_seen < $%d", store.Millis(f.Until))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.add(`e.search LIKE $%d ESCAPE '\'`, likePattern(q))
	}
	n := pageSize(f.Limit)
	w.args = append(w.args, n+1)
	query := `SELECT ` + deliveredColumns + ` WHERE ` + strings.Join(w.conds, " AND ") +
		fmt.Sprintf(` ORDER BY d.id DESC LIMIT $%d`, len(w.args))
	out, err := s.stored(ctx, query, w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("reading the inbox: %w", err)
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = strconv.FormatInt(out[n-1].ID, 10)
	}
	return out, next, nil
}

// Delivery returns one delivery of orgID's inbox by its id
// (access.CanSeeEvents); ErrNotFound when orgID has none of that id.
func (s *Service) Delivery(ctx context.Context, a access.Actor, orgID string, id int64) (StoredEvent, error) {
	if !access.CanSeeEvents(a, orgID) {
		return StoredEvent{}, access.ErrDenied
	}
	out, err := s.stored(ctx, `SELECT `+deliveredColumns+` WHERE d.org_id = $1 AND d.id = $2`, orgID, id)
	if err != nil {
		return StoredEvent{}, fmt.Errorf("reading delivery %d: %w", id, err)
	}
	if len(out) == 0 {
		return StoredEvent{}, fmt.Errorf("delivery %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// where collects the conditions of a query with numbered placeholders.
type where struct {
	conds []string
	args  []any
}

// add appends a condition whose one placeholder is written %d; a nil arg
// refers to the argument already in place (the first).
func (w *where) add(cond string, arg any) {
	if arg == nil {
		w.conds = append(w.conds, fmt.Sprintf(cond, 1))
		return
	}
	w.args = append(w.args, arg)
	w.conds = append(w.conds, fmt.Sprintf(cond, len(w.args)))
}

// Delivered returns orgID's deliveries first seen at or after since,
// oldest first, at most limit: the alert rules' try-out reads it. The
// caller has checked access.
func (s *Service) Delivered(ctx context.Context, orgID string, since time.Time, limit int) ([]StoredEvent, error) {
	// Ids bound the time they were stored at, so the (org_id, id) index
	// finds the start without reading older deliveries.
	floor := int64(0)
	if since.After(time.UnixMilli(0)) {
		floor = idFloor(since)
	}
	if limit <= 0 {
		limit = 1000
	}
	out, err := s.stored(ctx, `SELECT `+deliveredColumns+` WHERE d.org_id = $1 AND d.id >= $2 AND d.first_seen >= $3
		ORDER BY d.id LIMIT $4`, orgID, floor, store.Millis(since), limit)
	if err != nil {
		return nil, fmt.Errorf("reading deliveries of %s: %w", orgID, err)
	}
	return out, nil
}

func (s *Service) stored(ctx context.Context, query string, args ...any) ([]StoredEvent, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredEvent
	for rows.Next() {
		se, err := s.scanStored(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, se)
	}
	return out, rows.Err()
}
