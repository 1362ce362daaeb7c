package stix

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"atalaya/internal/sharedtest"
)

// sampleBundle is one real bundle from ../shared/testdata.
type sampleBundle struct {
	name   string
	raw    []byte
	bundle Bundle
}

// exampleBundles reads the 15 OASIS example bundles.
func exampleBundles(t testing.TB) []sampleBundle {
	t.Helper()
	dir := sharedtest.Path(t, "stix", "examples")
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".json" {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	if len(paths) != 15 {
		t.Fatalf("found %d example bundles in %s, want 15", len(paths), dir)
	}
	out := make([]sampleBundle, 0, len(paths))
	for _, p := range paths {
		out = append(out, readSample(t, p))
	}
	return out
}

// attackMobile reads ATT&CK Mobile 17.1 (2,148 objects).
func attackMobile(t testing.TB) sampleBundle {
	t.Helper()
	return readSample(t, sharedtest.Path(t, "stix", "attack", "mobile-attack-17.1.json"))
}

// allSamples is the examples and ATT&CK Mobile.
func allSamples(t testing.TB) []sampleBundle {
	t.Helper()
	return append(exampleBundles(t), attackMobile(t))
}

// readSample reads a bundle; a file holding one bare object (the OASIS
// interop-objectmarking-test example is a campaign) is read as a bundle of
// that object.
func readSample(t testing.TB, path string) sampleBundle {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
	b, err := ParseBundle(bytes.NewReader(raw))
	if err != nil {
		var head struct{ Type string }
		if json.Unmarshal(raw, &head) != nil || head.Type == "bundle" || head.Type == "" {
			t.Fatalf("%s: %v", path, err)
		}
		b = Bundle{Type: "bundle", Objects: []json.RawMessage{raw}}
	}
	return sampleBundle{name: name, raw: raw, bundle: b}
}

// sameJSON reports whether a and b decode to equal values.
func sameJSON(t testing.TB, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return equalJSON(va, vb)
}

func equalJSON(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, v := range a {
			w, ok := bm[k]
			if !ok || !equalJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return false
		}
		for i := range a {
			if !equalJSON(a[i], bs[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// quoteJSON writes s as a JSON string.
func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
