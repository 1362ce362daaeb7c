package alerts

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"
	"time"

	"atalaya/internal/feeds"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

// receive reads n alerts from ch or fails after a few seconds.
func receive(t *testing.T, ch <-chan Alert, n int) []Alert {
	t.Helper()
	var out []Alert
	timeout := time.After(5 * time.Second)
	for len(out) < n {
		select {
		case a, ok := <-ch:
			if !ok {
				t.Fatalf("channel closed after %d alerts, want %d", len(out), n)
			}
			out = append(out, a)
		case <-timeout:
			t.Fatalf("got %d alerts, want %d", len(out), n)
		}
	}
	return out
}

// quiet fails when ch yields anything within a short while.
func quiet(t *testing.T, ch <-chan Alert) {
	t.Helper()
	select {
	case a := <-ch:
		t.Errorf("unexpected alert %+v", a)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestDeliverRecordsAndPublishes(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		s := started(t, db, Options{})
		a, b := analyst("org-a"), analyst("org-b")
		ra := mustRule(t, s, a, "Phishing", `classification.type == "phishing"`)
		disabled := mustRule(t, s, a, "Disabled", `true`) // disabled below
		rb := mustRule(t, s, b, "Emotet", `malware.name == "emotet" && source.port == 443`)
		// By the rule itself, not its place in Rules: two rules saved in
		// the same millisecond have no fixed order.
		disabled.Enabled = false
		if _, err := s.SaveRule(ctx, a, disabled); err != nil {
			t.Fatal(err)
		}
		chA, cancelA, err := s.Subscribe(a, "org-a")
		if err != nil {
			t.Fatal(err)
		}
		defer cancelA()
		chB, cancelB, err := s.Subscribe(b, "org-b")
		if err != nil {
			t.Fatal(err)
		}
		defer cancelB()

		s.Deliver([]feeds.StoredEvent{phishing(t, 1, "org-a"), botnet(t, 2, "org-a"), botnet(t, 3, "org-b"),
			phishing(t, 4, "org-b"), botnet(t, 5, "org-c")})

		gotA := receive(t, chA, 1)[0]
		gotB := receive(t, chB, 1)[0]
		quiet(t, chA)
		quiet(t, chB)
		if gotA.OrgID != "org-a" || gotA.RuleID != ra.ID || gotA.RuleName != "Phishing" || gotA.Event.ID != 1 ||
			gotA.Event.Event.SourceURL != "http://login.example.uy/x" || gotA.ID <= 0 {
			t.Errorf("org-a's alert %+v", gotA)
		}
		if gotB.OrgID != "org-b" || gotB.RuleID != rb.ID || gotB.Event.ID != 3 || gotB.Event.Event.Extra["botnet_id"] != "E4" {
			t.Errorf("org-b's alert %+v", gotB)
		}

		// What was published is what is stored.
		listed, next, err := s.Alerts(ctx, a, "org-a", "", 0)
		if err != nil || next != "" || len(listed) != 1 {
			t.Fatalf("Alerts = %d, %q, %v", len(listed), next, err)
		}
		if !sameAlert(listed[0], gotA) {
			t.Errorf("stored %+v\npublished %+v", listed[0], gotA)
		}
		after, err := s.AlertsAfter(ctx, b, "org-b", 0, 0)
		if err != nil || len(after) != 1 || !sameAlert(after[0], gotB) {
			t.Errorf("AlertsAfter(org-b) = %+v, %v", after, err)
		}
		if after, _ := s.AlertsAfter(ctx, b, "org-b", gotB.ID, 0); len(after) != 0 {
			t.Errorf("AlertsAfter the last = %+v", after)
		}
		st := s.Stats()
		if st.Matched != 2 || st.Recorded != 2 || st.QueueDrops != 0 || st.Evaluated != 4 {
			t.Errorf("stats %+v", st)
		}
	})
}

// sameAlert compares alerts as their JSON (times and maps included).
func sameAlert(x, y Alert) bool {
	bx, err1 := json.Marshal(x)
	by, err2 := json.Marshal(y)
	return err1 == nil && err2 == nil && string(bx) == string(by)
}

func TestAlertJSON(t *testing.T) {
	d := botnet(t, 9, "org-a")
	d.Event.Raw = "192.0.2.7,443,emotet"
	d.By, d.Key, d.Repeats, d.EventID = feeds.ByWatch, "indicator--x", 4, 8
	a := Alert{ID: 5, OrgID: "org-a", RuleID: "R1", RuleName: "Emotet", At: t0, Event: d}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	ev := m["event"].(map[string]any)
	del := m["delivery"].(map[string]any)
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"id", m["id"], 5.0},
		{"rule", m["rule_name"], "Emotet"},
		{"at", m["at"], "2024-05-01T10:00:00Z"},
		{"ip", ev["source.ip"], "192.0.2.7"},
		{"port is a number", ev["source.port"], 443.0},
		{"asn is a number", ev["source.asn"], 64496.0},
		{"extra by its field name", ev["extra.botnet_id"], "E4"},
		{"raw", ev["raw"], "192.0.2.7,443,emotet"},
		{"unset fields left out", ev["source.fqdn"], nil},
		{"by", del["by"], "watch"},
		{"repeats", del["repeats"], 4.0},
		{"event id", del["event_id"], 8.0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
	var back Alert
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !sameAlert(back, a) || back.Event.Event.SourcePort != 443 || back.Event.FirstSeen != t0 {
		t.Errorf("round trip:\n%+v\n%+v", back, a)
	}
	if err := json.Unmarshal([]byte(`{"id":1,"event":{"source.port":"http"}}`), &back); err == nil {
		t.Error("a bad field was accepted")
	}
}

func TestAlertsPaging(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		s := started(t, db, Options{})
		a := analyst("org-a")
		mustRule(t, s, a, "all", "true")
		ch, cancel, _ := s.Subscribe(a, "org-a")
		defer cancel()
		var ds []feeds.StoredEvent
		for i := range 7 {
			ds = append(ds, botnet(t, int64(i+1), "org-a"))
		}
		s.Deliver(ds)
		receive(t, ch, 7)
		var pages [][]int64
		cursor := ""
		for range 4 {
			page, next, err := s.Alerts(ctx, a, "org-a", cursor, 3)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, al := range page {
				ids = append(ids, al.Event.ID)
			}
			pages = append(pages, ids)
			if cursor = next; cursor == "" {
				break
			}
		}
		want := [][]int64{{7, 6, 5}, {4, 3, 2}, {1}}
		if !slices.EqualFunc(pages, want, slices.Equal) {
			t.Errorf("pages %v, want %v", pages, want)
		}
		if _, _, err := s.Alerts(ctx, a, "org-a", "x7", 3); len(valid.List(err)) != 1 {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

// TestDeliverQueueBound: with the recorder not keeping up (not running
// here), matches beyond the queue are dropped and counted; Deliver never
// blocks.
func TestDeliverQueueBound(t *testing.T) {
	s := New(storetest.SQLite(t, sets()), Options{Queue: 3})
	mustRule(t, s, analyst("org-a"), "all", "true")
	var ds []feeds.StoredEvent
	for i := range 5 {
		ds = append(ds, botnet(t, int64(i+1), "org-a"))
	}
	done := make(chan struct{})
	go func() { s.Deliver(ds); s.Deliver(ds[:1]); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Deliver blocked")
	}
	if st := s.Stats(); st.Matched != 3 || st.QueueDrops != 3 {
		t.Errorf("matched %d dropped %d, want 3 and 3", st.Matched, st.QueueDrops)
	}
}

// TestSlowSubscriber: a reader that does not read loses what its buffer
// cannot hold; the others and the store get everything.
func TestSlowSubscriber(t *testing.T) {
	s := started(t, storetest.SQLite(t, sets()), Options{Buffer: 2})
	a := analyst("org-a")
	mustRule(t, s, a, "all", "true")
	slow, cancelSlow, _ := s.Subscribe(a, "org-a")
	var ds []feeds.StoredEvent
	for i := range 5 {
		ds = append(ds, botnet(t, int64(i+1), "org-a"))
	}
	s.Deliver(ds)
	waitFor(t, "5 alerts recorded", func() bool { return s.Stats().Recorded == 5 })
	if st := s.Stats(); st.SubscriberDrops != 3 {
		t.Errorf("subscriber drops %d, want 3", st.SubscriberDrops)
	}
	got := receive(t, slow, 2)
	if got[0].Event.ID != 1 || got[1].Event.ID != 2 {
		t.Errorf("the slow reader got %d, %d; want the first two", got[0].Event.ID, got[1].Event.ID)
	}
	cancelSlow()
	cancelSlow() // twice is harmless
	if _, ok := <-slow; ok {
		t.Error("channel open after cancel")
	}
	if n := s.hub.subscribers("org-a"); n != 0 {
		t.Errorf("%d subscribers left", n)
	}
}

// TestAlertLatency measures Deliver to a subscriber's channel, one
// delivery at a time as a quiet feed sends them; the budget for the
// browser is 100 ms at p99, of which this is the server's part.
func TestAlertLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	s := started(t, storetest.SQLite(t, sets()), Options{})
	a := analyst("org-a")
	for i := range 10 {
		mustRule(t, s, a, "r", map[bool]string{true: "true", false: `source.port == 1`}[i == 0])
	}
	ch, cancel, _ := s.Subscribe(a, "org-a")
	defer cancel()
	const n = 200
	lat := make([]time.Duration, 0, n)
	for i := range n {
		start := time.Now()
		s.Deliver([]feeds.StoredEvent{botnet(t, int64(i+1), "org-a")})
		receive(t, ch, 1)
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p50, p99 := lat[n/2], lat[n*99/100]
	t.Logf("Deliver to subscriber, %d alerts on SQLite: p50 %v, p99 %v, max %v", n, p50, p99, lat[n-1])
	if p99 > 100*time.Millisecond {
		t.Errorf("p99 %v over the 100 ms budget", p99)
	}
}
