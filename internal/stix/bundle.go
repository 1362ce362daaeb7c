package stix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"atalaya/internal/valid"
)

// Bundle is a STIX bundle as received: the objects stay raw JSON so nothing
// is lost on the way to the store.
type Bundle struct {
	Type    string            `json:"type"`
	ID      string            `json:"id"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

// NewBundle wraps objects in a bundle with a fresh "bundle--<uuid4>" id.
func NewBundle(objects []json.RawMessage) Bundle {
	return Bundle{Type: "bundle", ID: NewID("bundle"), Objects: objects}
}

// ParseBundle reads one STIX bundle from r. It does not accept a bare object
// or an array: the error then says what was found instead. Each object must
// be a JSON object (its content is checked by Decode or Validate, not here).
func ParseBundle(r io.Reader) (Bundle, error) {
	dec := json.NewDecoder(r)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return Bundle{}, valid.New("bundle", CodeJSON, "not JSON: "+err.Error(), map[string]any{"Property": "bundle"})
	}
	if _, err := dec.Token(); err != io.EOF {
		return Bundle{}, valid.New("bundle", CodeJSON, "more than one JSON value: a bundle is one object", map[string]any{"Property": "bundle"})
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return Bundle{}, valid.New("bundle", CodeBundle, "expected a bundle (a JSON object with \"type\": \"bundle\"), found "+jsonKind(raw), map[string]any{"Property": "bundle", "Value": jsonKind(raw)})
	}
	var b Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		return Bundle{}, jsonError(err)
	}
	if b.Type != "bundle" {
		return Bundle{}, valid.New("type", CodeBundle, fmt.Sprintf("expected type \"bundle\", found %q", b.Type), map[string]any{"Property": "type", "Value": b.Type})
	}
	if b.ID == "" {
		return Bundle{}, valid.New("id", CodeRequired, "the bundle has no id", map[string]any{"Property": "id"})
	}
	if !ValidID(b.ID) || IDType(b.ID) != "bundle" {
		return Bundle{}, valid.New("id", CodeID, fmt.Sprintf("%q is not a bundle id (bundle--<uuid>)", b.ID), map[string]any{"Property": "id", "Value": b.ID})
	}
	for i, o := range b.Objects {
		o = bytes.TrimSpace(o)
		if len(o) == 0 || o[0] != '{' {
			field := fmt.Sprintf("objects[%d]", i)
			return Bundle{}, valid.New(field, CodeJSONType, field+" must be a JSON object, found "+jsonKind(o), map[string]any{"Property": field, "Expected": "object"})
		}
	}
	return b, nil
}

// jsonKind names the kind of JSON value raw starts with, for messages.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
