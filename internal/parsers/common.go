package parsers

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"atalaya/internal/event"
	"atalaya/internal/valid"
)

// maxRecord bounds one line (or record) of input: raw keeps the line and
// the event package refuses a raw longer than this, so a longer line can
// never become an event and is refused without being held in memory.
const maxRecord = 65536

// lineProblem builds the quarantine entry of a line that could not be read
// at all (bad encoding, too long, broken CSV or JSON): no field is at
// fault, code is a catalog code of this package.
func lineProblem(line int, raw, code, message string, args map[string]any) event.Rejected {
	return event.Reject(line, clipRaw(raw), valid.New("", code, message, args))
}

// fieldProblem builds the quarantine entry of a line whose field could not
// be taken (a value a conversion refuses).
func fieldProblem(line int, raw, field, code, message string, args map[string]any) event.Rejected {
	return event.Reject(line, clipRaw(raw), valid.New(field, code, message, args))
}

// clipRaw keeps what the quarantine stores of a refused line within the
// size and encoding an event's raw may have, so a refused line can always
// be stored and shown.
func clipRaw(s string) string {
	s = cutUTF8(s, maxRecord)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// clipText shortens s to the 4096 bytes a text field of an event holds,
// for values (descriptions, extras) that are useful even when cut; raw
// keeps the whole line.
func clipText(s string) string { return cutUTF8(s, 4096) }

// cutUTF8 shortens s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// template is the event every record starts from: the feed's constants,
// set once when the parser is built instead of on every line.
type template struct {
	base event.Event
}

// newTemplate checks and sets the feed's constants. A bad constant is a
// configuration error naming "constants.<field>".
func newTemplate(constants map[string]string) (template, error) {
	var t template
	var es valid.Errors
	for _, field := range sortedKeys(constants) {
		err := setField(&t.base, field, constants[field])
		if err == nil {
			continue
		}
		list := valid.List(err)
		if len(list) == 0 {
			es.Add("constants."+field, "parsers_constant", err.Error(), map[string]any{"Field": field})
		}
		for _, e := range list {
			es = append(es, &valid.Error{Field: "constants." + field, Code: e.Code, Message: e.Message, Args: e.Args})
		}
	}
	fixTaxonomy(&t.base)
	return t, es.Err()
}

// reset makes e a fresh copy of the template. Extra is always a new map
// (or nil), never one shared with an event handed out before: a consumer
// that keeps an emitted event by value keeps its extras intact.
func (t *template) reset(e *event.Event, extraHint int) {
	*e = t.base
	e.Extra = nil
	if len(t.base.Extra) > 0 || extraHint > 0 {
		e.Extra = make(map[string]string, len(t.base.Extra)+extraHint)
		maps.Copy(e.Extra, t.base.Extra)
	}
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// knownField reports whether field is a name event.Set takes: a
// harmonisation field of the event or an extra.
func knownField(field string) bool {
	if len(field) > len(event.ExtraPrefix) && strings.HasPrefix(field, event.ExtraPrefix) {
		return true
	}
	return eventFields[field]
}

// eventFields is the set of event.Fields(). Built once; never modified.
var eventFields = func() map[string]bool {
	m := make(map[string]bool)
	for _, f := range event.Fields() {
		m[f] = true
	}
	return m
}()

// putExtra stores value under extra.key, trimmed and cut to the size of a
// text field; an empty value stores nothing. It skips event.Set's checks
// on the hot path: every value reaching it is UTF-8 already (CSV lines
// are checked whole, JSON decodes to UTF-8).
func putExtra(e *event.Event, key, value string) {
	v := strings.TrimSpace(value)
	if v == "" || key == "" {
		return
	}
	if e.Extra == nil {
		e.Extra = make(map[string]string, 8)
	}
	e.Extra[key] = clipText(v)
}

// setOrExtra sets field when the event has it and takes value; otherwise
// the value is kept as extra.<fallback>, so nothing the feed said is lost.
func setOrExtra(e *event.Event, field, value, fallback string) {
	if strings.TrimSpace(value) == "" {
		return
	}
	if err := setField(e, field, value); err != nil {
		putExtra(e, fallback, value)
	}
}
