package api

import (
	"net/http"
	"strconv"
	"time"

	"atalaya/internal/alerts"
	"atalaya/internal/feeds"
	"atalaya/internal/store"
)

// The alerts endpoints manage the caller's own organisation's alert rules,
// webhooks and e-mail digests and list its alerts. alerts.Service decides
// (access.CanSeeEvents to read, access.ManageAlerts to change); an id of
// another organisation's rule, webhook or digest is not found.

// ruleJSON is an alert rule.
type ruleJSON struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	Name      string    `json:"name"`
	Expr      string    `json:"expr"`
	Enabled   bool      `json:"enabled"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func ruleOf(r alerts.Rule) ruleJSON {
	return ruleJSON{ID: r.ID, OrgID: r.OrgID, Name: r.Name, Expr: r.Expr, Enabled: r.Enabled, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// ruleInput is the body of creating or replacing a rule.
type ruleInput struct {
	Name    string `json:"name"`
	Expr    string `json:"expr"`
	Enabled *bool  `json:"enabled"` // absent: true
}

func (in ruleInput) rule(id, orgID string) alerts.Rule {
	return alerts.Rule{ID: id, OrgID: orgID, Name: in.Name, Expr: in.Expr, Enabled: in.Enabled == nil || *in.Enabled}
}

func (a *API) listRules(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	rules, err := svc.Rules(r.Context(), c.actor, c.actor.OrgID)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(mapped(rules, ruleOf)))
}

func (a *API) getRule(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	rule, err := svc.Rule(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, ruleOf(rule))
}

func (a *API) createRule(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveRule(w, r, c, "", http.StatusCreated)
}

func (a *API) updateRule(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveRule(w, r, c, r.PathValue("id"), http.StatusOK)
}

func (a *API) saveRule(w http.ResponseWriter, r *http.Request, c caller, id string, status int) error {
	svc := a.alerts
	var in ruleInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	saved, err := svc.SaveRule(r.Context(), c.actor, in.rule(id, c.actor.OrgID))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, status, ruleOf(saved))
}

func (a *API) deleteRule(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	if err := svc.DeleteRule(r.Context(), c.actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// tryInput is the body of a try-out: the expression alone.
type tryInput struct {
	Expr string `json:"expr"`
}

// tryJSON is a rule tried on the last day's events.
type tryJSON struct {
	Evaluated int               `json:"evaluated"`
	Matched   int               `json:"matched"`
	Errors    int               `json:"errors"`
	Sample    []feeds.EventJSON `json:"sample"`
}

// tryRule runs an expression over the organisation's last day of events
// and answers what it would have matched; nothing is saved.
func (a *API) tryRule(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	var in tryInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := svc.TryRule(r.Context(), c.actor, c.actor.OrgID, in.Expr)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, tryJSON{Evaluated: res.Evaluated, Matched: res.Matched, Errors: res.Errors,
		Sample: storedEventsOf(res.Sample)})
}

// listAlerts answers a page of the organisation's alerts, newest first, in
// the form webhooks and the stream send.
func (a *API) listAlerts(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	q := queryOf(r)
	cursor, limit := q.page()
	if err := q.err(); err != nil {
		return err
	}
	as, next, err := svc.Alerts(r.Context(), c.actor, c.actor.OrgID, cursor, limit)
	if err != nil {
		return cursorField(err)
	}
	return writePage(a, w, r, as, next)
}

// webhookJSON is a webhook; its secret only in the answer that creates it.
type webhookJSON struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	URL       string    `json:"url"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	Secret    string    `json:"secret,omitempty"`
}

func webhookOf(h alerts.Webhook) webhookJSON {
	return webhookJSON{ID: h.ID, OrgID: h.OrgID, URL: h.URL, Enabled: h.Enabled, CreatedAt: h.CreatedAt.UTC()}
}

// webhookInput is the body of creating a webhook. Without a secret, a
// random one is made.
type webhookInput struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	hs, err := svc.Webhooks(r.Context(), c.actor, c.actor.OrgID)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(mapped(hs, webhookOf)))
}

// getWebhook answers one of the organisation's webhooks; another
// organisation's is not found.
func (a *API) getWebhook(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	hs, err := svc.Webhooks(r.Context(), c.actor, c.actor.OrgID)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if h.ID == r.PathValue("id") {
			return a.writeJSON(w, r, http.StatusOK, webhookOf(h))
		}
	}
	return store.ErrNotFound
}

// createWebhook answers the new webhook with its HMAC secret, shown this
// once.
func (a *API) createWebhook(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	var in webhookInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	h, err := svc.CreateWebhook(r.Context(), c.actor,
		alerts.Webhook{OrgID: c.actor.OrgID, URL: in.URL, Secret: in.Secret})
	if err != nil {
		return err
	}
	out := webhookOf(h)
	out.Secret = h.Secret
	return a.writeJSON(w, r, http.StatusCreated, out)
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	if err := svc.DeleteWebhook(r.Context(), c.actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// webhookDeliveryJSON is one POST of alerts to a webhook and its fate.
type webhookDeliveryJSON struct {
	ID          int64      `json:"id"`
	WebhookID   string     `json:"webhook_id"`
	Alerts      int        `json:"alerts"`
	Attempts    int        `json:"attempts"`
	State       string     `json:"state"`
	LastStatus  int        `json:"last_status"`
	LastError   string     `json:"last_error"`
	NextAttempt *time.Time `json:"next_attempt"`
	CreatedAt   time.Time  `json:"created_at"`
}

// listWebhookDeliveries answers the organisation's latest webhook
// deliveries, newest first.
func (a *API) listWebhookDeliveries(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	q := queryOf(r)
	_, limit := q.page()
	if err := q.err(); err != nil {
		return err
	}
	ds, err := svc.WebhookDeliveries(r.Context(), c.actor, c.actor.OrgID, limit)
	if err != nil {
		return err
	}
	out := make([]webhookDeliveryJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, webhookDeliveryJSON{ID: d.ID, WebhookID: d.WebhookID, Alerts: d.Alerts, Attempts: d.Attempts,
			State: d.State, LastStatus: d.LastStatus, LastError: d.LastError, NextAttempt: timeOrNull(d.NextAttempt),
			CreatedAt: d.CreatedAt.UTC()})
	}
	return a.writeJSON(w, r, http.StatusOK, items(out))
}

// replayWebhookDelivery sends a delivery again (one that failed for good,
// or any other: a receiver that lost it).
func (a *API) replayWebhookDelivery(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return store.ErrNotFound
	}
	if err := svc.Replay(r.Context(), c.actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// digestJSON is an e-mail subscription to the organisation's alerts.
type digestJSON struct {
	ID       string     `json:"id"`
	OrgID    string     `json:"org_id"`
	Email    string     `json:"email"`
	Every    string     `json:"every"`
	LastSent *time.Time `json:"last_sent"`
}

func digestOf(d alerts.Digest) digestJSON {
	return digestJSON{ID: d.ID, OrgID: d.OrgID, Email: d.Email, Every: d.Every, LastSent: timeOrNull(d.LastSent)}
}

// digestInput is the body of creating a digest.
type digestInput struct {
	Email string `json:"email"`
	Every string `json:"every"`
}

func (a *API) listDigests(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	ds, err := svc.Digests(r.Context(), c.actor, c.actor.OrgID)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(mapped(ds, digestOf)))
}

func (a *API) createDigest(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	var in digestInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := svc.CreateDigest(r.Context(), c.actor, alerts.Digest{OrgID: c.actor.OrgID, Email: in.Email, Every: in.Every})
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusCreated, digestOf(d))
}

func (a *API) deleteDigest(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	if err := svc.DeleteDigest(r.Context(), c.actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
