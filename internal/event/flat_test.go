package event

import (
	"encoding/json"
	"testing"
)

func TestFlat(t *testing.T) {
	e := typical(t)
	if err := e.Set("extra.botnet_id", "E4"); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(e.Flat())
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, name := range Fields() {
		want, set := e.Get(name)
		got, ok := back[name]
		switch {
		case !set && ok:
			t.Errorf("%s: unset but written as %v", name, got)
		case set && numericFields[name]:
			if n, isNum := got.(float64); !isNum || json.Number(want).String() != want || n == 0 {
				t.Errorf("%s: %v (%T), want the number %s", name, got, got, want)
			}
		case set && got != want:
			t.Errorf("%s: %v, want %q", name, got, want)
		}
	}
	if back["extra.botnet_id"] != "E4" {
		t.Errorf("extra written as %v", back["extra.botnet_id"])
	}
}
