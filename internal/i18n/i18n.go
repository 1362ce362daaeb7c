// Package i18n holds Atalaya's message catalogs (English, Spanish,
// Portuguese, French) and renders messages, plurals, dates and numbers in
// the reader's language.
//
// Catalogs are go-i18n TOML files embedded from catalog/, one per domain and
// language: catalog/<domain>.<lang>.toml. A message is a flat key
// ("nav.teams" = "Teams") whose text may hold Go template placeholders
// ({{.Name}}); a plural is a table with one/many/other forms. Every domain
// writes its own file; this package loads them all once at start-up.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed catalog/*.toml
var catalogs embed.FS

// supported lists the languages in the order Languages returns them; the
// first one is the fallback when nothing else matches.
var supported = []language.Tag{language.English, language.Spanish, language.Portuguese, language.French}

// Languages returns the codes of the languages Atalaya speaks: en, es, pt,
// fr. The slice is new on every call, so callers may keep or change it.
func Languages() []string {
	out := make([]string, len(supported))
	for i, t := range supported {
		out[i] = t.String()
	}
	return out
}

// Bundle is every catalog of every domain, parsed once. It is read-only
// after New and safe for concurrent use.
type Bundle struct {
	bundle     *goi18n.Bundle
	matcher    language.Matcher
	localizers map[string]*Localizer
}

// New loads and parses every embedded catalog. It fails when a file does not
// parse or a message holds a template that does not parse, so a broken
// catalog stops the server at start-up instead of a page at run time.
func New() (*Bundle, error) {
	return newFromFS(catalogs)
}

func newFromFS(fsys fs.FS) (*Bundle, error) {
	gb := goi18n.NewBundle(language.English)
	gb.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := catalogFiles(fsys)
	if err != nil {
		return nil, err
	}
	for _, name := range files {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("reading catalog %s: %w", name, err)
		}
		mf, err := gb.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("parsing catalog %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			if err := checkTemplates(m); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", name, err)
			}
		}
	}
	b := &Bundle{
		bundle:     gb,
		matcher:    language.NewMatcher(supported),
		localizers: make(map[string]*Localizer, len(supported)),
	}
	for _, t := range supported {
		lang := t.String()
		b.localizers[lang] = newLocalizer(gb, t)
	}
	return b, nil
}

// catalogFiles lists the TOML files under catalog/, sorted so loading is
// deterministic.
func catalogFiles(fsys fs.FS) ([]string, error) {
	files, err := fs.Glob(fsys, "catalog/*.toml")
	if err != nil {
		return nil, fmt.Errorf("listing catalogs: %w", err)
	}
	sort.Strings(files)
	return files, nil
}

// splitCatalogName splits "catalog/ui.es.toml" into "ui" and "es".
func splitCatalogName(name string) (domain, lang string, ok bool) {
	base := strings.TrimSuffix(path.Base(name), ".toml")
	domain, lang, ok = strings.Cut(base, ".")
	if !ok || domain == "" || lang == "" || strings.Contains(lang, ".") {
		return "", "", false
	}
	return domain, lang, true
}

// forms returns the non-empty plural forms of m by name.
func forms(m *goi18n.Message) map[string]string {
	all := map[string]string{
		"zero": m.Zero, "one": m.One, "two": m.Two,
		"few": m.Few, "many": m.Many, "other": m.Other,
	}
	for k, v := range all {
		if v == "" {
			delete(all, k)
		}
	}
	return all
}

// checkTemplates parses every form of m the way go-i18n will at run time.
func checkTemplates(m *goi18n.Message) error {
	for form, src := range forms(m) {
		if _, err := template.New(m.ID).Parse(src); err != nil {
			return fmt.Errorf("message %q (%s): %w", m.ID, form, err)
		}
	}
	return nil
}

// Match picks the language of a request: the user's own setting when it is
// one Atalaya speaks, else the best match for the Accept-Language header
// ("es-MX" gives es, "pt-BR" pt, "fr-CA" fr), else English.
func (b *Bundle) Match(userSetting, acceptLanguage string) string {
	if lang, ok := b.supportedBase(userSetting); ok {
		return lang
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return supported[0].String()
	}
	_, i, conf := b.matcher.Match(tags...)
	if conf == language.No {
		return supported[0].String()
	}
	return supported[i].String()
}

// supportedBase reports the supported language whose base is the base of
// setting, so a stored "pt-BR" still selects pt.
func (b *Bundle) supportedBase(setting string) (string, bool) {
	if setting == "" {
		return "", false
	}
	tag, err := language.Parse(setting)
	if err != nil {
		return "", false
	}
	base, _ := tag.Base()
	for _, t := range supported {
		if tb, _ := t.Base(); tb == base {
			return t.String(), true
		}
	}
	return "", false
}

// For returns the localizer of lang, or the English one when lang is not
// one of Languages. Localizers are built once in New; For does not allocate.
func (b *Bundle) For(lang string) *Localizer {
	if l, ok := b.localizers[lang]; ok {
		return l
	}
	return b.localizers[supported[0].String()]
}
