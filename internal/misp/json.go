package misp

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"atalaya/internal/valid"
)

// Codes of the *valid.Error values this package returns; the catalogs hold
// "invalid.<code>" in every language.
const (
	CodeJSON        = "misp_json"         // not JSON
	CodeJSONType    = "misp_json_type"    // a value of the wrong JSON type (Args: Expected, Found)
	CodeNumber      = "misp_number"       // not a whole number (Value)
	CodeBool        = "misp_bool"         // not true or false (Value)
	CodeRequired    = "misp_required"     // a required property is absent or empty (Property)
	CodeRange       = "misp_range"        // a number outside the values MISP defines (Value, Min, Max)
	CodeNotEvent    = "misp_not_event"    // the document, or an item of it, is not a MISP event
	CodeOneEvent    = "misp_one_event"    // one event expected, another number found (Count)
	CodeFeedMissing = "misp_feed_missing" // a file the feed needs is absent (File)
	CodeFeedUUID    = "misp_feed_uuid"    // an event file holds another event than its name says (File, UUID)
	CodeFeedKey     = "misp_feed_key"     // a manifest key that is not an event uuid (UUID)
	CodeFeedEventID = "misp_feed_event"   // an event without the uuid a feed file is named by
	CodeSTIX        = "misp_stix"         // a STIX object that cannot be read
	CodeWarningList = "misp_warninglist"  // a warning list that cannot be used (File)
)

// Unset marks a number MISP left out where zero is a meaningful value
// (distribution 0 is "your organisation only", analysis 0 is "initial"), so
// an absent field is written back absent.
const Unset = -1

// fields pulls the known properties out of one MISP JSON object and leaves
// the others for Extra. It accepts the forms MISP and its tools write: numbers
// as strings or as numbers, booleans as true/false, 0/1 or "0"/"1", null for
// absent. Every problem is added to errs with the property's path, and the
// zero value is returned in its place, so one bad property does not hide the
// next.
type fields struct {
	path string
	m    map[string]json.RawMessage
	errs *valid.Errors
}

// openFields reads raw as a JSON object found at path. It reports a
// non-object (or invalid JSON) and returns false.
func openFields(path string, raw json.RawMessage, errs *valid.Errors) (*fields, bool) {
	var m map[string]json.RawMessage
	if kind := jsonKind(raw); kind != "object" {
		errs.Add(orRoot(path), CodeJSONType, "expected an object, found "+kind, map[string]any{"Expected": "object", "Found": kind})
		return nil, false
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		errs.Add(orRoot(path), CodeJSON, "not JSON: "+err.Error(), nil)
		return nil, false
	}
	return &fields{path: path, m: m, errs: errs}, true
}

// orRoot names the document itself when path is empty.
func orRoot(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

// at returns the path of key below f.
func (f *fields) at(key string) string {
	if f.path == "" {
		return key
	}
	return f.path + "." + key
}

// take removes key and returns its value, nil when absent or null.
func (f *fields) take(key string) json.RawMessage {
	raw, ok := f.m[key]
	if !ok {
		return nil
	}
	delete(f.m, key)
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	return raw
}

// wrongType records that key holds the wrong kind of JSON value.
func (f *fields) wrongType(key, expected string, raw json.RawMessage) {
	found := jsonKind(raw)
	f.errs.Add(f.at(key), CodeJSONType, "expected "+expected+", found "+found,
		map[string]any{"Expected": expected, "Found": found})
}

// str reads text; a number is kept as the digits written.
func (f *fields) str(key string) string {
	raw := f.take(key)
	if raw == nil {
		return ""
	}
	switch jsonKind(raw) {
	case "string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			f.errs.Add(f.at(key), CodeJSON, "not JSON text: "+err.Error(), nil)
		}
		return s
	case "number":
		return string(bytes.TrimSpace(raw))
	}
	f.wrongType(key, "text", raw)
	return ""
}

// num reads a whole number written as a number or as a string of digits;
// absent, null or "" give absent.
func (f *fields) num(key string, absent int64) int64 {
	n, ok := f.number(key)
	if !ok {
		return absent
	}
	return n
}

// number reads a whole number; false when it is absent, null, "" or not a
// whole number (which is reported).
func (f *fields) number(key string) (int64, bool) {
	raw := f.take(key)
	if raw == nil {
		return 0, false
	}
	var text string
	switch jsonKind(raw) {
	case "number":
		text = string(bytes.TrimSpace(raw))
	case "string":
		_ = json.Unmarshal(raw, &text)
		text = strings.TrimSpace(text)
		if text == "" {
			return 0, false
		}
	default:
		f.wrongType(key, "number", raw)
		return 0, false
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		f.errs.Add(f.at(key), CodeNumber, "“"+text+"” is not a whole number", map[string]any{"Value": text})
		return 0, false
	}
	return n, true
}

// level reads a small number that must lie in [lo, hi]; absent gives absent.
func (f *fields) level(key string, lo, hi int, absent int) int {
	n, ok := f.number(key)
	if !ok {
		return absent
	}
	if n < int64(lo) || n > int64(hi) {
		f.errs.Add(f.at(key), CodeRange, "“"+strconv.FormatInt(n, 10)+"” is not one of "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi),
			map[string]any{"Value": n, "Min": lo, "Max": hi})
		return absent
	}
	return int(n)
}

// distribution reads a distribution level; events stop at 4, attributes and
// objects may inherit (5).
func (f *fields) distribution(key string, inherit bool) Distribution {
	hi := int(DistributionSharingGroup)
	if inherit {
		hi = int(DistributionInherit)
	}
	return Distribution(f.level(key, 0, hi, Unset))
}

// boolean reads true/false, 1/0 or "1"/"0"/"true"/"false"/"".
func (f *fields) boolean(key string) bool {
	raw := f.take(key)
	if raw == nil {
		return false
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	text := strings.Trim(string(bytes.TrimSpace(raw)), `"`)
	switch strings.ToLower(text) {
	case "1", "true":
		return true
	case "0", "false", "":
		return false
	}
	f.errs.Add(f.at(key), CodeBool, "“"+text+"” is not true or false", map[string]any{"Value": text})
	return false
}

// objects reads an array of objects (null or absent give none); each
// element is handed to each, opened, with its own path. An element that is
// not an object is reported and skipped.
func (f *fields) objects(key string, each func(*fields)) {
	raw := f.take(key)
	if raw == nil {
		return
	}
	if jsonKind(raw) != "array" {
		f.wrongType(key, "array", raw)
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		f.errs.Add(f.at(key), CodeJSON, "not JSON: "+err.Error(), nil)
		return
	}
	for i, item := range items {
		if sub, ok := openFields(f.at(key)+"["+strconv.Itoa(i)+"]", item, f.errs); ok {
			each(sub)
		}
	}
}

// sub opens a nested object; absent or null give false, and so does an
// empty array, which is how PHP, and so MISP, writes an empty object.
func (f *fields) sub(key string) (*fields, bool) {
	raw := f.take(key)
	if raw == nil || isEmptyArray(raw) {
		return nil, false
	}
	return openFields(f.at(key), raw, f.errs)
}

func isEmptyArray(raw json.RawMessage) bool {
	var items []json.RawMessage
	return jsonKind(raw) == "array" && json.Unmarshal(raw, &items) == nil && len(items) == 0
}

// rawObject keeps a nested JSON object as it is (galaxy cluster meta); an
// empty array, PHP's empty object, counts as absent.
func (f *fields) rawObject(key string) json.RawMessage {
	raw := f.take(key)
	if raw == nil || isEmptyArray(raw) {
		return nil
	}
	if jsonKind(raw) != "object" {
		f.wrongType(key, "object", raw)
		return nil
	}
	return compact(raw)
}

// rest returns the properties nobody took, nil when none are left.
func (f *fields) rest() map[string]json.RawMessage {
	if len(f.m) == 0 {
		return nil
	}
	for k, v := range f.m {
		f.m[k] = compact(v)
	}
	return f.m
}

// compact removes insignificant white space, so a value read from an
// indented file compares equal to the same value written back.
func compact(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

// jsonKind names the JSON type of raw by its first byte.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch c := raw[0]; {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	}
	return "invalid JSON"
}

// doc collects the known properties of one MISP JSON object as MISP writes
// them (numbers as strings), leaving out what is absent, so that parsing and
// writing back give the same value.
type doc map[string]any

func (d doc) str(key, v string) {
	if v != "" {
		d[key] = v
	}
}

// num writes a positive count or timestamp as MISP does, as a string.
func (d doc) num(key string, v int64) {
	if v != 0 {
		d[key] = strconv.FormatInt(v, 10)
	}
}

// level writes a small number unless it is Unset.
func (d doc) level(key string, v int) {
	if v != Unset {
		d[key] = strconv.Itoa(v)
	}
}

func (d doc) flag(key string, v bool) {
	if v {
		d[key] = true
	}
}

func (d doc) raw(key string, v json.RawMessage) {
	if len(v) > 0 {
		d[key] = v
	}
}

// listOf writes a non-empty list.
func listOf[T any](d doc, key string, items []T) {
	if len(items) > 0 {
		d[key] = items
	}
}

// encode writes the known properties over the extra ones: a property set on
// the Go value wins over a stale copy in Extra.
func encode(known doc, extra map[string]json.RawMessage) ([]byte, error) {
	all := make(map[string]any, len(known)+len(extra))
	for k, v := range extra {
		all[k] = v
	}
	for k, v := range known {
		all[k] = v
	}
	return marshal(all)
}

// marshal is json.Marshal without HTML escaping, so "<" and "&" in values
// stay readable in files a person may open.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
