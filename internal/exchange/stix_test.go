package exchange

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/sharedtest"
	"atalaya/internal/stix"
	"atalaya/internal/stix/stixtest"
)

// stixSamples are the 15 OASIS example bundles and ATT&CK Mobile.
func stixSamples(t *testing.T) []string {
	t.Helper()
	examples := sharedtest.Path(t, "stix", "examples")
	files, err := filepath.Glob(filepath.Join(examples, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 15 {
		t.Fatalf("%d example bundles in %s, want the 15 OASIS examples", len(files), examples)
	}
	sort.Strings(files)
	return append(files, sharedtest.Path(t, "stix", "attack", "mobile-attack-17.1.json"))
}

// TestSTIXRoundTrip imports each sample and exports it again: every object
// comes back with the same id, version and content, nothing is added but
// the TLP marking definitions the objects reference, and everything
// exported validates against the OASIS schemas.
func TestSTIXRoundTrip(t *testing.T) {
	files := stixSamples(t)
	v := stixtest.Validator(t)
	eachEngine(t, func(t *testing.T, fresh func(t *testing.T) *intel.Store) {
		for _, path := range files {
			t.Run(strings.TrimSuffix(filepath.Base(path), ".json"), func(t *testing.T) {
				st := fresh(t)
				a := member("org-a")
				data := readFile(t, path)
				rep := importBytes(t, st, a, data, ImportOptions{Format: STIX, Sharing: intel.Sharing{TLP: access.TLPAmber}})
				for _, r := range rep.Refused {
					t.Errorf("refused object %d %s, %s: %s (%s)", r.Index, r.ID, r.Field, r.Message, r.Code)
				}
				objs, err := stixObjects(data)
				if err != nil {
					t.Fatal(err)
				}
				want := byKey(t, objs)
				if n := len(rep.Accepted) + len(rep.Existing); n != len(want) {
					t.Errorf("accepted %d + existing %d, want %d objects", len(rep.Accepted), len(rep.Existing), len(want))
				}
				exported := bundleObjects(t, exportBytes(t, st, a, STIX, intel.Filter{Versions: []string{"all"}}))
				got := byKey(t, exported)
				if len(got) != len(exported) {
					t.Errorf("export holds %d objects but %d distinct versions: some twice", len(exported), len(got))
				}
				compareObjects(t, want, got)
				for _, raw := range exported {
					if err := v.Object(raw); err != nil {
						t.Errorf("%s does not validate: %v", keyOf(t, raw).ID, err)
					}
				}
			})
		}
	})
}

// compareObjects fails for every object of want missing or different in
// got, and every object of got that want lacks unless it is a TLP marking
// definition an export adds.
func compareObjects(t *testing.T, want, got map[objectKey]json.RawMessage) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("lost: %s version %q", k.ID, k.Version)
		case !jsonEqual(t, w, g):
			t.Errorf("changed: %s version %q\n was %s\n now %s", k.ID, k.Version, w, g)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok && !stix.IsTLPMarking(k.ID) {
			t.Errorf("added: %s version %q", k.ID, k.Version)
		}
	}
}

// TestSTIXExportAddsReferencedTLPMarkings checks the bundle carries the
// marking definition of every TLP marking its objects reference, once.
func TestSTIXExportAddsReferencedTLPMarkings(t *testing.T) {
	doc := "value,tlp\n198.51.100.7,green\n198.51.100.8,red\n198.51.100.9,green\n"
	eachStore(t, func(t *testing.T, st *intel.Store) {
		a := member("org-a")
		importBytes(t, st, a, []byte(doc), ImportOptions{Format: CSV, Sharing: intel.Sharing{TLP: access.TLPClear}})
		objs := bundleObjects(t, exportBytes(t, st, a, STIX, intel.Filter{}))
		count := map[string]int{}
		for _, o := range objs {
			count[keyOf(t, o).ID]++
		}
		for _, level := range []string{"green", "red"} {
			if n := count[stix.TLPMarkingID(level)]; n != 1 {
				t.Errorf("TLP:%s marking definition %d times, want once", level, n)
			}
		}
		if n := count[stix.TLPMarkingID("amber")]; n != 0 {
			t.Errorf("TLP:AMBER marking definition included though nothing references it")
		}
	})
}

func TestSTIXExportOfNothingIsABundle(t *testing.T) {
	eachStore(t, func(t *testing.T, st *intel.Store) {
		data := exportBytes(t, st, member("org-a"), STIX, intel.Filter{})
		if objs := bundleObjects(t, data); len(objs) != 0 {
			t.Errorf("%d objects in the export of an empty store", len(objs))
		}
		if strings.Contains(string(data), "objects") {
			t.Errorf("an empty bundle with \"objects\" does not validate: %s", data)
		}
	})
}
