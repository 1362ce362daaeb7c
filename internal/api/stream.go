package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/alerts"
	"atalaya/internal/valid"
)

// The stream: the caller's organisation's alerts as Server-Sent Events,
// live. Each alert is "event: alert", "id: <alert id>" and the alert's JSON
// (the form webhooks receive) as data; a client that reconnects with
// Last-Event-ID (EventSource does by itself) first gets what was recorded
// after that id. A comment line every streamHeartbeat keeps proxies from
// closing an idle connection and tells the client the server is there.

const (
	streamHeartbeat = 15 * time.Second
	streamRetry     = 3 * time.Second // how long EventSource waits before reconnecting
	resumePage      = 1000            // alerts read at a time when resuming
)

// stream serves /api/v1/stream until the client goes, the server shuts
// down, or the caller's credentials stop being good (checked at each
// heartbeat: a revoked token or an ended session ends its streams).
func (a *API) stream(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.alerts
	orgID := c.actor.OrgID
	if !access.CanSeeEvents(c.actor, orgID) {
		return access.ErrDenied
	}
	after, err := lastEventID(r)
	if err != nil {
		return err
	}
	// Subscribed before the backlog is read, so that nothing recorded
	// meanwhile falls between the two; what both hold is sent once.
	live, cancel, err := svc.Subscribe(c.actor, orgID)
	if err != nil {
		return err
	}
	defer cancel()

	ctx := r.Context()
	rc := http.NewResponseController(w)
	// The server's write timeout is for ordinary answers; a stream lasts.
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: pass events on at once
	w.WriteHeader(http.StatusOK)
	out := &sseWriter{w: w, rc: rc}
	if err := out.open(streamRetry); err != nil {
		return nil
	}

	sent := after
	if after >= 0 {
		if sent, err = a.resume(ctx, svc, c.actor, orgID, after, out); err != nil {
			return nil // the client went, or the store failed: logged, stream ends
		}
	}
	a.relay(r, c, live, sent, out)
	return nil
}

// relay sends the live alerts above sent as they come, and a heartbeat
// when none does, until the client goes or its credentials stop being
// good.
func (a *API) relay(r *http.Request, c caller, live <-chan alerts.Alert, sent int64, out *sseWriter) {
	beat := time.NewTicker(streamHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case al, ok := <-live:
			if !ok {
				return
			}
			if al.ID <= sent {
				continue // already sent from the backlog
			}
			if err := out.alert(al); err != nil {
				return
			}
			sent = al.ID
		case <-beat.C:
			if !a.stillAuthenticated(r, c) || out.comment("heartbeat") != nil {
				return
			}
		}
	}
}

// lastEventID reads the Last-Event-ID header: -1 when absent.
func lastEventID(r *http.Request) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("Last-Event-ID"))
	if h == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(h, 10, 64)
	if err != nil || n < 0 {
		return 0, valid.New("Last-Event-ID", "ewapi.last_event_id",
			"Last-Event-ID is the id of an alert this stream sent (a whole number).", map[string]any{"Value": h})
	}
	return n, nil
}

// resume sends the alerts recorded after id after, oldest first, and
// returns the id of the last one sent.
func (a *API) resume(ctx context.Context, svc *alerts.Service, actor access.Actor, orgID string, after int64, out *sseWriter) (int64, error) {
	for {
		page, err := svc.AlertsAfter(ctx, actor, orgID, after, resumePage)
		if err != nil {
			if ctx.Err() == nil {
				a.logger.ErrorContext(ctx, "stream not resumed", "org", orgID, "after", after, "err", err)
			}
			return after, err
		}
		for _, al := range page {
			if err := out.alert(al); err != nil {
				return after, err
			}
			after = al.ID
		}
		if len(page) < resumePage {
			return after, nil
		}
	}
}

// stillAuthenticated reports whether the request's credentials still
// authenticate the same person in the same organisation, still allowed to
// see its events.
func (a *API) stillAuthenticated(r *http.Request, c caller) bool {
	now, err := a.authenticate(r)
	return err == nil && now.actor.UserID == c.actor.UserID && now.actor.OrgID == c.actor.OrgID &&
		access.CanSeeEvents(now.actor, now.actor.OrgID)
}

// sseWriter writes Server-Sent Events and flushes them.
type sseWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

// alert writes one alert as an event and flushes it: each alert reaches
// the client as soon as it is recorded.
func (s *sseWriter) alert(al alerts.Alert) error {
	data, err := json.Marshal(al)
	if err != nil {
		return err
	}
	// JSON as encoding/json writes it holds no newline, so one data line.
	if _, err := fmt.Fprintf(s.w, "event: alert\nid: %d\ndata: %s\n\n", al.ID, data); err != nil {
		return err
	}
	return s.flush()
}

// open starts the stream: how long the client waits before reconnecting,
// and a comment so that it knows it is connected.
func (s *sseWriter) open(retry time.Duration) error {
	if _, err := fmt.Fprintf(s.w, "retry: %d\n: connected\n\n", retry.Milliseconds()); err != nil {
		return err
	}
	return s.flush()
}

// comment writes a comment line, which clients ignore, and flushes it.
func (s *sseWriter) comment(text string) error {
	if _, err := io.WriteString(s.w, ": "+text+"\n\n"); err != nil {
		return err
	}
	return s.flush()
}

func (s *sseWriter) flush() error { return s.rc.Flush() }
