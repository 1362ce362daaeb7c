package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// alertOf reads an SSE event as an alert, checking its form.
func alertOf(t *testing.T, ev sseEvent) alertOut {
	t.Helper()
	if ev.name != "alert" {
		t.Fatalf("event %q, want alert", ev.name)
	}
	var al alertOut
	if err := json.Unmarshal([]byte(ev.data), &al); err != nil {
		t.Fatalf("data %q: %v", ev.data, err)
	}
	if strconv.FormatInt(al.ID, 10) != ev.id {
		t.Errorf("event id %q, alert id %d", ev.id, al.ID)
	}
	return al
}

// TestStream: a team's open stream receives its alerts as they are
// recorded, and only its own; a reconnection with Last-Event-ID gets what
// came after it.
func TestStream(t *testing.T) {
	e := newEW(t)
	bank := bearer(t, e, bankAdmin)
	saveRule(t, e, bank, "All", "true")
	saveRule(t, e, bearer(t, e, mxAnalyst), "All", "true")
	saveRule(t, e, bearer(t, e, brAnalyst), "All", "true")

	tokenStream, a := openStream(t, e, bank, nil)
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "text/event-stream" || a.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("stream: status %d, headers %v", a.status, a.header)
	}
	sessionStream, _ := openStream(t, e, session(t, e, bankAdmin), nil)
	if sessionStream == nil {
		t.Fatal("the session stream did not open")
	}
	time.Sleep(50 * time.Millisecond) // both subscribed before anything is recorded
	deliveredFixture(t, e)

	var got []alertOut
	for range 2 {
		al := alertOf(t, tokenStream.next(t, 5*time.Second))
		if al.OrgID != e.Org(t, bankTeam) || al.Delivery.OrgID != e.Org(t, bankTeam) {
			t.Errorf("alert %+v of another organisation", al)
		}
		got = append(got, al)
	}
	if got[0].ID >= got[1].ID {
		t.Errorf("alerts out of order: %d then %d", got[0].ID, got[1].ID)
	}
	tokenStream.nothing(t, 300*time.Millisecond) // the other teams' alerts never come
	for i := range 2 {
		if al := alertOf(t, sessionStream.next(t, 5*time.Second)); al.ID != got[i].ID {
			t.Errorf("session stream alert %d, want %d", al.ID, got[i].ID)
		}
	}

	cases := []struct {
		name, last string
		want       []int64
	}{
		{"after the first", strconv.FormatInt(got[0].ID, 10), []int64{got[1].ID}},
		{"from the start", "0", []int64{got[0].ID, got[1].ID}},
		{"after the last", strconv.FormatInt(got[1].ID, 10), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, a := openStream(t, e, bank, map[string]string{"Last-Event-ID": tc.last})
			if a.status != http.StatusOK {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			for _, id := range tc.want {
				if al := alertOf(t, s.next(t, 5*time.Second)); al.ID != id {
					t.Errorf("resumed with alert %d, want %d", al.ID, id)
				}
			}
			s.nothing(t, 200*time.Millisecond)
			s.close()
		})
	}
}

// TestStreamRefused: who may not read the organisation's events gets no
// stream, as a problem.
func TestStreamRefused(t *testing.T) {
	e := newEW(t)
	cases := []struct {
		name   string
		w      who
		header map[string]string
		want   int
	}{
		{"nobody", nobody, nil, http.StatusUnauthorized},
		{"bad token", who{token: "ata_nothing"}, nil, http.StatusUnauthorized},
		{"observer", bearer(t, e, observer), nil, http.StatusForbidden},
		{"expert", bearer(t, e, expertUser), nil, http.StatusForbidden},
		{"government contact", bearer(t, e, crContact), nil, http.StatusForbidden},
		{"bad Last-Event-ID", bearer(t, e, bankAdmin), map[string]string{"Last-Event-ID": "abc"}, http.StatusUnprocessableEntity},
		{"negative Last-Event-ID", bearer(t, e, bankAdmin), map[string]string{"Last-Event-ID": "-4"}, http.StatusUnprocessableEntity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, a := openStream(t, e, tc.w, tc.header)
			if s != nil {
				t.Fatalf("the stream opened, want %d", tc.want)
			}
			if a.status != tc.want {
				t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
			}
			a.problem(t)
			checkDocumented(t, "GET", "/api/v1/stream", a)
		})
	}
}

// TestStreamEndsWithClient: when the client goes, the handler returns
// (the server's Close waits for every handler).
func TestStreamEndsWithClient(t *testing.T) {
	e := newEW(t)
	s, _ := openStream(t, e, bearer(t, e, bankAdmin), nil)
	s.close()
	done := make(chan struct{})
	go func() {
		e.Server.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream's handler is still running after its client went")
	}
}

// TestStreamHeartbeatAndRevocation: an idle stream gets a heartbeat
// comment, and a stream whose token is revoked ends at the next one.
func TestStreamHeartbeatAndRevocation(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a heartbeat (15 s)")
	}
	e := newEW(t)
	id, secret := newestToken(t, e, bankAdmin, "read")
	s, _ := openStream(t, e, who{token: secret}, nil)
	first := <-s.events
	if first.name != ":" {
		t.Fatalf("first event %+v, want the connected comment", first)
	}
	expect(t, call(t, e, session(t, e, bankAdmin), request{method: "DELETE", path: "/api/v1/tokens/" + id}), "revoke", http.StatusNoContent, nil)
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return // ended
			}
			if ev.name != ":" {
				t.Fatalf("unexpected event %+v", ev)
			}
		case <-deadline:
			t.Fatal("the stream of a revoked token is still open after a heartbeat")
		}
	}
}
