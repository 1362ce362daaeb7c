package parsers

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestFeedlinesCatalog finds each "feedlines_*" code the files of families
// B and C can return and checks the four catalogs show a message for it.
func TestFeedlinesCatalog(t *testing.T) {
	var sources []string
	for _, pattern := range []string{"lines_*.go", "cymru*.go", "spamhaus*.go", "feodo*.go", "blocklistde*.go",
		"dshield*.go", "openphish*.go", "bambenek*.go", "zoneh*.go", "stix*.go", "misp*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, m...)
	}
	codeRE := regexp.MustCompile(`"(feedlines_[a-z_]+)"`)
	codes := map[string]bool{}
	for _, name := range sources {
		if filepath.Ext(name) != ".go" || len(name) > 8 && name[len(name)-8:] == "_test.go" {
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
	if len(codes) < 8 {
		t.Fatalf("found only %d codes in %v", len(codes), sources)
	}
	for _, lang := range []string{"en", "es", "pt", "fr"} {
		cat, err := os.ReadFile(filepath.Join("..", "i18n", "catalog", "feedlines."+lang+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		for code := range codes {
			if !regexp.MustCompile(`(?m)^"invalid\.` + code + `" = `).Match(cat) {
				t.Errorf("feedlines.%s.toml has no invalid.%s", lang, code)
			}
		}
	}
}
