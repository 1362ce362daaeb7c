package stix

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestCodesInCatalog: every code has its "invalid.<code>" message in the
// stix catalogs, and the catalogs hold no message for a code we never
// return.
func TestCodesInCatalog(t *testing.T) {
	for _, lang := range []string{"en", "es", "pt", "fr"} {
		t.Run(lang, func(t *testing.T) {
			var cat map[string]any
			path := filepath.Join("..", "i18n", "catalog", "stix."+lang+".toml")
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := toml.Unmarshal(raw, &cat); err != nil {
				t.Fatal(err)
			}
			for _, code := range allCodes {
				if _, ok := cat["invalid."+code]; !ok {
					t.Errorf("%s: no message for %s", path, code)
				}
			}
			for key := range cat {
				if code, ok := strings.CutPrefix(key, "invalid."); ok && !slices.Contains(allCodes, code) {
					t.Errorf("%s: message for unknown code %s", path, code)
				}
			}
		})
	}
}
