package feeds

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/event"
)

// EventJSON is one delivered event in JSON (API lists, JSON exports): how
// it reached the team and the event in event.Flat form.
type EventJSON struct {
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

// JSON is d in its JSON form.
func JSON(d StoredEvent) EventJSON {
	return EventJSON{ID: d.ID, EventID: d.EventID, Feed: d.FeedName, OrgID: d.OrgID, By: d.By, Key: d.Key,
		Repeats: d.Repeats, FirstSeen: d.FirstSeen.UTC(), LastSeen: d.LastSeen.UTC(), Event: d.Event.Flat()}
}

// ExportContentType is the media type of each export format.
var ExportContentType = map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json"}

// exportColumns are the delivery's own CSV columns, before the event's
// harmonisation fields and "extra".
var exportColumns = []string{"id", "feed", "by", "key", "repeats", "first_seen", "last_seen"}

// Exporter writes deliveries as CSV (a header, then one row per delivery:
// its columns, every harmonisation field, the extras as one JSON object)
// or as a JSON array of EventJSON, one a line. The pages and the API
// export through it, so both give the same files.
type Exporter struct {
	csv    *csv.Writer // nil for json
	w      io.Writer
	count  int
	header bool
}

// NewExporter writes format ("csv" or "json") to w.
func NewExporter(format string, w io.Writer) (*Exporter, error) {
	switch format {
	case "csv":
		return &Exporter{csv: csv.NewWriter(w), w: w}, nil
	case "json":
		return &Exporter{w: w}, nil
	}
	return nil, fmt.Errorf("export format %q: want csv or json", format)
}

// Write adds one delivery.
func (x *Exporter) Write(d StoredEvent) error {
	if x.csv == nil {
		return x.writeJSON(d)
	}
	if err := x.writeHeader(); err != nil {
		return err
	}
	row := make([]string, 0, len(exportColumns)+len(event.Fields())+1)
	row = append(row, strconv.FormatInt(d.ID, 10), d.FeedName, d.By, d.Key, strconv.FormatInt(d.Repeats, 10),
		exportTime(d.FirstSeen), exportTime(d.LastSeen))
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
	return x.csv.Write(row)
}

func (x *Exporter) writeHeader() error {
	if x.header {
		return nil
	}
	x.header = true
	return x.csv.Write(append(append(append([]string{}, exportColumns...), event.Fields()...), "extra"))
}

func (x *Exporter) writeJSON(d StoredEvent) error {
	b, err := json.Marshal(JSON(d))
	if err != nil {
		return err
	}
	sep := ",\n"
	if x.count == 0 {
		sep = "[\n"
	}
	x.count++
	if _, err := io.WriteString(x.w, sep); err != nil {
		return err
	}
	_, err = x.w.Write(b)
	return err
}

// Close ends the file; an empty export still names its CSV columns or is
// an empty JSON array.
func (x *Exporter) Close() error {
	if x.csv != nil {
		if err := x.writeHeader(); err != nil {
			return err
		}
		x.csv.Flush()
		return x.csv.Error()
	}
	end := "\n]\n"
	if x.count == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(x.w, end)
	return err
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (CSV injection): feeds carry text from anywhere, so
// such a cell is written after a "'", as intel's CSV export does.
const formulaStart = "=+-@\t\r"

func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

func exportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
