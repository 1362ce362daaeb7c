package i18n

import (
	"fmt"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"atalaya/internal/valid"
)

// Localizer renders messages, plurals, dates and numbers in one language.
// It is safe for concurrent use.
type Localizer struct {
	lang    string
	loc     *goi18n.Localizer
	printer *message.Printer
	style   dateStyle
}

func newLocalizer(gb *goi18n.Bundle, tag language.Tag) *Localizer {
	lang := tag.String()
	return &Localizer{
		lang:    lang,
		loc:     goi18n.NewLocalizer(gb, lang),
		printer: message.NewPrinter(tag),
		style:   dateStyles[lang],
	}
}

// Lang returns the language code of l, e.g. "es".
func (l *Localizer) Lang() string { return l.lang }

// T returns the message key in l's language. args are the template data:
// alternating names and values ("Name", team.Name), or one map. A key
// missing from l's language falls back to English; a key missing everywhere
// comes back as the key itself, so a page never fails over a message and a
// reviewer sees at once which key is missing.
func (l *Localizer) T(key string, args ...any) string {
	return l.localize(key, templateData(args), nil)
}

// N returns the plural message key for count in l's language: the form
// (one, many, other) follows CLDR rules for the language. The template gets
// the count as {{.Count}}, already formatted as a localised number, and the
// raw int as {{.PluralCount}}, besides args as in T (pairs or one map; a
// struct cannot take the count, so it is dropped).
func (l *Localizer) N(key string, count int, args ...any) string {
	data := templateData(args)
	m, ok := data.(map[string]any)
	if !ok {
		// A struct or nil: the count still has to reach the template.
		m = map[string]any{}
	}
	m["Count"] = l.Number(int64(count))
	m["PluralCount"] = count
	return l.localize(key, m, count)
}

// Invalid renders a validation error for the reader: the catalog message
// "invalid."+e.Code with e.Args, or e.Message (English) when no catalog has
// that key.
func (l *Localizer) Invalid(e *valid.Error) string {
	if e == nil {
		return ""
	}
	key := "invalid." + e.Code
	s := l.localize(key, e.Args, nil)
	if s == key && e.Message != "" {
		return e.Message
	}
	return s
}

// localize asks go-i18n and reduces every failure to a usable string: on a
// missing translation go-i18n hands back the English text together with an
// error, and that text is what we want; on a missing key, the key.
func (l *Localizer) localize(key string, data any, count any) string {
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{
		MessageID:    key,
		TemplateData: data,
		PluralCount:  count,
	})
	if s == "" && err != nil {
		return key
	}
	return s
}

// templateData turns T's variadic arguments into template data: one map or
// struct is used as it is, pairs become a map. A trailing name without a
// value is dropped rather than failing the page.
func templateData(args []any) any {
	switch len(args) {
	case 0:
		return nil
	case 1:
		if m, ok := args[0].(map[string]any); ok {
			// Copied, because N adds Count to it.
			out := make(map[string]any, len(m)+2)
			for k, v := range m {
				out[k] = v
			}
			return out
		}
		if m, ok := args[0].(map[string]string); ok {
			out := make(map[string]any, len(m)+2)
			for k, v := range m {
				out[k] = v
			}
			return out
		}
		return args[0]
	}
	out := make(map[string]any, len(args)/2+2)
	for i := 0; i+1 < len(args); i += 2 {
		name, ok := args[i].(string)
		if !ok {
			name = fmt.Sprint(args[i])
		}
		out[name] = args[i+1]
	}
	return out
}
