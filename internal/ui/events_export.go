package ui

import (
	"bufio"
	"net/http"
	"time"

	"atalaya/internal/feeds"
)

// exportPageSize is how many deliveries an export reads at a time.
const exportPageSize = 1000

// eventsExport streams every event of the own inbox the filter selects,
// page after page, as CSV or JSON. Inbox (and access) decide what goes
// in; this handler only encodes.
func (u *UI) eventsExport(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.ownEvents(w, r)
	if !ok {
		return
	}
	format := r.URL.Query().Get("format")
	filter, err := readInboxQuery(r).filter()
	if err != nil || (format != "csv" && format != "json") {
		u.badRequest(w, r)
		return
	}
	filter.Cursor, filter.Limit = "", exportPageSize
	contentType := feeds.ExportContentType[format]
	name := "atalaya-events-" + time.Now().UTC().Format("20060102-150405") + "." + format
	out := &downloadWriter{w: w, header: func() {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "no-store")
	}}
	// Buffered: an Inbox failure before the first page is out still gets
	// an error page.
	buf := bufio.NewWriterSize(out, 64<<10)
	enc, err := feeds.NewExporter(format, buf)
	if err != nil {
		u.badRequest(w, r)
		return
	}
	n := 0
	for {
		rows, next, err := u.feeds.Inbox(r.Context(), actorOf(r), orgID, filter)
		if err != nil {
			if !out.started {
				u.fail(w, r, err)
			} else {
				u.logger.Error("events export failed", "format", format, "written", n, "err", err)
			}
			return
		}
		for _, e := range rows {
			if err := enc.Write(e); err != nil {
				u.logger.Warn("events export stopped", "written", n, "err", err)
				return
			}
			n++
		}
		if next == "" {
			break
		}
		filter.Cursor = next
	}
	if err = enc.Close(); err == nil {
		err = buf.Flush()
	}
	if err != nil {
		u.logger.Warn("events export stopped", "written", n, "err", err)
		return
	}
	if !out.started {
		out.header()
		w.WriteHeader(http.StatusOK)
	}
}
