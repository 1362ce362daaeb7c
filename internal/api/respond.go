package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"atalaya/internal/valid"
	"atalaya/internal/web"
)

// Page sizes of the paginated lists.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// list is the body of every list answer. NextCursor, when present, is
// passed back as ?cursor= for the next page (the Link header says the
// same); it is absent on the last page.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// mapped is each of xs as the API shows it; never nil, so an empty list
// is [] in JSON.
func mapped[T, J any](xs []T, show func(T) J) []J {
	out := make([]J, 0, len(xs))
	for _, x := range xs {
		out = append(out, show(x))
	}
	return out
}

// items makes a list that encodes as [] rather than null when empty.
func items[T any](xs []T) list[T] {
	if xs == nil {
		xs = []T{}
	}
	return list[T]{Items: xs}
}

// writeJSON answers v with status; an encoding failure (a bug) is logged.
func (a *API) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	if err := web.WriteJSON(w, status, v); err != nil {
		a.logger.ErrorContext(r.Context(), "api answer not sent", "path", r.URL.Path, "err", err)
	}
	return nil
}

// writePage answers a page of a list and, when there is a next page, links
// to it (RFC 8288): the same request with cursor set, relative to it.
func writePage[T any](a *API, w http.ResponseWriter, r *http.Request, xs []T, next string) error {
	l := items(xs)
	if next != "" {
		l.NextCursor = next
		q := r.URL.Query()
		q.Set("cursor", next)
		link := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		w.Header().Set("Link", "<"+link.String()+`>; rel="next"`)
	}
	return a.writeJSON(w, r, http.StatusOK, l)
}

// writeProblem answers status with a problem of that status.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	web.WriteProblem(w, r, web.Problem{Status: status, Detail: detail})
}

// fail answers err as a problem (web.ProblemFromError decides the status)
// and logs server errors. A body that is not JSON at all is a 400, with
// the same field list as a 422 would carry.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mb *malformedBody
	if errors.As(err, &mb) {
		p := web.ProblemFromError(mb.err)
		p.Status, p.Title, p.Detail = http.StatusBadRequest, "", "The body is not one well-formed JSON value."
		web.WriteProblem(w, r, p)
		return
	}
	web.WriteError(w, r, a.logger, err)
}

// malformedBody is a body that could not be read as JSON at all, as
// opposed to JSON with a wrong or unknown field (a 422 naming it).
type malformedBody struct{ err error }

func (e *malformedBody) Error() string { return e.err.Error() }
func (e *malformedBody) Unwrap() error { return e.err }

// malformedCodes are web.DecodeJSON's codes for a body that is not JSON.
var malformedCodes = map[string]bool{"json.syntax": true, "json.empty": true, "json.trailing": true}

// decode reads the JSON body into dst (at most web.DefaultMaxBody bytes).
// The body must be a JSON object: null, which encoding/json would quietly
// accept as "no fields", is refused like any other non-object.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	var raw json.RawMessage
	err := web.DecodeJSON(w, r, &raw, 0)
	if es := valid.List(err); len(es) == 1 && es[0].Field == "body" && malformedCodes[es[0].Code] {
		return &malformedBody{err: err}
	}
	if err != nil {
		return err
	}
	if kind := jsonKind(raw); kind != "object" {
		return valid.New("body", "json.type", "Expected a JSON object, got "+kind+".",
			map[string]any{"Expected": "object", "Got": kind})
	}
	if err := checkBodyText(raw); err != nil {
		return err
	}
	// Decoded a second time from memory, so that field errors are worded
	// and named by web.DecodeJSON like everywhere else.
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(raw))
	return web.DecodeJSON(w, r2, dst, 0)
}

// jsonKind names the type of a well-formed JSON value by its first byte.
func jsonKind(raw json.RawMessage) string {
	switch b := bytes.TrimLeft(raw, " \t\r\n"); {
	case len(b) == 0:
		return "nothing"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == '"':
		return "string"
	case b[0] == 'n':
		return "null"
	case b[0] == 't' || b[0] == 'f':
		return "boolean"
	}
	return "number"
}

// decodeOptional is decode for a body that may be left out entirely (no
// Content-Length, or zero): dst then keeps its zero value.
func decodeOptional(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(w, r, dst)
}

// query is a request's query string as a handler reads it. Problems with
// the values read (a bad limit, text that is not clean) are collected and
// returned together by err, each naming its parameter.
type query struct {
	values url.Values
	es     valid.Errors
}

func queryOf(r *http.Request) *query { return &query{values: r.URL.Query()} }

// get returns the value of parameter name ("" when absent).
func (q *query) get(name string) string {
	v := q.values.Get(name)
	if !cleanText(v) {
		q.es.Add(name, "text.invalid", badTextMessage, nil)
		return ""
	}
	return v
}

// page reads ?cursor= and ?limit= (1 to maxLimit, default defaultLimit).
func (q *query) page() (cursor string, limit int) {
	limit = defaultLimit
	if s := q.get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			q.es.Add("limit", "page.limit", fmt.Sprintf("The limit is a whole number from 1 to %d.", maxLimit),
				map[string]any{"Max": maxLimit})
		}
		limit = n
	}
	return q.get("cursor"), limit
}

// err returns the problems found so far, or nil.
func (q *query) err() error { return q.es.Err() }
