package i18n

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestCatalogsComplete checks every embedded catalog of every domain: each
// domain has a file per language, each key is in every language, every
// template parses and a translation uses no placeholder English does not
// have, no key is defined by two domains.
func TestCatalogsComplete(t *testing.T) {
	for _, p := range catalogProblems(catalogs) {
		t.Error(p)
	}
	if _, err := New(); err != nil {
		t.Fatalf("New: %v", err)
	}
}

// TestCatalogProblemsFinds proves the checker above can fail: each case
// plants one fault and expects it named, with key and language.
func TestCatalogProblemsFinds(t *testing.T) {
	full := func(lang, body string) map[string]string {
		files := map[string]string{}
		for _, l := range Languages() {
			files["catalog/d."+l+".toml"] = `"a" = "A"` + "\n"
		}
		if lang != "" {
			files["catalog/d."+lang+".toml"] = body
		}
		return files
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string // substring of one reported problem; "" for none
	}{
		{"complete", full("", ""), ""},
		{"key missing in one language", full("pt", `"b" = "B"`), `d: key "a" is missing in pt`},
		{"key only in one language", full("fr", "\"a\" = \"A\"\n\"extra\" = \"X\""), `d: key "extra" is missing in en`},
		{"broken template", full("es", `"a" = "{{.Name"`), `d.es: key "a": template: message "a" (other)`},
		{"placeholder unknown to English", full("es", `"a" = "{{.Nombre}}"`), `d.es: key "a" uses {{.Nombre}}, which d.en does not`},
		{"plural without other", full("en", "[a]\none = \"1\""), `d.en: plural "a" has no "other" form`},
		{"file of unsupported language", mergeFiles(full("", ""), map[string]string{"catalog/d.de.toml": `"a" = "A"`}), `d.de.toml: language "de" is not one of`},
		{"badly named file", mergeFiles(full("", ""), map[string]string{"catalog/d.toml": `"a" = "A"`}), `d.toml: name is not <domain>.<lang>.toml`},
		{"file that does not parse", full("en", `"a" = `), `d.en.toml: `},
		{"domain missing a language", mergeFiles(full("", ""), map[string]string{"catalog/e.en.toml": `"z" = "Z"`}), `e: no catalog e.es.toml`},
		{"key in two domains", mergeFiles(full("", ""), map[string]string{
			"catalog/e.en.toml": `"a" = "A"`, "catalog/e.es.toml": `"a" = "A"`,
			"catalog/e.pt.toml": `"a" = "A"`, "catalog/e.fr.toml": `"a" = "A"`,
		}), `key "a" in en is defined by both d and e`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(body)}
			}
			got := catalogProblems(fsys)
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("problems = %q, want none", got)
				}
				return
			}
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Fatalf("problems = %q, want one containing %q", got, tc.want)
			}
		})
	}
}

func mergeFiles(a, b map[string]string) map[string]string {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// catalog is one parsed file: its messages by key.
type catalog map[string]*goi18n.Message

// catalogProblems lists, in words a translator can act on, everything wrong
// with the catalogs in fsys.
func catalogProblems(fsys fs.FS) []string {
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	domains := map[string]map[string]catalog{} // domain -> lang -> messages
	files, err := catalogFiles(fsys)
	if err != nil {
		return []string{err.Error()}
	}
	for _, name := range files {
		domain, lang, ok := splitCatalogName(name)
		if !ok {
			report("%s: name is not <domain>.<lang>.toml", name)
			continue
		}
		if !slices.Contains(Languages(), lang) {
			report("%s: language %q is not one of %v", name, lang, Languages())
			continue
		}
		c, err := parseCatalog(fsys, name)
		if err != nil {
			report("%s: %v", name, err)
			continue
		}
		if domains[domain] == nil {
			domains[domain] = map[string]catalog{}
		}
		domains[domain][lang] = c
	}
	for _, domain := range sortedKeys(domains) {
		problems = append(problems, domainProblems(domain, domains[domain])...)
	}
	return append(problems, duplicateProblems(domains)...)
}

func parseCatalog(fsys fs.FS, name string) (catalog, error) {
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	mf, err := goi18n.ParseMessageFileBytes(buf, name, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		return nil, err
	}
	c := catalog{}
	for _, m := range mf.Messages {
		c[m.ID] = m
	}
	return c, nil
}

// domainProblems compares the languages of one domain with each other and
// checks each message on its own.
func domainProblems(domain string, langs map[string]catalog) []string {
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	all := map[string]bool{}
	for _, lang := range Languages() {
		if langs[lang] == nil {
			report("%s: no catalog %s.%s.toml", domain, domain, lang)
		}
		for key := range langs[lang] {
			all[key] = true
		}
	}
	en := langs["en"]
	for _, key := range sortedKeys(all) {
		for _, lang := range Languages() {
			c := langs[lang]
			if c == nil {
				continue
			}
			m, ok := c[key]
			if !ok {
				report("%s: key %q is missing in %s (present in %s)", domain, key, lang, strings.Join(holders(langs, key), ", "))
				continue
			}
			problems = append(problems, messageProblems(domain+"."+lang, m, en[key])...)
		}
	}
	return problems
}

// holders lists the languages that have key.
func holders(langs map[string]catalog, key string) []string {
	var out []string
	for _, lang := range Languages() {
		if _, ok := langs[lang][key]; ok {
			out = append(out, lang)
		}
	}
	return out
}

// placeholder finds {{.Name}}-style field references inside actions.
var placeholder = regexp.MustCompile(`\{\{[^}]*?\.([A-Za-z_][A-Za-z0-9_]*)`)

// messageProblems checks that m's templates parse, that a plural has its
// "other" form (go-i18n falls back to it), and that m names no placeholder
// the English message en does not, since callers pass what English needs.
func messageProblems(where string, m, en *goi18n.Message) []string {
	var problems []string
	if m.Other == "" {
		problems = append(problems, fmt.Sprintf("%s: plural %q has no \"other\" form", where, m.ID))
	}
	if err := checkTemplates(m); err != nil {
		problems = append(problems, fmt.Sprintf("%s: key %q: template: %v", where, m.ID, err))
	}
	if en == nil || en == m {
		return problems
	}
	known := fieldsOf(en)
	known["Count"], known["PluralCount"] = true, true
	for _, f := range sortedKeys(fieldsOf(m)) {
		if !known[f] {
			problems = append(problems, fmt.Sprintf("%s: key %q uses {{.%s}}, which %s.en does not", where, m.ID, f, strings.Split(where, ".")[0]))
		}
	}
	return problems
}

func fieldsOf(m *goi18n.Message) map[string]bool {
	out := map[string]bool{}
	for _, src := range forms(m) {
		for _, sub := range placeholder.FindAllStringSubmatch(src, -1) {
			out[sub[1]] = true
		}
	}
	return out
}

// duplicateProblems reports keys defined by two domains: go-i18n would keep
// whichever file loaded last, silently.
func duplicateProblems(domains map[string]map[string]catalog) []string {
	var problems []string
	for _, lang := range Languages() {
		owner := map[string]string{}
		for _, domain := range sortedKeys(domains) {
			for _, key := range sortedKeys(domains[domain][lang]) {
				if prev, ok := owner[key]; ok {
					problems = append(problems, fmt.Sprintf("key %q in %s is defined by both %s and %s", key, lang, prev, domain))
					continue
				}
				owner[key] = domain
			}
		}
	}
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
