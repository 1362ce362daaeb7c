//go:build browser

package ui_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atalaya/internal/app"
	"atalaya/internal/app/apptest"
	"atalaya/internal/browsertest"
)

// TestBrowserLiveAlerts walks the path in a real browser: a team
// analyst opens the live alerts page, events for the team are ingested
// through feeds.Ingest, and each alert appears at the top of the page
// without a reload. The delay from the start of the ingest to the
// browser's receipt is measured for each and logged; another team's event
// never appears.
func TestBrowserLiveAlerts(t *testing.T) {
	e := apptest.New(t)
	createTestFeed(t, e)
	saveRule(t, e, mxAnalyst, "Infected hosts", `classification.type == "infected-system"`)
	saveRule(t, e, brAnalyst, "Everything", "true")
	ctx := browsertest.New(t)
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		browsertest.Step(t, ctx, name, actions...)
	}
	text := func(sel string) string { t.Helper(); return browsertest.Text(t, ctx, sel) }

	step("sign in",
		chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), mxAnalyst),
		chromedp.SendKeys(chromedp.CSS("#password"), app.DemoPassword),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/alerts"]`)))
	step("open live alerts",
		chromedp.Click(chromedp.CSS(`nav a[href="/alerts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#live-status[data-state="open"]`)))
	// A reload would lose this mark.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("window.atalayaNoReload = true")); err != nil {
		t.Fatal(err)
	}

	const n = 5
	var delays []time.Duration
	for i := 1; i <= n; i++ {
		ident := fmt.Sprintf("browser-live-%d", i)
		csv := ewHeader + markerLine("192.0.2.3"+fmt.Sprint(i), "brazil-only") + markerLine(fmt.Sprintf("198.51.100.%d", 30+i), ident)
		start := time.Now()
		ingest(t, e, csv)
		// The i-th alert row: the placeholder row goes with the first.
		sel := fmt.Sprintf("#live-rows tr[id^=live-alert-]:nth-child(%d)", i)
		step("alert "+ident+" appears", chromedp.WaitVisible(chromedp.CSS(sel)))
		if top := text("#live-rows tr:first-child"); !strings.Contains(top, ident) || !strings.Contains(top, "Infected hosts") ||
			!strings.Contains(top, fmt.Sprintf("198.51.100.%d", 30+i)) {
			t.Errorf("top row %q, want the newest alert %s", top, ident)
		}
		received, err := chromedp.Run(ctx, chromedp.Evaluate[float64](
			`Number(document.querySelector("#live-rows tr:first-child").getAttribute("data-received"))`))
		if err != nil {
			t.Fatal(err)
		}
		delays = append(delays, time.UnixMilli(int64(received)).Sub(start))
	}
	slices.Sort(delays)
	t.Logf("alert in the browser after the ingest began (%d events): min %v, median %v, max %v",
		n, delays[0], delays[n/2], delays[n-1])
	if delays[n-1] > 2*time.Second {
		t.Errorf("slowest alert took %v", delays[n-1])
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("window.atalayaNoReload === true"))
	if err != nil || !kept {
		t.Error("the page was reloaded")
	}
	if rows := text("#live-rows"); strings.Contains(rows, "brazil-only") || strings.Contains(rows, "192.0.2.") {
		t.Errorf("another team's alert appeared: %q", rows)
	}
	if dir := os.Getenv("ATALAYA_SCREENSHOTS"); dir != "" {
		_ = browsertest.Screenshot(ctx, dir+"/live-alerts.png")
	}
	step("follow the alert to its event",
		chromedp.Click(chromedp.CSS("#live-rows tr:first-child a")),
		chromedp.WaitVisible(chromedp.CSS("#event-fields")))
	if h1 := text("h1"); h1 != fmt.Sprintf("198.51.100.%d", 30+n) {
		t.Errorf("the alert led to %q", h1)
	}
	if dir := os.Getenv("ATALAYA_SCREENSHOTS"); dir != "" {
		_ = browsertest.Screenshot(ctx, dir+"/alert-event.png")
	}
}

// TestBrowserRuleEditorTry writes a rule in the editor, sees a CEL error
// beside the field with the text kept, fixes it, tries it on the last
// day's events and saves it.
func TestBrowserRuleEditorTry(t *testing.T) {
	e := apptest.New(t)
	inboxFixture(t, e, 3)
	ctx := browsertest.New(t)
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		browsertest.Step(t, ctx, name, actions...)
	}
	text := func(sel string) string { t.Helper(); return browsertest.Text(t, ctx, sel) }
	step("sign in and open the rules",
		chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), mxAnalyst),
		chromedp.SendKeys(chromedp.CSS("#password"), app.DemoPassword),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/alerts"]`)),
		chromedp.Navigate(e.URL+"/alerts/rules"),
		chromedp.WaitVisible(chromedp.CSS("#expr")))
	step("try a broken condition",
		chromedp.SendKeys(chromedp.CSS("#name"), "Drones"),
		chromedp.SendKeys(chromedp.CSS("#expr"), `classification.type == `),
		chromedp.Click(chromedp.CSS("#rule-try")),
		chromedp.WaitVisible(chromedp.CSS("#expr-error .field-error")))
	if kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#expr"))); err != nil || kept != "classification.type ==" {
		t.Errorf("the condition kept %q (%v)", kept, err)
	}
	step("fix and try it",
		chromedp.Clear(chromedp.CSS("#expr")),
		chromedp.SendKeys(chromedp.CSS("#expr"), `classification.type == "infected-system"`),
		chromedp.Click(chromedp.CSS("#rule-try")),
		chromedp.WaitVisible(chromedp.CSS("#try-result")))
	if got := text("#try-matched"); got != "3" {
		t.Errorf("try-out matched %q, want 3", got)
	}
	if dir := os.Getenv("ATALAYA_SCREENSHOTS"); dir != "" {
		_ = browsertest.Screenshot(ctx, dir+"/rule-try.png")
	}
	step("save it",
		chromedp.Click(chromedp.CSS("#rule-save")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if row := text("#rules tbody"); !strings.Contains(row, "Drones") || !strings.Contains(row, `"infected-system"`) {
		t.Errorf("rules list %q lacks the saved rule", row)
	}
}
