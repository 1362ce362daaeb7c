package alerts

import (
	"errors"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/feeds"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

// fresh returns a new migrated database on db's engine.
func fresh(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if db.Engine() == store.Postgres {
		return storetest.Postgres(t, sets())
	}
	return storetest.SQLite(t, sets())
}

// fixture is org-a with one of everything: a rule, an alert, a webhook
// with a pending post, a digest.
type fixture struct {
	s      *Service
	rule   Rule
	hook   Webhook
	post   int64
	digest Digest
}

func newFixture(t *testing.T, db *store.DB) fixture {
	t.Helper()
	src := &source{ds: []feeds.StoredEvent{phishing(t, 1, "org-a"), phishing(t, 2, "org-b")}}
	s := New(db, Options{Events: src, Now: newClock(t0).Now})
	owner := analyst("org-a")
	f := fixture{s: s, rule: mustRule(t, s, owner, "phishing", `classification.type == "phishing"`)}
	var err error
	if f.hook, err = s.CreateWebhook(ctx, owner, Webhook{URL: "https://soc.example.org/hook"}); err != nil {
		t.Fatal(err)
	}
	if f.digest, err = s.CreateDigest(ctx, owner, Digest{Email: "soc@org-a.example", Every: Hourly}); err != nil {
		t.Fatal(err)
	}
	// Record without the background work, so the post stays pending.
	s.Deliver(src.ds)
	s.recordAll(ctx, s.queue.take(nil))
	posts, err := s.WebhookDeliveries(ctx, owner, "org-a", 0)
	if err != nil || len(posts) != 1 {
		t.Fatalf("fixture posts %+v, %v", posts, err)
	}
	f.post = posts[0].ID
	return f
}

// TestAccess runs every method as several actors against org-a's things.
// Who may do what is written here by hand from the rules (a team's
// responders see its alerts; analysts and admins manage them; read tokens
// only read; observers, other teams and the secretariat get nothing), not
// derived from access.
func TestAccess(t *testing.T) {
	actors := []struct {
		name         string
		a            access.Actor
		see, manage  bool
		listedAlerts int // org-a's alerts the actor gets from Alerts
	}{
		{"analyst of the team", analyst("org-a"), true, true, 1},
		{"admin of the team", teamAdmin("org-a"), true, true, 1},
		{"read token of the team", readToken(analyst("org-a")), true, false, 1},
		{"observer of the team", observer("org-a"), false, false, 0},
		{"analyst of another team", analyst("org-b"), false, false, 0},
		{"admin of another team", teamAdmin("org-b"), false, false, 0},
		{"secretariat admin", secretariat, false, false, 0},
		{"anonymous", access.Anonymous, false, false, 0},
	}
	type op struct {
		name   string
		manage bool // needs ManageAlerts, else CanSeeEvents
		byID   bool // names a thing: refused as not found unless the actor sees the team
		run    func(f fixture, a access.Actor) error
	}
	ops := []op{
		{"Rules", false, false, func(f fixture, a access.Actor) error { _, err := f.s.Rules(ctx, a, "org-a"); return err }},
		{"Rule", false, true, func(f fixture, a access.Actor) error { _, err := f.s.Rule(ctx, a, f.rule.ID); return err }},
		{"Alerts", false, false, func(f fixture, a access.Actor) error {
			_, _, err := f.s.Alerts(ctx, a, "org-a", "", 0)
			return err
		}},
		{"AlertsAfter", false, false, func(f fixture, a access.Actor) error {
			_, err := f.s.AlertsAfter(ctx, a, "org-a", 0, 0)
			return err
		}},
		{"Subscribe", false, false, func(f fixture, a access.Actor) error {
			_, cancel, err := f.s.Subscribe(a, "org-a")
			cancel()
			return err
		}},
		{"TryRule", true, false, func(f fixture, a access.Actor) error {
			_, err := f.s.TryRule(ctx, a, "org-a", "true")
			return err
		}},
		{"SaveRule new", true, false, func(f fixture, a access.Actor) error {
			_, err := f.s.SaveRule(ctx, a, Rule{OrgID: "org-a", Name: "n", Expr: "true"})
			return err
		}},
		{"SaveRule change", true, true, func(f fixture, a access.Actor) error {
			r := f.rule
			r.Name = "renamed"
			_, err := f.s.SaveRule(ctx, a, r)
			return err
		}},
		{"Webhooks", true, false, func(f fixture, a access.Actor) error { _, err := f.s.Webhooks(ctx, a, "org-a"); return err }},
		{"CreateWebhook", true, false, func(f fixture, a access.Actor) error {
			_, err := f.s.CreateWebhook(ctx, a, Webhook{OrgID: "org-a", URL: "https://x.example/h"})
			return err
		}},
		{"WebhookDeliveries", true, false, func(f fixture, a access.Actor) error {
			_, err := f.s.WebhookDeliveries(ctx, a, "org-a", 0)
			return err
		}},
		{"Replay", true, true, func(f fixture, a access.Actor) error { return f.s.Replay(ctx, a, f.post) }},
		{"Digests", true, false, func(f fixture, a access.Actor) error { _, err := f.s.Digests(ctx, a, "org-a"); return err }},
		{"CreateDigest", true, false, func(f fixture, a access.Actor) error {
			_, err := f.s.CreateDigest(ctx, a, Digest{OrgID: "org-a", Email: "x@example.org", Every: Daily})
			return err
		}},
		// Deletions last: they remove what the others use.
		{"DeleteDigest", true, true, func(f fixture, a access.Actor) error { return f.s.DeleteDigest(ctx, a, f.digest.ID) }},
		{"DeleteWebhook", true, true, func(f fixture, a access.Actor) error { return f.s.DeleteWebhook(ctx, a, f.hook.ID) }},
		{"DeleteRule", true, true, func(f fixture, a access.Actor) error { return f.s.DeleteRule(ctx, a, f.rule.ID) }},
	}
	each(t, func(t *testing.T, db *store.DB) {
		for _, ac := range actors {
			t.Run(ac.name, func(t *testing.T) {
				f := newFixture(t, fresh(t, db))
				alerts, _, _ := f.s.Alerts(ctx, ac.a, "org-a", "", 0)
				if len(alerts) != ac.listedAlerts {
					t.Errorf("Alerts gave %d, want %d", len(alerts), ac.listedAlerts)
				}
				for _, al := range alerts {
					if al.OrgID != "org-a" || al.Event.OrgID != "org-a" {
						t.Errorf("alert of another organisation: %+v", al)
					}
				}
				for _, o := range ops {
					allowed := ac.see
					if o.manage {
						allowed = ac.manage
					}
					var want error
					switch {
					case allowed:
					case o.byID && !ac.see:
						want = ErrNotFound
					default:
						want = access.ErrDenied
					}
					err := o.run(f, ac.a)
					if (want == nil && err != nil) || (want != nil && !errors.Is(err, want)) {
						t.Errorf("%s: %v, want %v", o.name, err, want)
					}
				}
			})
		}
	})
}

// TestTryRule: counts and sample over the team's last day only.
func TestTryRule(t *testing.T) {
	clk := newClock(t0.Add(2 * time.Hour))
	old := phishing(t, 1, "org-a")
	old.FirstSeen = t0.Add(-21 * time.Hour) // 23 hours before now: still within the day
	src := &source{ds: []feeds.StoredEvent{old, botnet(t, 2, "org-a"), phishing(t, 3, "org-b"), phishing(t, 4, "org-a"),
		delivery(t, 5, "org-a", map[string]string{"source.ip": "192.0.2.9"})}}
	s := New(storetest.SQLite(t, sets()), Options{Events: src, Now: clk.Now})
	a := analyst("org-a")
	res, err := s.TryRule(ctx, a, "org-a", `classification.type == "phishing" || extra["botnet_id"] == "none"`)
	if err != nil {
		t.Fatal(err)
	}
	// Deliveries 1, 2, 4, 5 are org-a's; 1 and 4 match; 5 has no extra
	// and is not phishing (error), 2 has the extra (no match).
	if res.Evaluated != 4 || res.Matched != 2 || res.Errors != 1 || len(res.Sample) != 2 ||
		res.Sample[0].ID != 1 || res.Sample[1].ID != 4 {
		t.Errorf("TryRule = %+v", res)
	}
	// A bad rule is a valid error, as on save.
	if _, err := s.TryRule(ctx, a, "org-a", "source.ip =="); len(valid.List(err)) != 1 {
		t.Errorf("bad rule: %v", err)
	}
	// The window is the last day.
	clk.Set(t0.Add(26 * time.Hour))
	src.ds[1].FirstSeen = t0.Add(3 * time.Hour)
	res, err = s.TryRule(ctx, a, "org-a", "true")
	if err != nil || res.Evaluated != 1 || res.Sample[0].ID != 2 {
		t.Errorf("TryRule a day later = %+v, %v", res, err)
	}
}

// TestTryRulePages: more deliveries than a page, many in one millisecond,
// are each tried once.
func TestTryRulePages(t *testing.T) {
	src := &source{}
	for i := range tryPage*2 + 10 {
		d := botnet(t, int64(i+1), "org-a")
		d.FirstSeen = t0.Add(time.Duration(i/3) * time.Millisecond) // three a millisecond
		src.ds = append(src.ds, d)
	}
	s := New(storetest.SQLite(t, sets()), Options{Events: src, Now: newClock(t0.Add(time.Hour)).Now})
	res, err := s.TryRule(ctx, analyst("org-a"), "org-a", "true")
	if err != nil || res.Evaluated != len(src.ds) || res.Matched != len(src.ds) {
		t.Errorf("evaluated %d matched %d of %d (%v), in %d reads", res.Evaluated, res.Matched, len(src.ds), err, src.calls)
	}
}
