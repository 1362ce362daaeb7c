package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
)

// saveRule creates a rule as w and returns it.
func saveRule(t *testing.T, e *apptest.Env, w who, name, expr string) ruleOut {
	t.Helper()
	var r ruleOut
	post(t, e, w, "/api/v1/alert-rules", map[string]any{"name": name, "expr": expr}, http.StatusCreated, &r)
	return r
}

// alertsOf lists w's organisation's alerts once n of them are recorded.
func alertsOf(t *testing.T, e *apptest.Env, w who, n int) []alertOut {
	t.Helper()
	var l list[alertOut]
	waitFor(t, strconv.Itoa(n)+" alerts", func() bool {
		l = list[alertOut]{}
		get(t, e, w, "/api/v1/alerts", http.StatusOK, &l)
		return len(l.Items) >= n
	})
	return l.Items
}

// TestAlertRules: a team's rules are created, tried, read, replaced and
// removed, and raise alerts on the team's events only.
func TestAlertRules(t *testing.T) {
	eachEW(t, func(t *testing.T, e *apptest.Env) {
		bank := bearer(t, e, bankAdmin)
		rule := saveRule(t, e, bank, "C2 on our hosts", `classification.type == "c2-server"`)
		if rule.OrgID != e.Org(t, bankTeam) || !rule.Enabled || rule.ID == "" {
			t.Fatalf("rule %+v", rule)
		}
		mxRule := saveRule(t, e, bearer(t, e, mxAnalyst), "Everything", `true`)

		var tried struct {
			Evaluated, Matched, Errors int
			Sample                     []eventOut
		}
		try := map[string]any{"expr": `classification.type == "c2-server"`}
		post(t, e, bank, "/api/v1/alert-rules/try", try, http.StatusOK, &tried)
		if tried.Evaluated != 0 || tried.Matched != 0 {
			t.Errorf("try before any event: %+v", tried)
		}
		feed := deliveredFixture(t, e)
		post(t, e, bank, "/api/v1/alert-rules/try", try, http.StatusOK, &tried)
		if tried.Evaluated != 2 || tried.Matched != 1 || len(tried.Sample) != 1 || ips(tried.Sample)[0] != "198.51.100.131" {
			t.Errorf("try after the fixture: %+v, want the bank's 2 events tried and its C2 matched", tried)
		}

		alerts := alertsOf(t, e, bank, 1)
		if len(alerts) != 1 || alerts[0].RuleID != rule.ID || alerts[0].Event["source.ip"] != "198.51.100.131" ||
			alerts[0].Delivery.Feed != feed || alerts[0].OrgID != e.Org(t, bankTeam) {
			t.Errorf("the bank's alerts %+v, want one of its rule on its C2", alerts)
		}
		mxAlerts := alertsOf(t, e, bearer(t, e, mxAdmin), 1)
		if len(mxAlerts) != 1 || mxAlerts[0].RuleID != mxRule.ID || mxAlerts[0].Event["source.ip"] != mxIP {
			t.Errorf("the national team's alerts %+v, want its one event", mxAlerts)
		}

		var got ruleOut
		get(t, e, bank, "/api/v1/alert-rules/"+rule.ID, http.StatusOK, &got)
		if got != rule {
			t.Errorf("GET %+v, want %+v", got, rule)
		}
		expect(t, call(t, e, bank, request{method: "PUT", path: "/api/v1/alert-rules/" + rule.ID,
			body: map[string]any{"name": "Renamed", "expr": "true", "enabled": false}}), "PUT", http.StatusOK, &got)
		if got.Name != "Renamed" || got.Expr != "true" || got.Enabled || got.ID != rule.ID {
			t.Errorf("replaced %+v", got)
		}
		var l list[ruleOut]
		get(t, e, bank, "/api/v1/alert-rules", http.StatusOK, &l)
		if len(l.Items) != 1 || l.Items[0] != got {
			t.Errorf("the bank's rules %+v, want its one replaced rule", l.Items)
		}
		expect(t, call(t, e, bank, request{method: "DELETE", path: "/api/v1/alert-rules/" + rule.ID}), "DELETE", http.StatusNoContent, nil)
		get(t, e, bank, "/api/v1/alert-rules/"+rule.ID, http.StatusNotFound, nil)
	})
}

// TestAlertRuleInvalid: an expression that does not compile is a 422 on
// expr, tried or saved, and nothing is saved.
func TestAlertRuleInvalid(t *testing.T) {
	e := newEW(t)
	bank := bearer(t, e, bankAdmin)
	cases := []struct {
		name string
		body map[string]any
		want string
	}{
		{"syntax", map[string]any{"name": "x", "expr": `classification.type ==`}, "expr"},
		{"unknown field", map[string]any{"name": "x", "expr": `source.colour == "red"`}, "expr"},
		{"not a condition", map[string]any{"name": "x", "expr": `"text"`}, "expr"},
		{"no name", map[string]any{"name": "", "expr": `true`}, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := post(t, e, bank, "/api/v1/alert-rules", tc.body, http.StatusUnprocessableEntity, nil)
			if !slices.Contains(a.fields(t), tc.want) {
				t.Errorf("fields %v, want %s", a.fields(t), tc.want)
			}
			if tc.want == "expr" {
				a = post(t, e, bank, "/api/v1/alert-rules/try", map[string]any{"expr": tc.body["expr"]}, http.StatusUnprocessableEntity, nil)
				if !slices.Contains(a.fields(t), "expr") {
					t.Errorf("try: fields %v, want expr", a.fields(t))
				}
			}
		})
	}
	var l list[ruleOut]
	get(t, e, bank, "/api/v1/alert-rules", http.StatusOK, &l)
	if len(l.Items) != 0 {
		t.Errorf("rules saved: %+v", l.Items)
	}
}

// TestWebhooksAndDigests: a team's webhooks (secret shown once), their
// deliveries and replays, and its digests.
func TestWebhooksAndDigests(t *testing.T) {
	eachEW(t, func(t *testing.T, e *apptest.Env) {
		bank := bearer(t, e, bankAdmin)
		var hook struct {
			ID, OrgID, URL, Secret string
			Enabled                bool
		}
		post(t, e, bank, "/api/v1/webhooks", map[string]any{"url": "https://hooks.bank.example/atalaya"}, http.StatusCreated, &hook)
		if len(hook.Secret) < 32 || !hook.Enabled || hook.URL != "https://hooks.bank.example/atalaya" {
			t.Fatalf("created %+v", hook)
		}
		for _, path := range []string{"/api/v1/webhooks", "/api/v1/webhooks/" + hook.ID} {
			if a := get(t, e, bank, path, http.StatusOK, nil); strings.Contains(string(a.body), hook.Secret) || strings.Contains(string(a.body), `"secret"`) {
				t.Errorf("%s shows the secret: %s", path, a.body)
			}
		}
		a := post(t, e, bank, "/api/v1/webhooks", map[string]any{"url": "ftp://x"}, http.StatusUnprocessableEntity, nil)
		if !slices.Contains(a.fields(t), "url") {
			t.Errorf("bad URL: fields %v", a.fields(t))
		}

		saveRule(t, e, bank, "All", "true")
		deliveredFixture(t, e)
		alertsOf(t, e, bank, 2)
		var ds list[struct {
			ID        int64  `json:"id"`
			WebhookID string `json:"webhook_id"`
			Alerts    int    `json:"alerts"`
		}]
		waitFor(t, "a webhook delivery", func() bool {
			get(t, e, bank, "/api/v1/webhooks/deliveries", http.StatusOK, &ds)
			return len(ds.Items) > 0
		})
		total := 0
		for _, d := range ds.Items {
			if d.WebhookID != hook.ID {
				t.Errorf("delivery %+v of another webhook", d)
			}
			total += d.Alerts
		}
		if total != 2 {
			t.Errorf("deliveries carry %d alerts, want the bank's 2", total)
		}
		id := strconv.FormatInt(ds.Items[0].ID, 10)
		expect(t, call(t, e, bank, request{method: "POST", path: "/api/v1/webhooks/deliveries/" + id + "/replay"}), "replay", http.StatusAccepted, nil)
		for _, bad := range []string{"999999", "abc", "-1"} {
			expect(t, call(t, e, bank, request{method: "POST", path: "/api/v1/webhooks/deliveries/" + bad + "/replay"}), "replay "+bad, http.StatusNotFound, nil)
		}
		expect(t, call(t, e, bank, request{method: "DELETE", path: "/api/v1/webhooks/" + hook.ID}), "DELETE", http.StatusNoContent, nil)
		get(t, e, bank, "/api/v1/webhooks/"+hook.ID, http.StatusNotFound, nil)

		var dg struct{ ID, Email, Every string }
		post(t, e, bank, "/api/v1/digests", map[string]any{"email": "soc@bank.example", "every": "daily"}, http.StatusCreated, &dg)
		if dg.Email != "soc@bank.example" || dg.Every != "daily" {
			t.Errorf("digest %+v", dg)
		}
		a = post(t, e, bank, "/api/v1/digests", map[string]any{"email": "not an address", "every": "weekly"}, http.StatusUnprocessableEntity, nil)
		if got := a.fields(t); !slices.Contains(got, "email") || !slices.Contains(got, "every") {
			t.Errorf("bad digest: fields %v", got)
		}
		var dl list[struct{ ID string }]
		get(t, e, bank, "/api/v1/digests", http.StatusOK, &dl)
		if len(dl.Items) != 1 || dl.Items[0].ID != dg.ID {
			t.Errorf("digests %+v", dl.Items)
		}
		expect(t, call(t, e, bank, request{method: "DELETE", path: "/api/v1/digests/" + dg.ID}), "DELETE", http.StatusNoContent, nil)
		get(t, e, bank, "/api/v1/digests", http.StatusOK, &dl)
		if len(dl.Items) != 0 {
			t.Errorf("digests after delete %+v", dl.Items)
		}
	})
}
