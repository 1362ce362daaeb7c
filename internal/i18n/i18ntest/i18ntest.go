// Package i18ntest holds the check every domain package runs on its
// validation codes: each code its source can return has a message in the
// four catalogs, so no reader ever sees a bare key.
package i18ntest

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// Langs are the catalogs' languages.
var Langs = []string{"en", "es", "pt", "fr"}

// Prefixed matches the string literals "PREFIX…" (prefix like "feeds_"),
// for packages whose codes all share a prefix no other literal uses.
func Prefixed(prefix string) string { return `"(` + regexp.QuoteMeta(prefix) + `[a-z0-9_]+)"` }

// CatalogHasCodes scans the non-test Go files of the calling package's
// directory with pattern (a regular expression whose first group is a
// code, e.g. Prefixed("feeds_")) and checks that catalog.<lang>.toml of
// every language has invalid.<code>. Finding fewer than min codes fails:
// the scan no longer sees the codes.
func CatalogHasCodes(t testing.TB, catalog, pattern string, min int) {
	t.Helper()
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	codeRE := regexp.MustCompile(pattern)
	codes := map[string]bool{}
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range codeRE.FindAllStringSubmatch(string(src), -1) {
			codes[m[1]] = true
		}
	}
	if len(codes) < min {
		t.Fatalf("found only %d codes matching %s in the source: %v", len(codes), pattern, codes)
	}
	for _, lang := range Langs {
		file := catalog + "." + lang + ".toml"
		cat, err := os.ReadFile(filepath.Join(catalogDir(t), file))
		if err != nil {
			t.Fatal(err)
		}
		for code := range codes {
			if !regexp.MustCompile(`(?m)^"invalid\.` + regexp.QuoteMeta(code) + `" = `).Match(cat) {
				t.Errorf("%s has no invalid.%s", file, code)
			}
		}
	}
}

// catalogDir is internal/i18n/catalog, found from this file so the check
// works from any package directory.
func catalogDir(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the catalogs")
	}
	return filepath.Join(filepath.Dir(file), "..", "catalog")
}
