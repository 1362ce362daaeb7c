package api

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/event"
	"atalaya/internal/feeds"
)

// The events endpoints read the caller's own organisation's inbox: the
// events feeds delivered to it. feeds.Service asks access.CanSeeEvents;
// there is no parameter naming another organisation, since nobody (the
// secretariat included) reads another's events.

// storedEventJSON is one delivered event: how it reached the team and the
// event as a flat object of harmonisation names (as IntelMQ writes
// events), the same form as in alerts, webhooks and the stream.
type storedEventJSON struct {
	ID        int64          `json:"id"`
	EventID   int64          `json:"event_id"`
	Feed      string         `json:"feed"`
	OrgID     string         `json:"org_id"`
	By        string         `json:"by"`
	Key       string         `json:"key"`
	Repeats   int64          `json:"repeats"`
	FirstSeen time.Time      `json:"first_seen"`
	LastSeen  time.Time      `json:"last_seen"`
	Event     map[string]any `json:"event"`
}

func storedEventOf(d feeds.StoredEvent) storedEventJSON {
	return storedEventJSON{ID: d.ID, EventID: d.EventID, Feed: d.FeedName, OrgID: d.OrgID, By: d.By, Key: d.Key,
		Repeats: d.Repeats, FirstSeen: d.FirstSeen.UTC(), LastSeen: d.LastSeen.UTC(), Event: eventFields(&d.Event)}
}

func storedEventsOf(ds []feeds.StoredEvent) []storedEventJSON {
	out := make([]storedEventJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, storedEventOf(d))
	}
	return out
}

// numericFields are written as JSON numbers; every other field as text.
var numericFields = map[string]bool{"source.port": true, "source.asn": true, "destination.port": true,
	"destination.asn": true, "feed.accuracy": true}

// eventFields is the event's set fields by harmonisation name, extras as
// "extra.KEY".
func eventFields(e *event.Event) map[string]any {
	out := make(map[string]any)
	for _, name := range event.Fields() {
		v, ok := e.Get(name)
		if !ok {
			continue
		}
		if numericFields[name] {
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				out[name] = n
				continue
			}
		}
		out[name] = v
	}
	for k, v := range e.Extra {
		out[event.ExtraPrefix+k] = v
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
	svc, err := a.feedsService()
	if err != nil {
		return err
	}
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
	svc, err := a.feedsService()
	if err != nil {
		return err
	}
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
	w.Header().Set("Content-Type", map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json"}[format])
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	buf := bufio.NewWriterSize(w, 64<<10)
	enc := newExportEncoder(format, buf)
	n := 0
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(exportPageTime))
		for _, d := range ds {
			if err := enc.write(d); err != nil {
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
	if err := enc.close(); err != nil {
		a.logger.WarnContext(r.Context(), "events export stopped", "written", n, "err", err)
		return nil
	}
	if err := buf.Flush(); err != nil {
		a.logger.WarnContext(r.Context(), "events export stopped", "written", n, "err", err)
	}
	return nil
}

// exportEncoder writes deliveries in an export format.
type exportEncoder interface {
	write(feeds.StoredEvent) error
	close() error
}

func newExportEncoder(format string, w io.Writer) exportEncoder {
	if format == "json" {
		return &jsonExport{w: w}
	}
	return &csvExport{w: csv.NewWriter(w)}
}

// exportColumns are the delivery's own columns of the CSV export, before
// the event's harmonisation fields and "extra" (the same columns as the
// pages' export).
var exportColumns = []string{"id", "feed", "by", "key", "repeats", "first_seen", "last_seen"}

// csvExport writes a header, then one row per delivery: its columns, every
// harmonisation field, and the extra fields as one JSON object.
type csvExport struct {
	w      *csv.Writer
	header bool
}

func (c *csvExport) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	cols := append(append(append([]string{}, exportColumns...), event.Fields()...), "extra")
	return c.w.Write(cols)
}

func (c *csvExport) write(d feeds.StoredEvent) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	row := make([]string, 0, len(exportColumns)+len(event.Fields())+1)
	row = append(row, strconv.FormatInt(d.ID, 10), d.FeedName, d.By, d.Key, strconv.FormatInt(d.Repeats, 10),
		d.FirstSeen.UTC().Format(time.RFC3339), d.LastSeen.UTC().Format(time.RFC3339))
	for _, name := range event.Fields() {
		v, _ := d.Event.Get(name)
		row = append(row, v)
	}
	extra := ""
	if len(d.Event.Extra) > 0 {
		b, err := json.Marshal(d.Event.Extra)
		if err != nil {
			return err
		}
		extra = string(b)
	}
	row = append(row, extra)
	for i := range row {
		row[i] = defuseFormula(row[i])
	}
	return c.w.Write(row)
}

func (c *csvExport) close() error {
	// An empty export still names its columns.
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (CSV injection): feeds carry text from anywhere, so
// such a cell is written after a "'".
const formulaStart = "=+-@\t\r"

func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// jsonExport writes a JSON array of the list's items, one a line.
type jsonExport struct {
	w     io.Writer
	count int
}

func (j *jsonExport) write(d feeds.StoredEvent) error {
	b, err := json.Marshal(storedEventOf(d))
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

func (j *jsonExport) close() error {
	end := "\n]\n"
	if j.count == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}
