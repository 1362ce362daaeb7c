//go:build browser

package ui_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"atalaya/internal/app"
	"atalaya/internal/app/apptest"
	"atalaya/internal/browsertest"
)

// TestBrowserConstituencyEditor walks the path in a real browser:
// sign in with a second factor, switch to Spanish, open a team's profile,
// enter a bad prefix and see the error beside the field, fix it and see
// the overlap warning with another team.
func TestBrowserConstituencyEditor(t *testing.T) {
	e := apptest.New(t)
	email := "analyst@csirt-mx.example"
	secret := e.EnrolTOTP(t, email)
	nat := e.Org(t, "DEMO-MX-NAT")
	ctx := browsertest.New(t)

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		browsertest.Step(t, ctx, name, actions...)
	}
	text := func(sel string) string { t.Helper(); return browsertest.Text(t, ctx, sel) }

	step("password",
		chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), app.DemoPassword),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#code")))
	// A code of the next period: the one used for enrolment is spent.
	code, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	step("second factor",
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS("#code-submit")),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/teams"]`)))

	step("switch to Spanish",
		chromedp.SetValue(chromedp.CSS("#lang-select"), "es"),
		chromedp.Click(chromedp.CSS("#lang-submit")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="es"]`)))
	if nav := text(`nav a[href="/states"]`); nav != "Estados miembros" {
		t.Errorf("navigation after switching says %q, want Estados miembros", nav)
	}

	step("open the team's profile",
		chromedp.Navigate(e.URL+"/teams"),
		chromedp.Click(chromedp.CSS(`a[href="/teams/`+nat+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#edit-constituency")),
		chromedp.Click(chromedp.CSS("#edit-constituency")),
		chromedp.WaitVisible(chromedp.CSS("#value")))

	step("enter a bad prefix",
		chromedp.SendKeys(chromedp.CSS("#value"), "198.51.100.77/25"),
		chromedp.Click(chromedp.CSS("#add-entry-submit")),
		chromedp.WaitVisible(chromedp.CSS("#value-error .field-error")))
	msg := text("#value-error .field-error")
	if !strings.Contains(msg, "198.51.100.0/25") {
		t.Errorf("error beside the field = %q, want the canonical prefix suggested", msg)
	}
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#value")))
	if err != nil || kept != "198.51.100.77/25" {
		t.Errorf("the field kept %q (%v), want what was typed", kept, err)
	}
	if invalid, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#value"), "aria-invalid")); invalid.Value != "true" {
		t.Errorf("aria-invalid = %q, want true", invalid.Value)
	}

	step("fix it",
		chromedp.Clear(chromedp.CSS("#value")),
		chromedp.SendKeys(chromedp.CSS("#value"), "198.51.100.192/26"),
		chromedp.Click(chromedp.CSS("#add-entry-submit")),
		chromedp.WaitVisible(chromedp.CSS("#added-overlaps")))
	warning := text("#added-overlaps")
	if !strings.Contains(warning, "CSIRT del Sector Bancario de México") || !strings.Contains(warning, "198.51.100.128/25") || strings.Contains(warning, "198.51.100.0/24") {
		t.Errorf("overlap warning = %q, want the banking team and its prefix", warning)
	}
	if !strings.Contains(warning, "está dentro de") {
		t.Errorf("overlap warning is not in Spanish: %q", warning)
	}
	if dir := os.Getenv("ATALAYA_SCREENSHOTS"); dir != "" {
		_ = browsertest.Screenshot(ctx, dir+"/constituency-es.png")
	}
}
