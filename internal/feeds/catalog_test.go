package feeds

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCatalogHasEveryCode finds each "feeds_*" code this package's source
// can return and checks the four catalogs show a message for it, so no
// reader ever sees a bare key.
func TestCatalogHasEveryCode(t *testing.T) {
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	codeRE := regexp.MustCompile(`"(feeds_[a-z_]+)"`)
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
	if len(codes) < 15 {
		t.Fatalf("found only %d codes in the source: %v", len(codes), codes)
	}
	for _, lang := range []string{"en", "es", "pt", "fr"} {
		cat, err := os.ReadFile(filepath.Join("..", "i18n", "catalog", "feeds."+lang+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		for code := range codes {
			if !regexp.MustCompile(`(?m)^"invalid\.` + code + `" = `).Match(cat) {
				t.Errorf("feeds.%s.toml has no invalid.%s", lang, code)
			}
		}
	}
}
