package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"atalaya/internal/assistance"
	"atalaya/internal/valid"
	"atalaya/internal/web"
)

// The technical-assistance endpoints (/api/v1/assistance/...) hand each
// request to assistance.Service with the caller's actor: the service asks
// package access (ViewAssistance, FileAssistance, ManageAssistance,
// ViewBoard, ViewExperts, ManageExperts) and answers a request the caller
// may not see as missing, never as forbidden. Handlers here only read the
// path, the query and the body, and write the answer.

// errNoAssistance answers when the server was built without technical
// assistance (a tool embedding the API alone).
var errNoAssistance = &web.StatusError{Status: http.StatusServiceUnavailable,
	Detail: "Technical assistance is not running on this server."}

// errChangedMeanwhile is assistance.ErrConflict as the client sees it.
var errChangedMeanwhile = &web.StatusError{Status: http.StatusConflict,
	Detail: "It was changed since you read it: read it again, then send your change with the new version."}

// ta serves h when the server has technical assistance, and turns the
// service's version conflict into a 409 (web.ProblemFromError knows the
// store's conflict, not the domain's own).
func ta(h handler) handler {
	return func(a *API, w http.ResponseWriter, r *http.Request, c caller) error {
		if a.assistance == nil {
			return errNoAssistance
		}
		err := h(a, w, r, c)
		if errors.Is(err, assistance.ErrConflict) {
			return errChangedMeanwhile
		}
		return err
	}
}

// renameFields names the fields of a validation error as the API does
// where the service's names differ (its list cursor is "after").
func renameFields(err error, names map[string]string) error {
	es := valid.List(err)
	if es == nil {
		return err
	}
	for _, e := range es {
		if n, ok := names[e.Field]; ok {
			e.Field = n
		}
	}
	return es
}

// bodyFields names the fields of a validation error as the body of a
// step's endpoint does: the service names them by the section of the
// request they belong to ("activities.start"), the body of POST
// .../activities holds the activity alone ("start").
func bodyFields(err error, section string) error {
	es := valid.List(err)
	if es == nil {
		return err
	}
	for _, e := range es {
		e.Field = strings.TrimPrefix(e.Field, section+".")
	}
	return es
}

// requestFilter reads the filters of the request list and the board.
func requestFilter(q *query) assistance.Filter {
	f := assistance.Filter{Country: strings.ToUpper(strings.TrimSpace(q.get("country"))),
		Query: strings.TrimSpace(q.get("q"))}
	for _, s := range q.all("state") {
		if !slices.Contains(assistance.States, assistance.State(s)) {
			q.es.Add("state", "assistanceapi.state", "“"+s+"” is not a state of a request: write draft, submitted, "+
				"consideration, design, implementation, follow_up, closed, declined or withdrawn.", map[string]any{"Value": s})
			continue
		}
		f.States = append(f.States, assistance.State(s))
	}
	f.Year = q.year("year")
	if b := q.boolean("overdue"); b != nil {
		f.Overdue = *b
	}
	return f
}

// year reads a year (1 to 9999); absent is 0.
func (q *query) year(name string) int {
	v := q.get(name)
	if v == "" {
		return 0
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1 || y > 9999 {
		q.es.Add(name, "assistanceapi.year", "“"+v+"” is not a year: write a whole number such as 2026.",
			map[string]any{"Value": v})
		return 0
	}
	return y
}

// cursorNames renames the service's list cursor.
var cursorNames = map[string]string{"after": "cursor"}

// listAssistance answers a page of the requests the caller may see (a
// government contact: the own member state's), newest number first.
func (a *API) listAssistance(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	f := requestFilter(q)
	f.After, f.Limit = q.page()
	if err := q.err(); err != nil {
		return err
	}
	ss, next, err := a.assistance.List(r.Context(), c.actor, f)
	if err != nil {
		return renameFields(err, cursorNames)
	}
	return writePage(a, w, r, ss, next)
}

// draftInput is the body replacing a draft's form: the form and the
// version read.
type draftInput struct {
	assistance.Form
	Version *int64 `json:"version"`
}

// versionOf is the version a change gives: required, so that a client
// that forgot it hears so rather than being told of a conflict.
func versionOf(v *int64) (int64, error) {
	if v == nil {
		return 0, valid.New("version", "assistanceapi.version",
			"Give the version you read, so that a change made meanwhile is not overwritten.", nil)
	}
	return *v, nil
}

// createAssistance opens a draft request for the body's member state.
func (a *API) createAssistance(w http.ResponseWriter, r *http.Request, c caller) error {
	var f assistance.Form
	if err := decode(w, r, &f); err != nil {
		return err
	}
	req, err := a.assistance.CreateDraft(r.Context(), c.actor, f)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/assistance/requests/"+req.ID)
	return a.writeJSON(w, r, http.StatusCreated, req)
}

// getAssistance answers a request with everything recorded about it and
// the moves the caller may ask for.
func (a *API) getAssistance(w http.ResponseWriter, r *http.Request, c caller) error {
	d, err := a.assistance.Details(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, d)
}

// updateAssistance replaces the form of a draft.
func (a *API) updateAssistance(w http.ResponseWriter, r *http.Request, c caller) error {
	var in draftInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := versionOf(in.Version)
	if err != nil {
		return err
	}
	req, err := a.assistance.UpdateDraft(r.Context(), c.actor, r.PathValue("id"), v, in.Form)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, req)
}

// versionInput is the body of submitting a draft.
type versionInput struct {
	Version *int64 `json:"version"`
}

// submitAssistance checks the whole form and submits the draft.
func (a *API) submitAssistance(w http.ResponseWriter, r *http.Request, c caller) error {
	var in versionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := versionOf(in.Version)
	if err != nil {
		return err
	}
	req, err := a.assistance.Submit(r.Context(), c.actor, r.PathValue("id"), v)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, req)
}

// moveInput is the body of a transition.
type moveInput struct {
	To      assistance.State `json:"to"`
	Reason  string           `json:"reason"`
	Version *int64           `json:"version"`
}

// moveAssistance asks for a transition of the workflow; one the workflow
// does not have, or whose guard does not hold, is a 422 on "to" saying
// what is missing.
func (a *API) moveAssistance(w http.ResponseWriter, r *http.Request, c caller) error {
	var in moveInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := versionOf(in.Version)
	if err != nil {
		return err
	}
	req, err := a.assistance.Move(r.Context(), c.actor, r.PathValue("id"), v, in.To, in.Reason)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, req)
}

// assistanceTimeline answers what happened to a request, oldest first.
func (a *API) assistanceTimeline(w http.ResponseWriter, r *http.Request, c caller) error {
	tl, err := a.assistance.Timeline(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(tl))
}
