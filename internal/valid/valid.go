// Package valid holds the error type every domain returns for bad input: it
// names the field, carries a message key for the catalogs (so the page shows
// it in the reader's language, next to the field) and an English message for
// logs, the command line and the API.
package valid

import (
	"errors"
	"strings"
)

// Error is one problem with one field.
type Error struct {
	Field   string         // the form field or JSON property, e.g. "value", "email"
	Code    string         // catalog key without the "invalid." prefix, e.g. "prefix.not_canonical"
	Args    map[string]any // values the message names, e.g. {"Canonical": "192.0.2.0/24"}
	Message string         // English text, complete on its own
}

func (e *Error) Error() string { return e.Field + ": " + e.Message }

// Errors is a list of problems, one or more per field.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Add appends a problem.
func (es *Errors) Add(field, code, message string, args map[string]any) {
	*es = append(*es, &Error{Field: field, Code: code, Message: message, Args: args})
}

// Err returns es as an error, or nil when empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// New returns one problem as an error.
func New(field, code, message string, args map[string]any) error {
	return &Error{Field: field, Code: code, Message: message, Args: args}
}

// List returns the problems in err (one *Error or an Errors), or nil when
// err is not a validation error.
func List(err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var e *Error
	if errors.As(err, &e) {
		return Errors{e}
	}
	return nil
}
