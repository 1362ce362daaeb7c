package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"atalaya/internal/valid"
)

// Envelope holds the common properties of any STIX object, read without
// decoding the rest: what a store indexes and a list shows.
type Envelope struct {
	Type, ID, SpecVersion string
	Created, Modified     Timestamp // zero when absent (SCOs; marking-definition has no modified)
	CreatedByRef          string
	Revoked               bool
	Labels                []string
	Confidence            *int
	ObjectMarkingRefs     []string
	// Name is what a list shows: "name" when the type has one, else "value"
	// (ipv4-addr, domain-name, url, email-addr…), else a file's strongest
	// hash, else an autonomous-system's number as "AS<n>".
	Name string
}

// envelopeJSON is the subset of properties ParseEnvelope reads; every other
// property is skipped by encoding/json.
type envelopeJSON struct {
	Type              string            `json:"type"`
	ID                string            `json:"id"`
	SpecVersion       string            `json:"spec_version"`
	Created           string            `json:"created"`
	Modified          string            `json:"modified"`
	CreatedByRef      string            `json:"created_by_ref"`
	Revoked           bool              `json:"revoked"`
	Labels            []string          `json:"labels"`
	Confidence        *int              `json:"confidence"`
	ObjectMarkingRefs []string          `json:"object_marking_refs"`
	Name              string            `json:"name"`
	Value             json.RawMessage   `json:"value"`
	Number            json.RawMessage   `json:"number"`
	Hashes            map[string]string `json:"hashes"`
}

// ParseEnvelope reads the common properties of one STIX object. A property of
// the wrong JSON type or a malformed timestamp is reported as a *valid.Error
// naming the property; a missing type or id is an error too, since nothing can
// be stored without them.
func ParseEnvelope(raw []byte) (Envelope, error) {
	var j envelopeJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return Envelope{}, jsonError(err)
	}
	if j.Type == "" {
		return Envelope{}, valid.New("type", CodeRequired, "the object has no type", map[string]any{"Property": "type"})
	}
	if j.ID == "" {
		return Envelope{}, valid.New("id", CodeRequired, "the object has no id", map[string]any{"Property": "id"})
	}
	created, err := optionalTimestamp("created", j.Created)
	if err != nil {
		return Envelope{}, err
	}
	modified, err := optionalTimestamp("modified", j.Modified)
	if err != nil {
		return Envelope{}, err
	}
	e := Envelope{
		Type: j.Type, ID: j.ID, SpecVersion: j.SpecVersion,
		Created: created, Modified: modified, CreatedByRef: j.CreatedByRef,
		Revoked: j.Revoked, Labels: j.Labels, Confidence: j.Confidence,
		ObjectMarkingRefs: j.ObjectMarkingRefs,
	}
	e.Name = displayName(&j)
	return e, nil
}

// optionalTimestamp parses s when present, naming the property on error.
func optionalTimestamp(property, s string) (Timestamp, error) {
	if s == "" {
		return Timestamp{}, nil
	}
	t, err := ParseTimestamp(s)
	if err != nil {
		return Timestamp{}, timestampError(property, s, err)
	}
	return t, nil
}

// timestampError is the *valid.Error for a malformed timestamp.
func timestampError(property, s string, err error) error {
	return valid.New(property, CodeTimestamp, err.Error(), map[string]any{"Property": property, "Value": s})
}

// displayName picks what a list shows for an object.
func displayName(j *envelopeJSON) string {
	if j.Name != "" {
		return j.Name
	}
	if s, ok := jsonScalarText(j.Value); ok {
		return s
	}
	if j.Type == "file" {
		if _, v := strongestHash(j.Hashes); v != "" {
			return v
		}
	}
	if j.Type == "autonomous-system" {
		if s, ok := jsonScalarText(j.Number); ok {
			return "AS" + s
		}
	}
	return ""
}

// hashPreference orders hash algorithms from strongest to weakest, so a
// file's display name and observables do not depend on JSON key order.
var hashPreference = []string{"SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SHA-1", "MD5", "SSDEEP", "TLSH"}

// strongestHash returns the preferred algorithm present in h and its value;
// with none of the known names, the alphabetically first key.
func strongestHash(h map[string]string) (string, string) {
	for _, k := range hashPreference {
		if v, ok := h[k]; ok {
			return k, v
		}
	}
	first := ""
	for k := range h {
		if first == "" || k < first {
			first = k
		}
	}
	return first, h[first]
}

// jsonScalarText returns a JSON string's content or a number's text.
func jsonScalarText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, true
		}
		return "", false
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return string(raw), true
	}
	return "", false
}

// Version returns the text that identifies this version of the object: the
// modified timestamp, else created, else "" (SCOs are not versioned).
func (e Envelope) Version() string {
	if !e.Modified.IsZero() {
		return e.Modified.String()
	}
	return e.Created.String()
}

// jsonError turns an encoding/json error into a *valid.Error naming the
// property where the decoder stopped.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "object"
		}
		return valid.New(field, CodeJSONType,
			fmt.Sprintf("%s must be a JSON %s", field, expectedJSON(te)),
			map[string]any{"Property": field, "Expected": expectedJSON(te)})
	}
	return valid.New("object", CodeJSON, "not a JSON object: "+err.Error(), map[string]any{"Property": "object"})
}
