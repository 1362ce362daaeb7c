package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"atalaya/internal/store"
)

const (
	postTimeout = 10 * time.Second
	// postLease is how long a claimed post stays away from other senders
	// (another process, or this one after a crash mid-attempt).
	postLease   = 2 * time.Minute
	postsAtOnce = 4   // concurrent posts
	postsPerRun = 100 // posts claimed per look
	idleWait    = time.Minute
)

// The headers of a webhook post. The signature is the HMAC-SHA256 of the
// body with the webhook's secret, in hex: a receiver recomputes it over
// the bytes it read and compares in constant time.
const (
	HeaderSignature = "X-Atalaya-Signature" // "sha256=<hex>"
	HeaderDelivery  = "X-Atalaya-Delivery"  // the post's id (the same on every attempt)
	HeaderTimestamp = "X-Atalaya-Timestamp" // unix seconds of this attempt
)

// Sign returns the X-Atalaya-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (s *Service) wakeWebhooks() {
	select {
	case s.hooks <- struct{}{}:
	default:
	}
}

// sendWebhooks posts what is due until ctx ends, sleeping until the next
// attempt is due or a new post is queued.
func (s *Service) sendWebhooks(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.hooks:
		case <-timer.C:
		}
		wait, err := s.sendDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("webhook posts", "err", err)
			wait = time.Second
		}
		timer.Reset(wait)
	}
}

// due is a claimed post.
type due struct {
	id       int64
	url      string
	secret   string
	payload  []byte
	attempts int
}

// sendDue sends every post whose attempt is due and returns how long to
// wait for the next one.
func (s *Service) sendDue(ctx context.Context) (time.Duration, error) {
	for {
		posts, err := s.claimDue(ctx)
		if err != nil {
			return 0, err
		}
		sem := make(chan struct{}, postsAtOnce)
		var wg sync.WaitGroup
		for _, p := range posts {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				s.attempt(ctx, p)
			})
		}
		wg.Wait()
		if len(posts) < postsPerRun || ctx.Err() != nil {
			break
		}
	}
	var next sql.NullInt64
	err := s.db.R().QueryRowContext(ctx, `SELECT MIN(next_attempt) FROM alert_webhook_deliveries WHERE state = $1`,
		statePending).Scan(&next)
	if err != nil {
		return 0, fmt.Errorf("reading the next webhook attempt: %w", err)
	}
	if !next.Valid {
		return idleWait, nil
	}
	return min(max(store.Time(next.Int64).Sub(s.now()), time.Millisecond), idleWait), nil
}

// claimDue reads due posts and takes each with a conditional update, so
// two senders never attempt the same post at once.
func (s *Service) claimDue(ctx context.Context) ([]due, error) {
	now := s.now()
	rows, err := s.db.R().QueryContext(ctx, `SELECT d.id, d.next_attempt, d.attempts, d.payload, w.url, w.secret
		FROM alert_webhook_deliveries d JOIN alert_webhooks w ON w.id = d.webhook_id
		WHERE d.state = $1 AND d.next_attempt <= $2 ORDER BY d.next_attempt, d.id LIMIT $3`,
		statePending, store.Millis(now), postsPerRun)
	if err != nil {
		return nil, fmt.Errorf("reading due webhook posts: %w", err)
	}
	type row struct {
		due
		next int64
	}
	var found []row
	for rows.Next() {
		var r row
		var payload string
		if err := rows.Scan(&r.id, &r.next, &r.attempts, &payload, &r.url, &r.secret); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading due webhook posts: %w", err)
		}
		r.payload = []byte(payload)
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lease := store.Millis(now.Add(postLease))
	var out []due
	for _, r := range found {
		n, err := s.exec(ctx, `UPDATE alert_webhook_deliveries SET next_attempt = $1
			WHERE id = $2 AND state = $3 AND next_attempt = $4`, lease, r.id, statePending, r.next)
		if err != nil {
			return out, fmt.Errorf("claiming webhook post: %w", err)
		}
		if n == 1 {
			out = append(out, r.due)
		}
	}
	return out, nil
}

// attempt posts once and records the outcome: ok, a later attempt, or
// failed when the schedule is used up.
func (s *Service) attempt(ctx context.Context, p due) {
	status, err := s.post(ctx, p)
	attempts := p.attempts + 1
	state, next, msg := stateOK, int64(0), ""
	switch {
	case err == nil:
		s.metrics.webhookOK.Add(1)
	case attempts > len(s.retry):
		state, msg = stateFailed, err.Error()
		s.metrics.webhookFailed.Add(1)
	default:
		state, msg = statePending, err.Error()
		next = store.Millis(s.now().Add(s.retry[attempts-1]))
		s.metrics.webhookRetries.Add(1)
	}
	if ctx.Err() != nil && err != nil {
		// Shutting down cut the attempt short: not the endpoint's fault.
		return
	}
	_, uerr := s.exec(context.WithoutCancel(ctx), `UPDATE alert_webhook_deliveries
		SET state = $1, attempts = $2, last_status = $3, last_error = $4, next_attempt = $5 WHERE id = $6`,
		state, attempts, status, truncate(msg, 500), next, p.id)
	if uerr != nil {
		s.log.Warn("webhook post outcome not saved", "post", p.id, "err", uerr)
	}
}

// post sends one attempt and returns the HTTP status (0 when none came).
func (s *Service) post(ctx context.Context, p due) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(p.payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Atalaya-Webhook/1")
	req.Header.Set(HeaderSignature, Sign(p.secret, p.payload))
	req.Header.Set(HeaderDelivery, strconv.FormatInt(p.id, 10))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(s.now().Unix(), 10))
	res, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(res.Body, 200))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("HTTP %d: %s", res.StatusCode, bytes.TrimSpace(snippet))
	}
	return res.StatusCode, nil
}

// exec runs one write statement and returns the rows it changed.
func (s *Service) exec(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// truncate keeps at most n bytes of valid UTF-8 without NUL (a response
// body may hold anything; PostgreSQL's TEXT takes neither).
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
}

// errPrivate refuses a connection to the server's own networks.
var errPrivate = errors.New("webhook address is loopback, private or link-local")

// webhookClient posts without following redirects and, unless
// allowPrivate, refuses to connect to loopback, private, link-local,
// shared (CGNAT) and unspecified addresses, whatever name resolved to
// them: a team must not reach the server's own network through a webhook.
func webhookClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: postTimeout}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || internal(ip) {
				return fmt.Errorf("%w: %s", errPrivate, host)
			}
			return nil
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = dialer.DialContext
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || sharedSpace.Contains(ip)
}
