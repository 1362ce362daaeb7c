package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/alerts"
	"atalaya/internal/auth"
	"atalaya/internal/event"
	"atalaya/internal/feeds"
	"atalaya/internal/i18n"
)

// sampleDelivery is a delivery with every kind of field set, extras and
// text that must come out escaped.
func sampleDelivery(id int64, by string) feeds.StoredEvent {
	at := time.Date(2026, 3, 1, 10, 20, 30, 0, time.UTC)
	return feeds.StoredEvent{ID: id, EventID: id * 10, FeedName: "shadowserver-scan-http", OrgID: "org-mx", By: by,
		Key: "198.51.100.0/24", Repeats: 3, FirstSeen: at.Add(-time.Hour), LastSeen: at,
		Event: event.Event{TimeSource: at, TimeObservation: at, FeedName: "shadowserver-scan-http",
			SourceIP: netip.MustParseAddr("198.51.100.7"), SourcePort: 8080, SourceASN: 64496,
			SourceCountry: "MX", Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-http",
			MalwareName: "mirai", TLP: "amber", Raw: `"198.51.100.7",8080,"<script>alert(1)</script>"`,
			Extra: map[string]string{"tag": "<b>x</b>"}}}
}

// TestEarlyWarningPagesRender renders every early-warning page with
// sample data in every language, so a template or catalog fault fails the
// build: a page must render (200), show no catalog key as text, no
// template "<no value>" and no markup from the data.
func TestEarlyWarningPagesRender(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	u, err := New(Options{I18n: bundle, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 10, 20, 30, 0, time.UTC)
	d1, d2 := sampleDelivery(7, feeds.ByPrefix), sampleDelivery(8, feeds.ByWatch)
	d2.Event.SourceIP = netip.Addr{}
	d2.Event.SourceFQDN = "bad.example.gob.mx"
	run := feeds.Run{ID: "run-1", FeedName: "shadowserver-scan-http", Trigger: "upload", Input: "scan.csv", State: "failed",
		Started: at, Finished: at.Add(time.Second), Lines: 1200, Accepted: 1000, Duplicates: 150, Quarantined: 40,
		Filtered: 10, Delivered: 990, Err: "line 7: <bad>"}
	status := feeds.FeedStatus{Feed: feeds.Feed{ID: "f1", Name: "shadowserver-scan-http", Title: "Scan HTTP",
		Provider: "Shadowserver", Format: "shadowserver", Source: feeds.SourceHTTP, URL: "https://example.org/x.csv",
		Interval: 90 * time.Minute, Retention: 30 * 24 * time.Hour, TLP: "amber", Enabled: true},
		LastRun: &run, Events: 12345, Quarantined: 40, NextRun: at.Add(time.Hour)}
	idle := feeds.FeedStatus{Feed: feeds.Feed{ID: "f2", Name: "uploads", Format: "csv", Source: feeds.SourceUpload}}
	quarantined := quarantineRow{Quarantined: feeds.Quarantined{ID: 1, FeedID: "f1", RunID: "run-1", At: at,
		Rejected: event.Rejected{Line: 7, Field: "source.ip", Code: "event_ip", Message: "not an IP", Raw: "<raw line>"}},
		Reason: "not an IP"}
	rule := alerts.Rule{ID: "r1", OrgID: "org-mx", Name: "Mirai", Expr: `malware.name == "mirai"`, Enabled: true, UpdatedAt: at}
	hook := alerts.Webhook{ID: "w1", OrgID: "org-mx", URL: "https://hooks.example/x", Enabled: true, CreatedAt: at}
	var deliveries []alerts.WebhookDelivery
	for _, state := range []string{"pending", "ok", "failed"} {
		deliveries = append(deliveries, alerts.WebhookDelivery{ID: int64(len(deliveries) + 1), WebhookID: "w1", Alerts: 2,
			Attempts: 3, State: state, LastStatus: 500, LastError: "timeout", NextAttempt: at, CreatedAt: at})
	}
	digests := []alerts.Digest{{ID: "d1", OrgID: "org-mx", Email: "soc@example.gob.mx", Every: "hourly"},
		{ID: "d2", OrgID: "org-mx", Email: "boss@example.gob.mx", Every: "daily", LastSent: at}}
	filled := &form{Values: map[string]string{"name": "x", "expr": "bad(", "url": "https://h.example", "mapping": "ip = source.ip\n"}}
	pages := []struct {
		name string
		p    page
	}{
		{"ew_events", page{TitleKey: "ewui.events.title", Nav: "events", Data: inboxData{Rows: []eventRow{{d1}, {d2}},
			Feeds: []string{"a", "b"}, Taxonomies: sortedKeys(event.Taxonomies()), Types: rsitTypes(), Bys: byKinds,
			NextURL: "/events?cursor=x", Exports: eventExportLinks(inboxQuery{Q: "198.51"})}}},
		{"ew_events", page{TitleKey: "ewui.events.title", Data: inboxData{First: true, Bys: byKinds}}},
		{"ew_event", page{Title: "198.51.100.7", Nav: "events", Data: eventData{Row: eventRow{d1}}}},
		{"ew_event", page{Title: "bad.example.gob.mx", Data: eventData{Row: eventRow{d2}}}},
		{"ew_alerts", page{TitleKey: "ewui.alerts.title", Nav: "alerts", Data: alertsData{CanManage: true, NextURL: "/alerts?cursor=1",
			Rows: []alertRow{{alerts.Alert{ID: 1, OrgID: "org-mx", RuleID: "r1", RuleName: "<Mirai>", At: at, Event: d1}}}}}},
		{"ew_alerts", page{TitleKey: "ewui.alerts.title", Data: alertsData{First: true}}},
		{"ew_rules", page{TitleKey: "ewui.rules.title", Data: rulesData{Rules: []alerts.Rule{rule}, EditID: "r1", CanManage: true,
			Open: "delete", Try: &tryView{TryResult: alerts.TryResult{Evaluated: 10, Matched: 2, Errors: 1}, Rows: []eventRow{{d1}}}}}},
		{"ew_rules", page{TitleKey: "ewui.rules.title", Data: rulesData{}}},
		{"ew_alert_settings", page{TitleKey: "ewui.settings.title", Data: settingsData{Webhooks: []alerts.Webhook{hook},
			Deliveries: deliveries, Digests: digests, Periods: digestPeriods, Secret: "s3cret", SecretURL: hook.URL}}},
		{"ew_alert_settings", page{TitleKey: "ewui.settings.title", Data: settingsData{Periods: digestPeriods}}},
		{"ew_feeds", page{TitleKey: "ewui.feeds.title", Data: feedsData{Feeds: []feedRow{{status}, {idle}}, CanManage: true}}},
		{"ew_feeds", page{TitleKey: "ewui.feeds.title", Data: feedsData{}}},
		{"ew_feed", page{Title: "Scan HTTP", Data: feedData{Status: feedRow{status}, Runs: []feeds.Run{run}, CanManage: true,
			Quarantine: []quarantineRow{quarantined}, QNextURL: "/feeds/x?qcursor=2", Formats: []string{"csv", "json"}, Run: &run, Open: "delete"}}},
		{"ew_feed", page{Title: "uploads", Data: feedData{Status: feedRow{idle}, QFirst: true}}},
		{"ew_feed_form", page{TitleKey: "ewui.feed.new", Data: feedFormData{Action: "/feeds/new", Formats: []string{"csv"},
			Sources: sourceKinds, TLPs: tlpLevels(), HasAuth: true}}},
		{"ew_feed_form", page{TitleKey: "ewui.feed.edit", Data: feedFormData{Action: "/feeds/x/edit", Edit: true,
			Formats: []string{"csv"}, Sources: sourceKinds, TLPs: tlpLevels()}}},
	}
	analyst := access.Actor{UserID: "u1", OrgID: "org-mx", Roles: []access.Role{access.Analyst}}
	for _, lang := range i18n.Languages() {
		for i, pg := range pages {
			t.Run(lang+"/"+pg.name, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, "/x", nil)
				req.Header.Set("Accept-Language", lang)
				req = req.WithContext(context.WithValue(req.Context(), sessionKey{},
					session{actor: analyst, user: &auth.User{Email: "analyst@example.org"}}))
				p := pg.p
				if i%2 == 0 {
					p.Form = filled
				}
				rec := httptest.NewRecorder()
				u.render(rec, req, http.StatusOK, pg.name, p)
				body := rec.Body.String()
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d: %s", rec.Code, body)
				}
				for _, bad := range []string{"ewui.", "done.ew_", "<no value>", "%!", "<script>alert", "<b>x</b>", "<bad>", "<raw line>", "<Mirai>"} {
					if strings.Contains(body, bad) {
						t.Errorf("page shows %q", bad)
					}
				}
				if !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("page is not in %s", lang)
				}
			})
		}
	}
}
