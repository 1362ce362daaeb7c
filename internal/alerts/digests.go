package alerts

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// How often a digest goes.
const (
	Hourly = "hourly"
	Daily  = "daily"
)

const (
	maxEmailLen   = 254
	selectDigests = `SELECT id, org_id, email, every, last_sent, last_alert_id FROM alert_digests`
)

func period(every string) time.Duration {
	if every == Daily {
		return 24 * time.Hour
	}
	return time.Hour
}

// Digests lists orgID's e-mail digests (access.ManageAlerts).
func (s *Service) Digests(ctx context.Context, a access.Actor, orgID string) ([]Digest, error) {
	if !canManage(a, orgID) {
		return nil, access.ErrDenied
	}
	ds, err := s.queryDigests(ctx, selectDigests+` WHERE org_id = $1 ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]Digest, len(ds))
	for i, d := range ds {
		out[i] = d.Digest
	}
	return out, nil
}

// CreateDigest subscribes d.Email to the alerts of d.OrgID ("" the
// actor's) every hour or day (access.ManageAlerts). The first digest
// holds the alerts recorded after the subscription.
func (s *Service) CreateDigest(ctx context.Context, a access.Actor, d Digest) (Digest, error) {
	if d.OrgID == "" {
		d.OrgID = a.OrgID
	}
	if !canManage(a, d.OrgID) {
		return Digest{}, access.ErrDenied
	}
	d.Email = strings.TrimSpace(d.Email)
	var errs valid.Errors
	if addr, err := mail.ParseAddress(d.Email); err != nil || addr.Address != d.Email || len(d.Email) > maxEmailLen {
		errs.Add("email", "alert_digest_email", "“"+d.Email+"” is not an e-mail address such as soc@example.org.",
			map[string]any{"Value": d.Email})
	}
	if d.Every != Hourly && d.Every != Daily {
		errs.Add("every", "alert_digest_every", "A digest goes hourly or daily.", map[string]any{"Value": d.Every})
	}
	if err := errs.Err(); err != nil {
		return Digest{}, err
	}
	d.ID, d.LastSent = store.NewID(), s.now().UTC().Truncate(timeUnit)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM alerts WHERE org_id = $1`, d.OrgID).Scan(&last)
		if err != nil {
			return fmt.Errorf("reading the last alert: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO alert_digests (id, org_id, email, every, last_sent, last_alert_id,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $5)`,
			d.ID, d.OrgID, d.Email, d.Every, store.Millis(d.LastSent), last, a.UserID)
		if err != nil {
			return fmt.Errorf("inserting digest: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "digest.create", ObjectType: "digest",
			ObjectID: d.ID, OrgID: d.OrgID, After: d})
	})
	if err != nil {
		return Digest{}, err
	}
	return d, nil
}

// DeleteDigest ends a subscription (access.ManageAlerts).
func (s *Service) DeleteDigest(ctx context.Context, a access.Actor, id string) error {
	ds, err := s.queryDigests(ctx, selectDigests+` WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		return ErrNotFound
	}
	d := ds[0].Digest
	if !canManage(a, d.OrgID) {
		return refusal(a, d.OrgID)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM alert_digests WHERE id = $1`, id); err != nil {
			return fmt.Errorf("deleting digest: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "digest.delete", ObjectType: "digest",
			ObjectID: id, OrgID: d.OrgID, Before: d})
	})
}

// storedDigest is a digest with the last alert it covered.
type storedDigest struct {
	Digest
	lastAlert int64
}

func (s *Service) queryDigests(ctx context.Context, query string, args ...any) ([]storedDigest, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("listing digests: %w", err)
	}
	defer rows.Close()
	var out []storedDigest
	for rows.Next() {
		var d storedDigest
		var sent int64
		if err := rows.Scan(&d.ID, &d.OrgID, &d.Email, &d.Every, &sent, &d.lastAlert); err != nil {
			return nil, fmt.Errorf("listing digests: %w", err)
		}
		d.LastSent = store.Time(sent)
		out = append(out, d)
	}
	return out, rows.Err()
}
