package api

import (
	"bufio"
	"net/http"
	"slices"
	"strings"
	"time"

	"atalaya/internal/feeds"
)

// The events endpoints read the caller's own organisation's inbox: the
// events feeds delivered to it. feeds.Service asks access.CanSeeEvents;
// there is no parameter naming another organisation, since nobody (the
// secretariat included) reads another's events.

// storedEventsOf is a page of deliveries in their JSON form (feeds.JSON),
// the same form as in alerts, webhooks and the stream.
func storedEventsOf(ds []feeds.StoredEvent) []feeds.EventJSON {
	out := make([]feeds.EventJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, feeds.JSON(d))
	}
	return out
}

// byValues are the ways a delivery is decided.
var byValues = []string{feeds.ByPrefix, feeds.ByASN, feeds.ByDomain, feeds.ByCountry, feeds.ByWatch}

// inboxFilter reads the filters of the inbox and its export.
func inboxFilter(q *query) feeds.Filter {
	f := feeds.Filter{Query: strings.TrimSpace(q.get("q")), Feed: q.get("feed"), Taxonomy: q.get("taxonomy"),
		Type: q.get("type"), By: q.get("by"), Since: q.timestamp("since"), Until: q.timestamp("until")}
	if f.By != "" && !slices.Contains(byValues, f.By) {
		q.es.Add("by", "ewapi.by", "Write prefix, asn, domain, country or watch.", map[string]any{"Value": f.By})
	}
	return f
}

// listEvents answers a page of the caller's organisation's inbox, newest
// first.
func (a *API) listEvents(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.feeds
	q := queryOf(r)
	f := inboxFilter(q)
	f.Cursor, f.Limit = q.page()
	if err := q.err(); err != nil {
		return err
	}
	ds, next, err := svc.Inbox(r.Context(), c.actor, c.actor.OrgID, f)
	if err != nil {
		return cursorField(err)
	}
	return writePage(a, w, r, storedEventsOf(ds), next)
}

// exportPage is how many deliveries an export reads at a time, and
// exportPageTime how long writing one may take: an export outlasts the
// server's write timeout, each page gets its own.
const (
	exportPage     = 1000
	exportPageTime = 2 * time.Minute
)

// exportEvents streams every event of the inbox the filters select, page
// after page, as CSV or as a JSON array. The first page is read before
// anything is sent, so that a refusal (access, a bad filter) is a problem
// answer; a failure later can only cut the download short, and is logged.
func (a *API) exportEvents(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.feeds
	q := queryOf(r)
	f := inboxFilter(q)
	format := q.get("format")
	if format != "csv" && format != "json" {
		q.es.Add("format", "ewapi.format", "Write csv or json.", map[string]any{"Value": format})
	}
	if err := q.err(); err != nil {
		return err
	}
	f.Limit = exportPage
	ds, next, err := svc.Inbox(r.Context(), c.actor, c.actor.OrgID, f)
	if err != nil {
		return err
	}
	name := "atalaya-events-" + time.Now().UTC().Format("20060102-150405") + "." + format
	w.Header().Set("Content-Type", feeds.ExportContentType[format])
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	buf := bufio.NewWriterSize(w, 64<<10)
	enc, err := feeds.NewExporter(format, buf)
	if err != nil {
		return err
	}
	n := 0
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(exportPageTime))
		for _, d := range ds {
			if err := enc.Write(d); err != nil {
				a.logger.WarnContext(r.Context(), "events export stopped", "written", n, "err", err)
				return nil
			}
			n++
		}
		if next == "" {
			break
		}
		f.Cursor = next
		if ds, next, err = svc.Inbox(r.Context(), c.actor, c.actor.OrgID, f); err != nil {
			a.logger.ErrorContext(r.Context(), "events export failed", "format", format, "written", n, "err", err)
			return nil
		}
	}
	if err := enc.Close(); err != nil {
		a.logger.WarnContext(r.Context(), "events export stopped", "written", n, "err", err)
		return nil
	}
	if err := buf.Flush(); err != nil {
		a.logger.WarnContext(r.Context(), "events export stopped", "written", n, "err", err)
	}
	return nil
}
