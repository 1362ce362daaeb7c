package alerts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/feeds"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

// receiver is a webhook endpoint that checks each post's signature as a
// team's own receiver would, and answers with the status its plan says.
type receiver struct {
	mu      sync.Mutex
	secrets map[string]string // path -> secret
	fail    map[string]int    // path -> attempts still to refuse with 500
	posts   []received
	srv     *httptest.Server
}

type received struct {
	path, delivery, timestamp string
	body                      []byte
	validSignature            bool
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{secrets: map[string]string{}, fail: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		// Recompute the HMAC independently of the package's Sign.
		m := hmac.New(sha256.New, []byte(r.secrets[req.URL.Path]))
		m.Write(body)
		want := "sha256=" + hex.EncodeToString(m.Sum(nil))
		ok := hmac.Equal([]byte(want), []byte(req.Header.Get("X-Atalaya-Signature")))
		r.posts = append(r.posts, received{path: req.URL.Path, delivery: req.Header.Get("X-Atalaya-Delivery"),
			timestamp: req.Header.Get("X-Atalaya-Timestamp"), body: body, validSignature: ok})
		switch {
		case !ok:
			http.Error(w, "bad signature", http.StatusUnauthorized)
		case r.fail[req.URL.Path] != 0:
			r.fail[req.URL.Path]--
			http.Error(w, "try later", http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received(path string) []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []received
	for _, p := range r.posts {
		if p.path == path {
			out = append(out, p)
		}
	}
	return out
}

func (r *receiver) set(path, secret string, fail int) {
	r.mu.Lock()
	r.secrets[path], r.fail[path] = secret, fail
	r.mu.Unlock()
}

// postOf waits for the webhook's only post to reach state.
func postOf(t *testing.T, s *Service, a access.Actor, hookID, state string) WebhookDelivery {
	t.Helper()
	var found WebhookDelivery
	waitFor(t, "a post in state "+state, func() bool {
		ps, err := s.WebhookDeliveries(ctx, a, a.OrgID, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.WebhookID == hookID && p.State == state {
				found = p
				return true
			}
		}
		return false
	})
	return found
}

var fastRetry = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond}

func TestWebhookSignedRetriedReplayed(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		rcv := newReceiver(t)
		s := started(t, db, Options{Retry: fastRetry, AllowPrivateWebhooks: true})
		a, b := analyst("org-a"), analyst("org-b")
		mustRule(t, s, a, "all", "true")
		mustRule(t, s, b, "all", "true")
		hookA, err := s.CreateWebhook(ctx, a, Webhook{URL: rcv.srv.URL + "/a"})
		if err != nil {
			t.Fatal(err)
		}
		if len(hookA.Secret) != 64 || !hookA.Enabled {
			t.Errorf("new webhook %+v: want an enabled one with a 32-byte hex secret", hookA)
		}
		hookB, err := s.CreateWebhook(ctx, b, Webhook{URL: rcv.srv.URL + "/b", Secret: "a secret of org b, long enough"})
		if err != nil {
			t.Fatal(err)
		}
		rcv.set("/a", hookA.Secret, 2) // the first two attempts fail
		rcv.set("/b", hookB.Secret, 99)

		s.Deliver([]feeds.StoredEvent{phishing(t, 1, "org-a"), botnet(t, 2, "org-b"), botnet(t, 3, "org-a")})

		// org-a: refused twice, accepted on the third attempt.
		ok := postOf(t, s, a, hookA.ID, stateOK)
		if ok.Attempts != 3 || ok.LastStatus != http.StatusNoContent || ok.Alerts != 2 || ok.LastError != "" {
			t.Errorf("org-a's post %+v", ok)
		}
		got := rcv.received("/a")
		if len(got) != 3 {
			t.Fatalf("org-a's endpoint got %d posts, want 3", len(got))
		}
		for _, p := range got {
			if !p.validSignature || p.delivery != strconv.FormatInt(ok.ID, 10) || string(p.body) != string(got[0].body) {
				t.Errorf("attempt %+v: want the same signed body and delivery id %d each time", p, ok.ID)
			}
			if ts, err := strconv.ParseInt(p.timestamp, 10, 64); err != nil || time.Since(time.Unix(ts, 0)) > time.Minute {
				t.Errorf("timestamp %q", p.timestamp)
			}
		}
		var body struct {
			Alerts []Alert `json:"alerts"`
		}
		if err := json.Unmarshal(got[0].body, &body); err != nil {
			t.Fatalf("body: %v\n%s", err, got[0].body)
		}
		if len(body.Alerts) != 2 || body.Alerts[0].Event.ID != 1 || body.Alerts[1].Event.ID != 3 {
			t.Errorf("org-a's post holds %+v", body.Alerts)
		}
		for _, al := range body.Alerts {
			if al.OrgID != "org-a" {
				t.Errorf("org-a's webhook got an alert of %s", al.OrgID)
			}
		}

		// org-b: every attempt fails; after the schedule it is failed and
		// says why.
		failed := postOf(t, s, b, hookB.ID, stateFailed)
		if failed.Attempts != len(fastRetry)+1 || failed.LastStatus != http.StatusServiceUnavailable ||
			!strings.Contains(failed.LastError, "HTTP 503") || !strings.Contains(failed.LastError, "try later") {
			t.Errorf("org-b's post %+v", failed)
		}
		if n := len(rcv.received("/b")); n != len(fastRetry)+1 {
			t.Errorf("org-b's endpoint got %d attempts", n)
		}
		// Replayed once the endpoint is back, it goes through.
		rcv.set("/b", hookB.Secret, 0)
		if err := s.Replay(ctx, a, failed.ID); err == nil {
			t.Error("org-a replayed org-b's post")
		}
		if err := s.Replay(ctx, b, failed.ID); err != nil {
			t.Fatal(err)
		}
		again := postOf(t, s, b, hookB.ID, stateOK)
		if again.ID != failed.ID || again.Attempts != 1 || again.LastStatus != http.StatusNoContent {
			t.Errorf("replayed post %+v", again)
		}
		if st := s.Stats(); st.WebhookOK != 2 || st.WebhookFailed != 1 || st.WebhookRetries != int64(2+len(fastRetry)) {
			t.Errorf("stats %+v", st)
		}

		// Listing never shows a secret; deleting removes the posts.
		hooks, err := s.Webhooks(ctx, a, "org-a")
		if err != nil || len(hooks) != 1 || hooks[0].Secret != "" || hooks[0].URL != rcv.srv.URL+"/a" {
			t.Errorf("Webhooks = %+v, %v", hooks, err)
		}
		if err := s.DeleteWebhook(ctx, a, hookA.ID); err != nil {
			t.Fatal(err)
		}
		if ps, _ := s.WebhookDeliveries(ctx, a, "org-a", 0); len(ps) != 0 {
			t.Errorf("posts left after delete: %+v", ps)
		}
	})
}

// TestWebhookPrivateAddressRefused: by default a webhook cannot reach the
// server's own network (here the loopback test server).
func TestWebhookPrivateAddressRefused(t *testing.T) {
	rcv := newReceiver(t)
	s := started(t, storetest.SQLite(t, sets()), Options{Retry: []time.Duration{}})
	a := analyst("org-a")
	mustRule(t, s, a, "all", "true")
	hook, err := s.CreateWebhook(ctx, a, Webhook{URL: rcv.srv.URL + "/a"})
	if err != nil {
		t.Fatal(err)
	}
	s.Deliver([]feeds.StoredEvent{botnet(t, 1, "org-a")})
	p := postOf(t, s, a, hook.ID, stateFailed)
	if !strings.Contains(p.LastError, "loopback, private or link-local") || p.LastStatus != 0 {
		t.Errorf("post %+v", p)
	}
	if n := len(rcv.received("/a")); n != 0 {
		t.Errorf("the endpoint got %d posts", n)
	}
}

func TestCreateWebhookRefuses(t *testing.T) {
	s := New(storetest.SQLite(t, sets()), Options{})
	a := analyst("org-a")
	cases := []struct{ name, url, secret, field, code string }{
		{"no url", "", "", "url", "alert_webhook_url_required"},
		{"relative", "/hook", "", "url", "alert_webhook_url"},
		{"not http", "ftp://example.org/x", "", "url", "alert_webhook_url"},
		{"no host", "https:///x", "", "url", "alert_webhook_url"},
		{"short secret", "https://example.org/h", "short", "secret", "alert_webhook_secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateWebhook(ctx, a, Webhook{URL: tc.url, Secret: tc.secret})
			es := valid.List(err)
			if len(es) != 1 || es[0].Field != tc.field || es[0].Code != tc.code {
				t.Errorf("got %v, want %s on %s", err, tc.code, tc.field)
			}
		})
	}
	if hooks, _ := s.Webhooks(ctx, a, "org-a"); len(hooks) != 0 {
		t.Errorf("refused webhooks were stored: %+v", hooks)
	}
}

func TestSign(t *testing.T) {
	// RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
	got := Sign("Jefe", []byte("what do ya want for nothing?"))
	want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}
