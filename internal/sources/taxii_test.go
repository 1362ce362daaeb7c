package sources_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
	"atalaya/internal/feeds"
	"atalaya/internal/intel"
	"atalaya/internal/sharedtest"
	"atalaya/internal/sources"
	"atalaya/internal/stix"
	"atalaya/internal/taxii"
)

// The demo accounts (internal/app/demo.go): the Mexican national team
// shares, the bank's team pulls.
const (
	mxAnalyst = "analyst@csirt-mx.example"
	bankAdmin = "admin@csirt-bank.example"
)

// taxiiServer is Atalaya's own TAXII 2.1 server over a demo network, and
// the objects URL of its network collection.
type taxiiServer struct {
	env        *apptest.Env
	objectsURL string
}

func newTAXIIServer(t *testing.T) taxiiServer {
	t.Helper()
	e := apptest.New(t)
	network := intel.DefaultCollectionID(intel.KindNetwork, "")
	return taxiiServer{env: e, objectsURL: e.URL + taxii.Prefix + "/" + taxii.APIRoot + "/collections/" + network + "/objects/"}
}

// share stores objects as the Mexican analyst, green to all members, and
// returns the ids stored.
func (s taxiiServer) share(t *testing.T, objs ...json.RawMessage) []string {
	t.Helper()
	rep, err := s.env.App.Intel.Put(context.Background(), s.env.Actor(t, mxAnalyst), objs,
		intel.PutOptions{Sharing: intel.Sharing{TLP: access.TLPGreen, Members: true}, Source: "api"})
	if err != nil {
		t.Fatalf("sharing: %v", err)
	}
	var ids []string
	for _, r := range rep.Accepted {
		if r.Added.IsZero() {
			continue // a TLP marking, known rather than stored
		}
		ids = append(ids, r.ID)
	}
	return ids
}

func indicator(ip string) json.RawMessage {
	ts := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	return json.RawMessage(fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":%q,"created":%q,"modified":%q,`+
		`"name":"C2 %s","pattern":"[ipv4-addr:value = '%s']","pattern_type":"stix","valid_from":%q}`,
		stix.NewID("indicator"), ts, ts, ip, ip, ts))
}

// pulledIDs reads every input of a TAXII pull as an envelope and returns
// the ids of its objects, checking each is given to the stix parser.
func pulledIDs(t *testing.T, got feeds.Fetched) []string {
	t.Helper()
	var ids []string
	for _, in := range got.Inputs {
		if in.Format != "stix" {
			t.Errorf("%s: format %q, want stix", in.Name, in.Format)
		}
		var env struct {
			Objects []struct {
				ID string `json:"id"`
			} `json:"objects"`
		}
		if err := json.Unmarshal(readInput(t, in), &env); err != nil {
			t.Fatalf("%s is not an envelope: %v", in.Name, err)
		}
		for _, o := range env.Objects {
			ids = append(ids, o.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// TestTAXIIPull pulls Atalaya's own TAXII server as another team would:
// what the demo network already shares, then what was shared since in
// pages of two, then nothing new, then only the latest.
func TestTAXIIPull(t *testing.T) {
	s := newTAXIIServer(t)
	feed := feeds.Feed{Name: "partners", Source: feeds.SourceTAXII, URL: s.objectsURL + "?limit=2",
		Auth: "Bearer " + s.env.Token(t, bankAdmin, access.ScopeRead)}
	f := sources.New(nil)
	before := fetch(t, f, feed, nil)
	if len(before.Inputs) < 2 || len(before.State) == 0 {
		t.Fatalf("first pull: %d pages, state %s; want the demo's objects over several pages", len(before.Inputs), before.State)
	}

	time.Sleep(5 * time.Millisecond) // a later date_added than the last pulled
	var shared []string
	for i := range 5 {
		shared = append(shared, s.share(t, indicator(fmt.Sprintf("198.51.100.%d", i+1)))...)
	}
	slices.Sort(shared)
	got := fetch(t, f, feed, before.State)
	if len(got.Inputs) != 3 {
		t.Errorf("%d pages, want 3 (5 objects, 2 a page)", len(got.Inputs))
	}
	if ids := pulledIDs(t, got); !slices.Equal(ids, shared) {
		t.Fatalf("pulled %v, want %v", ids, shared)
	}

	again := fetch(t, f, feed, got.State)
	if !again.NotModified || len(again.Inputs) != 0 {
		t.Fatalf("pull with nothing new: not-modified %v, %d inputs", again.NotModified, len(again.Inputs))
	}

	time.Sleep(5 * time.Millisecond)
	added := s.share(t, indicator("203.0.113.50"))
	last := fetch(t, f, feed, again.State)
	if ids := pulledIDs(t, last); !slices.Equal(ids, added) {
		t.Errorf("last pull %v, want only the new %v", ids, added)
	}
}

// TestTAXIIPullDenied: a token that does not authenticate is an error
// naming the status, not an empty pull.
func TestTAXIIPullDenied(t *testing.T) {
	s := newTAXIIServer(t)
	feed := feeds.Feed{Name: "partners", Source: feeds.SourceTAXII, URL: s.objectsURL, Auth: "Bearer ata_not_a_token"}
	_, err := sources.New(nil).Fetch(context.Background(), feed, nil)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("error %v, want a 401", err)
	}
}

// TestTAXIIPullMedallionSample shares the objects of the OASIS reference
// server's test collection (medallion's "High Value Indicator Collection")
// in Atalaya and pulls them back over TAXII.
func TestTAXIIPullMedallionSample(t *testing.T) {
	raw, err := os.ReadFile(sharedtest.Path(t, "taxii", "medallion", "default_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		TrustGroup1 struct {
			Collections []struct {
				Title   string            `json:"title"`
				Objects []json.RawMessage `json:"objects"`
			} `json:"collections"`
		} `json:"trustgroup1"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	var objs []json.RawMessage
	for _, c := range data.TrustGroup1.Collections {
		if c.Title == "High Value Indicator Collection" {
			objs = c.Objects
		}
	}
	if len(objs) == 0 {
		t.Fatal("no High Value Indicator Collection in the sample")
	}
	s := newTAXIIServer(t)
	// Every version is pulled: the sample holds several of one indicator.
	feed := feeds.Feed{Name: "medallion", Source: feeds.SourceTAXII, URL: s.objectsURL + "?match[version]=all&limit=3",
		Auth: "Bearer " + s.env.Token(t, bankAdmin, access.ScopeRead)}
	f := sources.New(nil)
	before := fetch(t, f, feed, nil) // the demo network's own objects
	time.Sleep(5 * time.Millisecond)
	shared := s.share(t, objs...)
	if len(shared) < 3 {
		t.Fatalf("only %d of the sample's objects stored", len(shared))
	}
	got := fetch(t, f, feed, before.State)
	slices.Sort(shared)
	if ids := pulledIDs(t, got); !slices.Equal(ids, shared) {
		t.Errorf("pulled %v, want the stored %v", ids, shared)
	}
}

// pagedByDate is a TAXII server that pages with added_after only (more,
// no next), as the specification allows: objects are given one a page.
type pagedByDate struct {
	added []string // date_added of each object, ascending
	noHdr bool     // leave out X-TAXII-Date-Added-Last
}

func (p pagedByDate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Accept") != taxii.MediaTAXII {
		http.Error(w, "bad Accept", http.StatusNotAcceptable)
		return
	}
	after := r.URL.Query().Get("added_after")
	for i, a := range p.added {
		if after != "" && a <= after {
			continue
		}
		w.Header().Set("Content-Type", taxii.MediaTAXII)
		if !p.noHdr {
			w.Header().Set("X-TAXII-Date-Added-Last", a)
		}
		fmt.Fprintf(w, `{"more":%v,"objects":[{"type":"indicator","id":"indicator--%08d-0000-4000-8000-000000000000"}]}`,
			i < len(p.added)-1, i)
		return
	}
	w.Header().Set("Content-Type", taxii.MediaTAXII)
	fmt.Fprint(w, `{}`)
}

func TestTAXIIPagesByDateAdded(t *testing.T) {
	added := []string{"2025-01-01T00:00:00.000Z", "2025-01-02T00:00:00.000Z", "2025-01-03T00:00:00.000Z"}
	srv := httptest.NewServer(pagedByDate{added: added})
	defer srv.Close()
	feed := feeds.Feed{Name: "dated", Source: feeds.SourceTAXII, URL: srv.URL + "/collections/c/objects/"}
	got := fetch(t, sources.New(srv.Client()), feed, []byte(`{"added_after":"2025-01-01T00:00:00.000Z"}`))
	if ids := pulledIDs(t, got); len(ids) != 2 {
		t.Errorf("pulled %v, want the 2 objects after the state", ids)
	}
	if want := `{"added_after":"2025-01-03T00:00:00.000Z"}`; string(got.State) != want {
		t.Errorf("state %s, want %s", got.State, want)
	}
}

// TestTAXIIErrors: answers a pull cannot go on with fail it.
func TestTAXIIErrors(t *testing.T) {
	cases := []struct {
		name    string
		handler http.Handler
		want    string
	}{
		{"more without a way on", pagedByDate{added: []string{"2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"}, noHdr: true}, "no way to page on"},
		{"not an envelope", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<html>sign in</html>")
		}), "not a TAXII envelope"},
		{"not found", http.NotFoundHandler(), "404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			feed := feeds.Feed{Name: "bad", Source: feeds.SourceTAXII, URL: srv.URL + "/objects/"}
			_, err := sources.New(srv.Client()).Fetch(context.Background(), feed, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
