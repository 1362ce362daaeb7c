package misp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"atalaya/internal/valid"
)

// eventKeys are properties only an event has at its top level; a bare object
// with none of them is something else (a galaxy, a sighting, a tag...).
var eventKeys = []string{"info", "Attribute", "Object", "date", "threat_level_id", "analysis", "Orgc", "Org", "EventReport", "published", "publish_timestamp"}

// ParseEvent reads one MISP event: {"Event": {...}}, a bare event object, or
// a {"response": [...]} answer holding exactly one event. Bad input gives a
// valid.Errors naming each property by its path ("Event.Attribute[3].type");
// nothing is returned then.
func ParseEvent(r io.Reader) (*Event, error) {
	events, err := ParseEvents(r)
	if err != nil {
		return nil, err
	}
	if len(events) != 1 {
		return nil, valid.New("document", CodeOneEvent, "expected one event, found "+strconv.Itoa(len(events)),
			map[string]any{"Count": len(events)})
	}
	return events[0], nil
}

// ParseEvents reads MISP events from {"Event": {...}}, a bare event, a list
// of either, or a {"response": [...]} answer of the MISP API.
func ParseEvents(r io.Reader) ([]*Event, error) {
	raw, err := readDocument(r)
	if err != nil {
		return nil, err
	}
	var errs valid.Errors
	var events []*Event
	switch jsonKind(raw) {
	case "array":
		for i, item := range arrayItems("", raw, &errs) {
			events = appendEvent(events, indexSuffix(i), item, &errs)
		}
	case "object":
		f, ok := openFields("", raw, &errs)
		if !ok {
			break
		}
		if resp, present := f.m["response"]; present && !hasAny(f.m, eventKeys) {
			for i, item := range arrayItems("response", resp, &errs) {
				events = appendEvent(events, "response"+indexSuffix(i), item, &errs)
			}
			break
		}
		events = appendEventFields(events, f, &errs)
	default:
		errs.Add("document", CodeNotEvent, "expected a MISP event (a JSON object), found "+jsonKind(raw),
			map[string]any{"Found": jsonKind(raw)})
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return events, nil
}

// appendEvent reads {"Event": {...}} or a bare event found at path.
func appendEvent(events []*Event, path string, raw json.RawMessage, errs *valid.Errors) []*Event {
	f, ok := openFields(path, raw, errs)
	if !ok {
		return events
	}
	return appendEventFields(events, f, errs)
}

// appendEventFields reads an opened {"Event": {...}} or bare event.
func appendEventFields(events []*Event, f *fields, errs *valid.Errors) []*Event {
	if inner, present := f.m["Event"]; present && len(f.m) == 1 {
		var ok bool
		if f, ok = openFields(f.at("Event"), inner, errs); !ok {
			return events
		}
	} else if !hasAny(f.m, eventKeys) {
		errs.Add(orRoot(f.path), CodeNotEvent, "this is not a MISP event: it has none of info, date, Attribute, Object, Orgc", nil)
		return events
	}
	return append(events, parseEvent(f))
}

// listOrResponse returns the items of a top-level array (path ""), or of
// {"response": [...]} (path "response"); for any other object it returns
// nothing and path "".
func listOrResponse(raw json.RawMessage, errs *valid.Errors) ([]json.RawMessage, string) {
	if jsonKind(raw) != "object" {
		return arrayItems("", raw, errs), ""
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil || top["response"] == nil {
		return nil, ""
	}
	return arrayItems("response", top["response"], errs), "response"
}

// arrayItems splits a JSON array found at path into its items.
func arrayItems(path string, raw json.RawMessage, errs *valid.Errors) []json.RawMessage {
	if jsonKind(raw) != "array" {
		errs.Add(orRoot(path), CodeJSONType, "expected an array, found "+jsonKind(raw),
			map[string]any{"Expected": "array", "Found": jsonKind(raw)})
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		errs.Add(orRoot(path), CodeJSON, "not JSON: "+err.Error(), nil)
	}
	return items
}

// readDocument reads one JSON value and nothing after it. It checks the
// syntax in one pass; the parsers then decode what they need.
func readDocument(r io.Reader) (json.RawMessage, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if json.Valid(data) {
		return data, nil
	}
	var v any
	err = json.Unmarshal(data, &v) // only to say what is wrong, and where
	if len(data) == 0 {
		err = io.EOF
	}
	return nil, valid.New("document", CodeJSON, "not JSON: "+describeJSONError(err, data), nil)
}

// describeJSONError adds the line to a syntax error, which encoding/json
// reports only as a byte offset.
func describeJSONError(err error, data []byte) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) && syn.Offset <= int64(len(data)) {
		line := 1 + bytes.Count(data[:syn.Offset], []byte("\n"))
		return err.Error() + " (line " + strconv.Itoa(line) + ")"
	}
	if errors.Is(err, io.EOF) {
		return "the document is empty"
	}
	return err.Error()
}

func indexSuffix(i int) string { return "[" + strconv.Itoa(i) + "]" }

func hasAny(m map[string]json.RawMessage, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}
