package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// ewActor is one caller of the early-warning security table.
type ewActor struct {
	name string
	w    func(t *testing.T, e *apptest.Env) who
}

func tokenOf(email string, scopes ...access.Scope) func(t *testing.T, e *apptest.Env) who {
	return func(t *testing.T, e *apptest.Env) who { return bearer(t, e, email, scopes...) }
}

func sessionOf(email string) func(t *testing.T, e *apptest.Env) who {
	return func(t *testing.T, e *apptest.Env) who { return session(t, e, email) }
}

// ewActors: two teams of one country (their networks nest), a team of
// another, the secretariat, the roles that see no events, and a read
// token.
var ewActors = []ewActor{
	{"bank admin", tokenOf(bankAdmin)},
	{"bank read token", tokenOf(bankAdmin, access.ScopeRead)},
	{"mx admin", tokenOf(mxAdmin)},
	{"mx analyst session", sessionOf(mxAnalyst)},
	{"br analyst", tokenOf(brAnalyst)},
	{"secretariat admin", tokenOf(secAdmin)},
	{"secretariat officer token", tokenOf(secOfficer)},
	{"secretariat officer session", sessionOf(secOfficer)},
	{"observer", tokenOf(observer)},
	{"expert", tokenOf(expertUser)},
	{"government contact", tokenOf(crContact)},
}

// ewFixture is what the security rows look at: a feed the bank may push
// to, events of three teams, and the bank's rule, alerts, webhook,
// webhook delivery and digest.
type ewFixture struct {
	feed                      string
	rule, hook, digest, deliv string
}

func newEWFixture(t *testing.T, e *apptest.Env) ewFixture {
	t.Helper()
	bank := bearer(t, e, bankAdmin)
	createFeed(t, e, pushFeed("bank-push", e.Org(t, bankTeam)))
	f := ewFixture{feed: deliveredFixture(t, e)}
	f.rule = saveRule(t, e, bank, "All", "true").ID
	saveRule(t, e, bearer(t, e, mxAdmin), "All", "true")
	saveRule(t, e, bearer(t, e, brAnalyst), "All", "true")
	var hook, digest struct{ ID string }
	post(t, e, bank, "/api/v1/webhooks", map[string]any{"url": "https://hooks.bank.example/"}, http.StatusCreated, &hook)
	post(t, e, bank, "/api/v1/digests", map[string]any{"email": "soc@bank.example", "every": "hourly"}, http.StatusCreated, &digest)
	f.hook, f.digest = hook.ID, digest.ID
	pushOK(t, e, bearer(t, e, secAdmin), f.feed, csvLines("198.51.100.140,infected-system,mirai,", mxIP+",scanner,,", "192.0.2.11,scanner,,"))
	alertsOf(t, e, bank, 1)
	var ds list[struct{ ID int64 }]
	waitFor(t, "the bank's webhook delivery", func() bool {
		get(t, e, bank, "/api/v1/webhooks/deliveries", http.StatusOK, &ds)
		return len(ds.Items) > 0
	})
	f.deliv = strconv.FormatInt(ds.Items[0].ID, 10)
	return f
}

// ownIPs are the addresses of the fixture's events each organisation owns.
var ownIPs = map[string][]string{
	bankTeam: {"198.51.100.131", bankIP, "198.51.100.140"},
	mxTeam:   {mxIP, mxIP}, // an infected system and a scanner
	brTeam:   {brIP, "192.0.2.11"},
}

// TestSecurityEarlyWarningReads: every path that returns events (inbox,
// export, alerts, a rule's try-out) gives each caller its organisation's
// events and nothing of another's, or refuses as access says.
func TestSecurityEarlyWarningReads(t *testing.T) {
	eachEW(t, func(t *testing.T, e *apptest.Env) {
		f := newEWFixture(t, e)
		orgOf := map[string]string{}
		for _, short := range []string{bankTeam, mxTeam, brTeam} {
			orgOf[e.Org(t, short)] = short
		}
		cases := []struct {
			actor string
			team  string // "" sees no team's events
			read  int    // status of the event reads
			try   int    // status of a try-out (ManageAlerts)
		}{
			{"bank admin", bankTeam, 200, 200},
			{"bank read token", bankTeam, 200, 403},
			{"mx admin", mxTeam, 200, 200},
			{"mx analyst session", mxTeam, 200, 200},
			{"br analyst", brTeam, 200, 200},
			{"secretariat admin", "", 200, 200},
			{"secretariat officer token", "", 200, 403},
			{"secretariat officer session", "", 200, 403},
			{"observer", "", 403, 403},
			{"expert", "", 403, 403},
			{"government contact", "", 403, 403},
		}
		for _, tc := range cases {
			i := slices.IndexFunc(ewActors, func(a ewActor) bool { return a.name == tc.actor })
			w := ewActors[i].w(t, e)
			t.Run(tc.actor, func(t *testing.T) {
				want := slices.Clone(ownIPs[tc.team])
				slices.Sort(want)
				sorted := func(xs []string) []string { slices.Sort(xs); return xs }

				a := get(t, e, w, "/api/v1/events?feed="+f.feed, tc.read, nil)
				if tc.read != 200 {
					a.problem(t)
				} else if got := sorted(ips(inbox(t, e, w, "feed="+f.feed))); !slices.Equal(got, want) {
					t.Errorf("inbox %v, want %v", got, want)
				}

				a = send(t, e, w, request{method: "GET", path: "/api/v1/events/export?format=json&feed=" + f.feed})
				checkDocumented(t, "GET", "/api/v1/events/export", a)
				if a.status != tc.read {
					t.Errorf("export: status %d, want %d", a.status, tc.read)
				} else if tc.read == 200 {
					var exp []eventOut
					a.decode(t, &exp)
					if got := sorted(ips(exp)); !slices.Equal(got, want) {
						t.Errorf("export %v, want %v", got, want)
					}
				}

				var al list[alertOut]
				a = get(t, e, w, "/api/v1/alerts?limit=500", tc.read, &al)
				for _, x := range al.Items {
					if x.OrgID != e.Org(t, tc.team) || !slices.Contains(want, x.Event["source.ip"].(string)) {
						t.Errorf("alert %d of %s on %v", x.ID, orgOf[x.OrgID], x.Event["source.ip"])
					}
				}
				if tc.team != "" && len(al.Items) == 0 {
					t.Error("no alerts of its own")
				}

				var tried struct{ Sample []eventOut }
				a = post(t, e, w, "/api/v1/alert-rules/try", map[string]any{"expr": "true"}, tc.try, &tried)
				if tc.try == 200 {
					if got := sorted(ips(tried.Sample)); !slices.Equal(got, want) {
						t.Errorf("try-out sample %v, want %v", got, want)
					}
				}

				s, sa := openStream(t, e, w, map[string]string{"Last-Event-ID": "0"})
				if sa.status != tc.read {
					t.Fatalf("stream: status %d, want %d", sa.status, tc.read)
				}
				if s != nil {
					for range len(al.Items) {
						x := alertOf(t, s.next(t, 5*1e9))
						if x.OrgID != e.Org(t, tc.team) {
							t.Errorf("stream alert of %s", orgOf[x.OrgID])
						}
					}
					s.nothing(t, 100*1e6)
					s.close()
				}
			})
		}
	})
}

// TestSecurityEarlyWarningChanges: each change to feeds and to a team's
// alert settings is allowed to whom access allows it, refused (403, or 404
// where the caller may not know the thing exists) to everyone else, and a
// refusal changes nothing.
func TestSecurityEarlyWarningChanges(t *testing.T) {
	eachEW(t, func(t *testing.T, e *apptest.Env) {
		f := newEWFixture(t, e)
		newFeed := func(name string) request {
			return request{method: "POST", path: "/api/v1/feeds", body: pushFeed(name, "")}
		}
		ops := []struct {
			name string
			req  func(actor string) request
			// want by actor; actors not listed get other
			want  map[string]int
			other int
		}{
			{"list feeds", func(string) request { return request{method: "GET", path: "/api/v1/feeds"} },
				map[string]int{"observer": 403, "expert": 403, "government contact": 403}, 200},
			{"read a feed", func(string) request { return request{method: "GET", path: "/api/v1/feeds/" + f.feed} },
				map[string]int{"observer": 403, "expert": 403, "government contact": 403}, 200},
			{"read a feed's runs", func(string) request { return request{method: "GET", path: "/api/v1/feeds/" + f.feed + "/runs"} },
				map[string]int{"observer": 403, "expert": 403, "government contact": 403}, 200},
			{"create a feed", func(actor string) request { return newFeed("sec-" + slug(actor)) },
				map[string]int{"secretariat admin": 201, "secretariat officer session": 201}, 403},
			{"read the quarantine", func(string) request { return request{method: "GET", path: "/api/v1/feeds/" + f.feed + "/quarantine"} },
				map[string]int{"secretariat admin": 200, "secretariat officer session": 200}, 403},
			{"replace a feed", func(string) request {
				return request{method: "PUT", path: "/api/v1/feeds/bank-push", body: pushFeed("bank-push", e.Org(t, bankTeam))}
			}, map[string]int{"secretariat admin": 200, "secretariat officer session": 200,
				"observer": 403, "expert": 403, "government contact": 403}, 403},
			{"push to the bank's feed", func(string) request {
				return request{method: "POST", path: "/api/v1/feeds/bank-push/events", body: csvLines(bankIP + ",infected-system,mirai,"),
					contentType: "text/csv"}
			}, map[string]int{"bank admin": 200, "secretariat admin": 200, "secretariat officer token": 200,
				"secretariat officer session": 200}, 403},
			{"read the bank's rule", func(string) request { return request{method: "GET", path: "/api/v1/alert-rules/" + f.rule} },
				map[string]int{"bank admin": 200, "bank read token": 200}, 404},
			{"replace the bank's rule", func(string) request {
				return request{method: "PUT", path: "/api/v1/alert-rules/" + f.rule, body: map[string]any{"name": "All", "expr": "true"}}
			}, map[string]int{"bank admin": 200, "bank read token": 403}, 404},
			{"read the bank's webhook", func(string) request { return request{method: "GET", path: "/api/v1/webhooks/" + f.hook} },
				map[string]int{"bank admin": 200, "bank read token": 403, "secretariat officer token": 403,
					"secretariat officer session": 403, "observer": 403, "expert": 403, "government contact": 403}, 404},
			{"replay the bank's delivery", func(string) request {
				return request{method: "POST", path: "/api/v1/webhooks/deliveries/" + f.deliv + "/replay"}
			}, map[string]int{"bank admin": 202, "bank read token": 403}, 404},
			// Removals: the allowed actor is skipped here (it would remove
			// the thing for the rows after it) and removes it at the end.
			{"remove the bank's webhook", func(string) request { return request{method: "DELETE", path: "/api/v1/webhooks/" + f.hook} },
				map[string]int{"bank admin": skip, "bank read token": 403}, 404},
			{"remove the bank's digest", func(string) request { return request{method: "DELETE", path: "/api/v1/digests/" + f.digest} },
				map[string]int{"bank admin": skip, "bank read token": 403}, 404},
			{"remove the bank's rule", func(string) request { return request{method: "DELETE", path: "/api/v1/alert-rules/" + f.rule} },
				map[string]int{"bank admin": skip, "bank read token": 403}, 404},
			{"remove a feed", func(string) request { return request{method: "DELETE", path: "/api/v1/feeds/bank-push"} },
				map[string]int{"secretariat admin": skip, "secretariat officer session": skip}, 403},
		}
		for _, op := range ops {
			t.Run(op.name, func(t *testing.T) {
				for _, actor := range ewActors {
					want, ok := op.want[actor.name]
					if !ok {
						want = op.other
					}
					if want == skip {
						continue
					}
					a := callAny(t, e, actor.w(t, e), op.req(actor.name))
					if a.status != want {
						t.Errorf("%s: status %d, want %d: %s", actor.name, a.status, want, a.body)
					}
				}
			})
		}
		// The refusals changed nothing: the bank's rule, webhook and
		// digest, and the feed, are all still there.
		bank := bearer(t, e, bankAdmin)
		get(t, e, bank, "/api/v1/alert-rules/"+f.rule, http.StatusOK, nil)
		get(t, e, bank, "/api/v1/webhooks/"+f.hook, http.StatusOK, nil)
		var dl list[struct{ ID string }]
		get(t, e, bank, "/api/v1/digests", http.StatusOK, &dl)
		if len(dl.Items) != 1 || dl.Items[0].ID != f.digest {
			t.Errorf("the bank's digests %+v", dl.Items)
		}
		get(t, e, bearer(t, e, secAdmin), "/api/v1/feeds/bank-push", http.StatusOK, nil)

		// Now those allowed remove them.
		for _, path := range []string{"/api/v1/webhooks/" + f.hook, "/api/v1/digests/" + f.digest, "/api/v1/alert-rules/" + f.rule} {
			expect(t, call(t, e, bank, request{method: "DELETE", path: path}), "DELETE "+path, http.StatusNoContent, nil)
		}
		expect(t, call(t, e, session(t, e, secOfficer), request{method: "DELETE", path: "/api/v1/feeds/bank-push"}),
			"DELETE feed", http.StatusNoContent, nil)
	})
}

// skip marks an actor a row of the table leaves out.
const skip = -1

// callAny is call for any body: one that is not JSON (a push) is sent as
// is and only the answer is checked against the document.
func callAny(t *testing.T, e *apptest.Env, w who, req request) answer {
	t.Helper()
	if req.contentType == "" || req.contentType == jsonType {
		return call(t, e, w, req)
	}
	a := send(t, e, w, req)
	checkDocumented(t, req.method, req.path, a)
	return a
}

// slug makes an actor's name a feed name.
func slug(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == ' ' {
			out[i] = '-'
		}
	}
	return string(out)
}
