package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"atalaya/internal/valid"
)

// DefaultMaxBody is the body limit DecodeJSON applies when given none: ample
// for any form or object the API takes; bulk uploads set their own.
const DefaultMaxBody = 1 << 20

// DecodeJSON reads one JSON value from the request body into dst. The
// errors it returns are for the client, ready for ProblemFromError:
//   - a Content-Type other than application/json or application/*+json: a
//     *StatusError 415;
//   - a body over maxBytes (DefaultMaxBody when maxBytes <= 0): a
//     *StatusError 413;
//   - an empty body, bad syntax or more than one value: a *valid.Error on
//     field "body", with the byte offset of a syntax error in Args;
//   - a field dst does not have, or a value of the wrong type: a
//     *valid.Error on that field, named by its JSON path ("contact.email");
//   - a value a type's own UnmarshalJSON refuses: its *valid.Error if it
//     returned one, else a *valid.Error on "body" with code "json.value".
//
// Passing dst that is not a pointer is a programming error, returned as it
// is (a 500).
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any, maxBytes int64) error {
	if !isJSON(r.Header.Get("Content-Type")) {
		return &StatusError{Status: http.StatusUnsupportedMediaType, Detail: "Send the body as application/json."}
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBody
	}
	body := &countingReader{r: http.MaxBytesReader(w, r.Body, maxBytes)}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, body.n, maxBytes)
	}
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
		return nil
	case isTooLarge(err):
		return tooLarge(maxBytes)
	default:
		return valid.New("body", "json.trailing", "The body must hold exactly one JSON value.", nil)
	}
}

// countingReader counts the bytes read, to place an unexpected end of input.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// isJSON accepts application/json and the +json types (problem+json,
// merge-patch+json, taxii+json, stix+json…), whatever their parameters.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func tooLarge(limit int64) error {
	return &StatusError{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("The body is larger than %d bytes.", limit)}
}

// unknownFieldPrefix is how encoding/json words DisallowUnknownFields'
// error; it has no error type of its own.
const unknownFieldPrefix = "json: unknown field "

// decodeError turns what encoding/json reports into an error the client can
// act on, naming the field where it can.
// read is how many bytes of the body were read, which is where an
// unexpected end of input happened.
func decodeError(err error, read, limit int64) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
		invalid *json.InvalidUnmarshalError
	)
	switch {
	case isTooLarge(err):
		return tooLarge(limit)
	case errors.Is(err, io.EOF):
		return valid.New("body", "json.empty", "The body is empty; send a JSON object.", nil)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return syntaxError(read, "unexpected end of JSON input")
	case errors.As(err, &syntax):
		return syntaxError(syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typeErr):
		return typeError(typeErr)
	case strings.HasPrefix(err.Error(), unknownFieldPrefix):
		name, uerr := strconv.Unquote(strings.TrimPrefix(err.Error(), unknownFieldPrefix))
		if uerr != nil {
			name = strings.TrimPrefix(err.Error(), unknownFieldPrefix)
		}
		return valid.New(name, "json.unknown_field", fmt.Sprintf("Unknown field %q.", name), nil)
	case errors.As(err, &invalid):
		return err
	case valid.List(err) != nil:
		// A type's own UnmarshalJSON already said which field is wrong.
		return err
	}
	// Some other UnmarshalJSON (a time, an address) refused its value.
	return valid.New("body", "json.value", "A value in the body cannot be read: "+err.Error(), nil)
}

func syntaxError(offset int64, what string) error {
	return valid.New("body", "json.syntax",
		fmt.Sprintf("The body is not valid JSON (byte %d: %s).", offset, what),
		map[string]any{"Offset": offset})
}

func typeError(e *json.UnmarshalTypeError) error {
	field := e.Field
	if field == "" {
		field = "body"
	}
	want := jsonKind(e.Type)
	return valid.New(field, "json.type",
		fmt.Sprintf("Expected a JSON %s, got %s.", want, e.Value),
		map[string]any{"Expected": want, "Got": e.Value})
}

// jsonKind names the JSON type that a Go type is decoded from, in the words
// of a JSON client rather than Go's.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // []byte travels as base64
		}
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return "value"
}

// WriteJSON sends v as JSON with status. v is encoded before anything is
// sent, so a value that cannot be encoded gives a clean 500 (and the error,
// for the caller to log) instead of half a body.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return writeJSONBody(w, status, v)
}

// writeJSONBody encodes v and sends it with status, the Content-Type being
// already set by the caller.
func writeJSONBody(w http.ResponseWriter, status int, v any) error {
	buf, err := json.Marshal(v)
	if err != nil {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"type":"about:blank","title":"Internal Server Error","status":500}`+"\n")
		return fmt.Errorf("encoding JSON answer: %w", err)
	}
	buf = append(buf, '\n')
	w.WriteHeader(status)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("writing JSON answer: %w", err)
	}
	return nil
}
