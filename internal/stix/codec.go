package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"atalaya/internal/valid"
)

// propSet maps the JSON name of each modelled property to its struct field.
type propSet map[string]propField

// propField locates a modelled property's field and says whether an empty
// value is left out when writing (omitempty or omitzero).
type propField struct {
	index []int
	omits bool
}

// jsonProps returns the JSON property names of T's fields, embedded structs
// flattened, for telling modelled properties from those kept in Extra.
func jsonProps[T any]() propSet {
	props := propSet{}
	addJSONProps(reflect.TypeFor[T](), nil, props)
	return props
}

func addJSONProps(t reflect.Type, parent []int, props propSet) {
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(slices.Clone(parent), i)
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			addJSONProps(f.Type, index, props)
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = propField{index: index, omits: strings.Contains(opts, "omit")}
	}
}

// decodeProps decodes b into dst (a pointer to a struct without JSON
// methods) and puts every property not in props into *extra. A modelled
// property received as "" or null goes into *extra too, since the struct
// cannot tell it from an absent one and would not write it back. Errors are
// *valid.Error values naming the property.
func decodeProps(b []byte, dst any, extra *map[string]json.RawMessage, props propSet) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return jsonError(err)
	}
	if all == nil {
		return valid.New("object", CodeJSONType, "expected a JSON object, found null", map[string]any{"Property": "object", "Expected": "object"})
	}
	src := b
	var rest map[string]json.RawMessage
	folded := false
	for k, v := range all {
		if f, known := props[k]; known && !(f.omits && emptyJSON(v)) {
			continue
		}
		if rest == nil {
			rest = map[string]json.RawMessage{}
		}
		rest[k] = v
		folded = folded || foldsToProp(k, props)
	}
	if folded {
		// encoding/json matches names case-insensitively: "Name" would fill
		// Name and be kept in Extra too. Decode only the exact names.
		exact := make(map[string]json.RawMessage, len(all))
		for k, v := range all {
			if _, known := props[k]; known {
				exact[k] = v
			}
		}
		src, _ = json.Marshal(exact) // re-marshalling decoded raw values cannot fail
	}
	if err := json.Unmarshal(src, dst); err != nil {
		return locateError(all, dst, props, err)
	}
	*extra = rest
	return nil
}

// emptyJSON reports whether v is "" or null.
func emptyJSON(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return string(v) == `""` || string(v) == "null"
}

// foldsToProp reports whether k equals a modelled property but for case.
func foldsToProp(k string, props propSet) bool {
	for p := range props {
		if strings.EqualFold(p, k) {
			return true
		}
	}
	return false
}

// locateError names the property that made decoding fail: encoding/json
// names it for type errors but not for errors of UnmarshalJSON methods
// (timestamps, external references…), so each modelled property is decoded
// alone until one fails.
func locateError(all map[string]json.RawMessage, dst any, props propSet, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return jsonError(err)
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		if _, known := props[k]; known {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	typ := reflect.TypeOf(dst).Elem()
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: all[k]})
		probe := reflect.New(typ).Interface()
		if perr := json.Unmarshal(one, probe); perr != nil {
			return propertyError(k, all[k], perr)
		}
	}
	return valid.New("object", CodeJSON, err.Error(), map[string]any{"Property": "object"})
}

// propertyError turns the failure to decode one property into a
// *valid.Error naming it.
func propertyError(property string, raw json.RawMessage, err error) error {
	if list := valid.List(err); list != nil {
		return prefixField(list, property)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return jsonError(err)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "timestamp ") || strings.HasPrefix(msg, "a timestamp ") {
		var s string
		_ = json.Unmarshal(raw, &s) // a non-string gives "" and the message says so
		return valid.New(property, CodeTimestamp, property+": "+msg, map[string]any{"Property": property, "Value": s})
	}
	return valid.New(property, CodeJSON, property+": "+msg, map[string]any{"Property": property})
}

// encodeProps marshals v (a struct without JSON methods) and adds the
// properties of extra, sorted by name so the output is stable. An extra
// property that v models is written only while v's field is zero (it was
// received as "" or null); once set, the field wins.
func encodeProps(v any, extra map[string]json.RawMessage, props propSet) ([]byte, error) {
	b, err := marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(extra))
	var rv reflect.Value
	for k := range extra {
		if f, known := props[k]; known {
			if !rv.IsValid() {
				rv = reflect.ValueOf(v)
			}
			if !f.omits || !rv.FieldByIndex(f.index).IsZero() {
				continue
			}
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	buf := bytes.NewBuffer(b[:len(b)-1]) // drop the closing brace
	first := len(b) == 2                 // "{}"
	for _, k := range keys {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(k)
		buf.Write(name)
		buf.WriteByte(':')
		if err := json.Compact(buf, extra[k]); err != nil {
			return nil, fmt.Errorf("property %q: not valid JSON: %w", k, err)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// marshal is json.Marshal without escaping <, > and & as \u003c…: STIX
// text (descriptions, patterns) is read by people and other tools, not
// pasted into HTML.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
