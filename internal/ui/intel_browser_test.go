//go:build browser

package ui_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/app/apptest"
	"atalaya/internal/browsertest"
	"atalaya/internal/intel"
)

// TestBrowserIndicatorCorrelates walks the path in a real browser:
// sign in, create an indicator with TLP:AMBER through the form, land on its
// page and see it correlated with another team's indicator carrying the
// same IP address.
func TestBrowserIndicatorCorrelates(t *testing.T) {
	e := apptest.New(t)
	other := saveIndicator(t, e, brAnalyst, "C2 seen by Brazil (browser test)", "[ipv4-addr:value = '192.0.2.55']",
		intel.Sharing{TLP: access.TLPAmber, Members: true})
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
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/intel"]`)))
	step("open the indicator form",
		chromedp.Click(chromedp.CSS(`nav a[href="/intel"]`)),
		chromedp.WaitVisible(chromedp.CSS("#new-indicator")),
		chromedp.Click(chromedp.CSS("#new-indicator")),
		chromedp.WaitVisible(chromedp.CSS("#pattern")))
	step("fill it in with TLP:AMBER for all members",
		chromedp.SendKeys(chromedp.CSS("#name"), "C2 seen in Mexico (browser test)"),
		chromedp.SendKeys(chromedp.CSS("#pattern"), "[ipv4-addr:value = '192.0.2.55']"),
		chromedp.Click(chromedp.CSS("#type-malicious-activity")),
		chromedp.Click(chromedp.CSS("#tlp-amber")),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("#correlations")))

	if flash := text(".flash"); flash == "" {
		t.Error("no message says the indicator was saved")
	}
	if badge := text("#properties .tlp"); badge != "TLP:AMBER" {
		t.Errorf("the TLP badge says %q, want TLP:AMBER", badge)
	}
	corr, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".correlation")))
	if err != nil {
		t.Fatalf("no correlation on the page: %v", err)
	}
	if !strings.Contains(corr, "192.0.2.55") || !strings.Contains(corr, "C2 seen by Brazil (browser test)") {
		t.Errorf("correlation = %q, want the IP and Brazil's indicator", corr)
	}
	step("follow the correlation",
		chromedp.Click(chromedp.CSS(`.correlation a[href="/intel/`+other.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#correlations")))
	if h1 := text("h1"); h1 != "C2 seen by Brazil (browser test)" {
		t.Errorf("the link led to %q", h1)
	}
	if dir := os.Getenv("ATALAYA_SCREENSHOTS"); dir != "" {
		_ = browsertest.Screenshot(ctx, dir+"/intel-correlation.png")
	}
}
