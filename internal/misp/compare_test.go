package misp

import (
	"testing"

	"atalaya/internal/jsondiff"
)

// eventDiff compares two events property by property through their MISP
// JSON, matching list items by uuid where every item has a distinct one
// (and reporting moved ones), and returns each difference with its path
// ("Attribute[uuid=…].to_ids: true != false").
func eventDiff(t *testing.T, want, got *Event) []string {
	t.Helper()
	w, err := jsondiff.Of(want)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	g, err := jsondiff.Of(got)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return jsonDiff("Event", w, g)
}

// jsonDiff compares two generic JSON values the way eventDiff does.
func jsonDiff(path string, want, got any) []string {
	return jsondiff.Diff(path, want, got, jsondiff.Options{Key: "uuid", Ordered: true})
}
