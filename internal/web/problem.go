package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// Problem is an error answer in the form of RFC 9457 (problem details for
// HTTP APIs), served as application/problem+json. Errors lists the fields a
// request got wrong, as an extension member.
type Problem struct {
	Type     string       `json:"type,omitempty"` // a URI naming the kind of problem; "about:blank" by default
	Title    string       `json:"title,omitempty"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// FieldError is one bad field of a request: the field (JSON property or
// form field), the code (the catalog key is "invalid."+Code) and an English
// message.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// StatusError is an error that already knows its HTTP status, with a detail
// that is safe to show the client. DecodeJSON returns one for 413 and 415.
type StatusError struct {
	Status int
	Detail string
}

// Error describes e for logs.
func (e *StatusError) Error() string {
	return http.StatusText(e.Status) + ": " + e.Detail
}

// genericDetail is all a client learns of an unexpected error; the details
// go to the log.
const genericDetail = "An unexpected error occurred. It has been logged."

// WriteProblem sends p with its status. Empty members get their defaults:
// status 500, type about:blank, the status text as title, the request path
// as instance.
func WriteProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	if p.Instance == "" && r != nil && r.URL != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("X-Content-Type-Options", "nosniff")
	writeJSONBody(w, p.Status, p)
}

// ProblemFromError translates an error from a domain function into the
// answer the client gets; it is the one place where errors become statuses.
// Validation errors give 422 with every field, access.ErrDenied 403,
// store.ErrNotFound 404, store.ErrConflict 409, a deadline 503, a
// *StatusError its own status; anything else 500 with a generic detail, so
// no SQL, path or stack ever reaches a client.
func ProblemFromError(err error) Problem {
	if es := valid.List(err); len(es) > 0 {
		p := Problem{Status: http.StatusUnprocessableEntity, Detail: "The request has invalid fields."}
		for _, e := range es {
			p.Errors = append(p.Errors, FieldError{Field: e.Field, Code: e.Code, Message: e.Message})
		}
		return p
	}
	var se *StatusError
	switch {
	case errors.As(err, &se):
		return Problem{Status: se.Status, Detail: se.Detail}
	case errors.Is(err, access.ErrDenied):
		return Problem{Status: http.StatusForbidden, Detail: "You do not have permission to do this."}
	case errors.Is(err, store.ErrNotFound):
		return Problem{Status: http.StatusNotFound, Detail: "No such resource, or you may not see it."}
	case errors.Is(err, store.ErrConflict):
		return Problem{Status: http.StatusConflict, Detail: "The change conflicts with existing data."}
	case errors.Is(err, context.DeadlineExceeded):
		return Problem{Status: http.StatusServiceUnavailable, Detail: "The server took too long to answer. Try again."}
	}
	return Problem{Status: http.StatusInternalServerError, Detail: genericDetail}
}

// WriteError answers err as a problem (see ProblemFromError) and, when it is
// a server error, logs it with the request: the log gets what the client
// must not see.
func WriteError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	p := ProblemFromError(err)
	if p.Status >= 500 && logger != nil {
		logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", p.Status),
			slog.Any("err", err),
		)
	}
	WriteProblem(w, r, p)
}
