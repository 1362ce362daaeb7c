package alerts

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

const (
	defaultLimit = 50
	maxLimit     = 1000
	selectAlerts = `SELECT id, org_id, rule_id, rule_name, at, event_json FROM alerts`
)

// Alerts lists orgID's recent alerts, newest first (access.CanSeeEvents).
// cursor is the previous page's next cursor ("" for the first page); the
// next is "" after the last page. limit 0 is 50, at most 1000.
func (s *Service) Alerts(ctx context.Context, a access.Actor, orgID, cursor string, limit int) ([]Alert, string, error) {
	if !access.CanSeeEvents(a, orgID) {
		return nil, "", access.ErrDenied
	}
	before := int64(math.MaxInt64)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", valid.New("cursor", "alert_cursor", "The page cursor is not one this list gave.", nil)
		}
		before = n
	}
	limit = pageSize(limit)
	alerts, err := s.queryAlerts(ctx, selectAlerts+` WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
		orgID, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(alerts) > limit {
		alerts = alerts[:limit]
		next = strconv.FormatInt(alerts[limit-1].ID, 10)
	}
	return alerts, next, nil
}

// AlertsAfter lists orgID's alerts with an id above after, oldest first,
// at most limit (0: 50, at most 1000) (access.CanSeeEvents): the stream
// resumes from a Last-Event-ID with it. Ids grow in commit order, so
// nothing recorded later has a smaller id.
func (s *Service) AlertsAfter(ctx context.Context, a access.Actor, orgID string, after int64, limit int) ([]Alert, error) {
	if !access.CanSeeEvents(a, orgID) {
		return nil, access.ErrDenied
	}
	return s.queryAlerts(ctx, selectAlerts+` WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		orgID, after, pageSize(limit))
}

func pageSize(limit int) int {
	if limit <= 0 {
		return defaultLimit
	}
	return min(limit, maxLimit)
}

func (s *Service) queryAlerts(ctx context.Context, query string, args ...any) ([]Alert, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("listing alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var at int64
		var body string
		if err := rows.Scan(&a.ID, &a.OrgID, &a.RuleID, &a.RuleName, &at, &body); err != nil {
			return nil, fmt.Errorf("listing alerts: %w", err)
		}
		a.At = store.Time(at)
		d, err := decodeDelivery([]byte(body))
		if err != nil {
			return nil, fmt.Errorf("reading alert %d: %w", a.ID, err)
		}
		a.Event = d
		out = append(out, a)
	}
	return out, rows.Err()
}
