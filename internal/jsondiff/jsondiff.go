// Package jsondiff compares two JSON documents and names every difference
// by its path ("Event.Attribute[uuid=…].to_ids: true != false"), for tests
// that check a round trip loses nothing. Items of a list are matched by an
// identifying property when every item has a distinct one, else by position.
package jsondiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
)

// Options tune a comparison.
type Options struct {
	// Key names the property that identifies list items ("uuid"); "" matches
	// items by position only.
	Key string
	// Ordered also reports items matched by Key that changed position.
	Ordered bool
}

// Of returns v marshalled and read back as generic JSON, numbers kept as
// written (json.Number), ready for Diff.
func Of(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// Diff lists the differences between two generic JSON values under path,
// sorted; nil when they are equal.
func Diff(path string, want, got any, o Options) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: object != %T", path, got)}
		}
		return mapDiff(path, w, g, o)
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: array != %T", path, got)}
		}
		return listDiff(path, w, g, o)
	}
	if !reflect.DeepEqual(want, got) {
		return []string{fmt.Sprintf("%s: %v != %v", path, want, got)}
	}
	return nil
}

func mapDiff(path string, want, got map[string]any, o Options) []string {
	var out []string
	for _, k := range unionKeys(want, got) {
		w, inW := want[k]
		g, inG := got[k]
		switch {
		case !inG:
			out = append(out, fmt.Sprintf("%s.%s: missing (want %v)", path, k, w))
		case !inW:
			out = append(out, fmt.Sprintf("%s.%s: unexpected %v", path, k, g))
		default:
			out = append(out, Diff(path+"."+k, w, g, o)...)
		}
	}
	return out
}

// listDiff matches items by o.Key when every item of both lists has a
// distinct one, else by position.
func listDiff(path string, want, got []any, o Options) []string {
	wIDs, wOK := keyed(want, o.Key)
	gIDs, gOK := keyed(got, o.Key)
	var out []string
	if !wOK || !gOK {
		if len(want) != len(got) {
			out = append(out, fmt.Sprintf("%s: %d items != %d", path, len(want), len(got)))
		}
		for i := 0; i < len(want) && i < len(got); i++ {
			out = append(out, Diff(fmt.Sprintf("%s[%d]", path, i), want[i], got[i], o)...)
		}
		return out
	}
	for _, id := range unionKeys(wIDs, gIDs) {
		at := fmt.Sprintf("%s[%s=%s]", path, o.Key, id)
		i, inW := wIDs[id]
		j, inG := gIDs[id]
		switch {
		case !inG:
			out = append(out, at+": missing")
			continue
		case !inW:
			out = append(out, at+": unexpected")
			continue
		case o.Ordered && i != j:
			out = append(out, fmt.Sprintf("%s: at position %d, want %d", at, j, i))
		}
		out = append(out, Diff(at, want[i], got[j], o)...)
	}
	sort.Strings(out)
	return out
}

// keyed maps each item's key to its position; false when key is "", an
// item is not an object with a non-empty string key, or two share one.
func keyed(items []any, key string) (map[string]int, bool) {
	if key == "" {
		return nil, false
	}
	ids := make(map[string]int, len(items))
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		id, ok := m[key].(string)
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

// unionKeys are the keys of both maps, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
