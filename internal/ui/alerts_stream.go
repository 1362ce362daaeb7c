package ui

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/alerts"
	"atalaya/internal/i18n"
)

const (
	// streamHeartbeat is how often an idle stream sends a comment, so
	// proxies keep it open and a closed session ends it.
	streamHeartbeat = 15 * time.Second
	// streamWriteTimeout bounds one write to a stream; the server's own
	// write timeout would end every stream after two minutes.
	streamWriteTimeout = 30 * time.Second
	// streamRetry is the reconnection delay the browser is told to use.
	streamRetry = 2 * time.Second
	// streamBacklog caps the alerts replayed to a browser coming back
	// with Last-Event-ID.
	streamBacklog = 500
)

// streamAlert is an alert as the live page's script receives it: what a
// row shows, already localised (the time), and the link to the event.
type streamAlert struct {
	ID         int64  `json:"id"`
	At         string `json:"at"`
	AtText     string `json:"at_text"`
	Rule       string `json:"rule"`
	Taxonomy   string `json:"taxonomy"`
	Type       string `json:"type"`
	Identifier string `json:"identifier"`
	Subject    string `json:"subject"`
	Feed       string `json:"feed"`
	URL        string `json:"url"`
}

func newStreamAlert(l *i18n.Localizer, al alerts.Alert) streamAlert {
	row := eventRow{al.Event}
	return streamAlert{ID: al.ID, At: al.At.UTC().Format(time.RFC3339Nano), AtText: l.DateTime(al.At),
		Rule: al.RuleName, Taxonomy: al.Event.Event.Taxonomy, Type: al.Event.Event.Type,
		Identifier: al.Event.Event.Identifier, Subject: row.Subject(), Feed: al.Event.FeedName,
		URL: "/events/" + strconv.FormatInt(al.Event.ID, 10)}
}

// alertStream is the live page's server-sent events: each alert of the
// own organisation as it is raised ("event: alert", id the alert's id),
// flushed at once. A browser that reconnects with Last-Event-ID first gets
// what it missed. The session is checked again at every heartbeat: a
// signed-out or disabled account's stream ends.
func (u *UI) alertStream(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	orgID := a.OrgID
	if !access.CanSeeEvents(a, orgID) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	ctx := r.Context()
	// Subscribed before the backlog is read, so nothing raised in
	// between is lost; what both bring is sent once (by id).
	live, cancel, err := u.alerts.Subscribe(a, orgID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	defer cancel()
	sent, resume := lastEventID(r)
	var backlog []alerts.Alert
	if resume {
		if backlog, err = u.alertsAfter(ctx, a, orgID, sent); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	l := u.i18n.For(u.language(r, sessionOf(r).user))
	s := &sseWriter{w: w, rc: http.NewResponseController(w)}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a proxy in front must not buffer the stream
	w.WriteHeader(http.StatusOK)
	s.comment("retry: " + strconv.FormatInt(streamRetry.Milliseconds(), 10))
	for _, al := range backlog {
		s.alert(l, al)
		sent = max(sent, al.ID)
	}
	beat := time.NewTicker(streamHeartbeat)
	defer beat.Stop()
	for s.err == nil {
		select {
		case <-ctx.Done():
			return
		case al, ok := <-live:
			if !ok {
				return
			}
			if al.ID > sent {
				s.alert(l, al)
				sent = al.ID
			}
		case <-beat.C:
			if !u.sessionStillSees(ctx, r, orgID) {
				return
			}
			s.comment(": heartbeat")
		}
	}
}

// lastEventID is the id of the last alert a reconnecting browser received
// (the Last-Event-ID header EventSource sends); resume is false without
// one (a first connection: only new alerts).
func lastEventID(r *http.Request) (id int64, resume bool) {
	n, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// alertsResumer is what the stream calls, when alerts offers it, to
// fill the gap of a reconnecting browser in one query.
type alertsResumer interface {
	AlertsAfter(ctx context.Context, a access.Actor, orgID string, after int64, limit int) ([]alerts.Alert, error)
}

// alertsAfter returns orgID's alerts with an id above after, oldest first,
// at most streamBacklog.
func (u *UI) alertsAfter(ctx context.Context, a access.Actor, orgID string, after int64) ([]alerts.Alert, error) {
	if r, ok := any(u.alerts).(alertsResumer); ok {
		return r.AlertsAfter(ctx, a, orgID, after, streamBacklog)
	}
	// Through the newest-first list, page by page down to after.
	var out []alerts.Alert
	cursor := ""
	for len(out) < streamBacklog {
		page, next, err := u.alerts.Alerts(ctx, a, orgID, cursor, alertsPageSize)
		if err != nil {
			return nil, err
		}
		done := next == ""
		for _, al := range page {
			if al.ID <= after {
				done = true
				continue
			}
			out = append(out, al)
		}
		if done {
			break
		}
		cursor = next
	}
	slices.SortFunc(out, func(x, y alerts.Alert) int { return cmp.Compare(x.ID, y.ID) })
	if len(out) > streamBacklog {
		out = out[:streamBacklog]
	}
	return out, nil
}

// sessionStillSees checks the request's session again: a stream outlives
// the request that opened it, not the session.
func (u *UI) sessionStillSees(ctx context.Context, r *http.Request, orgID string) bool {
	a, _, err := u.auth.ActorForSession(ctx, sessionOf(r).token, u.addrOf(r))
	return err == nil && access.CanSeeEvents(a, orgID)
}

// sseWriter writes server-sent events, each flushed at once, and keeps
// the first error (the browser went away): the loop then ends.
type sseWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	buf bytes.Buffer
	err error
}

func (s *sseWriter) alert(l *i18n.Localizer, al alerts.Alert) {
	data, err := json.Marshal(newStreamAlert(l, al))
	if err != nil {
		s.err = err
		return
	}
	s.buf.Reset()
	s.buf.WriteString("id: ")
	s.buf.WriteString(strconv.FormatInt(al.ID, 10))
	s.buf.WriteString("\nevent: alert\ndata: ")
	s.buf.Write(data) // JSON holds no raw newline
	s.buf.WriteString("\n\n")
	s.send()
}

// comment sends one field line (a "retry:" or a ": comment").
func (s *sseWriter) comment(line string) {
	s.buf.Reset()
	s.buf.WriteString(line)
	s.buf.WriteString("\n\n")
	s.send()
}

func (s *sseWriter) send() {
	if s.err != nil {
		return
	}
	// Not every writer supports deadlines; the server's timeout then
	// applies and the browser reconnects with Last-Event-ID.
	_ = s.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	if _, s.err = s.w.Write(s.buf.Bytes()); s.err == nil {
		s.err = s.rc.Flush()
	}
}
