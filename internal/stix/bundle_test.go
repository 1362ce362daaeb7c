package stix

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseBundleErrors(t *testing.T) {
	cases := []struct{ name, in, field, code string }{
		{"empty", ``, "bundle", CodeJSON},
		{"not JSON", `{"type":`, "bundle", CodeJSON},
		{"array of objects", `[{"type":"indicator"}]`, "bundle", CodeBundle},
		{"bare object", `{"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}`, "type", CodeBundle},
		{"no id", `{"type":"bundle","objects":[]}`, "id", CodeRequired},
		{"id of another type", `{"type":"bundle","id":"report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}`, "id", CodeID},
		{"objects not a list", `{"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","objects":{}}`, "objects", CodeJSONType},
		{"object not an object", `{"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","objects":[{},"x"]}`, "objects[1]", CodeJSONType},
		{"two values", `{"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"} {}`, "bundle", CodeJSON},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBundle(strings.NewReader(tc.in))
			if !hasError(err, tc.field, tc.code) {
				t.Errorf("got %v, want %s %s", err, tc.field, tc.code)
			}
		})
	}
}

func TestNewBundle(t *testing.T) {
	b := NewBundle([]json.RawMessage{TLPMarkingObject(TLPGreen)})
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseBundle(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != b.ID || len(back.Objects) != 1 || IDType(b.ID) != "bundle" {
		t.Errorf("got %+v", back)
	}
	if NewBundle(nil).ID == b.ID {
		t.Error("bundle ids repeat")
	}
}
