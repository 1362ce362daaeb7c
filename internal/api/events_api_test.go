package api_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/app/apptest"
)

// deliveredFixture pushes one line per demo team's network to a feed of
// its own, and returns the feed's name.
func deliveredFixture(t *testing.T, e *apptest.Env) string {
	t.Helper()
	createFeed(t, e, pushFeed("inbox-test", ""))
	run := pushOK(t, e, bearer(t, e, secAdmin), "inbox-test", csvLines(
		bankIP+",infected-system,mirai,",
		"198.51.100.131,c2-server,qakbot,c2.example.net",
		mxIP+",infected-system,emotet,",
		brIP+",scanner,,"))
	if run.Accepted != 4 {
		t.Fatalf("run %+v, want 4 events accepted", run)
	}
	return "inbox-test"
}

// TestEventsInbox: each organisation reads exactly the events delivered
// to it, through every filter, page by page.
func TestEventsInbox(t *testing.T) {
	eachEW(t, func(t *testing.T, e *apptest.Env) {
		feed := deliveredFixture(t, e)
		bank := bearer(t, e, bankAdmin)
		got := inbox(t, e, bank, "feed="+feed)
		if want := []string{"198.51.100.131", bankIP}; !slices.Equal(ips(got), want) {
			t.Fatalf("the bank's inbox %v, want %v (newest first)", ips(got), want)
		}
		for _, x := range got {
			if x.OrgID != e.Org(t, bankTeam) || x.By != "prefix" || x.Key != "198.51.100.128/25" || x.Feed != feed || x.Repeats != 1 {
				t.Errorf("delivery %+v, want the bank's by its /25", x)
			}
		}
		if c2 := got[0].Event; c2["malware.name"] != "qakbot" || c2["source.fqdn"] != "c2.example.net" ||
			c2["classification.type"] != "c2-server" || c2["tlp"] != "amber" || c2["feed.name"] != feed {
			t.Errorf("event fields %v", c2)
		}

		cases := []struct {
			name, query string
			want        []string
		}{
			{"type", "type=c2-server", []string{"198.51.100.131"}},
			{"taxonomy", "taxonomy=malicious-code", []string{"198.51.100.131", bankIP}},
			{"text in the malware", "q=qakbot", []string{"198.51.100.131"}},
			{"text in the domain", "q=c2.example", []string{"198.51.100.131"}},
			{"text in the address", "q=198.51.100.130", []string{bankIP}},
			{"by prefix", "by=prefix", []string{"198.51.100.131", bankIP}},
			{"by AS", "by=asn", nil},
			{"other feed", "nothing", nil},
			{"since the past", "since=2000-01-01T00:00:00Z", []string{"198.51.100.131", bankIP}},
			{"since later", "since=" + time.Now().Add(time.Hour).UTC().Format(time.RFC3339), nil},
			{"until the past", "until=2000-01-01T00:00:00Z", nil},
			{"one a page", "limit=1", []string{"198.51.100.131", bankIP}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				query := "feed=" + feed + "&" + tc.query
				if tc.query == "nothing" {
					query = "feed=nothing"
				}
				if got := ips(inbox(t, e, bank, query)); !slices.Equal(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		var page list[eventOut]
		get(t, e, bank, "/api/v1/events?limit=1&feed="+feed, http.StatusOK, &page)
		if len(page.Items) != 1 || page.NextCursor == "" {
			t.Errorf("first page of one: %d items, next %q", len(page.Items), page.NextCursor)
		}
	})
}

// TestEventsBadFilters: filters that mean nothing are a 422 naming them.
func TestEventsBadFilters(t *testing.T) {
	e := newEW(t)
	bank := bearer(t, e, bankAdmin)
	cases := []struct{ query, field string }{
		{"by=magic", "by"},
		{"since=yesterday", "since"},
		{"until=2024-13-01", "until"},
		{"limit=0", "limit"},
		{"limit=501", "limit"},
		{"cursor=abc", "cursor"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			a := get(t, e, bank, "/api/v1/events?"+tc.query, http.StatusUnprocessableEntity, nil)
			if got := a.fields(t); !slices.Equal(got, []string{tc.field}) {
				t.Errorf("fields %v, want %s", got, tc.field)
			}
		})
	}
	for _, q := range []string{"", "format=xml"} {
		a := get(t, e, bank, "/api/v1/events/export?"+q, http.StatusUnprocessableEntity, nil)
		if got := a.fields(t); !slices.Equal(got, []string{"format"}) {
			t.Errorf("export ?%s: fields %v, want format", q, got)
		}
	}
}

// TestEventsExport: the CSV and JSON exports hold every event the list
// holds (all pages), and only the caller's organisation's.
func TestEventsExport(t *testing.T) {
	e := newEW(t)
	feed := deliveredFixture(t, e)
	bank := bearer(t, e, bankAdmin)
	listed := inbox(t, e, bank, "feed="+feed)

	a := send(t, e, bank, request{method: "GET", path: "/api/v1/events/export?format=csv&feed=" + feed})
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV export: status %d, %v", a.status, a.header)
	}
	rows, err := csv.NewReader(strings.NewReader(string(a.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(listed) {
		t.Fatalf("%d CSV rows, want a header and %d events", len(rows), len(listed))
	}
	head := rows[0]
	col := func(name string) int {
		i := slices.Index(head, name)
		if i < 0 {
			t.Fatalf("no column %s in %v", name, head)
		}
		return i
	}
	if !slices.Equal(head[:3], []string{"id", "feed", "by"}) || head[len(head)-1] != "extra" {
		t.Errorf("header %v", head)
	}
	var csvIPs []string
	for _, r := range rows[1:] {
		csvIPs = append(csvIPs, r[col("source.ip")])
		if r[col("feed")] != feed || r[col("by")] != "prefix" || r[col("classification.taxonomy")] == "" {
			t.Errorf("row %v", r)
		}
	}
	if !slices.Equal(csvIPs, ips(listed)) {
		t.Errorf("CSV export %v, want the list's %v", csvIPs, ips(listed))
	}

	a = send(t, e, bank, request{method: "GET", path: "/api/v1/events/export?format=json&feed=" + feed})
	checkDocumented(t, "GET", "/api/v1/events/export", a)
	var exported []eventOut
	if err := json.Unmarshal(a.body, &exported); err != nil {
		t.Fatalf("JSON export: %v: %s", err, a.body)
	}
	lj, _ := json.Marshal(listed)
	ej, _ := json.Marshal(exported)
	if string(lj) != string(ej) {
		t.Errorf("JSON export\n%s\nwant the list's\n%s", ej, lj)
	}

	// An organisation without events exports a header and nothing else.
	a = send(t, e, bearer(t, e, brAnalyst), request{method: "GET", path: "/api/v1/events/export?format=csv&feed=" + feed + "&type=c2-server"})
	if a.status != http.StatusOK || strings.Count(string(a.body), "\n") != 1 {
		t.Errorf("empty CSV export: status %d, %q", a.status, a.body)
	}
	a = send(t, e, bearer(t, e, brAnalyst), request{method: "GET", path: "/api/v1/events/export?format=json&feed=nothing"})
	if a.status != http.StatusOK || strings.TrimSpace(string(a.body)) != "[]" {
		t.Errorf("empty JSON export: status %d, %q", a.status, a.body)
	}
}
