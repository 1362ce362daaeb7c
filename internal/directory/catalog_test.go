package directory_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"atalaya/internal/valid"
)

// seen holds every validation code the tests met, with the Args of one
// occurrence: after the tests, TestMain checks that each has a message in
// every catalog and that the message renders with those Args. A new code
// without a message thus fails the suite without anyone keeping a list.
var seen sync.Map

// note records the codes of err.
func note(err error) {
	for _, e := range valid.List(err) {
		seen.Store(e.Code, e.Args)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && !fuzzing() {
		err := renderSeen()
		if err != nil {
			fmt.Fprintln(os.Stderr, "--- FAIL: message catalogs:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// catalogs holds the catalog files as TestCatalogKeys read them. Reading
// them in a test (not in TestMain) lets the test cache notice a change.
var catalogs map[string][]byte

func TestCatalogKeys(t *testing.T) {
	files, err := readCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	catalogs = files
	bundle, ids, err := loadCatalogs(files)
	if err != nil || bundle == nil {
		t.Fatal(err)
	}
	for i, lang := range catalogLangs[1:] {
		if !slices.Equal(ids[0], ids[i+1]) {
			t.Errorf("directory.%s.toml and directory.en.toml hold different keys", lang)
		}
	}
}

// fuzzing reports whether this process runs a fuzzer, whose inputs say
// nothing about the catalogs.
func fuzzing() bool {
	f, w := flag.Lookup("test.fuzz"), flag.Lookup("test.fuzzworker")
	return (f != nil && f.Value.String() != "") || (w != nil && w.Value.String() == "true")
}

var catalogLangs = []string{"en", "es", "pt", "fr"}

func catalogPath(lang string) string {
	return filepath.Join("..", "i18n", "catalog", "directory."+lang+".toml")
}

func readCatalogs() (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, lang := range catalogLangs {
		b, err := os.ReadFile(catalogPath(lang))
		if err != nil {
			return nil, err
		}
		files[lang] = b
	}
	return files, nil
}

func loadCatalogs(files map[string][]byte) (*i18n.Bundle, [][]string, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	var ids [][]string
	for _, lang := range catalogLangs {
		f, err := bundle.ParseMessageFileBytes(files[lang], catalogPath(lang))
		if err != nil {
			return nil, nil, err
		}
		var langIDs []string
		for _, m := range f.Messages {
			langIDs = append(langIDs, m.ID)
		}
		slices.Sort(langIDs)
		ids = append(ids, langIDs)
	}
	return bundle, ids, nil
}

// renderSeen renders every code the tests met in every language.
func renderSeen() error {
	files := catalogs
	if files == nil { // TestCatalogKeys was filtered out by -run
		var err error
		if files, err = readCatalogs(); err != nil {
			return err
		}
	}
	bundle, _, err := loadCatalogs(files)
	if err != nil {
		return err
	}
	var problems []string
	seen.Range(func(k, v any) bool {
		problems = append(problems, renderEverywhere(bundle, k.(string), v.(map[string]any))...)
		return true
	})
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("%d problems:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return nil
}

func renderEverywhere(bundle *i18n.Bundle, code string, args map[string]any) []string {
	var problems []string
	for _, lang := range catalogLangs {
		loc := i18n.NewLocalizer(bundle, lang)
		s, tag, err := loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: "invalid." + code, TemplateData: args})
		base, _ := tag.Base()
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: invalid.%s: %v", lang, code, err))
		case base.String() != lang:
			problems = append(problems, fmt.Sprintf("%s: invalid.%s falls back to %s", lang, code, tag))
		case strings.Contains(s, "<no value>") || strings.Contains(s, "{{"):
			problems = append(problems, fmt.Sprintf("%s: invalid.%s renders %q with Args %v", lang, code, s, args))
		}
	}
	return problems
}
