package ui

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
	"atalaya/internal/reports"
	"atalaya/internal/valid"
)

// reportPolicy is the content security policy of the report page: the
// site's, but for the report's inline style sheet.
const reportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; " +
	"form-action 'none'; frame-ancestors 'none'"

// overdueShown is how many overdue steps the dashboard reminds of.
const overdueShown = 5

// boardData is the secretariat's board: counts by state and by country,
// the requests with overdue steps marked, and the report's form.
type boardData struct {
	Board       assistance.Board
	States      []assistance.State
	Countries   []countryOption
	ByCountry   []countryCounts
	StateTotals []int
	Total       int
	CSVURL      string
	NextURL     string
	FirstURL    string
	First       bool
	Year        int
	Languages   []string
}

// countryCounts is one row of the board's table by country: its requests
// in each state, in the order of boardData.States.
type countryCounts struct {
	Code, Name string
	Counts     []int
	Total      int
}

func (u *UI) assistanceBoard(w http.ResponseWriter, r *http.Request) {
	if !u.canViewBoard(w, r) {
		return
	}
	a := actorOf(r)
	lang := u.language(r, sessionOf(r).user)
	q := readRequestQuery(r)
	d := boardData{States: assistance.States, Countries: countryOptions(lang), First: q.After == "",
		Year: time.Now().Year(), Languages: i18n.Languages(), FirstURL: "/assistance/board?" + q.values().Encode()}
	csv := q.values()
	csv.Set("format", "csv")
	d.CSVURL = "/assistance/board?" + csv.Encode()
	f := &form{Values: q.fields()}
	filter, err := q.filter()
	if err != nil {
		f.fail(err)
		u.render(w, r, http.StatusBadRequest, "assistance_board", page{TitleKey: "assistanceui.board.title",
			Nav: "assistance", Data: d, Form: f})
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		u.boardCSV(w, r, filter)
		return
	}
	if d.Board, err = u.assist.Board(r.Context(), a, filter); err != nil {
		u.failInput(w, r, err)
		return
	}
	d.count(lang)
	if d.Board.Next != "" {
		v := q.values()
		v.Set("after", d.Board.Next)
		d.NextURL = "/assistance/board?" + v.Encode()
	}
	u.render(w, r, http.StatusOK, "assistance_board", page{TitleKey: "assistanceui.board.title", Nav: "assistance",
		Data: d, Form: f})
}

// count lays the board's counts out as tables: a row per country (by name
// in lang), a column per state, and the totals.
func (d *boardData) count(lang string) {
	d.StateTotals = make([]int, len(d.States))
	for i, s := range d.States {
		d.StateTotals[i] = d.Board.ByState[s]
		d.Total += d.Board.ByState[s]
	}
	names := map[string]string{}
	for _, c := range d.Countries {
		names[c.Code] = c.Name
	}
	for code, byState := range d.Board.ByCountry {
		row := countryCounts{Code: code, Name: names[code], Counts: make([]int, len(d.States))}
		if row.Name == "" {
			row.Name = code
		}
		for i, s := range d.States {
			row.Counts[i] = byState[s]
			row.Total += byState[s]
		}
		d.ByCountry = append(d.ByCountry, row)
	}
	sort.Slice(d.ByCountry, func(i, j int) bool { return d.ByCountry[i].Name < d.ByCountry[j].Name })
}

// boardCSV sends every request the filter selects (all pages) as CSV. It
// is written whole before it is sent, so a failure is an error page, not
// a truncated file.
func (u *UI) boardCSV(w http.ResponseWriter, r *http.Request, f assistance.Filter) {
	f.After, f.Limit = "", 0
	var buf bytes.Buffer
	if err := u.assist.WriteBoardCSV(r.Context(), actorOf(r), f, &buf); err != nil {
		u.failInput(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="assistance-board.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// reportQuery reads ?year=&lang= of the report: the year defaults to this
// one, the language to the page's.
func (u *UI) reportQuery(r *http.Request) (int, string, error) {
	q := r.URL.Query()
	var es valid.Errors
	year := time.Now().Year()
	if s := q.Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 2999 {
			es.Add("year", "assistanceui.year", "Give a year such as 2026.", nil)
		}
		year = y
	}
	lang := q.Get("lang")
	if lang == "" {
		lang = u.language(r, sessionOf(r).user)
	} else if !slices.Contains(i18n.Languages(), lang) {
		es.Add("lang", "assistanceui.lang", "Choose one of the languages.", nil)
	}
	return year, lang, es.Err()
}

// assistanceReport shows the year's report to the GFCE as a page of its
// own (printable), in the language asked for.
func (u *UI) assistanceReport(w http.ResponseWriter, r *http.Request) {
	u.serveReport(w, r, "text/html; charset=utf-8", "", reports.HTML)
}

// assistanceReportPDF sends the year's report as a PDF.
func (u *UI) assistanceReportPDF(w http.ResponseWriter, r *http.Request) {
	u.serveReport(w, r, "application/pdf", "pdf", reports.PDF)
}

func (u *UI) serveReport(w http.ResponseWriter, r *http.Request, ctype, ext string,
	write func(io.Writer, assistance.AnnualReport, *i18n.Localizer) error) {
	if !u.canViewBoard(w, r) {
		return
	}
	year, lang, err := u.reportQuery(r)
	if err != nil {
		u.badRequest(w, r)
		return
	}
	rep, err := u.assist.Report(r.Context(), actorOf(r), year)
	if err != nil {
		u.failInput(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, rep, u.i18n.For(lang)); err != nil {
		u.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Language", lang)
	w.Header().Set("Cache-Control", "no-store")
	if ext != "" {
		name := "gfce-report-" + strconv.Itoa(year) + "-" + lang + "." + ext
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	} else {
		// The report is a standalone page with its own style sheet inline
		// (so it prints and saves as one file); it runs no script.
		w.Header().Set("Content-Security-Policy", reportPolicy)
	}
	_, _ = buf.WriteTo(w)
}

// overdueReminders are the dashboard's reminders for the secretariat: the
// most overdue steps, and how many more there are.
type overdueReminders struct {
	Top  []assistance.Overdue
	More int
}

// loadOverdue reads the reminders, nil for who does not see the board or
// without the assistance service.
func (u *UI) loadOverdue(ctx context.Context, a access.Actor) (*overdueReminders, error) {
	if u.assist == nil || !access.Can(a, access.ViewBoard, access.Target{}) {
		return nil, nil
	}
	list, err := u.assist.Overdue(ctx, a)
	if err != nil {
		return nil, err
	}
	out := &overdueReminders{Top: list[:min(len(list), overdueShown)], More: max(len(list)-overdueShown, 0)}
	return out, nil
}
