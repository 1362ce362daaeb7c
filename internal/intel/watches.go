package intel

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"atalaya/internal/routing"
)

// Watches returns what early warning watches for: the ip, prefix, domain
// and url values of every indicator whose latest version is not revoked
// and not expired (valid_until in the past, by Options.Now), each with the
// organisation that created the indicator. Events matching a value are
// delivered to that organisation (routing.BuildWatched). Values come
// normalised as the correlation index holds them, ordered by indicator,
// kind and value. It decides nothing about visibility: an organisation
// only ever watches its own indicators.
//
// Expiry is read at the time of the call: the caller rebuilds the routing
// table when intel changes and from time to time, so expired indicators
// drop out.
func (s *Store) Watches(ctx context.Context) ([]routing.Watch, error) {
	expired, err := s.expiredIndicators(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT iv.stix_id, o.org_id, iv.kind, iv.value
		FROM intel_values iv JOIN intel_objects o ON o.stix_id = iv.stix_id AND o.latest
		WHERE o.type = 'indicator' AND NOT o.revoked AND iv.kind IN ('ip', 'prefix', 'domain', 'url')
		ORDER BY iv.stix_id, iv.kind, iv.value`)
	if err != nil {
		return nil, fmt.Errorf("reading watched values: %w", err)
	}
	defer rows.Close()
	var out []routing.Watch
	for rows.Next() {
		var w routing.Watch
		if err := rows.Scan(&w.IntelID, &w.OrgID, &w.Kind, &w.Value); err != nil {
			return nil, fmt.Errorf("reading watched values: %w", err)
		}
		if !expired[w.IntelID] {
			out = append(out, w)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading watched values: %w", err)
	}
	return out, nil
}

// expiredIndicators returns the live indicators whose valid_until has
// passed. Only objects that mention valid_until are read whole (the LIKE
// is a cheap prefilter; "_" matching any character only widens it).
func (s *Store) expiredIndicators(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT o.stix_id, o.raw FROM intel_objects o
		WHERE o.latest AND o.type = 'indicator' AND NOT o.revoked AND o.raw LIKE '%"valid_until"%'`)
	if err != nil {
		return nil, fmt.Errorf("reading indicator validity: %w", err)
	}
	defer rows.Close()
	now := s.now()
	out := map[string]bool{}
	for rows.Next() {
		var id, raw string
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, fmt.Errorf("reading indicator validity: %w", err)
		}
		var v struct {
			ValidUntil string `json:"valid_until"`
		}
		if json.Unmarshal([]byte(raw), &v) != nil || v.ValidUntil == "" {
			continue
		}
		if until, err := time.Parse(time.RFC3339Nano, v.ValidUntil); err == nil && !until.After(now) {
			out[id] = true
		}
	}
	return out, rows.Err()
}
