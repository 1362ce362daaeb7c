//go:build browser

package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/app/apptest"
	"atalaya/internal/browsertest"
)

// TestBrowserDemoLiveAlerts is issue 4's "Done when" in a real browser: the
// demo loads its feed at start, a team analyst keeps /alerts open, events
// pushed to the feed for the team's network appear there without a reload,
// and an event of another team's network does not. It logs the delay from
// the push to the row in the page (the browser stamps the row on arrival).
func TestBrowserDemoLiveAlerts(t *testing.T) {
	e := apptest.New(t)
	if err := app.SeedDemoFeeds(t.Context(), e.App); err != nil {
		t.Fatalf("loading the demo feed: %v", err)
	}
	token := e.Token(t, "admin@secretariat.example", access.ScopeRead, access.ScopeWrite)

	ctx := browsertest.New(t)
	browsertest.Step(t, ctx, "sign in as the Brazilian analyst and open the live alerts",
		chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), "analyst@cert-br.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), app.DemoPassword),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/alerts"]`)),
		chromedp.Navigate(e.URL+"/alerts"),
		chromedp.WaitVisible(chromedp.CSS(`#live-status[data-state="open"]`)))
	// The demo feed loaded at start already raised alerts of the team.
	if recent := browsertest.Text(t, ctx, "#recent-alerts tbody"); !strings.Contains(recent, app.DemoFeed) {
		t.Errorf("recent alerts show nothing of the demo feed: %q", recent)
	}

	push := func(ip string) time.Time {
		t.Helper()
		body := "timestamp,ip,port,asn,hostname,url,cc,taxonomy,type,identifier,malware,protocol\n" +
			time.Now().UTC().Format(time.RFC3339) + "," + ip + ",23,64498,,,BR,malicious-code,infected-system,botnet-drone,mirai,tcp\n"
		req, err := http.NewRequest(http.MethodPost, e.URL+"/api/v1/feeds/"+app.DemoFeed+"/events", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "text/csv")
		sent := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("push: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("push answered %s", resp.Status)
		}
		return sent
	}

	// Chile's network: routed to Chile's team, never shown to Brazil.
	push("203.0.113.9")
	var delays []time.Duration
	for i := range 20 {
		ip := fmt.Sprintf("192.0.2.%d", 10+i) // Brazil's national team (192.0.2.0/25)
		sent := push(ip)
		sel := fmt.Sprintf(`//tbody[@id="live-rows"]/tr[contains(., %q)]`, ip)
		browsertest.Step(t, ctx, "the alert of "+ip+" appears without a reload",
			chromedp.WaitVisible(chromedp.Search(sel)))
		received, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.Search(sel), "data-received"))
		if err != nil {
			t.Fatalf("reading the row of %s: %v", ip, err)
		}
		ms, err := strconv.ParseInt(received.Value, 10, 64)
		if !received.Exists || err != nil {
			t.Fatalf("row of %s has no arrival stamp (%q)", ip, received.Value)
		}
		delays = append(delays, time.UnixMilli(ms).Sub(sent))
	}
	if live := browsertest.Text(t, ctx, "#live-rows"); strings.Contains(live, "203.0.113.9") {
		t.Errorf("Brazil's live alerts show Chile's event: %q", live)
	}
	slices.Sort(delays)
	p50, worst := delays[len(delays)/2], delays[len(delays)-1]
	t.Logf("push to row in the page, %d alerts: p50 %v, max %v", len(delays), p50, worst)
	// The target is 100 ms at p99 (measured in docs/benchmarks.md on a
	// quiet machine); a loaded CI machine gets slack, not a pass by default.
	if p50 > 250*time.Millisecond || worst > 2*time.Second {
		t.Errorf("alerts too slow: p50 %v, max %v", p50, worst)
	}
}
