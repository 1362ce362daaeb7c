package intel

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/stix"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// sets are the migrations an intel test database needs.
func sets() []store.Migrations { return []store.Migrations{audit.Migrations(), Migrations()} }

// each runs fn on both engines with a fresh store.
func each(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	storetest.Each(t, sets(), func(t *testing.T, db *store.DB) { fn(t, New(db, Options{})) })
}

// sqliteFor returns a migrated SQLite database for a fuzz target or a
// benchmark.
func sqliteFor(t testing.TB) *store.DB { return storetest.SQLite(t, sets()) }

// analyst returns an analyst of org (a team member who may share).
func analyst(org string) access.Actor {
	return access.Actor{UserID: "user-" + org, Name: org + "@example.org", OrgID: org, Roles: []access.Role{access.Analyst}}
}

// admin returns a team admin of org.
func admin(org string) access.Actor {
	return access.Actor{UserID: "admin-" + org, Name: "admin@" + org + ".example.org", OrgID: org,
		Roles: []access.Role{access.TeamAdmin}}
}

// observer returns an observer of org (sees only CLEAR and GREEN of others).
func observer(org string) access.Actor {
	return access.Actor{UserID: "obs-" + org, Name: "obs@" + org + ".example.org", OrgID: org,
		Roles: []access.Role{access.Observer}}
}

var ctx = context.Background()

// indicator returns a new indicator object with the pattern.
func indicator(name, pattern string, markings ...string) json.RawMessage {
	return indicatorAt(stix.NewID("indicator"), name, pattern, time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), markings...)
}

// indicatorAt returns an indicator with a given id and modified time.
func indicatorAt(id, name, pattern string, modified time.Time, markings ...string) json.RawMessage {
	m := map[string]any{
		"type": "indicator", "spec_version": "2.1", "id": id,
		"created":  "2024-01-01T00:00:00.000Z",
		"modified": modified.UTC().Format("2006-01-02T15:04:05.000Z"),
		"name":     name, "pattern": pattern, "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
	}
	if len(markings) > 0 {
		m["object_marking_refs"] = markings
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// idOf reads the id of a raw object.
func idOf(t testing.TB, raw json.RawMessage) string {
	t.Helper()
	env, err := stix.ParseEnvelope(raw)
	if err != nil {
		t.Fatalf("envelope: %v", err)
	}
	return env.ID
}

// mustPut stores objects and fails the test on an error or a refusal.
func mustPut(t testing.TB, s *Store, a access.Actor, sh Sharing, objs ...json.RawMessage) Report {
	t.Helper()
	rep, err := s.Put(ctx, a, objs, PutOptions{Sharing: sh, Source: "test"})
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if len(rep.Refused) > 0 {
		t.Fatalf("Put refused: %+v", rep.Refused)
	}
	return rep
}

func ids(objs []Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.ID
	}
	return out
}

var _ = fmt.Sprint
