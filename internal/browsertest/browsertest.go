// Package browsertest runs tests in a real browser: Debian's chromium, driven
// by chromedp over its DevTools pipe. Tests that use it carry the build tag
// `browser`, so plain `go test ./...` never starts a browser, and names that
// start with TestBrowser: scripts/test runs them with
// `go test -tags browser -run Browser` on the packages that have such files.
//
// A test calls New, then drives the page with chromedp actions:
//
//	ctx := browsertest.New(t)
//	err := chromedp.Do(ctx,
//		chromedp.Navigate(srv.URL+"/login"),
//		chromedp.SendKeys(chromedp.ID("email"), "ana@example.org"),
//		chromedp.Submit(chromedp.ID("email")),
//	)
//	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
//
// When the test fails, New's cleanup saves a screenshot of the page and logs
// where it is, so a failure in CI can be seen and not only read.
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Environment variables that steer the harness. scripts/test sets the first
// two; the others are for a developer chasing a failure.
const (
	// EnvChromium is the path of the browser binary (default DefaultChromium).
	EnvChromium = "ATALAYA_CHROMIUM"
	// EnvRequire, when "1", turns a missing browser into a failure instead of
	// a skip, so CI cannot pass by testing nothing.
	EnvRequire = "ATALAYA_REQUIRE_BROWSER"
	// EnvTimeout bounds each test's browser session, as a Go duration
	// (default DefaultTimeout).
	EnvTimeout = "ATALAYA_BROWSER_TIMEOUT"
	// EnvArtifacts is the directory where failure screenshots are kept
	// (default: atalaya-browsertest in the system temporary directory).
	EnvArtifacts = "ATALAYA_BROWSER_ARTIFACTS"
)

// DefaultChromium is where Debian's chromium package installs its launcher.
const DefaultChromium = "/usr/bin/chromium"

// DefaultTimeout bounds one test's browser session. Starting chromium,
// loading a page and clicking takes about two seconds on a 2-core machine
// (STACK.md); the margin covers a loaded CI runner and several pages a test.
const DefaultTimeout = 2 * time.Minute

// grace is how long the browser outlives the test's deadline, so that the
// cleanup can still take the failure screenshot of a test that timed out.
const grace = 20 * time.Second

// New starts a fresh headless chromium for the test and returns a chromedp
// context on its first tab. The context ends at the test's deadline (see
// EnvTimeout); the browser is stopped and its profile removed when the test
// ends. Without a browser, New skips the test, or fails it when
// ATALAYA_REQUIRE_BROWSER=1.
func New(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath(t)
	timeout := sessionTimeout(t)
	profile := filepath.Join(t.TempDir(), "profile")

	out := &tailBuffer{max: 32 << 10}
	base, cancelBase := context.WithTimeout(context.Background(), timeout+grace)
	alloc, cancelAlloc := chromedp.NewExecAllocator(base, allocatorOptions(path, profile, out)...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	ctx, cancelTest := context.WithTimeout(browser, timeout)
	stop := func() {
		cancelTest()
		cancelBrowser() // waits for the browser process to exit
		cancelAlloc()
		cancelBase()
	}

	// The first action starts the browser and binds its life to the context
	// it runs on: that must be browser, not the shorter test context.
	if err := chromedp.Do(browser); err != nil {
		stop()
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", path, err, out.Quiet(4<<10))
	}
	t.Cleanup(func() {
		if t.Failed() {
			saveFailure(t, browser)
			if msg := out.Quiet(4 << 10); msg != "" {
				t.Logf("browser output (last lines, D-Bus noise left out):\n%s", msg)
			}
		}
		stop()
	})
	return ctx
}

// allocatorOptions are chromedp's defaults plus the flags that make chromium
// quiet and reproducible on a CI machine: no sandbox (CI runs as root), no
// GPU, no QUIC or background traffic to the internet, no first-run or sync
// dialogs, and a profile of its own.
func allocatorOptions(path, profile string, out *tailBuffer) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(profile),
		chromedp.CombinedOutput(out),
	)
}

// chromiumPath returns the browser to run, or skips (or fails) the test when
// there is none, saying what to install.
func chromiumPath(t testing.TB) string {
	t.Helper()
	path := os.Getenv(EnvChromium)
	if path == "" {
		path = DefaultChromium
	}
	found, err := exec.LookPath(path)
	if err == nil {
		return found
	}
	msg := fmt.Sprintf("no browser at %s (%v): install Debian's chromium (apt-get install chromium) or set %s", path, err, EnvChromium)
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("%s; %s=1 requires it", msg, EnvRequire)
		return ""
	}
	t.Skip(msg)
	return ""
}

// sessionTimeout reads EnvTimeout, and keeps the session inside the go test
// deadline so that a hung page fails this test with a screenshot instead of
// killing the whole test binary.
func sessionTimeout(t testing.TB) time.Duration {
	t.Helper()
	timeout := DefaultTimeout
	if v := os.Getenv(EnvTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("%s=%q: want a positive Go duration such as 90s", EnvTimeout, v)
			return DefaultTimeout
		}
		timeout = d
	}
	if dt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := dt.Deadline(); ok {
			if left := time.Until(end) - grace - 5*time.Second; left > 0 && left < timeout {
				timeout = left
			}
		}
	}
	return timeout
}

// Screenshot saves a PNG of the whole page shown in ctx at path, creating
// its directory if needed.
func Screenshot(ctx context.Context, path string) error {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("taking screenshot: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("saving screenshot: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Errorf("saving screenshot: %w", err)
	}
	return nil
}

// ArtifactPath is where the failure screenshot of the test named name is
// kept: outside t.TempDir, which is removed when the test ends.
func ArtifactPath(name string) string {
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "atalaya-browsertest")
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, name)
	return filepath.Join(dir, clean+".png")
}

// saveFailure logs the page's address and saves its screenshot. It runs on
// the browser context, which outlives the test's own deadline by grace.
func saveFailure(t testing.TB, browser context.Context) {
	ctx, cancel := context.WithTimeout(browser, 15*time.Second)
	defer cancel()
	if url, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		t.Logf("page at failure: %s", url)
	}
	path := ArtifactPath(t.Name())
	if err := Screenshot(ctx, path); err != nil {
		t.Logf("no failure screenshot: %v", err)
		return
	}
	t.Logf("failure screenshot: %s", path)
}

// tailBuffer keeps the last max bytes of the browser's output: enough to see
// why it crashed without flooding the test log.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

// Write appends p, dropping the oldest bytes beyond max.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if extra := b.buf.Len() - b.max; extra > 0 {
		b.buf.Next(extra)
	}
	return len(p), nil
}

// String returns what is kept.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Quiet returns at most limit bytes of the last whole lines kept, without
// the lines every run prints in a container: chromium cannot reach D-Bus
// there, and Debian's launcher trips on a shell test. Those hide the one
// line that says why the browser died.
func (b *tailBuffer) Quiet(limit int) string {
	var keep []string
	size := 0
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if l == "" || strings.Contains(l, "dbus") || strings.Contains(l, "unexpected operator") {
			continue
		}
		if size += len(l) + 1; size > limit {
			break
		}
		keep = append(keep, l)
	}
	slices.Reverse(keep)
	return strings.Join(keep, "\n")
}

// Step runs the actions of one named step of a test in the browser ctx and
// stops the test, naming the step, at the first that fails.
func Step(t testing.TB, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// Text returns the text of the element sel selects, stopping the test when
// there is none.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}
