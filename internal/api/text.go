package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// PostgreSQL refuses text that is not valid UTF-8 or that holds a NUL
// character, with an error that would reach the client as a 500. Such text
// is never a name, an id or a filter anyone means, so the API refuses it
// at the door, on both engines alike: in the path as a missing resource,
// in the query string and the body as a bad field.

// checkPath refuses a path that is not clean text: whatever it names, it
// does not exist. Query parameters are checked as handlers read them
// (query.get), so junk in a parameter nobody reads is ignored like the
// parameter.
func checkPath(r *http.Request) error {
	if !cleanText(r.URL.Path) {
		return store.ErrNotFound
	}
	return nil
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

const badTextMessage = "The text is not valid UTF-8 or holds a NUL character."

func badText(field string) error { return valid.New(field, "text.invalid", badTextMessage, nil) }

// checkBodyText refuses a JSON body holding a NUL character in any string
// (keys included), naming the first field found, as "team.email" for a
// nested one. Invalid UTF-8 needs no check: encoding/json has already
// replaced it with U+FFFD.
func checkBodyText(raw json.RawMessage) error {
	if !strings.Contains(string(raw), `\u0000`) {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil // DecodeJSON reports what is wrong with it
	}
	if field, ok := findNUL(v, ""); ok {
		if field == "" {
			field = "body"
		}
		return badText(field)
	}
	return nil
}

// findNUL returns the path of the first string under v holding a NUL.
func findNUL(v any, path string) (string, bool) {
	switch x := v.(type) {
	case string:
		return path, strings.ContainsRune(x, 0)
	case []any:
		for _, e := range x {
			if f, ok := findNUL(e, path); ok {
				return f, true
			}
		}
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if strings.ContainsRune(k, 0) {
				return p, true
			}
			if f, ok := findNUL(e, p); ok {
				return f, true
			}
		}
	}
	return "", false
}
