package feeds

import (
	"errors"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

func TestCreateFeedRefusesBadSettings(t *testing.T) {
	each(t, Options{}, func(t *testing.T, fx fixture) {
		good := Feed{Name: "good", Format: "lines", Source: SourceUpload}
		cases := []struct {
			name  string
			mod   func(*Feed)
			field string
		}{
			{"empty name", func(f *Feed) { f.Name = "" }, "name"},
			{"name with a space", func(f *Feed) { f.Name = "a b" }, "name"},
			{"name starting with a hyphen", func(f *Feed) { f.Name = "-x" }, "name"},
			{"unknown format", func(f *Feed) { f.Format = "nope" }, "format"},
			{"unknown source", func(f *Feed) { f.Source = "ftp" }, "source"},
			{"http without URL", func(f *Feed) { f.Source = SourceHTTP }, "url"},
			{"http with a relative URL", func(f *Feed) { f.Source, f.URL = SourceHTTP, "/feed.csv" }, "url"},
			{"dir with a relative path", func(f *Feed) { f.Source, f.Dir = SourceDir, "incoming" }, "dir"},
			{"interval under a minute", func(f *Feed) { f.Interval = time.Second }, "interval"},
			{"retention under a day", func(f *Feed) { f.Retention = time.Hour }, "retention"},
			{"bad tlp", func(f *Feed) { f.TLP = "purple" }, "tlp"},
			{"accuracy over 100", func(f *Feed) { f.Accuracy = 101 }, "accuracy"},
			{"mapping to no field", func(f *Feed) { f.Mapping = map[string]string{"ip": "source.ipaddress"} }, "mapping"},
			{"constant that does not parse", func(f *Feed) { f.Constants = map[string]string{"source.asn": "x"} }, "constants"},
			{"constant of no field", func(f *Feed) { f.Constants = map[string]string{"nofield": "x"} }, "constants"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				f := good
				tc.mod(&f)
				_, err := fx.s.CreateFeed(ctx, secretariat(), f)
				es := valid.List(err)
				if len(es) == 0 || es[0].Field != tc.field {
					t.Fatalf("err %v, want a valid.Error on %s", err, tc.field)
				}
			})
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feeds`); n != 0 {
			t.Errorf("refused feeds left %d rows", n)
		}
		if _, err := fx.s.CreateFeed(ctx, secretariat(), good); err != nil {
			t.Fatalf("the good feed: %v", err)
		}
		_, err := fx.s.CreateFeed(ctx, secretariat(), good)
		if es := valid.List(err); len(es) == 0 || es[0].Code != "feeds_name_taken" {
			t.Errorf("second feed of one name: %v", err)
		}
	})
}

func TestFeedAccess(t *testing.T) {
	each(t, Options{}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x")
		officer := access.Actor{UserID: "off", OrgID: orgS, Secretariat: true, Roles: []access.Role{access.SecretariatOfficer}}
		teamAdmin := access.Actor{UserID: "ta", OrgID: orgA, Roles: []access.Role{access.TeamAdmin}}
		cases := []struct {
			name         string
			actor        access.Actor
			view, manage bool
		}{
			{"secretariat admin", secretariat(), true, true},
			{"secretariat officer", officer, true, true},
			{"team admin", teamAdmin, true, false},
			{"analyst", analyst(orgA), true, false},
			{"observer", observer(orgA), false, false},
			{"anonymous", access.Anonymous, false, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := fx.s.Feeds(ctx, tc.actor)
				if (err == nil) != tc.view {
					t.Errorf("Feeds: %v, want allowed %v", err, tc.view)
				}
				_, err = fx.s.Feed(ctx, tc.actor, "x")
				if (err == nil) != tc.view {
					t.Errorf("Feed: %v, want allowed %v", err, tc.view)
				}
				_, _, err = fx.s.Quarantine(ctx, tc.actor, "x", "", 0)
				if (err == nil) != tc.manage {
					t.Errorf("Quarantine: %v, want allowed %v", err, tc.manage)
				}
				_, err = fx.s.CreateFeed(ctx, tc.actor, Feed{Name: "new-" + tc.actor.UserID, Format: "lines", Source: SourceUpload})
				if (err == nil) != tc.manage {
					t.Errorf("CreateFeed: %v, want allowed %v", err, tc.manage)
				}
				if !tc.manage && !errors.Is(err, access.ErrDenied) {
					t.Errorf("CreateFeed refused with %v, want ErrDenied", err)
				}
				if !tc.manage {
					_, err = fx.s.Ingest(ctx, tc.actor, "x", strings.NewReader(lines(1)), IngestOptions{Trigger: TriggerUpload})
					if !errors.Is(err, access.ErrDenied) {
						t.Errorf("Ingest (upload): %v, want ErrDenied", err)
					}
				}
			})
		}
	})
}

func TestUpdateAndDeleteFeedAudited(t *testing.T) {
	each(t, Options{}, func(t *testing.T, fx fixture) {
		f := mustFeed(t, fx.s, "x", func(f *Feed) { f.Source, f.URL, f.Auth = SourceHTTP, "https://feeds.example/x.csv", "Bearer s3cret" })
		if f.Auth != "" || !f.HasAuth {
			t.Fatalf("created feed shows its credential: %+v", f)
		}
		got, err := fx.s.Feed(ctx, analyst(orgA), "x")
		if err != nil || got.Auth != "" || !got.HasAuth || got.URL != "https://feeds.example/x.csv" {
			t.Fatalf("Feed: %+v %v", got, err)
		}
		f.Title, f.Interval = "Renamed title", time.Hour
		up, err := fx.s.UpdateFeed(ctx, secretariat(), f)
		if err != nil || up.Title != "Renamed title" || up.Interval != time.Hour {
			t.Fatalf("update: %+v %v", up, err)
		}
		stored, err := feedByRef(ctx, fx.db.R(), f.ID)
		if err != nil || stored.Auth != "Bearer s3cret" {
			t.Fatalf("an update without Auth lost the stored one: %q %v", stored.Auth, err)
		}
		f.Name = "other"
		if _, err := fx.s.UpdateFeed(ctx, secretariat(), f); len(valid.List(err)) == 0 {
			t.Errorf("renaming a feed: %v, want a valid.Error", err)
		}
		mustIngest(t, fx.s, "x", "192.0.2.1;malicious-code;infected-system\nbad;x;y\n")
		if err := fx.s.DeleteFeed(ctx, analyst(orgA), f.ID); !errors.Is(err, access.ErrDenied) {
			t.Errorf("an analyst deleted a feed: %v", err)
		}
		if err := fx.s.DeleteFeed(ctx, secretariat(), "x"); err != nil {
			t.Fatalf("delete: %v", err)
		}
		for _, table := range []string{"feeds", "feed_events", "feed_deliveries", "feed_quarantine", "feed_runs", "feed_stats"} {
			if n := count(t, fx.db, `SELECT COUNT(*) FROM `+table); n != 0 {
				t.Errorf("%s keeps %d rows after the feed went", table, n)
			}
		}
		if _, err := fx.s.Feed(ctx, secretariat(), "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted feed: %v", err)
		}
		entries, _, err := audit.List(ctx, fx.db, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, e := range entries {
			actions[e.Action] = true
			if e.ObjectType == "feed" && (strings.Contains(string(e.After), "s3cret") || strings.Contains(string(e.Before), "s3cret")) {
				t.Errorf("the audit log holds the feed's credential: %s", e.After)
			}
		}
		for _, a := range []string{"feed.create", "feed.update", "feed.delete"} {
			if !actions[a] {
				t.Errorf("no audit entry %s in %v", a, actions)
			}
		}
	})
}

// TestParserSettingsAreCheckedByTheParser: the real csv format names the
// mapping when it is missing, and the shadowserver format the schema the
// service was not given.
func TestParserSettingsAreCheckedByTheParser(t *testing.T) {
	each(t, Options{}, func(t *testing.T, fx fixture) {
		_, err := fx.s.CreateFeed(ctx, secretariat(), Feed{Name: "c", Format: "csv", Source: SourceUpload})
		if es := valid.List(err); len(es) == 0 || es[0].Field != "mapping" {
			t.Errorf("csv without a mapping: %v", err)
		}
		_, err = fx.s.CreateFeed(ctx, secretariat(), Feed{Name: "s", Format: "shadowserver", Source: SourceUpload})
		if es := valid.List(err); len(es) == 0 {
			t.Errorf("shadowserver without a schema: %v", err)
		}
		f, err := fx.s.CreateFeed(ctx, secretariat(), Feed{Name: "c", Format: "csv", Source: SourceUpload,
			Mapping:   map[string]string{"ip": "source.ip", "when": "time.source"},
			Constants: map[string]string{"classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system"}})
		if err != nil {
			t.Fatal(err)
		}
		r := mustIngest(t, fx.s, f.Name, "when,ip\n2024-01-02 03:04:05,192.0.2.9\n2024-01-02 03:04:05,999.1.1.1\n")
		if r.Accepted != 1 || r.Quarantined != 1 || r.Delivered != 1 {
			t.Errorf("csv run: %+v", r)
		}
	})
}
