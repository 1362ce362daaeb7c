package jsondiff

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		o         Options
		diffs     []string
	}{
		{"equal, keys in another order", `{"a":1,"b":[1,2]}`, `{"b":[1,2],"a":1}`, Options{}, nil},
		{"number as written", `{"a":1}`, `{"a":1.0}`, Options{}, []string{"E.a: 1 != 1.0"}},
		{"missing and unexpected", `{"a":1}`, `{"b":1}`, Options{}, []string{"E.a: missing (want 1)", "E.b: unexpected 1"}},
		{"type changed", `{"a":{}}`, `{"a":[]}`, Options{}, []string{"E.a: object != []interface {}"}},
		{"list by position", `[1,2,3]`, `[1,3]`, Options{}, []string{"E: 3 items != 2", "E[1]: 2 != 3"}},
		{"list by key, order ignored", `[{"id":"x","v":1},{"id":"y","v":2}]`, `[{"id":"y","v":2},{"id":"x","v":1}]`,
			Options{Key: "id"}, nil},
		{"list by key, order reported", `[{"id":"x"},{"id":"y"}]`, `[{"id":"y"},{"id":"x"}]`,
			Options{Key: "id", Ordered: true}, []string{"E[id=x]: at position 1, want 0", "E[id=y]: at position 0, want 1"}},
		{"list by key, value and membership", `[{"id":"x","v":1},{"id":"y"}]`, `[{"id":"x","v":2},{"id":"z"}]`,
			Options{Key: "id"}, []string{"E[id=x].v: 1 != 2", "E[id=y]: missing", "E[id=z]: unexpected"}},
		{"duplicate keys fall back to position", `[{"id":"x","v":1},{"id":"x","v":2}]`, `[{"id":"x","v":2},{"id":"x","v":1}]`,
			Options{Key: "id"}, []string{"E[0].v: 1 != 2", "E[1].v: 2 != 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Diff("E", decode(t, tc.want), decode(t, tc.got), tc.o)
			if !slices.Equal(got, tc.diffs) {
				t.Errorf("Diff = %q, want %q", got, tc.diffs)
			}
		})
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var raw json.RawMessage = []byte(s)
	v, err := Of(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
