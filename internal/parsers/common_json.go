package parsers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"

	"atalaya/internal/event"
)

// jsonRecords finds the records of a JSON input without decoding it
// whole, so a feed of any size is read in bounded memory: the elements of
// a top-level array, JSON lines (one value a line), values written one
// after another (pretty-printed objects), or, with wrapper set, the
// elements of the array under that key of a top-level object (PROKI's
// {"data": [...]}). Each record keeps its text as read, for raw, and the
// line it starts on.
type jsonRecords struct {
	br      *bufio.Reader
	line    int    // line of the next byte, from 1
	max     int    // longest record kept; longer ones are refused
	wrapper string // key of the array of records in a top-level object
	buf     []byte
	missing bool // a top-level object had no wrapper key
	started bool
}

// jsonRecord is one record; raw is valid during the visit only. problem is
// set when the record cannot be read.
type jsonRecord struct {
	line    int
	raw     []byte
	problem *event.Rejected
}

// errJSONStop ends a walk after a refused record the input cannot be
// read past (a broken array): the refusal says why.
var errJSONStop = errors.New("json input cannot be read further")

func newJSONRecords(r io.Reader, max int, wrapper string) *jsonRecords {
	return &jsonRecords{br: bufio.NewReaderSize(r, 64<<10), line: 1, max: max, wrapper: wrapper}
}

// each calls visit for every record in order. It returns visit's error, a
// read error, or nil at the end of the input (also after a refusal that
// stops the walk).
func (j *jsonRecords) each(visit func(jsonRecord) error) error {
	err := j.walk(visit)
	if errors.Is(err, errJSONStop) {
		return nil
	}
	return err
}

func (j *jsonRecords) walk(visit func(jsonRecord) error) error {
	first := true
	for {
		b, err := j.peek()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case b == '[':
			if err := j.array(visit); err != nil {
				return err
			}
		case b == '{' && j.wrapper != "":
			if err := j.wrapped(visit); err != nil {
				return err
			}
		default:
			start := j.line
			if err := j.record(visit); err != nil {
				return err
			}
			if first && j.line == start {
				// The first value fits on its line: JSON lines. Read
				// line by line from here, so one broken line cannot
				// swallow the lines after it.
				return j.jsonLines(visit)
			}
		}
		first = false
	}
}

// record reads one value and visits it.
func (j *jsonRecords) record(visit func(jsonRecord) error) error {
	start := j.line
	raw, cut, err := j.value(true)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return j.refuse(visit, start, raw, "parsers_json", "the input ends inside a JSON value", errJSONStop)
	}
	if err != nil {
		return err
	}
	if cut {
		return j.refuse(visit, start, raw, "parsers_too_long", "the record is longer than "+strconv.Itoa(j.max)+" bytes", nil)
	}
	return visit(jsonRecord{line: start, raw: raw})
}

func (j *jsonRecords) refuse(visit func(jsonRecord) error, line int, raw []byte, code, message string, then error) error {
	rej := lineProblem(line, string(raw), code, message, nil)
	if err := visit(jsonRecord{line: line, raw: raw, problem: &rej}); err != nil {
		return err
	}
	return then
}

// array visits the elements of the array starting at the next byte. A
// comma before the closing bracket is forgiven.
func (j *jsonRecords) array(visit func(jsonRecord) error) error {
	_, _ = j.br.ReadByte() // '['
	for {
		b, err := j.peek()
		if err != nil {
			return j.refuse(visit, j.line, nil, "parsers_json", "the input ends inside a JSON array", errJSONStop)
		}
		if b == ']' {
			_, _ = j.br.ReadByte()
			return nil
		}
		if err := j.record(visit); err != nil {
			return err
		}
		if b, err = j.peek(); err != nil {
			return j.refuse(visit, j.line, nil, "parsers_json", "the input ends inside a JSON array", errJSONStop)
		}
		_, _ = j.br.ReadByte()
		switch b {
		case ',':
			continue
		case ']':
			return nil
		}
		return j.refuse(visit, j.line, []byte{b}, "parsers_json",
			"a JSON array goes on with something other than “,” or “]”", errJSONStop)
	}
}

// wrapped walks a top-level object, visiting the elements of the array
// under j.wrapper and skipping the other members.
func (j *jsonRecords) wrapped(visit func(jsonRecord) error) error {
	broken := func() error {
		return j.refuse(visit, j.line, nil, "parsers_json", "the JSON object around the records is broken", errJSONStop)
	}
	_, _ = j.br.ReadByte() // '{'
	seen := false
	for {
		b, err := j.peek()
		if err != nil {
			return broken()
		}
		if b == '}' {
			_, _ = j.br.ReadByte()
			j.missing = j.missing || !seen
			return nil
		}
		if b == ',' {
			_, _ = j.br.ReadByte()
			continue
		}
		keyRaw, _, err := j.value(true)
		var key string
		if err != nil || json.Unmarshal(keyRaw, &key) != nil {
			return broken()
		}
		if b, err := j.peek(); err != nil || b != ':' {
			return broken()
		}
		_, _ = j.br.ReadByte()
		b, err = j.peek()
		if err != nil {
			return broken()
		}
		if key == j.wrapper && b == '[' {
			seen = true
			if err := j.array(visit); err != nil {
				return err
			}
			continue
		}
		if _, _, err := j.value(false); err != nil {
			return broken()
		}
	}
}

// jsonLines reads the rest of the input a line at a time: each non-blank
// line is one record.
func (j *jsonRecords) jsonLines(visit func(jsonRecord) error) error {
	lines := &physicalLines{br: j.br, n: j.line - 1}
	for {
		line, cut, err := lines.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		text := bytes.TrimSpace(line)
		if cut || len(text) > maxRecord {
			rej := lineProblem(lines.n, string(text), "parsers_too_long", "the line is longer than 65536 bytes", nil)
			if err := visit(jsonRecord{line: lines.n, raw: text, problem: &rej}); err != nil {
				return err
			}
			continue
		}
		if len(text) == 0 {
			continue
		}
		if err := visit(jsonRecord{line: lines.n, raw: text}); err != nil {
			return err
		}
	}
}

// peek skips white space (and a byte order mark at the start) and returns
// the next byte without reading it.
func (j *jsonRecords) peek() (byte, error) {
	if !j.started {
		j.started = true
		if bom, err := j.br.Peek(3); err == nil && string(bom) == "\xef\xbb\xbf" {
			_, _ = j.br.Discard(3)
		}
	}
	for {
		b, err := j.br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case '\n':
			j.line++
			continue
		case ' ', '\t', '\r':
			continue
		}
		return b, j.br.UnreadByte()
	}
}

// value reads the JSON value starting at the next byte (white space
// already skipped), keeping its text when keep is set (at most j.max
// bytes; cut tells a longer one). It checks structure only: strings,
// nesting and where the value ends. Decoding checks the rest.
// io.ErrUnexpectedEOF means the input ends inside the value.
func (j *jsonRecords) value(keep bool) (raw []byte, cut bool, err error) {
	j.buf = j.buf[:0]
	add := func(c byte) {
		if !keep {
			return
		}
		if len(j.buf) < j.max {
			j.buf = append(j.buf, c)
		} else {
			cut = true
		}
	}
	first, err := j.br.ReadByte()
	if err != nil {
		return nil, false, err
	}
	add(first)
	switch first {
	case '{', '[', '"':
	default:
		// A number, true, false, null (or junk): up to the next
		// delimiter. A lone delimiter is taken as the value, so the
		// walk always moves on.
		if isJSONDelim(first) {
			return j.buf, cut, nil
		}
		for {
			c, err := j.br.ReadByte()
			if errors.Is(err, io.EOF) {
				return j.buf, cut, nil
			}
			if err != nil {
				return j.buf, cut, err
			}
			if isJSONDelim(c) {
				return j.buf, cut, j.br.UnreadByte()
			}
			add(c)
		}
	}
	depth, inString, escaped := 1, first == '"', false
	if inString {
		depth = 0
	}
	for {
		c, err := j.br.ReadByte()
		if errors.Is(err, io.EOF) {
			return j.buf, cut, io.ErrUnexpectedEOF
		}
		if err != nil {
			return j.buf, cut, err
		}
		add(c)
		if c == '\n' {
			j.line++
		}
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if depth == 0 {
					return j.buf, cut, nil
				}
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j.buf, cut, nil
			}
		}
	}
}

func isJSONDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ']', '}', ':':
		return true
	}
	return false
}

// decodeObject decodes one record that must be a single JSON object,
// numbers kept as written (json.Number).
func decodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	return m, nil
}

var errNotObject = errors.New("not a JSON object")

// eachJSONObject walks the records of r, decodes each as a JSON object and
// calls handle with it and its text; records that are not readable JSON
// objects in UTF-8 go to reject. handle's error (emit's) stops the walk.
// noWrapper reports a top-level object without the wrapper key.
func eachJSONObject(r io.Reader, max int, wrapper string, reject Reject,
	handle func(line int, raw string, obj map[string]any) error) (noWrapper bool, err error) {
	recs := newJSONRecords(r, max, wrapper)
	err = recs.each(func(rec jsonRecord) error {
		if rec.problem != nil {
			reject(*rec.problem)
			return nil
		}
		raw := string(rec.raw)
		if !utf8.ValidString(raw) {
			reject(lineProblem(rec.line, raw, "parsers_encoding", "the record is not valid UTF-8 text", nil))
			return nil
		}
		obj, err := decodeObject(rec.raw)
		if errors.Is(err, errNotObject) {
			reject(lineProblem(rec.line, raw, "parsers_json_object", "the record is not a JSON object", nil))
			return nil
		}
		if err != nil {
			reject(lineProblem(rec.line, raw, "parsers_json", "the record is not valid JSON: "+err.Error(),
				map[string]any{"Reason": err.Error()}))
			return nil
		}
		return handle(rec.line, raw, obj)
	})
	return recs.missing, err
}

// jsonText is the text of a decoded JSON value as a field value: a string
// as is, a number as written, true/false, "" for null, and arrays and
// objects as compact JSON.
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// jsonPath finds the value at a dotted path: the whole key first (feeds
// such as PROKI use dotted names as flat keys), then the path through
// nested objects.
func jsonPath(obj map[string]any, path string, parts []string) (any, bool) {
	if v, ok := obj[path]; ok {
		return v, true
	}
	if len(parts) < 2 {
		return nil, false
	}
	var cur any = obj
	for _, p := range parts {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// sortedAnyKeys lists a decoded object's keys in order, so that a record
// is read the same way every time.
func sortedAnyKeys(obj map[string]any) []string {
	return slices.Sorted(maps.Keys(obj))
}
