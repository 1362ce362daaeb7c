package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// ewReaders are users of every kind the early-warning pages must tell
// apart: two teams of one country (the national team and its banking
// sector team), another country's team, the secretariat's admin and
// officer, a government contact, an expert and an observer.
var ewReaders = []string{mxAnalyst, bankAdmin, brAnalyst, secAdmin, "officer@secretariat.example", crContact,
	expert, observer}

// ewMarkers are the fixture's events: a classification.identifier each,
// and the organisation routing must deliver it to (by its most specific
// prefix: 198.51.100.201 is the bank's /25 inside Mexico's /24).
var ewMarkers = []struct{ ip, marker, org string }{
	{"198.51.100.7", "marker-mx-nat", "DEMO-MX-NAT"},
	// .201, not .200: the demo MX team shares an indicator on .200, and a
	// watch would deliver that event to MX as well.
	{"198.51.100.201", "marker-mx-bank", "DEMO-MX-BANK"},
	{"192.0.2.10", "marker-br-nat", "DEMO-BR-NAT"},
	{"203.0.113.5", "marker-cl-nat", "DEMO-CL-NAT"},
}

// badMarker is on the fixture's refused line: only the quarantine, for
// who may read raw lines, shows it.
const badMarker = "marker-bad-line"

// TestEarlyWarningPagesShowOnlyOwnEvents walks every early-warning page,
// the exports and the live stream as each kind of user, over events
// delivered to four teams: a page shows an event exactly when access lets
// the reader see that organisation's events and the event was delivered
// to the reader's own organisation; every event it links to is the
// reader's organisation's; the quarantine's raw lines only for who manages
// feeds.
func TestEarlyWarningPagesShowOnlyOwnEvents(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		createTestFeed(t, e)
		for _, who := range []string{mxAnalyst, bankAdmin, brAnalyst} {
			saveRule(t, e, who, "rule of "+who, `classification.identifier.startsWith("marker-")`)
		}
		csv := ewHeader
		for _, m := range ewMarkers {
			csv += markerLine(m.ip, m.marker)
		}
		csv += markerLine("not-an-ip", badMarker)
		if run := ingest(t, e, csv); run.Accepted != int64(len(ewMarkers)) || run.Quarantined != 1 {
			t.Fatalf("run accepted %d, quarantined %d; want %d and 1", run.Accepted, run.Quarantined, len(ewMarkers))
		}
		for _, who := range []string{mxAnalyst, bankAdmin, brAnalyst} {
			waitAlerts(t, e, who, 1)
		}
		delivered := allDeliveries(t, e)
		markerOrg := map[string]string{}
		markerIDs := map[string]int64{}
		for id, d := range delivered {
			if strings.HasPrefix(d.Event.Identifier, "marker-") {
				if markerOrg[d.Event.Identifier] != "" {
					t.Fatalf("%s delivered twice", d.Event.Identifier)
				}
				markerOrg[d.Event.Identifier] = d.OrgID
				markerIDs[d.Event.Identifier] = id
			}
		}
		// The fixture is what it claims: each marker reached its team
		// only, so the checks below can fail.
		for _, m := range ewMarkers {
			if markerOrg[m.marker] != e.Org(t, m.org) {
				t.Fatalf("%s delivered to %q, want %s", m.marker, markerOrg[m.marker], m.org)
			}
		}
		for _, who := range ewReaders {
			t.Run(who, func(t *testing.T) {
				a := e.Actor(t, who)
				c := e.Login(t, who)
				seesEvents := access.CanSeeEvents(a, a.OrgID)
				pages := map[string]string{}
				for _, p := range []string{"/events", "/events?q=marker", "/events?taxonomy=malicious-code&by=prefix",
					"/events/export?format=csv", "/events/export?format=json", "/alerts", "/alerts/rules"} {
					status, body := get(t, c, e.URL+p)
					if want := statusFor(seesEvents); status != want {
						t.Errorf("%s: status %d, want %d", p, status, want)
					}
					pages[p] = body
				}
				status, body := get(t, c, e.URL+"/alerts/settings")
				if want := statusFor(access.Can(a, access.ManageAlerts, access.Target{OrgID: a.OrgID})); status != want {
					t.Errorf("/alerts/settings: status %d, want %d", status, want)
				}
				pages["/alerts/settings"] = body
				for _, m := range ewMarkers {
					want := seesEvents && markerOrg[m.marker] == a.OrgID
					for p, body := range pages {
						if p == "/alerts/settings" || p == "/alerts/rules" {
							want := false // settings and rules name no event
							if got := strings.Contains(body, m.marker); got != want {
								t.Errorf("%s shows %s", p, m.marker)
							}
							continue
						}
						if got := strings.Contains(body, m.marker); got != want {
							t.Errorf("%s: %s shown %v, want %v", p, m.marker, got, want)
						}
					}
					status, page := get(t, c, fmt.Sprintf("%s/events/%d", e.URL, markerIDs[m.marker]))
					switch {
					case want && status != http.StatusOK:
						t.Errorf("own event %s: status %d", m.marker, status)
					case !want && status == http.StatusOK:
						t.Errorf("event %s of another organisation: status 200", m.marker)
					case !want && strings.Contains(page, m.marker):
						t.Errorf("the refusal of %s names it", m.marker)
					}
				}
				for p, body := range pages {
					for _, id := range eventIDsIn(body) {
						if org := delivered[id].OrgID; org != a.OrgID {
							t.Errorf("%s links to event %d of %q", p, id, org)
						}
					}
				}
				// Rules: each team sees its own only.
				for _, other := range []string{mxAnalyst, bankAdmin, brAnalyst} {
					want := seesEvents && e.Actor(t, other).OrgID == a.OrgID
					if got := strings.Contains(pages["/alerts/rules"], "rule of "+other); got != want {
						t.Errorf("rules page: rule of %s shown %v, want %v", other, got, want)
					}
				}
				checkStream(t, e, c, a, seesEvents, markerOrg)
				checkFeedPages(t, e, c, a)
			})
		}
	})
}

func statusFor(allowed bool) int {
	if allowed {
		return http.StatusOK
	}
	return http.StatusForbidden
}

// checkStream reads the live stream from the start (Last-Event-ID 0): it
// must bring the reader's organisation's alerts and nothing else.
func checkStream(t *testing.T, e *apptest.Env, c *http.Client, a access.Actor, seesEvents bool, markerOrg map[string]string) {
	t.Helper()
	status, events, stop := openStream(t, c, e.URL, "0")
	defer stop()
	if status != statusFor(seesEvents) {
		t.Errorf("stream: status %d, want %d", status, statusFor(seesEvents))
	}
	if !seesEvents {
		return
	}
	want := 0
	for _, org := range markerOrg {
		if org == a.OrgID {
			want++
		}
	}
	got := collect(events, want, 5*time.Second)
	got = append(got, collect(events, 1, 300*time.Millisecond)...)
	if len(got) != want {
		t.Errorf("stream brought %d alerts, want %d", len(got), want)
	}
	for _, ev := range got {
		al := decodeAlert(t, ev)
		if ev.Event != "alert" || markerOrg[al.Identifier] != a.OrgID {
			t.Errorf("stream brought %s %+v of %q", ev.Event, al, markerOrg[al.Identifier])
		}
	}
}

// checkFeedPages: the feeds' status for who may view feeds, the
// quarantine's raw line only for who manages them.
func checkFeedPages(t *testing.T, e *apptest.Env, c *http.Client, a access.Actor) {
	t.Helper()
	views := access.Can(a, access.ViewFeeds, access.Target{})
	manages := access.Can(a, access.ManageFeeds, access.Target{})
	status, list := get(t, c, e.URL+"/feeds")
	if status != statusFor(views) || strings.Contains(list, ewFeed) != views {
		t.Errorf("/feeds: status %d, lists the feed %v; want it %v", status, strings.Contains(list, ewFeed), views)
	}
	status, page := get(t, c, e.URL+"/feeds/"+ewFeed)
	if status != statusFor(views) {
		t.Errorf("feed page: status %d, want %d", status, statusFor(views))
	}
	if got := strings.Contains(page, badMarker); got != manages {
		t.Errorf("feed page shows the quarantined line %v, want %v", got, manages)
	}
	if got := strings.Contains(page, `id="upload-form"`); got != manages {
		t.Errorf("feed page offers the upload form %v, want %v", got, manages)
	}
	for _, m := range ewMarkers {
		if strings.Contains(list+page, m.marker) {
			t.Errorf("feed pages show the event %s", m.marker)
		}
	}
}
