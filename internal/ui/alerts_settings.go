package ui

import (
	"net/http"

	"atalaya/internal/access"
	"atalaya/internal/alerts"
	"atalaya/internal/store"
)

// deliveriesShown is how many recent webhook deliveries the settings page
// lists.
const deliveriesShown = 50

// digestPeriods are the choices of a digest's frequency.
var digestPeriods = []string{"hourly", "daily"}

// settingsData is the alert settings page: webhooks with their deliveries,
// and e-mail digests.
type settingsData struct {
	Webhooks   []alerts.Webhook
	Deliveries []alerts.WebhookDelivery
	Digests    []alerts.Digest
	Periods    []string
	Secret     string // a new webhook's secret, shown on this response only
	SecretURL  string
}

// manageAlerts answers 403 unless the actor may change the alert settings
// of the own organisation, and returns its id.
func (u *UI) manageAlerts(w http.ResponseWriter, r *http.Request) (string, bool) {
	a := actorOf(r)
	if !access.Can(a, access.ManageAlerts, access.Target{OrgID: a.OrgID}) {
		u.fail(w, r, access.ErrDenied)
		return "", false
	}
	return a.OrgID, true
}

func (u *UI) alertSettings(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.manageAlerts(w, r)
	if !ok {
		return
	}
	u.renderSettings(w, r, http.StatusOK, orgID, &form{Values: map[string]string{"every": "daily"}}, settingsData{})
}

func (u *UI) renderSettings(w http.ResponseWriter, r *http.Request, status int, orgID string, f *form, d settingsData) {
	a, ctx := actorOf(r), r.Context()
	var err error
	if d.Webhooks, err = u.alerts.Webhooks(ctx, a, orgID); err != nil {
		u.fail(w, r, err)
		return
	}
	if d.Deliveries, err = u.alerts.WebhookDeliveries(ctx, a, orgID, deliveriesShown); err != nil {
		u.fail(w, r, err)
		return
	}
	if d.Digests, err = u.alerts.Digests(ctx, a, orgID); err != nil {
		u.fail(w, r, err)
		return
	}
	d.Periods = digestPeriods
	u.render(w, r, status, "ew_alert_settings", page{TitleKey: "ewui.settings.title", Nav: "alerts", Data: d, Form: f})
}

func (u *UI) createWebhook(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.manageAlerts(w, r)
	if !ok {
		return
	}
	f := newForm(r, "url")
	f.Values["every"] = "daily"
	hook, err := u.alerts.CreateWebhook(r.Context(), actorOf(r), alerts.Webhook{OrgID: orgID, URL: f.Value("url"), Enabled: true})
	if err != nil {
		if !f.fail(err) {
			u.fail(w, r, err)
			return
		}
		u.renderSettings(w, r, http.StatusUnprocessableEntity, orgID, f, settingsData{})
		return
	}
	// The secret is shown on this response only, as a token's is.
	u.renderSettings(w, r, http.StatusCreated, orgID, &form{Values: map[string]string{"every": "daily"}},
		settingsData{Secret: hook.Secret, SecretURL: hook.URL})
}

// ownWebhook finds webhook id among orgID's: another organisation's is
// not found.
func (u *UI) ownWebhook(r *http.Request, orgID, id string) (alerts.Webhook, error) {
	hooks, err := u.alerts.Webhooks(r.Context(), actorOf(r), orgID)
	if err != nil {
		return alerts.Webhook{}, err
	}
	for _, h := range hooks {
		if h.ID == id && h.OrgID == orgID {
			return h, nil
		}
	}
	return alerts.Webhook{}, store.ErrNotFound
}

func (u *UI) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.manageAlerts(w, r)
	if !ok {
		return
	}
	hook, err := u.ownWebhook(r, orgID, r.PathValue("id"))
	if err == nil {
		err = u.alerts.DeleteWebhook(r.Context(), actorOf(r), hook.ID)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/alerts/settings", "done.ew_webhook_deleted")
}

func (u *UI) replayDelivery(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.manageAlerts(w, r)
	if !ok {
		return
	}
	id, ok := pathInt64(r, "id")
	if !ok {
		u.fail(w, r, store.ErrNotFound)
		return
	}
	// Only a delivery the page lists (one of the own webhooks') is
	// replayed; Replay checks again.
	ds, err := u.alerts.WebhookDeliveries(r.Context(), actorOf(r), orgID, 1000)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	found := false
	for _, d := range ds {
		found = found || d.ID == id
	}
	if !found {
		u.fail(w, r, store.ErrNotFound)
		return
	}
	if err := u.alerts.Replay(r.Context(), actorOf(r), id); err != nil {
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/alerts/settings", "done.ew_delivery_replayed")
}

func (u *UI) createDigest(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.manageAlerts(w, r)
	if !ok {
		return
	}
	f := newForm(r, "email", "every")
	_, err := u.alerts.CreateDigest(r.Context(), actorOf(r), alerts.Digest{OrgID: orgID, Email: f.Value("email"), Every: f.Value("every")})
	if err != nil {
		if !f.fail(err) {
			u.fail(w, r, err)
			return
		}
		u.renderSettings(w, r, http.StatusUnprocessableEntity, orgID, f, settingsData{})
		return
	}
	redirect(w, r, "/alerts/settings", "done.ew_digest_created")
}

func (u *UI) deleteDigest(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.manageAlerts(w, r)
	if !ok {
		return
	}
	ds, err := u.alerts.Digests(r.Context(), actorOf(r), orgID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	for _, d := range ds {
		if d.ID == id && d.OrgID == orgID {
			if err := u.alerts.DeleteDigest(r.Context(), actorOf(r), id); err != nil {
				u.fail(w, r, err)
				return
			}
			redirect(w, r, "/alerts/settings", "done.ew_digest_deleted")
			return
		}
	}
	u.fail(w, r, store.ErrNotFound)
}

// HookURL is the URL of one of the listed webhooks, for its deliveries.
func (d settingsData) HookURL(id string) string {
	for _, h := range d.Webhooks {
		if h.ID == id {
			return h.URL
		}
	}
	return ""
}
