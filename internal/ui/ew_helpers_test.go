package ui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"atalaya/internal/alerts"
	"atalaya/internal/app/apptest"
	"atalaya/internal/feeds"
)

// ewFeed is the feed the early-warning page tests load: generic CSV, one
// column per field the pages show.
const ewFeed = "ew-pages-test"

// ewMapping maps the test CSV's columns to harmonisation fields.
var ewMapping = map[string]string{"ip": "source.ip", "host": "source.fqdn", "port": "source.port",
	"taxonomy": "classification.taxonomy", "type": "classification.type", "ident": "classification.identifier",
	"malware": "malware.name"}

// ewHeader is the test CSV's header line.
const ewHeader = "ip,host,port,taxonomy,type,ident,malware\n"

// markerLine is one CSV line for an address, carrying marker as its
// classification.identifier so a page showing the event shows the marker.
func markerLine(ip, marker string) string {
	return ip + ",,8080,malicious-code,infected-system," + marker + ",mirai\n"
}

// createTestFeed sets up the test feed as the secretariat.
func createTestFeed(t *testing.T, e *apptest.Env) feeds.Feed {
	t.Helper()
	f, err := e.App.Feeds.CreateFeed(t.Context(), e.Actor(t, secAdmin), feeds.Feed{Name: ewFeed, Title: "Pages test feed",
		Provider: "Test", Format: "csv", Source: feeds.SourceUpload, Mapping: ewMapping, Enabled: true})
	if err != nil {
		t.Fatalf("creating the test feed: %v", err)
	}
	return f
}

// ingest loads csv (header included) into the test feed as the
// secretariat and returns the run once its events are durable.
func ingest(t *testing.T, e *apptest.Env, csv string) feeds.Run {
	t.Helper()
	run, err := e.App.Feeds.Ingest(t.Context(), e.Actor(t, secAdmin), ewFeed, strings.NewReader(csv),
		feeds.IngestOptions{Trigger: "upload", Input: "test.csv"})
	if err != nil {
		t.Fatalf("ingesting: %v (run %+v)", err, run)
	}
	return run
}

// saveRule stores an enabled alert rule of email's organisation.
func saveRule(t *testing.T, e *apptest.Env, email, name, expr string) alerts.Rule {
	t.Helper()
	a := e.Actor(t, email)
	r, err := e.App.Alerts.SaveRule(t.Context(), a, alerts.Rule{OrgID: a.OrgID, Name: name, Expr: expr, Enabled: true})
	if err != nil {
		t.Fatalf("saving rule %q as %s: %v", name, email, err)
	}
	return r
}

// waitAlerts waits until email's organisation has at least n alerts
// (alerts are recorded after the events' commit, on alerts' own
// goroutine) and returns them.
func waitAlerts(t *testing.T, e *apptest.Env, email string, n int) []alerts.Alert {
	t.Helper()
	a := e.Actor(t, email)
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, _, err := e.App.Alerts.Alerts(t.Context(), a, a.OrgID, "", 1000)
		if err != nil {
			t.Fatalf("alerts of %s: %v", email, err)
		}
		if len(list) >= n {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d alerts after 10 s, want %d", email, len(list), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// allDeliveries maps every delivery id of every demo organisation to the
// delivery, so a test can tell whose event a page links to.
func allDeliveries(t *testing.T, e *apptest.Env) map[int64]feeds.StoredEvent {
	t.Helper()
	out := map[int64]feeds.StoredEvent{}
	for _, org := range e.Orgs.ByShortName {
		ds, err := e.App.Feeds.Delivered(t.Context(), org, time.Time{}, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			out[d.ID] = d
		}
	}
	return out
}

var eventLink = regexp.MustCompile(`/events/([0-9]+)"`)

// eventIDsIn lists the events a page links to.
func eventIDsIn(body string) []int64 {
	var out []int64
	for _, m := range eventLink.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		out = append(out, n)
	}
	return out
}

// sseEvent is one event of a server-sent stream.
type sseEvent struct {
	ID, Event string
	Data      json.RawMessage
}

// openStream opens /alerts/stream for c and returns its events as they
// come, and a function closing it. lastID, when not "", is sent as
// Last-Event-ID.
func openStream(t *testing.T, c *http.Client, base, lastID string) (int, <-chan sseEvent, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/alerts/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("opening the stream: %v", err)
	}
	out := make(chan sseEvent, 100)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body.Close()
		cancel()
		close(out)
		return resp.StatusCode, out, func() {}
	}
	go func() {
		defer close(out)
		readSSE(resp.Body, out)
	}()
	return resp.StatusCode, out, func() { cancel(); resp.Body.Close() }
}

// readSSE parses a text/event-stream into events until it ends.
func readSSE(r io.Reader, out chan<- sseEvent) {
	sc := bufio.NewScanner(r)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.Event != "" || ev.Data != nil {
				out <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			ev.ID = line[4:]
		case strings.HasPrefix(line, "event: "):
			ev.Event = line[7:]
		case strings.HasPrefix(line, "data: "):
			ev.Data = json.RawMessage(line[6:])
		}
	}
}

// collect reads stream events until n have come or wait has passed.
func collect(events <-chan sseEvent, n int, wait time.Duration) []sseEvent {
	var got []sseEvent
	timeout := time.After(wait)
	for len(got) < n {
		select {
		case ev, ok := <-events:
			if !ok {
				return got
			}
			got = append(got, ev)
		case <-timeout:
			return got
		}
	}
	return got
}

// streamedAlert is the part of a streamed alert the tests read.
type streamedAlert struct {
	ID         int64  `json:"id"`
	Rule       string `json:"rule"`
	Identifier string `json:"identifier"`
	Subject    string `json:"subject"`
	URL        string `json:"url"`
}

func decodeAlert(t *testing.T, ev sseEvent) streamedAlert {
	t.Helper()
	var a streamedAlert
	if err := json.Unmarshal(ev.Data, &a); err != nil {
		t.Fatalf("stream data %s: %v", ev.Data, err)
	}
	if ev.ID != fmt.Sprint(a.ID) {
		t.Errorf("event id %q, data id %d", ev.ID, a.ID)
	}
	return a
}
