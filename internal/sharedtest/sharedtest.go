// Package sharedtest finds the project's shared test data (../shared/testdata
// beside the clone) for tests that read real samples in place.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of rel under shared/testdata. It looks for a
// "shared" folder beside the module root (or ATALAYA_SHARED if set) and skips
// the test, saying so, where it is absent.
func Path(t testing.TB, rel ...string) string {
	t.Helper()
	root := os.Getenv("ATALAYA_SHARED")
	if root == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatalf("getwd: %v", err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				t.Skip("shared test data not found: no go.mod above the test")
			}
			dir = parent
		}
		root = filepath.Join(filepath.Dir(dir), "shared")
	}
	p := filepath.Join(append([]string{root, "testdata"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test data absent (%s): clone the project beside ../shared to run this test", p)
	}
	return p
}
