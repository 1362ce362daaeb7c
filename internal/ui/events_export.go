package ui

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/event"
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
	contentType := map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json"}[format]
	name := "atalaya-events-" + time.Now().UTC().Format("20060102-150405") + "." + format
	out := &downloadWriter{w: w, header: func() {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "no-store")
	}}
	// Buffered: an Inbox failure before the first page is out still gets
	// an error page.
	buf := bufio.NewWriterSize(out, 64<<10)
	enc := newEventEncoder(format, buf)
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
			if err := enc.write(e); err != nil {
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
	if err = enc.close(); err == nil {
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

// eventEncoder writes deliveries in an export format.
type eventEncoder interface {
	write(feeds.StoredEvent) error
	close() error
}

func newEventEncoder(format string, w io.Writer) eventEncoder {
	if format == "json" {
		return &jsonEvents{w: w}
	}
	return &csvEvents{w: csv.NewWriter(w)}
}

// exportColumns are the delivery's own columns, before the event's
// harmonisation fields and "extra".
var exportColumns = []string{"id", "feed", "by", "key", "repeats", "first_seen", "last_seen"}

// csvEvents writes one row per delivery: the delivery's columns, every
// harmonisation field, and the extra fields as one JSON object.
type csvEvents struct {
	w      *csv.Writer
	header bool
}

// writeHeader names the columns once, before the first row.
func (c *csvEvents) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.w.Write(append(append(append([]string{}, exportColumns...), event.Fields()...), "extra"))
}

func (c *csvEvents) write(e feeds.StoredEvent) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	row := make([]string, 0, len(exportColumns)+len(event.Fields())+1)
	row = append(row, strconv.FormatInt(e.ID, 10), e.FeedName, e.By, e.Key, strconv.FormatInt(e.Repeats, 10),
		exportTime(e.FirstSeen), exportTime(e.LastSeen))
	for _, name := range event.Fields() {
		v, _ := e.Event.Get(name)
		row = append(row, v)
	}
	extra := ""
	if len(e.Event.Extra) > 0 {
		b, err := json.Marshal(e.Event.Extra)
		if err != nil {
			return err
		}
		extra = string(b)
	}
	row = append(row, extra)
	for i := range row {
		row[i] = escapeFormula(row[i])
	}
	return c.w.Write(row)
}

func (c *csvEvents) close() error {
	// An empty export still names its columns.
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (CSV injection): such cells are written after a "'",
// as intel's CSV export does.
const formulaStart = "=+-@\t\r"

func escapeFormula(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportedEvent is one delivery in the JSON export: the event's fields
// under their harmonisation names.
type exportedEvent struct {
	ID        int64             `json:"id"`
	Feed      string            `json:"feed"`
	By        string            `json:"by"`
	Key       string            `json:"key"`
	Repeats   int64             `json:"repeats"`
	FirstSeen string            `json:"first_seen"`
	LastSeen  string            `json:"last_seen"`
	Event     map[string]string `json:"event"`
}

// jsonEvents writes a JSON array, one delivery a line.
type jsonEvents struct {
	w     io.Writer
	count int
}

func (j *jsonEvents) write(e feeds.StoredEvent) error {
	x := exportedEvent{ID: e.ID, Feed: e.FeedName, By: e.By, Key: e.Key, Repeats: e.Repeats,
		FirstSeen: exportTime(e.FirstSeen), LastSeen: exportTime(e.LastSeen), Event: map[string]string{}}
	for _, name := range event.Fields() {
		if v, ok := e.Event.Get(name); ok {
			x.Event[name] = v
		}
	}
	for k, v := range e.Event.Extra {
		x.Event[event.ExtraPrefix+k] = v
	}
	b, err := json.Marshal(x)
	if err != nil {
		return err
	}
	sep := ",\n"
	if j.count == 0 {
		sep = "[\n"
	}
	j.count++
	if _, err := io.WriteString(j.w, sep); err != nil {
		return err
	}
	_, err = j.w.Write(b)
	return err
}

func (j *jsonEvents) close() error {
	end := "\n]\n"
	if j.count == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

func exportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
