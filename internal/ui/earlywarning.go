package ui

import (
	"net/http"
	"strconv"

	"atalaya/internal/access"
	"atalaya/internal/valid"
)

// registerEarlyWarning adds the early-warning pages: the team's inbox of
// events, its live alerts and alert settings, and the feeds' status and
// administration. Without the feeds (or alerts) service there are none.
func (u *UI) registerEarlyWarning(handle func(pattern string, h http.Handler)) {
	h := func(pattern string, f http.HandlerFunc) { handle(pattern, u.signedIn(f)) }
	if u.feeds != nil {
		h("GET /events", u.eventsInbox)
		h("GET /events/export", u.eventsExport)
		h("GET /events/{id}", u.eventPage)
		h("GET /feeds", u.feedsStatus)
		h("GET /feeds/new", u.newFeedForm)
		h("POST /feeds/new", u.createFeed)
		h("GET /feeds/{name}", u.feedPage)
		h("GET /feeds/{name}/edit", u.editFeedForm)
		h("POST /feeds/{name}/edit", u.editFeed)
		h("POST /feeds/{name}/run", u.runFeed)
		h("POST /feeds/{name}/upload", u.uploadFeed)
		h("POST /feeds/{name}/delete", u.deleteFeed)
	}
	if u.alerts != nil {
		h("GET /alerts", u.alertsLive)
		h("GET /alerts/stream", u.alertStream)
		h("GET /alerts/rules", u.alertRules)
		h("GET /alerts/rules/{id}", u.alertRules)
		h("POST /alerts/rules", u.postRule)
		h("POST /alerts/rules/{id}/delete", u.deleteRule)
		h("GET /alerts/settings", u.alertSettings)
		h("POST /alerts/settings/webhooks", u.createWebhook)
		h("POST /alerts/settings/webhooks/{id}/delete", u.deleteWebhook)
		h("POST /alerts/settings/deliveries/{id}/replay", u.replayDelivery)
		h("POST /alerts/settings/digests", u.createDigest)
		h("POST /alerts/settings/digests/{id}/delete", u.deleteDigest)
	}
}

// ownEvents answers 403 unless access lets the actor see the events of the
// own organisation, the only inbox the pages show; it returns that
// organisation's id. The services check again: this only spares a page
// half-rendered before the refusal.
func (u *UI) ownEvents(w http.ResponseWriter, r *http.Request) (string, bool) {
	a := actorOf(r)
	if !access.CanSeeEvents(a, a.OrgID) {
		u.fail(w, r, access.ErrDenied)
		return "", false
	}
	return a.OrgID, true
}

// failInput is fail for a list read with a cursor or filter from the
// URL: a validation error there is a bad request (a cursor no page gave),
// not a server failure.
func (u *UI) failInput(w http.ResponseWriter, r *http.Request, err error) {
	if valid.List(err) != nil {
		u.badRequest(w, r)
		return
	}
	u.fail(w, r, err)
}

// badRequest answers 400 with the generic page.
func (u *UI) badRequest(w http.ResponseWriter, r *http.Request) {
	u.render(w, r, http.StatusBadRequest, "error", page{TitleKey: "error.bad_request.title", Data: "error.bad_request"})
}

// pathInt64 reads a numeric path value; ok is false for anything else.
func pathInt64(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n, err == nil && n > 0
}
