//go:build browser

package browsertest

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// formPage is a plain HTML form, as Atalaya's pages are: labels on every
// input, works without JavaScript.
var formPage = template.Must(template.New("form").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Register a team</title></head>
<body><main>
<h1>Register a team</h1>
<form method="post" action="/teams">
  <label for="name">Team name</label> <input id="name" name="name" required>
  <label for="country">Country</label>
  <select id="country" name="country">
    <option value="AR">Argentina</option><option value="BR">Brasil</option><option value="UY">Uruguay</option>
  </select>
  <button id="save" type="submit">Save</button>
</form>
</main></body></html>`))

// resultPage shows what the server received, escaped by html/template.
var resultPage = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Saved</title></head>
<body><main><h1>Saved</h1><p id="result">{{.Name}} ({{.Country}})</p></main></body></html>`))

// newFormServer serves the form and records every team it is sent.
func newFormServer(t *testing.T) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var got []string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		_ = formPage.Execute(w, nil)
	})
	mux.HandleFunc("POST /teams", func(w http.ResponseWriter, r *http.Request) {
		name, country := r.PostFormValue("name"), r.PostFormValue("country")
		mu.Lock()
		got = append(got, name+"|"+country)
		mu.Unlock()
		_ = resultPage.Execute(w, map[string]string{"Name": name, "Country": country})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

func TestBrowserFillAndSubmitForm(t *testing.T) {
	srv, received := newFormServer(t)
	ctx := New(t)
	tests := []struct {
		name, team, country string
		wantText            string
	}{
		{"ascii", "CSIRT Uruguay", "UY", "CSIRT Uruguay (UY)"},
		{"accents and tildes", "Equipo Nacional de Respuesta – Núñez", "AR", "Equipo Nacional de Respuesta – Núñez (AR)"},
		{"markup is text", "<b>CERT.br</b>", "BR", "<b>CERT.br</b> (BR)"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.Navigate(srv.URL+"/"),
				chromedp.SendKeys(chromedp.ID("name"), tc.team),
				chromedp.SetValue(chromedp.ID("country"), tc.country),
				chromedp.Click(chromedp.ID("save")),
				chromedp.WaitVisible(chromedp.ID("result")),
			)
			if err != nil {
				t.Fatalf("filling the form: %v", err)
			}
			text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("result")))
			if err != nil {
				t.Fatalf("reading the result: %v", err)
			}
			if text != tc.wantText {
				t.Errorf("result = %q, want %q", text, tc.wantText)
			}
			got := received()
			if len(got) != i+1 || got[i] != tc.team+"|"+tc.country {
				t.Errorf("server received %q, want last %q", got, tc.team+"|"+tc.country)
			}
		})
	}
}

func TestBrowserScreenshot(t *testing.T) {
	srv, _ := newFormServer(t)
	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("navigating: %v", err)
	}
	path := t.TempDir() + "/sub/form.png"
	if err := Screenshot(ctx, path); err != nil {
		t.Fatalf("Screenshot: %v", err)
	}
	checkPNG(t, path)
}

// failingTB is a test that has failed: it lets the failure cleanup of New
// run under our eyes instead of failing the real test.
type failingTB struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
	logs     bytes.Buffer
}

// runCleanups runs the cleanups New registered, last first, once.
func (f *failingTB) runCleanups() {
	for len(f.cleanups) > 0 {
		fn := f.cleanups[len(f.cleanups)-1]
		f.cleanups = f.cleanups[:len(f.cleanups)-1]
		fn()
	}
}

func (f *failingTB) Failed() bool      { return true }
func (f *failingTB) Name() string      { return "TestBrowserFake/failed page" }
func (f *failingTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *failingTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fmt.Fprintf(&f.logs, format+"\n", args...)
}

func TestBrowserFailureLeavesScreenshot(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvArtifacts, dir)
	srv, _ := newFormServer(t)
	fake := &failingTB{TB: t}
	t.Cleanup(fake.runCleanups) // stops the browser even if the test stops early
	ctx := New(fake)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("navigating: %v", err)
	}
	fake.runCleanups()
	want := ArtifactPath(fake.Name())
	if !strings.HasPrefix(want, dir) {
		t.Fatalf("ArtifactPath = %q, want it under %s", want, dir)
	}
	checkPNG(t, want)
	logs := fake.logs.String()
	for _, s := range []string{"failure screenshot: " + want, "page at failure: " + srv.URL} {
		if !strings.Contains(logs, s) {
			t.Errorf("logs lack %q:\n%s", s, logs)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err == nil {
		t.Error("browser still usable after cleanup, want it stopped")
	}
}

func TestBrowserContextHasDeadline(t *testing.T) {
	t.Setenv(EnvTimeout, "45s")
	ctx := New(t)
	end, ok := ctx.Deadline()
	if !ok {
		t.Fatal("context has no deadline")
	}
	if left := time.Until(end); left > 45*time.Second || left < 30*time.Second {
		t.Errorf("deadline in %v, want about 45s", left)
	}
	if err := ctx.Err(); err != nil {
		t.Errorf("ctx.Err() = %v at start", err)
	}
}

// checkPNG fails unless path holds a PNG image.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading screenshot: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 1000 {
		t.Errorf("%s is not a PNG screenshot (%d bytes)", path, len(b))
	}
}
