package intel

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/stix"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

// auditCount counts the audit log's entries.
func auditCount(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var (
	tlpAmberID = stix.TLPMarkingID("amber")
	tlpRedID   = stix.TLPMarkingID("red")
	tlp1White  = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
)

func TestPutRefusesOneByOne(t *testing.T) {
	good := indicator("good", "[ipv4-addr:value = '198.51.100.1']")
	cases := []struct {
		name      string
		obj       json.RawMessage
		field     string
		code      string
		sh        Sharing
		accepted  int
		existing  int
		storedTLP access.TLP
	}{
		{name: "valid", obj: indicator("x", "[ipv4-addr:value = '198.51.100.2']"), accepted: 1, storedTLP: access.TLPGreen},
		{name: "not an object", obj: json.RawMessage(`[1,2]`), field: "object", code: stix.CodeJSONType},
		{name: "bad id", obj: json.RawMessage(`{"type":"indicator","spec_version":"2.1","id":"indicator--nope","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.3']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`),
			field: "id", code: stix.CodeID},
		{name: "bad pattern", obj: indicator("x", "[ipv4-addr:value = ]"), field: "pattern", code: stix.CodePattern},
		{name: "red marking to all members", obj: indicator("x", "[ipv4-addr:value = '198.51.100.4']", tlpRedID),
			sh: Sharing{TLP: access.TLPGreen, Members: true}, field: "object_marking_refs", code: CodeSharing},
		{name: "marking stricter than the choice", obj: indicator("x", "[ipv4-addr:value = '198.51.100.5']", tlpAmberID),
			accepted: 1, storedTLP: access.TLPAmber},
		{name: "choice stricter than the marking", obj: indicator("x", "[ipv4-addr:value = '198.51.100.6']", tlp1White),
			sh: Sharing{TLP: access.TLPAmberStrict, Members: true}, accepted: 1, storedTLP: access.TLPAmberStrict},
		{name: "TLP 1.0 marking and no choice", obj: indicator("x", "[ipv4-addr:value = '198.51.100.7']", tlp1White),
			sh: Sharing{Members: true}, accepted: 1, storedTLP: access.TLPClear},
		{name: "no marking and no choice", obj: indicator("x", "[ipv4-addr:value = '198.51.100.8']"),
			sh: Sharing{Members: true}, accepted: 1, storedTLP: access.TLPAmber},
		{name: "TLP marking definition", obj: stix.TLPMarkingObject("amber"), existing: 1},
	}
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				sh := tc.sh
				if sh.TLP == "" && !sh.Members {
					sh = Sharing{TLP: access.TLPGreen, Members: true}
				}
				rep, err := s.Put(ctx, a, []json.RawMessage{good, tc.obj}, PutOptions{Sharing: sh, Source: "test"})
				if err != nil {
					t.Fatal(err)
				}
				if tc.code != "" {
					if len(rep.Refused) != 1 || rep.Refused[0].Index != 1 || rep.Refused[0].Field != tc.field || rep.Refused[0].Code != tc.code {
						t.Fatalf("refused %+v, want objects[1] %s %s", rep.Refused, tc.field, tc.code)
					}
					return
				}
				if len(rep.Refused) > 0 {
					t.Fatalf("refused %+v", rep.Refused)
				}
				// good is accepted the first time, then Existing.
				stored := slices.ContainsFunc(rep.Accepted, func(r Ref) bool { return r.ID == idOf(t, tc.obj) })
				if got := len(rep.Accepted) + len(rep.Existing); got != 2 || stored != (tc.accepted == 1) {
					t.Fatalf("report %+v", rep)
				}
				if tc.storedTLP != "" {
					o, err := s.Get(ctx, a, idOf(t, tc.obj))
					if err != nil || o.Sharing.TLP != tc.storedTLP {
						t.Errorf("stored TLP %q (%v), want %q", o.Sharing.TLP, err, tc.storedTLP)
					}
				}
				if tc.existing > 0 {
					if _, err := s.Get(ctx, a, idOf(t, tc.obj)); err != ErrNotFound {
						t.Errorf("a TLP marking definition was stored per organisation: %v", err)
					}
				}
			})
		}
	})
}

func TestPutWholeCallErrors(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		g, err := s.CreateGroup(ctx, admin("org-b"), Group{Name: "B only"})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			actor access.Actor
			sh    Sharing
			field string
			err   error
		}{
			{"unknown TLP", analyst("org-a"), Sharing{TLP: "white"}, "tlp", nil},
			{"group of others", analyst("org-a"), Sharing{TLP: access.TLPAmber, Groups: []string{g.ID}}, "groups[0]", nil},
			{"no such group", analyst("org-a"), Sharing{TLP: access.TLPAmber, Groups: []string{"nope"}}, "groups[0]", nil},
			{"observer may not share", observer("org-a"), Sharing{TLP: access.TLPClear, Members: true}, "", access.ErrDenied},
			{"no organisation", access.Actor{UserID: "u", Roles: []access.Role{access.Analyst}}, Sharing{TLP: access.TLPClear}, "", access.ErrDenied},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := auditCount(t, s)
				ind := indicator("x", "[ipv4-addr:value = '198.51.100.9']")
				_, err := s.Put(ctx, tc.actor, []json.RawMessage{ind}, PutOptions{Sharing: tc.sh})
				if tc.err != nil && !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				if tc.field != "" {
					if es := valid.List(err); len(es) == 0 || es[0].Field != tc.field {
						t.Fatalf("err %v, want a valid.Error on %s", err, tc.field)
					}
				}
				if _, err := s.Get(ctx, analyst("org-a"), idOf(t, ind)); err != ErrNotFound {
					t.Errorf("stored despite the error: %v", err)
				}
				if auditCount(t, s) != before {
					t.Errorf("audited despite the error")
				}
			})
		}
	})
}

func TestPutVersions(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		id := stix.NewID("indicator")
		day := func(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }
		v1, v2, v3 := indicatorAt(id, "one", "[ipv4-addr:value = '198.51.100.1']", day(1)),
			indicatorAt(id, "two", "[ipv4-addr:value = '198.51.100.2']", day(2)),
			indicatorAt(id, "three", "[ipv4-addr:value = '198.51.100.3']", day(3))
		sh := Sharing{TLP: access.TLPGreen, Members: true}
		mustPut(t, s, a, sh, v1)
		mustPut(t, s, a, sh, v3, v2) // out of order, in one call
		b := analyst("org-b")
		cases := []struct {
			versions []string
			want     []string
		}{
			{nil, []string{"one", "three", "two"}}, // Versions lists all by default
			{[]string{"last"}, []string{"three"}},
			{[]string{"first"}, []string{"one"}},
			{[]string{"first", "last"}, []string{"one", "three"}},
			{[]string{"all"}, []string{"one", "three", "two"}},
			{[]string{"2024-05-02T00:00:00.000Z"}, []string{"two"}},
		}
		for _, tc := range cases {
			t.Run(fmt.Sprint(tc.versions), func(t *testing.T) {
				p, err := s.Versions(ctx, b, id, Filter{Versions: tc.versions})
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, o := range p.Objects {
					names = append(names, o.Name)
				}
				slices.Sort(names)
				if !slices.Equal(names, tc.want) {
					t.Errorf("got %v, want %v", names, tc.want)
				}
			})
		}
		if o, _ := s.Get(ctx, b, id); o.Name != "three" {
			t.Errorf("latest is %q", o.Name)
		}
		// The correlation index follows the latest version only.
		if got, _ := s.Lookup(ctx, b, Value{"ip", "198.51.100.1"}, 0); len(got) != 0 {
			t.Errorf("an old version's value is still indexed")
		}
		if got, _ := s.Lookup(ctx, b, Value{"ip", "198.51.100.3"}, 0); len(got) != 1 {
			t.Errorf("the latest version's value is not indexed")
		}
		// A recipient cannot add a version.
		v4 := indicatorAt(id, "four", "[ipv4-addr:value = '198.51.100.4']", day(4))
		rep, err := s.Put(ctx, b, []json.RawMessage{v4}, PutOptions{Sharing: Sharing{TLP: access.TLPClear, Members: true}})
		if err != nil || len(rep.Refused) != 1 || rep.Refused[0].Code != CodeNotOwner {
			t.Errorf("a recipient's new version: %+v %v", rep, err)
		}
	})
}

// TestAddedIsUniqueAndIncreasing: with a clock that never moves, every
// stored version still gets its own, increasing date added.
func TestAddedIsUniqueAndIncreasing(t *testing.T) {
	storetest.Each(t, sets(), func(t *testing.T, db *store.DB) {
		frozen := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		s := New(db, Options{Now: func() time.Time { return frozen }})
		a := analyst("org-a")
		var all []Ref
		for i := range 3 {
			objs := []json.RawMessage{}
			for j := range 5 {
				objs = append(objs, indicator("x", fmt.Sprintf("[ipv4-addr:value = '198.51.100.%d']", i*5+j)))
			}
			all = append(all, mustPut(t, s, a, Sharing{TLP: access.TLPGreen, Members: true}, objs...).Accepted...)
		}
		for i := 1; i < len(all); i++ {
			if !all[i].Added.After(all[i-1].Added) {
				t.Fatalf("added %d (%v) is not after %d (%v)", i, all[i].Added, i-1, all[i-1].Added)
			}
		}
		if !all[0].Added.Equal(frozen) {
			t.Errorf("first added %v, want the clock's %v", all[0].Added, frozen)
		}
		// Paging by added_after never skips an object.
		p, err := s.List(ctx, a, Filter{AddedAfter: all[6].Added, Limit: 100})
		if err != nil || len(p.Objects) != len(all)-7 {
			t.Errorf("added after the 7th: %d objects (%v), want %d", len(p.Objects), err, len(all)-7)
		}
	})
}

func TestPutAuditsOncePerCall(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		before := auditCount(t, s)
		objs := []json.RawMessage{indicator("a", "[ipv4-addr:value = '198.51.100.1']"),
			indicator("b", "[ipv4-addr:value = '198.51.100.2']"), json.RawMessage(`{}`)}
		if _, err := s.Put(ctx, analyst("org-a"), objs, PutOptions{Sharing: Sharing{TLP: access.TLPAmber}, Source: "upload"}); err != nil {
			t.Fatal(err)
		}
		if n := auditCount(t, s) - before; n != 1 {
			t.Fatalf("%d audit entries, want 1", n)
		}
		var action, after string
		if err := s.db.R().QueryRowContext(ctx, `SELECT action, after_json FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&action, &after); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(after), &m)
		if action != "intel.import" || m["source"] != "upload" || m["accepted"] != 2.0 || m["refused"] != 1.0 {
			t.Errorf("audit %s %s", action, after)
		}
	})
}

// TestRefusalVersion: a refusal carries the version of the object
// (modified, else created) whenever it could be read, even when the
// envelope itself is at fault.
func TestRefusalVersion(t *testing.T) {
	const id = "indicator--3b0d0f5e-6a4e-4d8e-9a43-4c0e3f0a8d11"
	obj := func(extra string) json.RawMessage {
		return json.RawMessage(`{"type":"indicator","spec_version":"2.1","id":"` + id + `",` + extra +
			`"pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`)
	}
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		othersID := stix.NewID("indicator")
		mustPut(t, s, analyst("org-b"), Sharing{TLP: access.TLPGreen, Members: true},
			indicatorAt(othersID, "b's", "[ipv4-addr:value = '198.51.100.2']", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)))
		others := indicatorAt(othersID, "a's", "[ipv4-addr:value = '198.51.100.2']", time.Date(2024, 5, 5, 0, 0, 0, 0, time.UTC))
		cases := []struct {
			name    string
			obj     json.RawMessage
			id      string
			version string
			code    string
		}{
			{"bad pattern", indicatorAt(id, "x", "[ipv4-addr:value = ]", time.Date(2024, 5, 2, 3, 4, 5, 0, time.UTC)),
				id, "2024-05-02T03:04:05.000Z", stix.CodePattern},
			{"created only", obj(`"created":"2024-01-01T00:00:00.000Z","pattern_type2":1,"confidence":1000,`),
				id, "2024-01-01T00:00:00.000Z", ""},
			{"bad created, good modified", obj(`"created":"yesterday","modified":"2024-05-03T00:00:00Z",`),
				id, "2024-05-03T00:00:00Z", ""},
			{"bad modified and created", obj(`"created":"yesterday","modified":"today",`), id, "", ""},
			{"modified of the wrong type", obj(`"created":"2024-01-01T00:00:00.000Z","modified":5,`), id, "2024-01-01T00:00:00.000Z", ""},
			{"not an id", json.RawMessage(`{"id":"x","created":1,"modified":"2024-05-03T00:00:00Z"}`), "", "2024-05-03T00:00:00Z", ""},
			{"not JSON", json.RawMessage(`{"id":`), "", "", ""},
			{"another organisation's", others, othersID, "2024-05-05T00:00:00.000Z", CodeNotOwner},
			{"TLP:RED to all members", indicatorAt(id, "x", "[ipv4-addr:value = '198.51.100.3']", time.Date(2024, 5, 4, 0, 0, 0, 0, time.UTC), tlpRedID),
				id, "2024-05-04T00:00:00.000Z", CodeSharing},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rep, err := s.Put(ctx, a, []json.RawMessage{tc.obj}, PutOptions{Sharing: Sharing{TLP: access.TLPGreen, Members: true}})
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Refused) != 1 {
					t.Fatalf("report %+v, want one refusal", rep)
				}
				r := rep.Refused[0]
				if r.ID != tc.id || r.Version != tc.version || (tc.code != "" && r.Code != tc.code) {
					t.Errorf("refusal %+v, want id %q version %q code %q", r, tc.id, tc.version, tc.code)
				}
				st, err := s.SaveStatus(ctx, a, rep, 1)
				if err != nil || len(st.Failures) != 1 || st.Failures[0].Version != tc.version || st.Failures[0].ID != tc.id {
					t.Errorf("status failures %+v (%v)", st.Failures, err)
				}
			})
		}
	})
}
