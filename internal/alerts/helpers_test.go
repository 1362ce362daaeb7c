package alerts

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/feeds"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

var ctx = context.Background()

// sets are the migrations an alerts test database needs.
func sets() []store.Migrations { return []store.Migrations{audit.Migrations(), Migrations()} }

// each runs fn on both engines with a fresh store.
func each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	storetest.Each(t, sets(), fn)
}

// started returns a service over db whose background work runs until the
// test ends.
func started(t *testing.T, db *store.DB, opts Options) *Service {
	t.Helper()
	s := New(db, opts)
	if err := s.LoadRules(ctx); err != nil {
		t.Fatalf("LoadRules: %v", err)
	}
	c, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Start(c) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Start: %v", err)
		}
	})
	return s
}

func analyst(org string) access.Actor {
	return access.Actor{UserID: "analyst-" + org, Name: "analyst@" + org + ".example", OrgID: org,
		Roles: []access.Role{access.Analyst}}
}

func teamAdmin(org string) access.Actor {
	return access.Actor{UserID: "admin-" + org, Name: "admin@" + org + ".example", OrgID: org,
		Roles: []access.Role{access.TeamAdmin}}
}

func observer(org string) access.Actor {
	return access.Actor{UserID: "obs-" + org, Name: "obs@" + org + ".example", OrgID: org,
		Roles: []access.Role{access.Observer}}
}

func readToken(a access.Actor) access.Actor {
	a.Scopes = []access.Scope{access.ScopeRead}
	return a
}

var secretariat = access.Actor{UserID: "sec-admin", Name: "admin@sec.example", OrgID: "sec", Secretariat: true,
	Roles: []access.Role{access.SecretariatAdmin}}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// delivery builds a delivery of an event with the given harmonisation
// fields to org.
func delivery(t testing.TB, id int64, org string, fields map[string]string) feeds.StoredEvent {
	t.Helper()
	d := feeds.StoredEvent{ID: id, EventID: id, FeedName: "test-feed", OrgID: org, By: feeds.ByPrefix,
		Key: "192.0.2.0/24", Repeats: 1, FirstSeen: t0, LastSeen: t0}
	for k, v := range fields {
		if err := d.Event.Set(k, v); err != nil {
			t.Fatalf("Set(%s, %q): %v", k, v, err)
		}
	}
	return d
}

// phishing and botnet are two typical deliveries.
func phishing(t testing.TB, id int64, org string) feeds.StoredEvent {
	return delivery(t, id, org, map[string]string{
		"time.source": "2024-05-01T09:00:00Z", "feed.name": "openphish", "source.url": "http://login.example.uy/x",
		"source.fqdn": "login.example.uy", "classification.taxonomy": "fraud", "classification.type": "phishing",
	})
}

func botnet(t testing.TB, id int64, org string) feeds.StoredEvent {
	return delivery(t, id, org, map[string]string{
		"time.source": "2024-05-01T09:30:00Z", "feed.name": "shadowserver", "source.ip": "192.0.2.7",
		"source.port": "443", "source.asn": "64496", "malware.name": "emotet",
		"classification.taxonomy": "malicious-code", "classification.type": "infected-system",
		"extra.botnet_id": "E4",
	})
}

// source is an EventSource over a fixed list of deliveries (each org's
// deliveries first seen at or after since, oldest first).
type source struct {
	ds    []feeds.StoredEvent
	calls int
}

func (s *source) Delivered(_ context.Context, orgID string, since time.Time, limit int) ([]feeds.StoredEvent, error) {
	s.calls++
	var out []feeds.StoredEvent
	for _, d := range s.ds {
		if d.OrgID == orgID && !d.FirstSeen.Before(since) && len(out) < limit {
			out = append(out, d)
		}
	}
	return out, nil
}

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// mustRule saves an enabled rule.
func mustRule(t *testing.T, s *Service, a access.Actor, name, expr string) Rule {
	t.Helper()
	r, err := s.SaveRule(ctx, a, Rule{OrgID: a.OrgID, Name: name, Expr: expr, Enabled: true})
	if err != nil {
		t.Fatalf("SaveRule(%q): %v", expr, err)
	}
	return r
}

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }
