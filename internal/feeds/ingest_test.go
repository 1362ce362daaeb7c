package feeds

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"atalaya/internal/event"
	"atalaya/internal/routing"
)

func TestDedupeCountsRepeats(t *testing.T) {
	each(t, Options{Enricher: testEnricher{}}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x")
		mustFeed(t, fx.s, "y")
		in := "192.0.2.1;malicious-code;infected-system\n" +
			"192.0.2.2;malicious-code;infected-system\n" +
			"192.0.2.1;malicious-code;infected-system\n" // a repeat within the input
		r := mustIngest(t, fx.s, "x", in)
		if r.State != StateOK || r.Lines != 3 || r.Accepted != 2 || r.Duplicates != 1 || r.Delivered != 2 {
			t.Fatalf("first run: %+v", r)
		}
		r = mustIngest(t, fx.s, "x", in)
		if r.Accepted != 0 || r.Duplicates != 3 || r.Delivered != 0 {
			t.Fatalf("second run: %+v", r)
		}
		// The same event in another feed is another event.
		r = mustIngest(t, fx.s, "y", in)
		if r.Accepted != 2 {
			t.Fatalf("other feed: %+v", r)
		}
		rows, err := fx.db.R().QueryContext(ctx, `SELECT e.repeats, e.data FROM feed_events e JOIN feeds f ON f.id = e.feed_id
			WHERE f.name = 'x' ORDER BY e.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		want := map[string]int64{"192.0.2.1": 4, "192.0.2.2": 2}
		got := map[string]int64{}
		for rows.Next() {
			var n int64
			var data string
			if err := rows.Scan(&n, &data); err != nil {
				t.Fatal(err)
			}
			e, err := newCodec().decode(data)
			if err != nil {
				t.Fatal(err)
			}
			got[e.SourceIP.String()] = n
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("repeats %v, want %v", got, want)
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feed_deliveries`); n != 4 {
			t.Errorf("%d deliveries, want 4 (one per new event, none for repeats)", n)
		}
		st, err := fx.s.Feeds(ctx, secretariat())
		if err != nil || len(st) != 2 || st[0].Events != 2 || st[0].LastRun == nil || st[0].LastRun.Duplicates != 3 {
			t.Errorf("status: %+v %v", st, err)
		}
	})
}

func TestPipelineSetsFeedDefaults(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	each(t, Options{Now: func() time.Time { return now }}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x", func(f *Feed) {
			f.TLP, f.Accuracy = "amber", 80
			f.Constants = map[string]string{"malware.name": "mirai", "classification.identifier": "constant-id"}
		})
		mustIngest(t, fx.s, "x", "192.0.2.7;malicious-code;infected-system\n")
		evs, _, err := fx.s.Inbox(ctx, analyst(orgA), orgA, Filter{})
		if err != nil || len(evs) != 1 {
			t.Fatalf("inbox: %v %v", evs, err)
		}
		e := evs[0].Event
		checks := map[string]string{"feed.name": "x", "feed.provider": "Test provider", "feed.accuracy": "80", "tlp": "amber",
			"malware.name": "mirai", "classification.identifier": "constant-id",
			"time.observation": "2025-03-01T10:00:00Z", "time.source": "2025-03-01T10:00:00Z",
			"raw": "192.0.2.7;malicious-code;infected-system"}
		for field, want := range checks {
			if got, _ := e.Get(field); got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
	})
}

func TestQuarantineKeepsLineAndReason(t *testing.T) {
	each(t, Options{}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x")
		in := "# a comment\n" +
			"192.0.2.1;malicious-code;infected-system\n" +
			"192.0.2.300;malicious-code;infected-system\n" + // line 3: bad address
			"192.0.2.3;malicious-code;phishing\n" + // line 4: type of another taxonomy
			"\n" +
			"192.0.2.5;malicious-code;infected-system\n" +
			";malicious-code;infected-system\n" // line 7: nothing to route on
		r := mustIngest(t, fx.s, "x", in)
		if r.Lines != 7 || r.Accepted != 2 || r.Quarantined != 3 || r.State != StateOK {
			t.Fatalf("run: %+v", r)
		}
		qs, next, err := fx.s.Quarantine(ctx, secretariat(), "x", "", 0)
		if err != nil || next != "" {
			t.Fatal(err, next)
		}
		type got struct {
			line  int
			field string
			code  string
		}
		var have []got
		for _, q := range qs {
			have = append(have, got{q.Rejected.Line, q.Rejected.Field, q.Rejected.Code})
			if q.RunID != r.ID || q.Rejected.Raw == "" || q.Rejected.Message == "" {
				t.Errorf("entry %+v", q)
			}
		}
		want := []got{ // newest first
			{7, "source.ip", "event_source_required"},
			{4, "classification.type", "event_type_taxonomy"},
			{3, "source.ip", "event_ip"},
		}
		if fmt.Sprint(have) != fmt.Sprint(want) {
			t.Errorf("quarantine %v, want %v", have, want)
		}
		// Paging: one a page.
		var lines []int
		cursor := ""
		for range 5 {
			page, next, err := fx.s.Quarantine(ctx, secretariat(), "x", cursor, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range page {
				lines = append(lines, q.Rejected.Line)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if fmt.Sprint(lines) != "[7 4 3]" {
			t.Errorf("paged lines %v", lines)
		}
	})
}

func TestRoutingDeliversToOwners(t *testing.T) {
	each(t, Options{Enricher: testEnricher{}}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x")
		in := "192.0.2.10;malicious-code;infected-system\n" + // org-a by prefix
			"198.51.100.10;malicious-code;infected-system\n" + // org-b by prefix
			"203.0.113.10;malicious-code;infected-system\n" + // org-c by the AS the enricher adds
			";fraud;phishing;login.example.org\n" + // org-b by domain
			"100.64.0.1;malicious-code;infected-system\n" + // nobody: stored, not delivered
			"10.1.2.3;malicious-code;infected-system\n" // private: filtered
		r := mustIngest(t, fx.s, "x", in)
		if r.Accepted != 5 || r.Filtered != 1 || r.Delivered != 4 {
			t.Fatalf("run %+v", r)
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feed_events`); n != 5 {
			t.Errorf("%d events stored, want 5 (the one of no organisation too)", n)
		}
		cases := []struct {
			org, by, key, subject string
		}{
			{orgA, ByPrefix, "192.0.2.0/24", "192.0.2.10"},
			{orgB, ByDomain, "example.org", "login.example.org"},
			{orgB, ByPrefix, "198.51.100.0/24", "198.51.100.10"},
			{orgC, ByASN, "AS64500", "203.0.113.10"},
		}
		seen := map[string]int{}
		for _, tc := range cases {
			evs, _, err := fx.s.Inbox(ctx, analyst(tc.org), tc.org, Filter{By: tc.by})
			if err != nil || len(evs) != 1 {
				t.Fatalf("%s by %s: %v %v", tc.org, tc.by, evs, err)
			}
			se := evs[0]
			subject := se.Event.SourceFQDN
			if subject == "" {
				subject = se.Event.SourceIP.String()
			}
			if se.Key != tc.key || subject != tc.subject || se.OrgID != tc.org || se.FeedName != "x" || se.Repeats != 1 {
				t.Errorf("%s: %+v", tc.org, se)
			}
			seen[tc.org]++
		}
		if seen[orgB] != 2 {
			t.Errorf("org-b got %d", seen[orgB])
		}
	})
}

func TestOnCommitGetsNewDeliveriesInOrder(t *testing.T) {
	var mu sync.Mutex
	var got []StoredEvent
	opts := Options{OnCommit: func(ds []StoredEvent) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ds...)
	}, BatchSize: 7}
	each(t, opts, func(t *testing.T, fx fixture) {
		mu.Lock()
		got = nil
		mu.Unlock()
		mustFeed(t, fx.s, "x")
		mustIngest(t, fx.s, "x", lines(100))
		mustIngest(t, fx.s, "x", lines(100)) // repeats: no new deliveries
		mu.Lock()
		defer mu.Unlock()
		// lines(100) puts 100 addresses in 192.0.2.0/24 (org-a).
		if len(got) != 100 {
			t.Fatalf("%d deliveries to OnCommit, want 100", len(got))
		}
		for i, d := range got {
			if i > 0 && d.ID <= got[i-1].ID {
				t.Fatalf("delivery %d id %d after %d: not in commit order", i, d.ID, got[i-1].ID)
			}
			if d.OrgID != orgA || d.Event.FeedName != "x" || d.Event.Extra["tag"] != fmt.Sprintf("n%d", i) {
				t.Fatalf("delivery %d: %+v", i, d)
			}
		}
		stored, err := fx.s.Delivered(ctx, orgA, time.Time{}, 1000)
		if err != nil || len(stored) != 100 || stored[0].ID != got[0].ID || stored[99].ID != got[99].ID {
			t.Fatalf("Delivered: %d %v", len(stored), err)
		}
		if stored[5].Event.Raw != got[5].Event.Raw || stored[5].Repeats != 2 {
			t.Errorf("stored %+v vs committed %+v", stored[5], got[5])
		}
	})
}

func TestIngestEmptyAndBrokenInputs(t *testing.T) {
	each(t, Options{BatchSize: 16}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x")
		r := mustIngest(t, fx.s, "x", "")
		if r.State != StateOK || r.Lines != 0 || r.Accepted != 0 || r.ID == "" {
			t.Errorf("empty input: %+v", r)
		}
		broken := io.MultiReader(strings.NewReader(lines(50)), errReader{errors.New("disk on fire")})
		r, err := fx.s.Ingest(ctx, secretariat(), "x", broken, IngestOptions{Input: "broken.txt"})
		if err == nil || !strings.Contains(err.Error(), "disk on fire") {
			t.Fatalf("broken input: err %v", err)
		}
		// The last line read before a read error may be cut short (parsers
		// hand on what they have at the error): it is never stored.
		if r.State != StateFailed || !strings.Contains(r.Err, "disk on fire") || r.Accepted != 49 || r.Lines != 49 {
			t.Errorf("broken input's run: %+v", r)
		}
		runs, err := fx.s.Runs(ctx, secretariat(), "x", 0)
		if err != nil || len(runs) != 2 || runs[0].State != StateFailed || runs[0].Accepted != 49 || runs[1].State != StateOK {
			t.Errorf("runs: %+v %v", runs, err)
		}
		if n := count(t, fx.db, `SELECT COUNT(*) FROM feed_events`); n != 49 {
			t.Errorf("%d events, want the 49 read before the failure", n)
		}
	})
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestEventRoundTrip(t *testing.T) {
	var e event.Event
	for k, v := range map[string]string{
		"time.source": "2024-05-01T10:20:30.5Z", "source.ip": "2001:db8::1", "source.port": "8080",
		"source.asn": "64496", "source.geolocation.cc": "uy", "source.fqdn": "Host.Example.ORG",
		"source.url": "http://host.example.org/a?b=\"c\"", "classification.taxonomy": "vulnerable",
		"classification.type": "vulnerable-system", "feed.accuracy": "75.5", "extra.note": "tab\there\nnewline \x01 é ✓",
		"raw": "  spaced \"raw\"\\line 12:34 +1:x ", "source.network": "2001:db8::/32", "tlp": "amber+strict",
		"malware.name": "mirai", "event_description.text": "a description",
	} {
		if err := e.Set(k, v); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	c := newCodec()
	data := string(c.append(nil, &e))
	back, err := c.decode(data)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	for _, f := range event.Fields() {
		want, _ := e.Get(f)
		if got, _ := back.Get(f); got != want {
			t.Errorf("%s: %q after the round trip, want %q", f, got, want)
		}
	}
	if back.Key() != e.Key() || back.Extra["note"] != e.Extra["note"] {
		t.Errorf("round trip changed the event:\n%+v\n%+v", e, back)
	}
	for _, bad := range []string{"", "2", "1z3:abc", "1A99:abc", "1A3abc", "1+3:abc", "1A-1:", "1" + "\x80" + "1:x"} {
		if _, err := c.decode(bad); err == nil {
			t.Errorf("decode(%q) accepted it", bad)
		}
	}
}

func TestWatchesFlagEventsToIndicatorCreators(t *testing.T) {
	tab, err := routing.BuildWatched([]routing.Entry{{OrgID: orgA, Kind: routing.KindPrefix, Value: "192.0.2.0/24"}}, nil,
		[]routing.Watch{
			{IntelID: "indicator--c1", OrgID: orgC, Kind: routing.WatchIP, Value: "192.0.2.10"},
			{IntelID: "indicator--a1", OrgID: orgA, Kind: routing.WatchIP, Value: "192.0.2.11"},
			{IntelID: "indicator--b1", OrgID: orgB, Kind: routing.WatchDomain, Value: "evil.example.net"},
			{IntelID: "indicator--b2", OrgID: orgB, Kind: routing.WatchDomain, Value: "example.net"},
		})
	if err != nil {
		t.Fatal(err)
	}
	each(t, Options{Router: routing.NewRouter(tab)}, func(t *testing.T, fx fixture) {
		mustFeed(t, fx.s, "x")
		r := mustIngest(t, fx.s, "x", "192.0.2.10;malicious-code;infected-system\n"+ // a by prefix, c by watch
			"192.0.2.11;malicious-code;infected-system\n"+ // a by prefix only (its own watch too)
			";fraud;phishing;login.evil.example.net\n") // b once, though two of its watches match
		if r.Delivered != 4 {
			t.Fatalf("run %+v, want 4 deliveries", r)
		}
		want := map[string][]string{
			orgA: {"prefix 192.0.2.0/24 192.0.2.11", "prefix 192.0.2.0/24 192.0.2.10"},
			orgB: {"watch indicator--b1 login.evil.example.net"},
			orgC: {"watch indicator--c1 192.0.2.10"},
		}
		for org, w := range want {
			evs, _, err := fx.s.Inbox(ctx, analyst(org), org, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, se := range evs {
				subject := se.Event.SourceFQDN
				if subject == "" {
					subject = se.Event.SourceIP.String()
				}
				got = append(got, se.By+" "+se.Key+" "+subject)
			}
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("%s: %v, want %v", org, got, w)
			}
		}
	})
}
