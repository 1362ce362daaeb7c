package misp

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// eventDiff compares two events property by property through their MISP
// JSON, matching list items by uuid where every item has a distinct one, and
// returns each difference with its path ("Attribute[uuid=…].to_ids: true !=
// false").
func eventDiff(t *testing.T, want, got *Event) []string {
	t.Helper()
	return jsonDiff("Event", asJSON(t, want), asJSON(t, got))
}

func asJSON(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return out
}

func jsonDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: object != %T", path, got)}
		}
		return mapDiff(path, w, g)
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: array != %T", path, got)}
		}
		return listDiff(path, w, g)
	}
	if !reflect.DeepEqual(want, got) {
		return []string{fmt.Sprintf("%s: %v != %v", path, want, got)}
	}
	return nil
}

func mapDiff(path string, want, got map[string]any) []string {
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []string
	for _, k := range sorted {
		w, inW := want[k]
		g, inG := got[k]
		switch {
		case !inG:
			out = append(out, fmt.Sprintf("%s.%s: missing (want %v)", path, k, w))
		case !inW:
			out = append(out, fmt.Sprintf("%s.%s: unexpected %v", path, k, g))
		default:
			out = append(out, jsonDiff(path+"."+k, w, g)...)
		}
	}
	return out
}

// listDiff matches items by uuid when each item of both lists has a
// distinct one, else by position.
func listDiff(path string, want, got []any) []string {
	wIDs, wOK := uuids(want)
	gIDs, gOK := uuids(got)
	var out []string
	if !wOK || !gOK {
		if len(want) != len(got) {
			out = append(out, fmt.Sprintf("%s: %d items != %d", path, len(want), len(got)))
		}
		for i := 0; i < len(want) && i < len(got); i++ {
			out = append(out, jsonDiff(fmt.Sprintf("%s[%d]", path, i), want[i], got[i])...)
		}
		return out
	}
	for id, i := range wIDs {
		at := fmt.Sprintf("%s[uuid=%s]", path, id)
		j, ok := gIDs[id]
		switch {
		case !ok:
			out = append(out, at+": missing")
			continue
		case i != j:
			out = append(out, fmt.Sprintf("%s: at position %d, want %d", at, j, i))
		}
		out = append(out, jsonDiff(at, want[i], got[j])...)
	}
	for id := range gIDs {
		if _, ok := wIDs[id]; !ok {
			out = append(out, fmt.Sprintf("%s[uuid=%s]: unexpected", path, id))
		}
	}
	sort.Strings(out)
	return out
}

// uuids maps the uuid of every item to its position; false when an item is
// not an object with a uuid, or two share one.
func uuids(items []any) (map[string]int, bool) {
	ids := make(map[string]int, len(items))
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		id, ok := m["uuid"].(string)
		if !ok || id == "" {
			return nil, false
		}
		if _, dup := ids[id]; dup {
			return nil, false
		}
		ids[id] = i
	}
	return ids, true
}
