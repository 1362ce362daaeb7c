package alerts

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// The states of a webhook post.
const (
	statePending = "pending" // waiting for its next attempt
	stateOK      = "ok"      // the endpoint answered 2xx
	stateFailed  = "failed"  // every attempt failed; Replay sends it again
)

const (
	maxURLLen       = 2048
	minSecretLen    = 16
	maxSecretLen    = 256
	selectWebhooks  = `SELECT id, org_id, url, enabled, created_at FROM alert_webhooks`
	selectPostsList = `SELECT id, webhook_id, alerts, attempts, state, last_status, last_error, next_attempt, created_at
		FROM alert_webhook_deliveries`
)

// Webhooks lists orgID's webhooks, without their secrets
// (access.ManageAlerts).
func (s *Service) Webhooks(ctx context.Context, a access.Actor, orgID string) ([]Webhook, error) {
	if !canManage(a, orgID) {
		return nil, access.ErrDenied
	}
	return s.queryWebhooks(ctx, selectWebhooks+` WHERE org_id = $1 ORDER BY created_at, id`, orgID)
}

// CreateWebhook adds an enabled webhook for w.OrgID ("" the actor's) to
// w.URL (access.ManageAlerts). Secret "" makes a random one; the returned
// Webhook carries it, the only time it is shown.
func (s *Service) CreateWebhook(ctx context.Context, a access.Actor, w Webhook) (Webhook, error) {
	if w.OrgID == "" {
		w.OrgID = a.OrgID
	}
	if !canManage(a, w.OrgID) {
		return Webhook{}, access.ErrDenied
	}
	w.URL = strings.TrimSpace(w.URL)
	var errs valid.Errors
	checkURL(&errs, w.URL)
	if w.Secret == "" {
		w.Secret = newSecret()
	} else if len(w.Secret) < minSecretLen || len(w.Secret) > maxSecretLen {
		errs.Add("secret", "alert_webhook_secret",
			fmt.Sprintf("A secret has from %d to %d characters.", minSecretLen, maxSecretLen),
			map[string]any{"Min": minSecretLen, "Max": maxSecretLen})
	}
	if err := errs.Err(); err != nil {
		return Webhook{}, err
	}
	w.ID, w.Enabled, w.CreatedAt = store.NewID(), true, s.now().UTC().Truncate(timeUnit)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO alert_webhooks (id, org_id, url, secret, enabled, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, w.ID, w.OrgID, w.URL, w.Secret, w.Enabled, a.UserID, store.Millis(w.CreatedAt))
		if err != nil {
			return fmt.Errorf("inserting webhook: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "webhook.create", ObjectType: "webhook",
			ObjectID: w.ID, OrgID: w.OrgID, After: withoutSecret(w)})
	})
	if err != nil {
		return Webhook{}, err
	}
	return w, nil
}

// DeleteWebhook removes a webhook and its posts (access.ManageAlerts).
func (s *Service) DeleteWebhook(ctx context.Context, a access.Actor, id string) error {
	hooks, err := s.queryWebhooks(ctx, selectWebhooks+` WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if len(hooks) == 0 {
		return ErrNotFound
	}
	w := hooks[0]
	if !canManage(a, w.OrgID) {
		return refusal(a, w.OrgID)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The posts go by the foreign key's cascade on both engines;
		// deleting them first keeps that true where foreign keys are off.
		if _, err := tx.ExecContext(ctx, `DELETE FROM alert_webhook_deliveries WHERE webhook_id = $1`, id); err != nil {
			return fmt.Errorf("deleting webhook posts: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM alert_webhooks WHERE id = $1`, id); err != nil {
			return fmt.Errorf("deleting webhook: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "webhook.delete", ObjectType: "webhook",
			ObjectID: id, OrgID: w.OrgID, Before: w})
	})
}

// WebhookDeliveries lists the posts to orgID's webhooks, newest first, at
// most limit (0: 50, at most 1000) (access.ManageAlerts).
func (s *Service) WebhookDeliveries(ctx context.Context, a access.Actor, orgID string, limit int) ([]WebhookDelivery, error) {
	if !canManage(a, orgID) {
		return nil, access.ErrDenied
	}
	return s.queryPosts(ctx, selectPostsList+` WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, orgID, pageSize(limit))
}

// Replay sends a post again from its first attempt, whatever its state
// (access.ManageAlerts).
func (s *Service) Replay(ctx context.Context, a access.Actor, deliveryID int64) error {
	var orgID string
	err := s.db.R().QueryRowContext(ctx, `SELECT org_id FROM alert_webhook_deliveries WHERE id = $1`, deliveryID).Scan(&orgID)
	if err == sql.ErrNoRows {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("reading webhook post: %w", err)
	}
	if !canManage(a, orgID) {
		return refusal(a, orgID)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE alert_webhook_deliveries SET state = $1, attempts = 0, last_error = '',
			next_attempt = $2 WHERE id = $3`, statePending, store.Millis(s.now()), deliveryID)
		if err != nil {
			return fmt.Errorf("replaying webhook post: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "webhook.replay", ObjectType: "webhook_delivery",
			ObjectID: fmt.Sprint(deliveryID), OrgID: orgID})
	})
	if err != nil {
		return err
	}
	s.wakeWebhooks()
	return nil
}

func (s *Service) queryWebhooks(ctx context.Context, query string, args ...any) ([]Webhook, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("listing webhooks: %w", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var w Webhook
		var created int64
		if err := rows.Scan(&w.ID, &w.OrgID, &w.URL, &w.Enabled, &created); err != nil {
			return nil, fmt.Errorf("listing webhooks: %w", err)
		}
		w.CreatedAt = store.Time(created)
		out = append(out, w)
	}
	return out, rows.Err()
}

func (s *Service) queryPosts(ctx context.Context, query string, args ...any) ([]WebhookDelivery, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("listing webhook posts: %w", err)
	}
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		var next, created int64
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.Alerts, &d.Attempts, &d.State, &d.LastStatus, &d.LastError,
			&next, &created); err != nil {
			return nil, fmt.Errorf("listing webhook posts: %w", err)
		}
		d.NextAttempt, d.CreatedAt = store.Time(next), store.Time(created)
		if d.State != statePending {
			d.NextAttempt = store.Time(0)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func checkURL(errs *valid.Errors, raw string) {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		errs.Add("url", "alert_webhook_url_required", "A webhook needs the URL to post to.", nil)
	case len(raw) > maxURLLen || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "":
		errs.Add("url", "alert_webhook_url", "“"+raw+"” is not an absolute http or https URL.",
			map[string]any{"Value": raw})
	}
}

func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func withoutSecret(w Webhook) Webhook {
	w.Secret = ""
	return w
}
