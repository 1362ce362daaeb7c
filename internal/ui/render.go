package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/i18n"
	"atalaya/internal/valid"
)

// pageSet maps a page name (its file name without .html) to its template,
// each parsed together with layout.html.
type pageSet map[string]*template.Template

var funcs = template.FuncMap{
	"join":  strings.Join,
	"query": url.QueryEscape,
	"has": func(a access.Actor, act string, orgID string) bool {
		return access.Can(a, access.Action(act), access.Target{OrgID: orgID})
	},
	// pair hands a partial both the page (for the localizer) and a value.
	"pair": func(p page, v any) pagePair { return pagePair{P: p, V: v} },
	"list": func(s ...string) []string { return s },
	"field": func(p page, name, labelKey, typ string) formField {
		return formField{P: p, Name: name, ID: strings.ReplaceAll(name, ".", "-"), LabelKey: labelKey, Type: typ}
	},
	"int64": func(n int) int64 { return int64(n) },
}

func parsePages() (pageSet, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Partials shared by the pages of one domain live in *_partials.html
	// beside partials.html; every page is parsed with all of them.
	layout, err := template.New("layout.html").Funcs(funcs).Funcs(intelFuncs).Funcs(assistanceFuncs).ParseFS(templateFS, "templates/layout.html",
		"templates/partials.html", "templates/*_partials.html")
	if err != nil {
		return nil, fmt.Errorf("parsing layout: %w", err)
	}
	set := pageSet{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" || strings.HasSuffix(name, "_partials") {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", f, err)
		}
		set[name] = t
	}
	return set, nil
}

// pagePair is what partials that list something receive.
type pagePair struct {
	P page
	V any
}

// formField is what the "field" partial receives: one labelled input with
// the value typed and its errors beside it.
type formField struct {
	P                        page
	Name, ID, LabelKey, Type string
}

// page is what every template receives. Handlers fill the first group;
// render fills the rest.
type page struct {
	TitleKey string // catalog key of the page title
	Title    string // a title that is data (a team's name); wins over TitleKey
	Nav      string // which navigation item is current
	Data     any
	Form     *form
	Flash    string // catalog key of a message shown once at the top

	L         *i18n.Localizer
	Lang      string
	Languages []string
	Actor     access.Actor
	User      *auth.User
	Path      string
	// Assistance shows the technical-assistance entry of the navigation.
	Assistance bool
}

// PageTitle is the localised title.
func (p page) PageTitle() string {
	if p.Title != "" {
		return p.Title
	}
	return p.L.T(p.TitleKey)
}

func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := u.pages[name]
	if !ok {
		u.logger.Error("no such page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s := sessionOf(r)
	p.Actor, p.User = s.actor, s.user
	p.Lang = u.language(r, s.user)
	p.L = u.i18n.For(p.Lang)
	p.Languages = i18n.Languages()
	p.Path = r.URL.RequestURI()
	p.Assistance = u.assist != nil && mayViewAssistance(s.actor)
	if p.Form == nil {
		p.Form = &form{}
	}
	p.Form.l = p.L
	if done := r.URL.Query().Get("done"); p.Flash == "" && isFlashKey(done) {
		// Only catalog keys of success messages: the URL cannot make the
		// page say arbitrary text.
		p.Flash = done
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		u.logger.Error("rendering page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// flashPrefixes are the catalog prefixes of success messages a redirect
// may name in ?done=: "done." and the intel and assistance pages' own
// "<domain>.done.".
var flashPrefixes = []string{"done.", "intel.done.", "sighting.done.", "group.done.", "collection.done.",
	"assistanceui.done."}

func isFlashKey(k string) bool {
	for _, p := range flashPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// language picks the page language: the user's setting, else the cookie set
// by the switcher, else Accept-Language, else English.
func (u *UI) language(r *http.Request, user *auth.User) string {
	setting := ""
	if user != nil {
		setting = user.Language
	}
	if setting == "" {
		if c, err := r.Cookie(LangCookie); err == nil {
			setting = c.Value
		}
	}
	return u.i18n.Match(setting, r.Header.Get("Accept-Language"))
}

// form keeps what the user typed and the errors to show next to each field.
type form struct {
	Values map[string]string
	errs   map[string][]*valid.Error
	other  error // an error that names no field of this form
	l      *i18n.Localizer
}

func newForm(r *http.Request, fields ...string) *form {
	f := &form{Values: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return f
}

// Value returns what was typed in field k.
func (f *form) Value(k string) string { return f.Values[k] }

// Errors returns the localised messages for field k.
func (f *form) Errors(k string) []string {
	var out []string
	for _, e := range f.errs[k] {
		out = append(out, f.l.Invalid(e))
	}
	return out
}

// HasErrors reports whether anything is wrong.
func (f *form) HasErrors() bool { return len(f.errs) > 0 || f.other != nil }

// Summary lists every message, for the summary above the form.
func (f *form) Summary() []string {
	var out []string
	for _, es := range f.errs {
		for _, e := range es {
			out = append(out, f.l.Invalid(e))
		}
	}
	return out
}

// fail records err on the form. It reports false when err is not a
// validation error, so the caller shows an error page instead.
func (f *form) fail(err error) bool {
	es := valid.List(err)
	if es == nil {
		return false
	}
	if f.errs == nil {
		f.errs = map[string][]*valid.Error{}
	}
	for _, e := range es {
		f.errs[e.Field] = append(f.errs[e.Field], e)
	}
	return true
}

// redirect answers a successful POST: 303 to the page to show, with a flash
// message key.
func redirect(w http.ResponseWriter, r *http.Request, to, done string) {
	if done != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "done=" + url.QueryEscape(done)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
