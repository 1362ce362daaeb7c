package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/api"
	"atalaya/internal/app/apptest"
	"atalaya/internal/web"
)

// Addresses of the demo constituencies (directory's demo data): the bank
// holds 198.51.100.128/25 inside the national team's 198.51.100.0/24, and
// Brazil's team 192.0.2.0/25.
const (
	bankIP = "198.51.100.130"
	mxIP   = "198.51.100.10"
	brIP   = "192.0.2.10"
)

// newEW starts Atalaya with the demo and serves its API with feeds and
// alerts: the API of the app's own handler, plus everything else of it
// (the sign-in form) behind, in the app's middleware.
func newEW(t *testing.T) *apptest.Env { return ewOn(t, apptest.New(t)) }

// eachEW runs fn over each engine, as apptest.Each does.
func eachEW(t *testing.T, fn func(t *testing.T, e *apptest.Env)) {
	t.Helper()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) { fn(t, ewOn(t, e)) })
}

func ewOn(t *testing.T, e *apptest.Env) *apptest.Env {
	t.Helper()
	a := e.App
	if a.Feeds == nil || a.Alerts == nil {
		t.Fatal("the app has no feeds or alerts service")
	}
	mux := http.NewServeMux()
	api.New(api.Options{DB: a.DB, Directory: a.Directory, Auth: a.Auth, Intel: a.Intel, Feeds: a.Feeds,
		Alerts: a.Alerts, Logger: a.Logger}).Register(func(p string, h http.Handler) { mux.Handle(p, h) })
	mux.Handle("/", e.Server.Config.Handler)
	var h http.Handler = web.CrossOrigin(mux)
	h = web.SecurityHeaders(h, false)
	h = web.Logging(a.Logger, h)
	srv := httptest.NewServer(web.Recover(a.Logger, h))
	t.Cleanup(srv.Close)
	ew := *e
	ew.Server, ew.URL = srv, srv.URL
	return &ew
}

// pushFeed is a push feed of generic CSV (ip, type, malware, host
// columns) that orgID may push to ("" the secretariat only).
func pushFeed(name, orgID string) map[string]any {
	return map[string]any{"name": name, "title": "Test " + name, "provider": "Test provider", "format": "csv",
		"source": "push", "push_org_id": orgID, "tlp": "amber",
		"mapping": map[string]string{"ip": "source.ip", "type": "classification.type", "malware": "malware.name",
			"host": "source.fqdn"}}
}

// createFeed sets up a feed as the secretariat admin and returns it.
func createFeed(t *testing.T, e *apptest.Env, body map[string]any) feedOut {
	t.Helper()
	var f feedOut
	post(t, e, bearer(t, e, secAdmin), "/api/v1/feeds", body, http.StatusCreated, &f)
	return f
}

// csvLines is a CSV body with the header createFeed's mapping reads.
func csvLines(lines ...string) string {
	return "ip,type,malware,host\n" + strings.Join(lines, "\n") + "\n"
}

// push sends body to a feed's push endpoint and checks the answer against
// the document (the body is CSV, not JSON, so call cannot check it).
func push(t *testing.T, e *apptest.Env, w who, feed, body string) answer {
	t.Helper()
	req := request{method: "POST", path: "/api/v1/feeds/" + feed + "/events", body: body, contentType: "text/csv"}
	a := send(t, e, w, req)
	checkDocumented(t, req.method, req.path, a)
	return a
}

// pushOK pushes and fails unless the run is answered.
func pushOK(t *testing.T, e *apptest.Env, w who, feed, body string) runOut {
	t.Helper()
	a := push(t, e, w, feed, body)
	var run runOut
	expect(t, a, "push to "+feed, http.StatusOK, &run)
	return run
}

// The shapes the early-warning tests read.
type (
	feedOut struct {
		ID        string            `json:"id"`
		Name      string            `json:"name"`
		Source    string            `json:"source"`
		HasAuth   bool              `json:"has_auth"`
		Mapping   map[string]string `json:"mapping"`
		PushOrgID string            `json:"push_org_id"`
		Interval  int64             `json:"interval_seconds"`
		Enabled   bool              `json:"enabled"`
		Events    int64             `json:"events"`
		LastRun   *runOut           `json:"last_run"`
	}
	runOut struct {
		ID          string `json:"id"`
		Feed        string `json:"feed"`
		Trigger     string `json:"trigger"`
		State       string `json:"state"`
		Lines       int64  `json:"lines"`
		Accepted    int64  `json:"accepted"`
		Duplicates  int64  `json:"duplicates"`
		Quarantined int64  `json:"quarantined"`
		Delivered   int64  `json:"delivered"`
		Error       string `json:"error"`
	}
	eventOut struct {
		ID      int64          `json:"id"`
		EventID int64          `json:"event_id"`
		Feed    string         `json:"feed"`
		OrgID   string         `json:"org_id"`
		By      string         `json:"by"`
		Key     string         `json:"key"`
		Repeats int64          `json:"repeats"`
		Event   map[string]any `json:"event"`
	}
	alertOut struct {
		ID       int64          `json:"id"`
		OrgID    string         `json:"org_id"`
		RuleID   string         `json:"rule_id"`
		RuleName string         `json:"rule_name"`
		Delivery eventOut       `json:"delivery"`
		Event    map[string]any `json:"event"`
	}
	ruleOut struct {
		ID      string `json:"id"`
		OrgID   string `json:"org_id"`
		Name    string `json:"name"`
		Expr    string `json:"expr"`
		Enabled bool   `json:"enabled"`
	}
)

// inbox lists every event w's organisation received (all pages) of feed.
func inbox(t *testing.T, e *apptest.Env, w who, query string) []eventOut {
	t.Helper()
	var out []eventOut
	for _, page := range walk(t, e, w, "/api/v1/events?"+query) {
		var l list[eventOut]
		if err := json.Unmarshal(page, &l); err != nil {
			t.Fatal(err)
		}
		out = append(out, l.Items...)
	}
	return out
}

// ips lists the source.ip of events.
func ips(es []eventOut) []string {
	var out []string
	for _, x := range es {
		ip, _ := x.Event["source.ip"].(string)
		out = append(out, ip)
	}
	return out
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sseEvent is one event of a Server-Sent Events stream.
type sseEvent struct {
	name, id, data string
}

// sseStream is an open stream being read on its own goroutine.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// openStream GETs /api/v1/stream with w's token and extra headers, and
// reads its events as they come. A non-200 answer is returned read.
func openStream(t *testing.T, e *apptest.Env, w who, header map[string]string) (*sseStream, answer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", e.URL+"/api/v1/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := w.client
	if c == nil {
		c = e.Client(t)
	}
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		defer cancel()
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return nil, answer{status: resp.StatusCode, header: resp.Header, body: body}
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 100), cancel: cancel}
	t.Cleanup(s.close)
	go s.read()
	return s, answer{status: resp.StatusCode, header: resp.Header}
}

func (s *sseStream) close() {
	s.cancel()
	s.resp.Body.Close()
}

// read parses events (and comments, as name ":") until the stream ends.
func (s *sseStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.resp.Body)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev != (sseEvent{}) {
				s.events <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, ":"):
			ev.name, ev.data = ":", strings.TrimSpace(line[1:])
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				ev.name = value
			case "id":
				ev.id = value
			case "data":
				ev.data += value
			}
		}
	}
}

// next returns the next event that is not a comment, or fails after
// timeout.
func (s *sseStream) next(t *testing.T, timeout time.Duration) sseEvent {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if ev.name == ":" {
				continue
			}
			return ev
		case <-deadline:
			t.Fatalf("no event within %s", timeout)
		}
	}
}

// nothing fails if an event (not a comment) arrives within d.
func (s *sseStream) nothing(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return
			}
			if ev.name != ":" {
				t.Fatalf("unexpected event %+v", ev)
			}
		case <-deadline:
			return
		}
	}
}

// readToken is a read-scope token of email.
func readToken(t *testing.T, e *apptest.Env, email string) who {
	t.Helper()
	return bearer(t, e, email, access.ScopeRead)
}
