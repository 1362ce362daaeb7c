package api

import (
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"atalaya/internal/assistance"
)

// The secretariat's side of technical assistance: the roster of experts
// and partner institutions, the board (JSON or CSV), the overdue steps and
// the numbers of the annual report. The service refuses them (403) to
// anyone outside the secretariat.

// expertInput is a roster entry as a client writes it.
type expertInput struct {
	Kind         assistance.ExpertKind `json:"kind"`
	Name         string                `json:"name"`
	Email        string                `json:"email"`
	Institution  string                `json:"institution"`
	Sector       assistance.Sector     `json:"sector"`
	Fields       []assistance.Topic    `json:"fields"`
	Languages    []string              `json:"languages"`
	Available    []assistance.Period   `json:"available"`
	Conflicts    []string              `json:"conflicts"`
	ConflictNote string                `json:"conflict_note"`
	Active       *bool                 `json:"active"`  // absent: true
	Version      *int64                `json:"version"` // of the entry replaced; none for a new one
}

// saveExpert creates (id "") or replaces a roster entry.
func (a *API) saveExpert(w http.ResponseWriter, r *http.Request, c caller, id string, status int) error {
	var in expertInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := changedVersion(id, in.Version)
	if err != nil {
		return err
	}
	x, err := a.assistance.SaveExpert(r.Context(), c.actor, assistance.Expert{ID: id, Kind: in.Kind, Name: in.Name,
		Email: in.Email, Institution: in.Institution, Sector: in.Sector, Fields: in.Fields, Languages: in.Languages,
		Available: in.Available, Conflicts: in.Conflicts, ConflictNote: in.ConflictNote,
		Active: in.Active == nil || *in.Active, Version: v})
	if err != nil {
		return err
	}
	if id == "" {
		w.Header().Set("Location", Prefix+"/assistance/experts/"+x.ID)
	}
	return a.writeJSON(w, r, status, x)
}

func (a *API) createExpert(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveExpert(w, r, c, "", http.StatusCreated)
}

func (a *API) updateExpert(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveExpert(w, r, c, r.PathValue("id"), http.StatusOK)
}

func (a *API) getExpert(w http.ResponseWriter, r *http.Request, c caller) error {
	x, err := a.assistance.Expert(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, x)
}

// day reads a date (YYYY-MM-DD); absent is "".
func (q *query) day(name string) string {
	v := q.get(name)
	if v == "" {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		q.es.Add(name, "assistanceapi.date", "“"+v+"” is not a date: write YYYY-MM-DD, e.g. 2026-03-31.",
			map[string]any{"Value": v})
	}
	return v
}

// listExperts answers the roster, filtered.
func (a *API) listExperts(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	f := assistance.ExpertFilter{Query: strings.TrimSpace(q.get("q")), Field: assistance.Topic(q.get("field")),
		Language: q.get("language"), Country: strings.ToUpper(strings.TrimSpace(q.get("country"))),
		Available: assistance.Period{From: q.day("available_from"), To: q.day("available_to")}}
	if f.Field != "" && !slices.Contains(assistance.Topics, f.Field) {
		q.es.Add("field", "assistanceapi.topic", "“"+string(f.Field)+"” is not a topic of the program.",
			map[string]any{"Value": f.Field})
	}
	if (f.Available.From == "") != (f.Available.To == "") {
		q.es.Add("available_to", "assistanceapi.period", "Give both available_from and available_to, or neither.", nil)
	}
	if err := q.err(); err != nil {
		return err
	}
	xs, err := a.assistance.Experts(r.Context(), c.actor, f)
	if err != nil {
		return renameFields(err, map[string]string{"available.from": "available_from", "available.to": "available_to"})
	}
	return a.writeJSON(w, r, http.StatusOK, items(xs))
}

// wantsCSV reads ?format= (json or csv); absent, an Accept that names
// text/csv (and not JSON first) asks for CSV.
func wantsCSV(q *query, r *http.Request) bool {
	switch v := q.get("format"); v {
	case "csv":
		return true
	case "json":
		return false
	case "":
	default:
		q.es.Add("format", "assistanceapi.format", "The board's format is json or csv, not “"+v+"”.",
			map[string]any{"Value": v})
		return false
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		switch mt {
		case "text/csv":
			return true
		case "application/json", "*/*":
			return false
		}
	}
	return false
}

// assistanceBoard answers the secretariat's board: counts by state and
// by country and a page of the requests, or every request the filters
// select as CSV.
func (a *API) assistanceBoard(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	f := requestFilter(q)
	f.After, f.Limit = q.page()
	csv := wantsCSV(q, r)
	if err := q.err(); err != nil {
		return err
	}
	if csv {
		return a.boardCSV(w, r, c, f)
	}
	b, err := a.assistance.Board(r.Context(), c.actor, f)
	if err != nil {
		return renameFields(err, cursorNames)
	}
	if b.Next != "" {
		// As on every paged list, the next page is linked too.
		q := r.URL.Query()
		q.Set("cursor", b.Next)
		w.Header().Set("Link", "<"+(&url.URL{Path: r.URL.Path, RawQuery: q.Encode()}).String()+`>; rel="next"`)
	}
	return a.writeJSON(w, r, http.StatusOK, b)
}

// boardCSV streams the board as CSV. A refusal before the first byte is
// a problem like any other; after it, the connection is cut so that half
// a file is not taken for a whole one.
func (a *API) boardCSV(w http.ResponseWriter, r *http.Request, c caller, f assistance.Filter) error {
	f.After, f.Limit = "", 0
	name := "atalaya-assistance-board-" + time.Now().UTC().Format("20060102") + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := &countingWriter{w: w}
	err := a.assistance.WriteBoardCSV(r.Context(), c.actor, f, cw)
	if err == nil {
		return nil
	}
	if cw.n == 0 {
		w.Header().Del("Content-Disposition")
		return err
	}
	a.logger.ErrorContext(r.Context(), "assistance board CSV cut short", "bytes", cw.n, "err", err)
	panic(http.ErrAbortHandler)
}

// assistanceOverdue answers the steps past due, most overdue first.
func (a *API) assistanceOverdue(w http.ResponseWriter, r *http.Request, c caller) error {
	os, err := a.assistance.Overdue(r.Context(), c.actor)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(os))
}

// assistanceReport answers the numbers of the annual report of ?year=
// (this year when absent). Its HTML and PDF are served by the pages.
func (a *API) assistanceReport(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	year := q.year("year")
	if year == 0 {
		year = time.Now().UTC().Year()
	}
	if err := q.err(); err != nil {
		return err
	}
	rep, err := a.assistance.Report(r.Context(), c.actor, year)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, rep)
}
