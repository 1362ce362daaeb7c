package alerts

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCodesInCatalog: every valid.Error code the package can return has
// its message in the catalogs (i18n's own test checks the four languages
// agree).
func TestCodesInCatalog(t *testing.T) {
	catalog, err := os.ReadFile(filepath.Join("..", "i18n", "catalog", "alerts.en.toml"))
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`(?:valid\.New|errs\.Add)\("[^"]+", "([a-z_]+)"`)
	files, _ := filepath.Glob("*.go")
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			found++
			if !strings.Contains(string(catalog), `"invalid.`+m[1]+`" =`) {
				t.Errorf("%s: code %s has no invalid.%s in alerts.en.toml", f, m[1], m[1])
			}
		}
	}
	if found < 10 {
		t.Errorf("found only %d codes: the pattern no longer matches the code", found)
	}
}
