package sources_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"atalaya/internal/feeds"
	"atalaya/internal/sharedtest"
	"atalaya/internal/sources"
)

// recorder serves a directory and keeps the path and Authorization of
// every request.
type recorder struct {
	files http.Handler
	mu    sync.Mutex
	paths []string
	auth  []string
}

func newRecorder(dir string) *recorder { return &recorder{files: http.FileServer(http.Dir(dir))} }

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.paths = append(r.paths, req.URL.Path)
	r.auth = append(r.auth, req.Header.Get("Authorization"))
	r.mu.Unlock()
	r.files.ServeHTTP(w, req)
}

func (r *recorder) seen() ([]string, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.paths), slices.Clone(r.auth)
}

// TestMISPPullSample pulls the real DigitalSide MISP feed sample from an
// HTTP server: its one event, then nothing new.
func TestMISPPullSample(t *testing.T) {
	dir := sharedtest.Path(t, "misp", "feed", "digitalside-misp-feed")
	var manifest map[string]struct {
		Timestamp string `json:"timestamp"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest) != 1 {
		t.Fatalf("the sample manifest has %d events; the test expects the one", len(manifest))
	}
	var uuid, ts string
	for k, v := range manifest {
		uuid, ts = k, v.Timestamp
	}
	event, err := os.ReadFile(filepath.Join(dir, uuid+".json"))
	if err != nil {
		t.Fatal(err)
	}

	rec := newRecorder(dir)
	srv := httptest.NewServer(rec)
	defer srv.Close()
	f := sources.New(srv.Client())
	feed := feeds.Feed{Name: "digitalside", Source: feeds.SourceMISP, URL: srv.URL + "/", Auth: "Basic ZmVlZDpwdw=="}

	got := fetch(t, f, feed, nil)
	if len(got.Inputs) != 1 {
		t.Fatalf("%d inputs, want the sample's one event", len(got.Inputs))
	}
	in := got.Inputs[0]
	if in.Format != "misp" || !strings.HasSuffix(in.Name, "/"+uuid+".json") {
		t.Errorf("input %q of format %q, want %s.json for the misp parser", in.Name, in.Format, uuid)
	}
	if b := readInput(t, in); !bytes.Equal(b, event) {
		t.Errorf("read %d bytes, want the event file's %d", len(b), len(event))
	}
	if want := `{"timestamp":` + ts + `}`; string(got.State) != want {
		t.Errorf("state %s, want %s", got.State, want)
	}
	paths, auths := rec.seen()
	if want := []string{"/manifest.json", "/" + uuid + ".json"}; !slices.Equal(paths, want) {
		t.Errorf("requests %v, want %v", paths, want)
	}
	for i, a := range auths {
		if a != feed.Auth {
			t.Errorf("request %s sent Authorization %q, want the feed's", paths[i], a)
		}
	}

	again := fetch(t, f, feed, got.State)
	if !again.NotModified || len(again.Inputs) != 0 {
		t.Errorf("second pull: not-modified %v, %d inputs; want nothing new", again.NotModified, len(again.Inputs))
	}
}

const (
	uuidA = "11111111-1111-4111-8111-111111111111"
	uuidB = "22222222-2222-4222-8222-222222222222"
	uuidC = "33333333-3333-4333-8333-333333333333"
)

// mispFeed writes a feed directory with a manifest and an event file per
// entry, and returns the directory.
func mispFeed(t *testing.T, manifest string, uuids ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, u := range uuids {
		if err := os.WriteFile(filepath.Join(dir, u+".json"), []byte(`{"Event":{"uuid":"`+u+`"}}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestMISPPullNewer: only events changed after the state are pulled,
// oldest first, whatever way the manifest writes its timestamps.
func TestMISPPullNewer(t *testing.T) {
	manifest := `{"` + uuidC + `":{"timestamp":"300","info":"c"},"` + uuidA + `":{"timestamp":"100"},"` +
		uuidB + `":{"timestamp":200}}`
	dir := mispFeed(t, manifest, uuidA, uuidB, uuidC)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	f := sources.New(srv.Client())
	cases := []struct {
		name  string
		url   string
		state string
		want  []string
	}{
		{"first pull", srv.URL, "", []string{uuidA, uuidB, uuidC}},
		{"after the first event", srv.URL + "/", `{"timestamp":100}`, []string{uuidB, uuidC}},
		{"manifest URL given", srv.URL + "/manifest.json", `{"timestamp":250}`, []string{uuidC}},
		{"state of another source", srv.URL, `{"etag":"x"}`, []string{uuidA, uuidB, uuidC}},
		{"unreadable state", srv.URL, `not json`, []string{uuidA, uuidB, uuidC}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var state []byte
			if tc.state != "" {
				state = []byte(tc.state)
			}
			got := fetch(t, f, feeds.Feed{Name: "m", Source: feeds.SourceMISP, URL: tc.url}, state)
			var uuids []string
			for _, in := range got.Inputs {
				var ev struct{ Event struct{ UUID string } }
				if err := json.Unmarshal(readInput(t, in), &ev); err != nil {
					t.Fatal(err)
				}
				uuids = append(uuids, ev.Event.UUID)
			}
			if !slices.Equal(uuids, tc.want) {
				t.Errorf("pulled %v, want %v", uuids, tc.want)
			}
			if want := `{"timestamp":300}`; string(got.State) != want {
				t.Errorf("state %s, want %s", got.State, want)
			}
		})
	}
}

// TestMISPErrors: a manifest that cannot be read, or names something that
// is not an event, fails the pull naming why.
func TestMISPErrors(t *testing.T) {
	cases := []struct {
		name     string
		manifest string // "" serves no manifest
		want     string
	}{
		{"no manifest", "", "404"},
		{"not JSON", "<html></html>", "not a MISP feed manifest"},
		{"a list", `[1,2]`, "not a MISP feed manifest"},
		{"path in a key", `{"../../etc/passwd":{"timestamp":"1"}}`, "not an event UUID"},
		{"bad timestamp", `{"` + uuidA + `":{"timestamp":"yesterday"}}`, "not a Unix time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.manifest != "" {
				dir = mispFeed(t, tc.manifest)
			}
			srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
			defer srv.Close()
			_, err := sources.New(srv.Client()).Fetch(context.Background(),
				feeds.Feed{Name: "m", Source: feeds.SourceMISP, URL: srv.URL}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestMISPEventGone: an event of the manifest that the server no longer
// has fails its input's Open, naming the status.
func TestMISPEventGone(t *testing.T) {
	dir := mispFeed(t, `{"`+uuidA+`":{"timestamp":"`+strconv.Itoa(5)+`"}}`) // no event file
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	got := fetch(t, sources.New(srv.Client()), feeds.Feed{Name: "m", Source: feeds.SourceMISP, URL: srv.URL}, nil)
	if len(got.Inputs) != 1 {
		t.Fatalf("%d inputs", len(got.Inputs))
	}
	if _, err := got.Inputs[0].Open(); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("Open: %v, want a 404", err)
	}
}
