package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/app/apptest"
)

// TestFeedsLifecycle sets up a push feed, reads it back (never its
// credentials), pushes to it, reads its runs, status and quarantine,
// replaces and removes it, through the API as the secretariat admin.
func TestFeedsLifecycle(t *testing.T) {
	eachEW(t, func(t *testing.T, e *apptest.Env) {
		sec := bearer(t, e, secAdmin)
		body := pushFeed("sensors", e.Org(t, bankTeam))
		body["auth"] = "Bearer do-not-show"
		var created feedOut
		a := post(t, e, sec, "/api/v1/feeds", body, http.StatusCreated, &created)
		if created.Name != "sensors" || created.ID == "" || !created.HasAuth || !created.Enabled {
			t.Fatalf("created %+v", created)
		}
		if loc := a.header.Get("Location"); loc != "/api/v1/feeds/sensors" {
			t.Errorf("Location %q", loc)
		}
		for _, path := range []string{"/api/v1/feeds/sensors", "/api/v1/feeds/" + created.ID, "/api/v1/feeds"} {
			a := get(t, e, sec, path, http.StatusOK, nil)
			if strings.Contains(string(a.body), "do-not-show") || strings.Contains(string(a.body), `"auth"`) {
				t.Errorf("%s shows the credentials: %s", path, a.body)
			}
		}

		run := pushOK(t, e, sec, "sensors", csvLines(bankIP+",infected-system,mirai,", "not-an-ip,infected-system,mirai,",
			mxIP+",c2-server,qakbot,c2.example.net"))
		if run.State != "ok" || run.Trigger != "push" || run.Lines < 3 || run.Accepted != 2 || run.Quarantined != 1 {
			t.Errorf("run %+v, want ok with 2 accepted, 1 quarantined", run)
		}
		again := pushOK(t, e, sec, "sensors", csvLines(bankIP+",infected-system,mirai,"))
		if again.Accepted != 0 || again.Duplicates != 1 {
			t.Errorf("second push %+v, want the event counted as a duplicate", again)
		}

		var runs list[runOut]
		get(t, e, sec, "/api/v1/feeds/sensors/runs?limit=10", http.StatusOK, &runs)
		if len(runs.Items) != 2 || runs.Items[0].ID != again.ID || runs.Items[1].ID != run.ID {
			t.Errorf("runs %+v, want the two pushes newest first", runs.Items)
		}
		var status list[feedOut]
		get(t, e, sec, "/api/v1/feeds", http.StatusOK, &status)
		i := slices.IndexFunc(status.Items, func(f feedOut) bool { return f.Name == "sensors" })
		if i < 0 || status.Items[i].Events != 2 || status.Items[i].LastRun == nil || status.Items[i].LastRun.ID != again.ID {
			t.Errorf("status of sensors %+v, want 2 events and the last push", status.Items)
		}

		var q list[struct {
			RunID string `json:"run_id"`
			Line  int    `json:"line"`
			Field string `json:"field"`
			Raw   string `json:"raw"`
		}]
		get(t, e, sec, "/api/v1/feeds/sensors/quarantine", http.StatusOK, &q)
		if len(q.Items) != 1 || q.Items[0].RunID != run.ID || q.Items[0].Line != 3 || q.Items[0].Field != "source.ip" ||
			!strings.Contains(q.Items[0].Raw, "not-an-ip") {
			t.Errorf("quarantine %+v, want line 3 (the header is line 1) of the first run, on source.ip", q.Items)
		}

		// A replacement keeps the credentials it does not repeat.
		body["title"], body["interval_seconds"] = "Sensors, renamed", 0
		delete(body, "auth")
		var updated feedOut
		expect(t, call(t, e, sec, request{method: "PUT", path: "/api/v1/feeds/sensors", body: body}), "PUT", http.StatusOK, &updated)
		if !updated.HasAuth {
			t.Error("the replacement dropped the credentials")
		}

		expect(t, call(t, e, sec, request{method: "DELETE", path: "/api/v1/feeds/sensors"}), "DELETE", http.StatusNoContent, nil)
		get(t, e, sec, "/api/v1/feeds/sensors", http.StatusNotFound, nil)
		push(t, e, sec, "sensors", csvLines(bankIP+",infected-system,mirai,")).problem(t)
	})
}

// TestFeedsInvalid: bad settings are a 422 naming each field as the body
// names it, and nothing is created.
func TestFeedsInvalid(t *testing.T) {
	e := newEW(t)
	sec := bearer(t, e, secAdmin)
	cases := []struct {
		name   string
		change map[string]any
		fields []string
	}{
		{"bad name", map[string]any{"name": "Bad Name"}, []string{"name"}},
		{"unknown format", map[string]any{"format": "nope"}, []string{"format"}},
		{"unknown source", map[string]any{"source": "ftp"}, []string{"source"}},
		{"http without URL", map[string]any{"source": "http"}, []string{"url"}},
		{"interval too short", map[string]any{"interval_seconds": 5}, []string{"interval_seconds"}},
		{"negative retention", map[string]any{"retention_seconds": -1}, []string{"retention_seconds"}},
		{"mapping to nothing", map[string]any{"mapping": map[string]string{"ip": "source.nothing"}}, []string{"mapping"}},
		{"bad TLP", map[string]any{"tlp": "purple"}, []string{"tlp"}},
		{"unknown field", map[string]any{"colour": "red"}, []string{"colour"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := pushFeed("bad", "")
			for k, v := range tc.change {
				body[k] = v
			}
			a := call(t, e, sec, request{method: "POST", path: "/api/v1/feeds", body: body})
			if a.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %s", a.status, a.body)
			}
			got := a.fields(t)
			for _, f := range tc.fields {
				if !slices.Contains(got, f) {
					t.Errorf("fields %v, want %v among them", got, f)
				}
			}
		})
	}
	var l list[feedOut]
	get(t, e, sec, "/api/v1/feeds", http.StatusOK, &l)
	for _, f := range l.Items {
		if strings.HasPrefix(f.Name, "bad") || f.Name == "Bad Name" {
			t.Errorf("feed %q was created", f.Name)
		}
	}
	t.Run("duplicate name", func(t *testing.T) {
		createFeed(t, e, pushFeed("twice", ""))
		a := call(t, e, sec, request{method: "POST", path: "/api/v1/feeds", body: pushFeed("twice", "")})
		if a.status != http.StatusUnprocessableEntity || !slices.Equal(a.fields(t), []string{"name"}) {
			t.Errorf("status %d, fields %s; want 422 on name", a.status, a.body)
		}
	})
}

// TestPushUnreadable: a body the parser cannot read through is a 422 on
// the body, saying why.
func TestPushUnreadable(t *testing.T) {
	e := newEW(t)
	createFeed(t, e, pushFeed("strict", ""))
	a := push(t, e, bearer(t, e, secAdmin), "strict", "wrong,header\n1,2\n")
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", a.status, a.body)
	}
	p := a.problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Field != "body" || !strings.Contains(p.Errors[0].Message, "header") {
		t.Errorf("problem %+v, want one error on body about the header", p)
	}
}

// TestPushTooLarge: a push over 64 MiB is refused with 413 and nothing
// is stored.
func TestPushTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 64 MiB")
	}
	e := newEW(t)
	createFeed(t, e, pushFeed("big", ""))
	// One endless line: the parser reads without storing anything, so
	// the limit is reached fast.
	body := csvLines() + strings.Repeat("a", 64<<20)
	a := push(t, e, bearer(t, e, secAdmin), "big", body)
	if a.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413: %.300s", a.status, a.body)
	}
	a.problem(t)
	if got := inbox(t, e, bearer(t, e, bankAdmin), "feed=big"); len(got) != 0 {
		t.Errorf("%d events stored", len(got))
	}
}

// TestFeedRunPulls sets up pulled feeds through the API and runs them by
// hand: an HTTP feed (the second run is a conditional request answered
// 304) and a watched directory (the file goes to done/). Their events
// reach the teams' inboxes.
func TestFeedRunPulls(t *testing.T) {
	e := newEW(t)
	sec := bearer(t, e, secAdmin)
	content := []byte(csvLines(bankIP+",infected-system,mirai,", "198.51.100.150,c2-server,qakbot,"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer feed-key" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "feed.csv", time.Time{}, bytes.NewReader(content))
	}))
	defer srv.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "drop.csv"), []byte(csvLines(mxIP+",scanner,,")), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(filepath.Join(dir, "drop.csv"), old, old); err != nil {
		t.Fatal(err)
	}

	httpFeed := pushFeed("pulled", "")
	httpFeed["source"], httpFeed["url"], httpFeed["auth"] = "http", srv.URL+"/feed.csv", "Bearer feed-key"
	createFeed(t, e, httpFeed)
	var run runOut
	post(t, e, sec, "/api/v1/feeds/pulled/run", nil, http.StatusOK, &run)
	if run.State != "ok" || run.Trigger != "manual" || run.Accepted != 2 {
		t.Fatalf("first run %+v, want 2 events accepted", run)
	}
	post(t, e, sec, "/api/v1/feeds/pulled/run", nil, http.StatusOK, &run)
	if run.State != "not-modified" || run.Accepted != 0 {
		t.Errorf("second run %+v, want not-modified", run)
	}
	if got := ips(inbox(t, e, bearer(t, e, bankAdmin), "feed=pulled")); !slices.Equal(got, []string{"198.51.100.150", bankIP}) {
		t.Errorf("the bank's events of the pulled feed %v", got)
	}

	dirFeed := pushFeed("dropped", "")
	dirFeed["source"], dirFeed["dir"] = "dir", dir
	createFeed(t, e, dirFeed)
	post(t, e, sec, "/api/v1/feeds/dropped/run", nil, http.StatusOK, &run)
	if run.State != "ok" || run.Accepted != 1 {
		t.Fatalf("directory run %+v, want 1 event accepted", run)
	}
	if _, err := os.Stat(filepath.Join(dir, "done", "drop.csv")); err != nil {
		t.Errorf("the file was not moved to done/: %v", err)
	}
	if got := ips(inbox(t, e, bearer(t, e, mxAdmin), "feed=dropped")); !slices.Equal(got, []string{mxIP}) {
		t.Errorf("the national team's events of the dropped file %v", got)
	}

	// A provider's error is a failed run, recorded and answered.
	broken := pushFeed("broken", "")
	broken["source"], broken["url"] = "http", srv.URL+"/feed.csv" // no credentials: 401
	createFeed(t, e, broken)
	post(t, e, sec, "/api/v1/feeds/broken/run", nil, http.StatusOK, &run)
	if run.State != "failed" || !strings.Contains(run.Error, "401") || run.ID == "" {
		t.Errorf("run of a refused pull %+v, want failed, naming the 401", run)
	}
	var runs list[runOut]
	get(t, e, sec, "/api/v1/feeds/broken/runs", http.StatusOK, &runs)
	if len(runs.Items) != 1 || runs.Items[0].ID != run.ID {
		t.Errorf("runs of the broken feed %+v, want the failed one", runs.Items)
	}

	// A push feed is not pulled.
	createFeed(t, e, pushFeed("pushed", ""))
	a := post(t, e, sec, "/api/v1/feeds/pushed/run", nil, http.StatusUnprocessableEntity, nil)
	if !slices.Equal(a.fields(t), []string{"source"}) {
		t.Errorf("run of a push feed: fields %v, want source", a.fields(t))
	}
}
