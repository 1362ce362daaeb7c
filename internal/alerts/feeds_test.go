package alerts

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/feeds"
	"atalaya/internal/routing"
	"atalaya/internal/sharedtest"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// withFeeds returns a started alerts service fed by a started feeds
// service (real parsers, real routing: 192.0.2.0/24 is org-a's,
// 198.51.100.0/24 org-b's) over one store.
func withFeeds(t *testing.T, db *store.DB) (*Service, *feeds.Service) {
	t.Helper()
	tab, err := routing.Build([]routing.Entry{
		{OrgID: "org-a", Kind: routing.KindPrefix, Value: "192.0.2.0/24"},
		{OrgID: "org-b", Kind: routing.KindPrefix, Value: "198.51.100.0/24"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var al *Service
	fs := feeds.New(db, feeds.Options{Router: routing.NewRouter(tab),
		OnCommit: func(ds []feeds.StoredEvent) { al.Deliver(ds) }})
	al = started(t, db, Options{Events: fs})
	c, cancel := contextWithCancel()
	done := make(chan error, 1)
	go func() { done <- fs.Start(c) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("feeds: %v", err)
		}
	})
	return al, fs
}

func feedSets() []store.Migrations {
	return []store.Migrations{audit.Migrations(), feeds.Migrations(), Migrations()}
}

var feedsAdmin = access.Actor{UserID: "sec-admin", Name: "admin@sec.example", OrgID: "sec", Secretariat: true,
	Roles: []access.Role{access.SecretariatAdmin}}

// TestAlertsFromIngest: a feed file goes through the real pipeline; each
// team's live stream gets its own matches, and the try-out reads the real
// deliveries.
func TestAlertsFromIngest(t *testing.T) {
	sample, err := os.ReadFile(sharedtest.Path(t, "feeds", "blocklistde", "imap.txt"))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, feedSets(), func(t *testing.T, db *store.DB) {
		al, fs := withFeeds(t, db)
		a, b := analyst("org-a"), analyst("org-b")
		mustRule(t, al, a, "IMAP abusers in the office range",
			`feed.name == "blocklist-imap" && source.ip.startsWith("192.0.2.") && delivery.by == "prefix"`)
		mustRule(t, al, b, "everything", `true`)
		chA, cancelA, _ := al.Subscribe(a, "org-a")
		defer cancelA()
		chB, cancelB, _ := al.Subscribe(b, "org-b")
		defer cancelB()

		if _, err := fs.CreateFeed(ctx, feedsAdmin, feeds.Feed{Name: "blocklist-imap", Provider: "blocklist.de",
			Format: "blocklistde", Source: feeds.SourceUpload, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		run, err := fs.Ingest(ctx, feedsAdmin, "blocklist-imap", strings.NewReader(string(sample)),
			feeds.IngestOptions{Trigger: "upload", Input: "imap.txt"})
		if err != nil {
			t.Fatalf("ingest: %v (%+v)", err, run)
		}
		// What each team should get, read off the sample by its prefix.
		var wantA, wantB []string
		for _, line := range strings.Fields(string(sample)) {
			switch {
			case strings.HasPrefix(line, "192.0.2."):
				wantA = append(wantA, line)
			case strings.HasPrefix(line, "198.51.100."):
				wantB = append(wantB, line)
			}
		}
		if len(wantA) == 0 || len(wantB) == 0 {
			t.Fatalf("the sample has no lines for org-a (%v) or org-b (%v)", wantA, wantB)
		}
		ips := func(as []Alert) []string {
			var out []string
			for _, a := range as {
				out = append(out, a.Event.Event.SourceIP.String())
			}
			return out
		}
		gotA, gotB := ips(receive(t, chA, len(wantA))), ips(receive(t, chB, len(wantB)))
		quiet(t, chA)
		quiet(t, chB)
		if !slices.Equal(gotA, wantA) || !slices.Equal(gotB, wantB) {
			t.Errorf("org-a got %v, want %v; org-b got %v, want %v", gotA, wantA, gotB, wantB)
		}

		res, err := al.TryRule(ctx, a, "org-a", `source.ip == "192.0.2.45"`)
		if err != nil || res.Evaluated != len(wantA) || res.Matched != 1 || res.Sample[0].Event.SourceIP.String() != "192.0.2.45" {
			t.Errorf("TryRule over the real deliveries = %+v, %v", res, err)
		}
	})
}
