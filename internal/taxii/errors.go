package taxii

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// errorMessage is the TAXII 2.1 error message resource (section 3.6.1).
type errorMessage struct {
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	ErrorID     string            `json:"error_id,omitempty"`
	HTTPStatus  string            `json:"http_status"`
	Details     map[string]string `json:"details,omitempty"`
}

// httpError is a request the server answers with an HTTP error status and a
// TAXII error message. Handlers return one; anything else they return is an
// intel error mapped by fail, or a 500.
type httpError struct {
	Status      int
	Description string
	// Details name what was wrong, e.g. {"parameter": "limit"}.
	Details map[string]string
	// header holds answer headers the status needs (WWW-Authenticate,
	// Allow, Retry-After).
	header http.Header
}

// Error describes e for logs.
func (e *httpError) Error() string { return http.StatusText(e.Status) + ": " + e.Description }

func newError(status int, description string) *httpError {
	return &httpError{Status: status, Description: description}
}

// badParameter is a 400 naming the URL parameter at fault.
func badParameter(name, description string) *httpError {
	return &httpError{Status: http.StatusBadRequest, Description: description, Details: map[string]string{"parameter": name}}
}

// fail answers err as a TAXII error message: an *httpError as it says, the
// store's not-found as 404 (an object the caller may not see does not exist
// for them), a refusal as 403, bad input named by the domain as 400, and
// anything else as a 500 whose details go to the log only, under an id the
// answer gives.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var te *httpError
	switch {
	case errors.As(err, &te):
	case errors.Is(err, intel.ErrNotFound), errors.Is(err, store.ErrNotFound):
		te = newError(http.StatusNotFound, "There is no such resource, or you may not see it.")
	case errors.Is(err, access.ErrDenied):
		te = newError(http.StatusForbidden, "You may not do this.")
	case valid.List(err) != nil:
		te = invalid(valid.List(err))
	case errors.Is(err, context.Canceled):
		return // the client went away; nobody reads the answer
	default:
		id := store.NewID()
		s.logger.Error("taxii request failed", "error_id", id, "method", r.Method, "path", r.URL.Path, "error", err)
		te = newError(http.StatusInternalServerError, "An unexpected error occurred. It has been logged.")
		writeError(w, te, id)
		return
	}
	writeError(w, te, "")
}

// invalid is a 400 for bad input the domain named by field.
func invalid(es valid.Errors) *httpError {
	e := newError(http.StatusBadRequest, es.Error())
	e.Details = map[string]string{}
	for _, v := range es {
		e.Details[v.Field] = v.Message
	}
	return e
}

// writeError sends the TAXII error message of e.
func writeError(w http.ResponseWriter, e *httpError, id string) {
	for k, vs := range e.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	msg := errorMessage{Title: http.StatusText(e.Status), Description: e.Description, ErrorID: id,
		HTTPStatus: strconv.Itoa(e.Status), Details: e.Details}
	writeResource(w, e.Status, msg)
}

// writeResource sends v as a TAXII resource with status.
func writeResource(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Our resources are plain structs of strings, numbers and raw JSON
		// that intel validated; should one still fail, say so in TAXII form.
		status = http.StatusInternalServerError
		body = []byte(`{"title":"Internal Server Error","http_status":"500"}`)
	}
	writeBody(w, status, body)
}

// writeBody sends a JSON body already encoded, as a TAXII resource.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", MediaTAXII)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
