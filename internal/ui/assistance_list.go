package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/assistance"
	"atalaya/internal/directory"
	"atalaya/internal/valid"
)

// assistancePageSize is how many requests a page of the list or the board
// shows.
const assistancePageSize = 50

// requestQuery is the filter of the list and the board as the URL carries
// it.
type requestQuery struct {
	Country, State, Q, Year, Overdue, After string
}

func readRequestQuery(r *http.Request) requestQuery {
	q := r.URL.Query()
	return requestQuery{Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), State: q.Get("state"),
		Q: strings.TrimSpace(q.Get("q")), Year: strings.TrimSpace(q.Get("year")), Overdue: q.Get("overdue"),
		After: q.Get("after")}
}

// fields is the filter by parameter name, for the form.
func (q requestQuery) fields() map[string]string {
	return map[string]string{"country": q.Country, "state": q.State, "q": q.Q, "year": q.Year, "overdue": q.Overdue}
}

// values encodes the filter (without the cursor) for links.
func (q requestQuery) values() url.Values {
	v := url.Values{}
	for k, s := range q.fields() {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// filter checks the query and turns it into the domain's filter; the
// errors name the parameter at fault.
func (q requestQuery) filter() (assistance.Filter, error) {
	f := assistance.Filter{Country: q.Country, Query: q.Q, Overdue: q.Overdue != "", After: q.After,
		Limit: assistancePageSize}
	var es valid.Errors
	if q.Country != "" {
		if _, ok := directory.LookupMemberState(q.Country); !ok {
			es.Add("country", "assistanceui.country", "Choose a member state of the list.", nil)
		}
	}
	if q.State != "" {
		if !slices.Contains(assistance.States, assistance.State(q.State)) {
			es.Add("state", "assistanceui.state", "Choose a state of the list.", nil)
		}
		f.States = []assistance.State{assistance.State(q.State)}
	}
	if q.Year != "" {
		y, err := strconv.Atoi(q.Year)
		if err != nil || y < 2000 || y > 2999 {
			es.Add("year", "assistanceui.year", "Give a year such as 2026.", nil)
		}
		f.Year = y
	}
	return f, es.Err()
}

// listData is the list of requests with its filter.
type listData struct {
	Rows      []assistance.Summary
	Countries []countryOption // empty: the reader sees one country's only
	Country   string          // that country
	States    []assistance.State
	NextURL   string
	First     bool
	FirstURL  string
	CanFile   bool
	CanBoard  bool
}

func (u *UI) assistanceList(w http.ResponseWriter, r *http.Request) {
	if !u.canViewAssistance(w, r) {
		return
	}
	a := actorOf(r)
	q := readRequestQuery(r)
	d := listData{States: assistance.States, CanFile: mayFile(a),
		CanBoard: access.Can(a, access.ViewBoard, access.Target{}), First: q.After == ""}
	if d.CanBoard {
		d.Countries = countryOptions(u.language(r, sessionOf(r).user))
	} else {
		// A member's contact sees the own country's requests only.
		q.Country, d.Country = a.Country, a.Country
	}
	f := &form{Values: q.fields()}
	d.FirstURL = "/assistance?" + q.values().Encode()
	filter, err := q.filter()
	if err != nil {
		f.fail(err)
		u.render(w, r, http.StatusBadRequest, "assistance_list", page{TitleKey: "assistanceui.list.title",
			Nav: "assistance", Data: d, Form: f})
		return
	}
	rows, next, err := u.assist.List(r.Context(), a, filter)
	if err != nil {
		u.failInput(w, r, err)
		return
	}
	d.Rows = rows
	if next != "" {
		v := q.values()
		v.Set("after", next)
		d.NextURL = "/assistance?" + v.Encode()
	}
	u.render(w, r, http.StatusOK, "assistance_list", page{TitleKey: "assistanceui.list.title", Nav: "assistance",
		Data: d, Form: f})
}
