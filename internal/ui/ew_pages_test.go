package ui_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atalaya/internal/alerts"
	"atalaya/internal/app/apptest"
)

// inboxFixture loads n infected-system events for Mexico's national team
// (198.51.100.1..n), one scanner at its domain and one vulnerable system
// of the bank, and returns the run.
func inboxFixture(t *testing.T, e *apptest.Env, n int) {
	t.Helper()
	createTestFeed(t, e)
	var b strings.Builder
	b.WriteString(ewHeader)
	for i := 1; i <= n; i++ {
		b.WriteString(markerLine(fmt.Sprintf("198.51.100.%d", i), fmt.Sprintf("bulk-%03d", i)))
	}
	b.WriteString(",www.example.gob.mx,22,information-gathering,scanner,domain-scanner,\n")
	b.WriteString("198.51.100.130,,3389,vulnerable,vulnerable-system,bank-rdp,\n")
	if run := ingest(t, e, b.String()); run.Accepted != int64(n+2) {
		t.Fatalf("accepted %d, want %d", run.Accepted, n+2)
	}
}

var rowID = regexp.MustCompile(`<tr id="event-([0-9]+)"`)

func rowsIn(body string) int { return len(rowID.FindAllString(body, -1)) }

func TestEventsInboxFiltersPagesAndExports(t *testing.T) {
	e := apptest.New(t)
	const bulk = 60
	inboxFixture(t, e, bulk)
	c := e.Login(t, mxAnalyst)
	cases := []struct {
		name, query string
		status      int
		rows        int      // rows on the page
		want, not   []string // on the page, or not
	}{
		// Counted within the test feed: the demo may load events of its own.
		{"first page", "", 200, 50, []string{`id="more"`, "bulk-060"}, []string{"bulk-001", "bank-rdp"}},
		{"search by value", "?q=bulk-00", 200, 9, []string{"bulk-009"}, []string{"bulk-010", "domain-scanner"}},
		{"search by address", "?q=198.51.100.42", 200, 1, []string{"bulk-042"}, nil},
		{"taxonomy", "?taxonomy=information-gathering&feed=" + ewFeed, 200, 1, []string{"domain-scanner"}, []string{"bulk-"}},
		{"type", "?type=infected-system&feed=" + ewFeed, 200, 50, []string{"bulk-"}, []string{"domain-scanner"}},
		{"routed by domain", "?by=domain&feed=" + ewFeed, 200, 1, []string{"domain-scanner", "example.gob.mx"}, []string{"bulk-"}},
		{"feed", "?feed=" + ewFeed + "&q=domain", 200, 1, []string{"domain-scanner"}, nil},
		{"other feed", "?feed=nosuchfeed", 200, 0, nil, []string{"bulk-"}},
		{"until before everything", "?until=2000-01-01T00:00", 200, 0, nil, []string{"bulk-"}},
		{"since long ago", "?since=2000-01-01T00:00&q=bulk-05", 200, 10, []string{"bulk-050"}, nil},
		{"unknown taxonomy", "?taxonomy=nonsense", 422, 0, []string{`id="taxonomy-error"><p class="field-error"`}, nil},
		{"type of another taxonomy", "?taxonomy=vulnerable&type=scanner", 422, 0, []string{`id="type-error"><p class="field-error"`}, nil},
		{"bad time kept", "?since=yesterday", 422, 0, []string{`id="since-error"><p class="field-error"`, `value="yesterday"`}, nil},
		{"until before since", "?since=2026-01-02T00:00&until=2026-01-01T00:00", 422, 0, []string{`id="until-error"><p class="field-error"`}, nil},
		{"bad cursor", "?cursor=x", 422, 0, nil, []string{"bulk-"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, c, e.URL+"/events"+tc.query)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			if got := rowsIn(body); got != tc.rows {
				t.Errorf("%d rows, want %d", got, tc.rows)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(body, w) {
					t.Errorf("page shows %q", w)
				}
			}
		})
	}

	t.Run("next page keeps the filter and ends", func(t *testing.T) {
		_, first := get(t, c, e.URL+"/events?type=infected-system&feed="+ewFeed)
		next := regexp.MustCompile(`href="(/events\?[^"]*cursor=[^"]*)" rel="next"`).FindStringSubmatch(first)
		if next == nil {
			t.Fatal("no next page link")
		}
		link := strings.ReplaceAll(next[1], "&amp;", "&")
		if !strings.Contains(link, "type=infected-system") {
			t.Errorf("next link %q drops the filter", link)
		}
		_, second := get(t, c, e.URL+link)
		if rowsIn(second) != bulk-50 || strings.Contains(second, `id="more"`) || !strings.Contains(second, "bulk-001") {
			t.Errorf("second page: %d rows, want %d and no more", rowsIn(second), bulk-50)
		}
		for _, m := range rowID.FindAllStringSubmatch(second, -1) {
			if strings.Contains(first, `<tr id="event-`+m[1]+`"`) {
				t.Errorf("event %s on both pages", m[1])
			}
		}
	})

	t.Run("exports hold every page of the filter", func(t *testing.T) {
		status, body := get(t, c, e.URL+"/events/export?format=csv&type=infected-system&feed="+ewFeed)
		if status != http.StatusOK {
			t.Fatalf("csv: status %d", status)
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("csv: %v", err)
		}
		if len(rows) != bulk+1 {
			t.Errorf("csv has %d rows, want header + %d", len(rows), bulk)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, h := range []string{"id", "feed", "by", "key", "repeats", "first_seen", "last_seen", "source.ip",
			"classification.identifier", "raw"} {
			if _, ok := col[h]; !ok {
				t.Errorf("csv has no column %s", h)
			}
		}
		if len(rows) > 1 && (rows[1][col["feed"]] != ewFeed || rows[1][col["by"]] != "prefix" ||
			!strings.HasPrefix(rows[1][col["source.ip"]], "198.51.100.")) {
			t.Errorf("csv row %q", rows[1])
		}
		status, body = get(t, c, e.URL+"/events/export?format=json&q=domain-scanner")
		var events []struct {
			ID    int64          `json:"id"`
			By    string         `json:"by"`
			Key   string         `json:"key"`
			Event map[string]any `json:"event"` // event.Flat: ports and AS numbers are numbers
		}
		if err := json.Unmarshal([]byte(body), &events); err != nil || status != http.StatusOK {
			t.Fatalf("json: status %d, %v", status, err)
		}
		if len(events) != 1 || events[0].By != "domain" || events[0].Key != "example.gob.mx" ||
			events[0].Event["source.fqdn"] != "www.example.gob.mx" || events[0].Event["classification.type"] != "scanner" {
			t.Errorf("json export = %+v", events)
		}
		status, body = get(t, c, e.URL+"/events/export?format=json&feed=nosuchfeed")
		if status != http.StatusOK || strings.TrimSpace(body) != "[]" {
			t.Errorf("empty json export: %d %q", status, body)
		}
		for _, bad := range []string{"format=xml", "format=csv&taxonomy=nonsense"} {
			if status, _ := get(t, c, e.URL+"/events/export?"+bad); status != http.StatusBadRequest {
				t.Errorf("export %s: status %d, want 400", bad, status)
			}
		}
	})
}

func TestEventPageShowsEveryField(t *testing.T) {
	e := apptest.New(t)
	createTestFeed(t, e)
	line := "198.51.100.77,,2323,malicious-code,infected-system,mirai-drone,mirai\n"
	ingest(t, e, ewHeader+line)
	ingest(t, e, ewHeader+line) // seen again: one event, two reports
	c := e.Login(t, mxAnalyst)
	_, list := get(t, c, e.URL+"/events?q=mirai-drone")
	ids := eventIDsIn(list)
	if len(ids) != 1 {
		t.Fatalf("inbox lists %d events, want 1", len(ids))
	}
	status, body := get(t, c, fmt.Sprintf("%s/events/%d", e.URL, ids[0]))
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, w := range []string{"<h1>198.51.100.77</h1>", `<th scope="row" class="mono">source.ip</th><td class="mono">198.51.100.77</td>`,
		`<th scope="row" class="mono">source.port</th><td class="mono">2323</td>`,
		`<th scope="row" class="mono">malware.name</th><td class="mono">mirai</td>`,
		`<th scope="row" class="mono">feed.name</th><td class="mono">` + ewFeed + `</td>`,
		`id="raw">198.51.100.77,,2323,malicious-code,infected-system,mirai-drone,mirai</pre>`,
		`<dd id="repeats">2</dd>`, "198.51.100.0/24"} {
		if !strings.Contains(body, w) {
			t.Errorf("event page lacks %q", w)
		}
	}
	for _, p := range []string{"/events/0", "/events/x", "/events/99999999999999"} {
		if status, _ := get(t, c, e.URL+p); status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, status)
		}
	}
}

func TestRuleEditorTriesSavesAndDeletes(t *testing.T) {
	e := apptest.New(t)
	inboxFixture(t, e, 3)
	c := e.Login(t, mxAnalyst)
	rules := e.URL + "/alerts/rules"

	status, body, _ := post(t, c, rules, url.Values{"action": {"try"}, "name": {"Bad"}, "expr": {`classification.type ==`}})
	if status != http.StatusUnprocessableEntity || !fieldError(body, "expr") || !strings.Contains(body, "classification.type ==</textarea>") {
		t.Errorf("bad expression tried: status %d, error beside expr %v, text kept %v", status, fieldError(body, "expr"),
			strings.Contains(body, "classification.type ==</textarea>"))
	}
	expr := `classification.type == "infected-system"`
	status, body, _ = post(t, c, rules, url.Values{"action": {"try"}, "name": {"Drones"}, "expr": {expr}})
	if status != http.StatusOK {
		t.Fatalf("try: status %d", status)
	}
	for _, w := range []string{`<dd id="try-evaluated">4</dd>`, `<dd id="try-matched">3</dd>`, "bulk-001", "bulk-003",
		`value="Drones"`} {
		if !strings.Contains(body, w) {
			t.Errorf("try-out lacks %q", w)
		}
	}
	if strings.Contains(section(body, "try-title"), "domain-scanner") {
		t.Error("try-out samples an event the rule does not match")
	}
	if got, _ := e.App.Alerts.Rules(t.Context(), e.Actor(t, mxAnalyst), e.Org(t, "DEMO-MX-NAT")); len(got) != 0 {
		t.Errorf("trying saved %d rules", len(got))
	}

	status, body, _ = post(t, c, rules, url.Values{"action": {"save"}, "name": {"Drones"}, "expr": {"nope("}, "enabled": {"on"}})
	if status != http.StatusUnprocessableEntity || !fieldError(body, "expr") {
		t.Errorf("bad rule saved: status %d", status)
	}
	status, _, loc := post(t, c, rules, url.Values{"action": {"save"}, "name": {"Drones"}, "expr": {expr}, "enabled": {"on"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/alerts/rules") {
		t.Fatalf("save: status %d to %q", status, loc)
	}
	saved, err := e.App.Alerts.Rules(t.Context(), e.Actor(t, mxAnalyst), e.Org(t, "DEMO-MX-NAT"))
	if err != nil || len(saved) != 1 || saved[0].Expr != expr || !saved[0].Enabled {
		t.Fatalf("rules after saving: %+v, %v", saved, err)
	}
	id := saved[0].ID
	_, body = get(t, c, rules+"/"+id)
	if !strings.Contains(body, `name="id" value="`+id+`"`) || !strings.Contains(body, "Drones") {
		t.Error("the editor does not hold the rule")
	}
	// Edited: disabled.
	if status, _, _ := post(t, c, rules, url.Values{"action": {"save"}, "id": {id}, "name": {"Drones off"}, "expr": {expr}}); status != http.StatusSeeOther {
		t.Errorf("edit: status %d", status)
	}
	saved, _ = e.App.Alerts.Rules(t.Context(), e.Actor(t, mxAnalyst), e.Org(t, "DEMO-MX-NAT"))
	if len(saved) != 1 || saved[0].Name != "Drones off" || saved[0].Enabled {
		t.Errorf("after edit: %+v", saved)
	}

	// Another team cannot open, change or delete it.
	bank := e.Login(t, bankAdmin)
	if status, _ := get(t, bank, rules+"/"+id); status != http.StatusNotFound {
		t.Errorf("another team opens the rule: %d", status)
	}
	if status, _, _ := post(t, bank, rules, url.Values{"action": {"save"}, "id": {id}, "name": {"x"}, "expr": {"true"}}); status != http.StatusNotFound {
		t.Errorf("another team saves over the rule: %d", status)
	}
	if status, _, _ := post(t, bank, rules+"/"+id+"/delete", url.Values{"confirm": {"yes"}}); status != http.StatusNotFound {
		t.Errorf("another team deletes the rule: %d", status)
	}
	if status, _, _ := post(t, e.Login(t, observer), rules, url.Values{"action": {"try"}, "expr": {"true"}}); status != http.StatusForbidden {
		t.Errorf("observer tries a rule: %d", status)
	}

	status, body, _ = post(t, c, rules+"/"+id+"/delete", nil)
	if status != http.StatusUnprocessableEntity || !fieldError(body, "confirm") {
		t.Errorf("delete without confirmation: %d", status)
	}
	if status, _, _ := post(t, c, rules+"/"+id+"/delete", url.Values{"confirm": {"yes"}}); status != http.StatusSeeOther {
		t.Errorf("delete: %d", status)
	}
	if saved, _ := e.App.Alerts.Rules(t.Context(), e.Actor(t, mxAnalyst), e.Org(t, "DEMO-MX-NAT")); len(saved) != 0 {
		t.Errorf("rule not deleted: %+v", saved)
	}
}

func TestAlertSettingsWebhooksAndDigests(t *testing.T) {
	e := apptest.New(t)
	c := e.Login(t, mxAdmin)
	settings := e.URL + "/alerts/settings"
	status, body, _ := post(t, c, settings+"/webhooks", url.Values{"url": {"not a url"}})
	if status != http.StatusUnprocessableEntity || !fieldError(body, "url") || !strings.Contains(body, `value="not a url"`) {
		t.Errorf("bad webhook: status %d, error beside url %v", status, fieldError(body, "url"))
	}
	status, body, _ = post(t, c, settings+"/webhooks", url.Values{"url": {"https://hooks.example.org/atalaya"}})
	secret := regexp.MustCompile(`id="webhook-secret">([^<]+)<`).FindStringSubmatch(body)
	if status != http.StatusCreated || secret == nil || len(secret[1]) < 16 {
		t.Fatalf("webhook: status %d, secret %v", status, secret)
	}
	_, body = get(t, c, settings)
	if strings.Contains(body, secret[1]) || !strings.Contains(body, "https://hooks.example.org/atalaya") {
		t.Error("the settings page shows the secret again, or not the webhook")
	}
	hooks, err := e.App.Alerts.Webhooks(t.Context(), e.Actor(t, mxAdmin), e.Org(t, "DEMO-MX-NAT"))
	if err != nil || len(hooks) != 1 {
		t.Fatalf("webhooks: %+v %v", hooks, err)
	}

	status, body, _ = post(t, c, settings+"/digests", url.Values{"email": {"not-an-address"}, "every": {"daily"}})
	if status != http.StatusUnprocessableEntity || !fieldError(body, "email") {
		t.Errorf("bad digest: status %d, error beside email %v", status, fieldError(body, "email"))
	}
	if status, _, _ := post(t, c, settings+"/digests", url.Values{"email": {"soc@example.gob.mx"}, "every": {"hourly"}}); status != http.StatusSeeOther {
		t.Errorf("digest: status %d", status)
	}
	ds, _ := e.App.Alerts.Digests(t.Context(), e.Actor(t, mxAdmin), e.Org(t, "DEMO-MX-NAT"))
	if len(ds) != 1 || ds[0].Email != "soc@example.gob.mx" || ds[0].Every != "hourly" {
		t.Fatalf("digests: %+v", ds)
	}

	// A delivery that fails (the webhook's address is refused) is listed
	// with its error, and can be sent again.
	createTestFeed(t, e)
	saveRule(t, e, mxAdmin, "Everything", "true")
	if _, err := e.App.Alerts.CreateWebhook(t.Context(), e.Actor(t, mxAdmin), alerts.Webhook{URL: "https://127.0.0.1:1/hook", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	ingest(t, e, ewHeader+markerLine("198.51.100.44", "hooked"))
	var failed alerts.WebhookDelivery
	for deadline := time.Now().Add(10 * time.Second); failed.Attempts == 0; time.Sleep(20 * time.Millisecond) {
		ds, err := e.App.Alerts.WebhookDeliveries(t.Context(), e.Actor(t, mxAdmin), e.Org(t, "DEMO-MX-NAT"), 10)
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("no attempted delivery after 10 s: %+v, %v", ds, err)
		}
		for _, d := range ds {
			if d.Attempts > 0 {
				failed = d
			}
		}
	}
	hookURL := map[string]string{}
	all, _ := e.App.Alerts.Webhooks(t.Context(), e.Actor(t, mxAdmin), e.Org(t, "DEMO-MX-NAT"))
	for _, h := range all {
		hookURL[h.ID] = h.URL
	}
	_, body = get(t, c, settings)
	row := section(body, "deliveries-title")
	if !strings.Contains(row, fmt.Sprintf(`id="delivery-%d"`, failed.ID)) || !strings.Contains(row, hookURL[failed.WebhookID]) ||
		!strings.Contains(row, html.EscapeString(failed.LastError)) || failed.LastError == "" {
		t.Errorf("deliveries section lacks the failed delivery %+v", failed)
	}
	replay := fmt.Sprintf("%s/deliveries/%d/replay", settings, failed.ID)
	bank := e.Login(t, bankAdmin)
	if status, _, _ := post(t, bank, replay, nil); status != http.StatusNotFound {
		t.Errorf("another team replays the delivery: %d", status)
	}
	if status, _, loc := post(t, c, replay, nil); status != http.StatusSeeOther || !strings.Contains(loc, "done=done.ew_delivery_replayed") {
		t.Errorf("replay: %d to %q", status, loc)
	}

	if status, _, _ := post(t, bank, settings+"/webhooks/"+hooks[0].ID+"/delete", nil); status != http.StatusNotFound {
		t.Errorf("another team deletes the webhook: %d", status)
	}
	if status, _, _ := post(t, bank, settings+"/digests/"+ds[0].ID+"/delete", nil); status != http.StatusNotFound {
		t.Errorf("another team deletes the digest: %d", status)
	}
	if status, _, _ := post(t, bank, settings+"/deliveries/1/replay", nil); status != http.StatusNotFound {
		t.Errorf("replaying an unknown delivery: %d", status)
	}
	if status, _, _ := post(t, c, settings+"/webhooks/"+hooks[0].ID+"/delete", nil); status != http.StatusSeeOther {
		t.Errorf("delete webhook: %d", status)
	}
	if status, _, _ := post(t, c, settings+"/digests/"+ds[0].ID+"/delete", nil); status != http.StatusSeeOther {
		t.Errorf("delete digest: %d", status)
	}
	_, body = get(t, c, settings)
	if strings.Contains(body, "hooks.example.org") || strings.Contains(body, "soc@example.gob.mx") {
		t.Error("deleted settings still listed")
	}
	officer := e.Login(t, "officer@secretariat.example")
	if status, _ := get(t, officer, settings); status != http.StatusForbidden {
		t.Errorf("secretariat officer opens alert settings: %d", status)
	}
}

// TestAlertStreamDeliversLive subscribes to the stream as Mexico's
// analyst, ingests an event for Mexico and one for Brazil, and reads the
// first within a second (the delay is logged), never the second; a
// reconnection with Last-Event-ID brings what was missed.
func TestAlertStreamDeliversLive(t *testing.T) {
	e := apptest.New(t)
	createTestFeed(t, e)
	saveRule(t, e, mxAnalyst, "Everything", "true")
	saveRule(t, e, brAnalyst, "Everything", "true")
	c := e.Login(t, mxAnalyst)
	status, events, stop := openStream(t, c, e.URL, "")
	defer stop()
	if status != http.StatusOK {
		t.Fatalf("stream: status %d", status)
	}
	start := time.Now()
	ingest(t, e, ewHeader+markerLine("192.0.2.20", "live-br")+markerLine("198.51.100.20", "live-mx"))
	got := collect(events, 1, 5*time.Second)
	delay := time.Since(start)
	if len(got) != 1 {
		t.Fatalf("no alert on the stream after %v", delay)
	}
	t.Logf("alert on the stream %v after the ingest began", delay)
	first := decodeAlert(t, got[0])
	if first.Identifier != "live-mx" || first.Rule != "Everything" || first.Subject != "198.51.100.20" ||
		!strings.HasPrefix(first.URL, "/events/") {
		t.Errorf("streamed alert %+v", first)
	}
	if extra := collect(events, 1, 300*time.Millisecond); len(extra) != 0 {
		t.Errorf("stream brought another organisation's alert: %s", extra[0].Data)
	}
	if status, _ := get(t, c, e.URL+first.URL); status != http.StatusOK {
		t.Errorf("the alert's event link: %d", status)
	}
	if status, body := get(t, c, e.URL+"/alerts"); status != http.StatusOK || !strings.Contains(body, "live-mx") ||
		strings.Contains(body, "live-br") {
		t.Errorf("recent alerts: status %d, lists Mexico's %v, Brazil's %v", status, strings.Contains(body, "live-mx"),
			strings.Contains(body, "live-br"))
	}
	if status, _ := get(t, c, e.URL+"/alerts?cursor=nonsense"); status != http.StatusBadRequest {
		t.Errorf("recent alerts with a made-up cursor: %d, want 400", status)
	}
	stop()

	// Missed while away: resumed from the last id seen.
	ingest(t, e, ewHeader+markerLine("198.51.100.21", "missed-mx"))
	waitAlerts(t, e, mxAnalyst, 2)
	_, events, stop2 := openStream(t, c, e.URL, got[0].ID)
	defer stop2()
	resumed := collect(events, 1, 5*time.Second)
	if len(resumed) != 1 || decodeAlert(t, resumed[0]).Identifier != "missed-mx" {
		t.Errorf("resumed stream brought %v, want the missed alert", resumed)
	}
}
