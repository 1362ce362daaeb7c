package exchange

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/jsondiff"
	"atalaya/internal/misp"
	"atalaya/internal/sharedtest"
	"atalaya/internal/stix/stixtest"
)

// mispSamples are the core-format samples that hold at least one event.
func mispSamples(t *testing.T) map[string][]*misp.Event {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "misp", "core"), "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*misp.Event{}
	for _, f := range files {
		events, err := misp.ParseEvents(bytes.NewReader(readFile(t, f)))
		if err != nil || len(events) == 0 {
			t.Logf("%s holds no event (%v): not a round-trip sample", filepath.Base(f), err)
			continue
		}
		out[f] = events
	}
	if len(out) < 8 {
		t.Fatalf("only %d MISP samples hold events", len(out))
	}
	return out
}

// TestMISPRoundTrip imports each MISP sample and exports it as MISP again:
// every event comes back with every attribute, object, tag and galaxy as
// it was, and the same content exported as STIX validates.
func TestMISPRoundTrip(t *testing.T) {
	samples := mispSamples(t)
	v := stixtest.Validator(t)
	names := make([]string, 0, len(samples))
	for f := range samples {
		names = append(names, f)
	}
	sort.Strings(names)
	eachEngine(t, func(t *testing.T, fresh func(t *testing.T) *intel.Store) {
		for _, path := range names {
			t.Run(strings.TrimSuffix(filepath.Base(path), ".json"), func(t *testing.T) {
				st := fresh(t)
				a := member("org-a")
				rep := importBytes(t, st, a, readFile(t, path), ImportOptions{Format: MISP, Sharing: intel.Sharing{TLP: access.TLPClear}})
				for _, r := range rep.Refused {
					t.Errorf("refused object %d %s, %s: %s (%s)", r.Index, r.ID, r.Field, r.Message, r.Code)
				}
				if len(rep.Accepted) == 0 {
					t.Fatal("nothing accepted")
				}
				compareEvents(t, samples[path], exportEvents(t, st, a))
				validateSTIX(t, v, st, a)
			})
		}
	})
}

// TestMISPFeedRoundTrip imports the DigitalSide feed directory, exports it
// as MISP and as a feed again, and compares the events of both with the
// original.
func TestMISPFeedRoundTrip(t *testing.T) {
	dir := sharedtest.Path(t, "misp", "feed", "digitalside-misp-feed")
	_, want, err := misp.ReadFeed(os.DirFS(dir))
	if err != nil || len(want) == 0 {
		t.Fatalf("reading the feed: %d events, %v", len(want), err)
	}
	v := stixtest.Validator(t)
	eachStore(t, func(t *testing.T, st *intel.Store) {
		a := member("org-a")
		rep, err := ImportFeedWithNotes(context.Background(), st, a, os.DirFS(dir), ImportOptions{Sharing: intel.Sharing{TLP: access.TLPClear}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Refused) > 0 || len(rep.Accepted) == 0 {
			t.Fatalf("feed import: %d accepted, refused %+v", len(rep.Accepted), rep.Refused)
		}
		compareEvents(t, want, exportEvents(t, st, a))
		validateSTIX(t, v, st, a)

		out := t.TempDir()
		if _, err := ExportFeed(context.Background(), st, a, out, intel.Filter{}); err != nil {
			t.Fatalf("feed export: %v", err)
		}
		_, got, err := misp.ReadFeed(os.DirFS(out))
		if err != nil {
			t.Fatalf("reading the exported feed: %v", err)
		}
		compareEvents(t, want, got)
		for _, name := range []string{"manifest.json", "hashes.csv"} {
			if _, err := os.Stat(filepath.Join(out, name)); err != nil {
				t.Errorf("exported feed lacks %s", name)
			}
		}
	})
}

// exportEvents exports what a sees as MISP and reads the events back.
func exportEvents(t *testing.T, st *intel.Store, a access.Actor) []*misp.Event {
	t.Helper()
	events, err := misp.ParseEvents(bytes.NewReader(exportBytes(t, st, a, MISP, intel.Filter{})))
	if err != nil {
		t.Fatalf("the MISP export does not read back: %v", err)
	}
	return events
}

// validateSTIX exports what a sees as STIX and validates every object.
func validateSTIX(t *testing.T, v *stixtest.SchemaValidator, st *intel.Store, a access.Actor) {
	t.Helper()
	for _, raw := range bundleObjects(t, exportBytes(t, st, a, STIX, intel.Filter{})) {
		if err := v.Object(raw); err != nil {
			t.Errorf("%s does not validate: %v", keyOf(t, raw).ID, err)
		}
	}
}

// compareEvents matches events by uuid and reports every difference by
// its path, attribute by attribute and object by object.
func compareEvents(t *testing.T, want, got []*misp.Event) {
	t.Helper()
	gotByUUID := map[string]*misp.Event{}
	for _, ev := range got {
		gotByUUID[ev.UUID] = ev
	}
	if len(got) != len(want) {
		t.Errorf("%d events exported, want %d", len(got), len(want))
	}
	for _, w := range want {
		g, ok := gotByUUID[w.UUID]
		if !ok {
			t.Errorf("event %s (%s) lost", w.UUID, w.Info)
			continue
		}
		wj, err := jsondiff.Of(w)
		if err != nil {
			t.Fatal(err)
		}
		gj, err := jsondiff.Of(g)
		if err != nil {
			t.Fatal(err)
		}
		// Exports may order attributes differently; every one is matched
		// by uuid.
		for _, d := range jsondiff.Diff("Event", wj, gj, jsondiff.Options{Key: "uuid"}) {
			t.Errorf("event %s: %s", w.UUID, d)
		}
	}
}
