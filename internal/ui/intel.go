package ui

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/directory"
	"atalaya/internal/i18n"
	"atalaya/internal/intel"
	"atalaya/internal/valid"
)

// registerIntel adds the information-sharing pages. Without an intel store
// (a UI built for the directory alone) there are none.
func (u *UI) registerIntel(handle func(pattern string, h http.Handler)) {
	if u.intel == nil {
		return
	}
	h := func(pattern string, f http.HandlerFunc) { handle(pattern, u.signedIn(u.canViewIntel(f))) }
	h("GET /intel", u.intelList)
	h("GET /intel/export", u.intelExport)
	h("GET /intel/new/indicator", u.newIndicatorForm)
	h("POST /intel/new/indicator", u.saveIndicator)
	h("GET /intel/new/report", u.newReportForm)
	h("POST /intel/new/report", u.saveReport)
	h("GET /intel/import", u.importForm)
	h("POST /intel/import", u.importFile)
	h("GET /intel/{id}", u.intelObject)
	h("GET /intel/{id}/edit", u.editObjectForm)
	h("POST /intel/{id}/edit", u.editObject)
	h("POST /intel/{id}/sightings", u.reportSighting)
	h("POST /intel/{id}/sharing", u.changeSharing)
	h("POST /intel/{id}/revoke", u.revokeObject)
	h("GET /collections", u.collections)
	h("POST /collections", u.createCollection)
	h("GET /sharing-groups", u.sharingGroups)
	h("POST /sharing-groups", u.createGroup)
	h("GET /sharing-groups/{id}", u.sharingGroup)
	h("POST /sharing-groups/{id}", u.updateGroup)
	h("POST /notifications/read", u.markNotificationsRead)
}

// canViewIntel answers 403 to an actor who may not open the intel pages at
// all; which objects they see is intel's (and access's) business.
func (u *UI) canViewIntel(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !access.Can(actorOf(r), access.ViewIntel, access.Target{}) {
			u.fail(w, r, access.ErrDenied)
			return
		}
		h(w, r)
	}
}

// intelFuncs are the template helpers of the intel pages.
var intelFuncs = map[string]any{
	"stixType":  stixTypeName,
	"valueKind": func(l *i18n.Localizer, kind string) string { return tOr(l, "intel.value.", kind) },
	"vocab":     func(l *i18n.Localizer, word string) string { return tOr(l, "intel.vocab.", word) },
	"idOf":      func(s string) string { return strings.NewReplacer(".", "-", "+", "-").Replace(s) },
	"tlp":       func(t access.TLP) tlpLevel { return tlpLevel{Level: t} },
	"inputTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(inputTimeLayout)
	},
}

// tOr translates prefix+word, or shows word as it is when the catalogs do
// not know it (open vocabularies grow).
func tOr(l *i18n.Localizer, prefix, word string) string {
	if s := l.T(prefix + word); s != prefix+word {
		return s
	}
	return word
}

// stixTypeName names a STIX type in the reader's language; a type the
// catalogs do not know (a custom x-... type) is shown as it is.
func stixTypeName(l *i18n.Localizer, typ string) string { return tOr(l, "intel.type.", typ) }

// tlpLevel is a TLP 2.0 level as forms and badges show it. The label stays
// in its original form in every language, as FIRST asks; the help text is
// translated.
type tlpLevel struct{ Level access.TLP }

// Label is the marking as FIRST writes it: TLP:AMBER+STRICT.
func (t tlpLevel) Label() string { return "TLP:" + strings.ToUpper(string(t.Level)) }

// Class is the CSS class of the badge: FIRST's colours on black.
func (t tlpLevel) Class() string {
	return "tlp tlp-" + strings.ReplaceAll(string(t.Level), "+", "-")
}

// HelpKey is the catalog key of what the level allows.
func (t tlpLevel) HelpKey() string {
	return "intel.tlp_help." + strings.ReplaceAll(string(t.Level), "+", "_")
}

// ID is a form element id for the level's radio button.
func (t tlpLevel) ID() string { return strings.ReplaceAll(string(t.Level), "+", "-") }

func tlpLevels() []tlpLevel {
	out := make([]tlpLevel, len(access.TLPs))
	for i, t := range access.TLPs {
		out[i] = tlpLevel{Level: t}
	}
	return out
}

// inputTimeLayout is what <input type="datetime-local"> sends; times are UTC.
const inputTimeLayout = "2006-01-02T15:04"

// parseInputTime reads a time typed in a form: datetime-local (UTC) or RFC
// 3339. Empty is the zero time.
func parseInputTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{inputTimeLayout, "2006-01-02T15:04:05", time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, valid.New(field, "intelui.datetime",
		"Write a date and time as YYYY-MM-DDTHH:MM (UTC), e.g. 2026-03-01T14:30.", map[string]any{"Value": s})
}

// orgIndex is the directory as the intel pages need it: every organisation
// in name order, and names by id.
type orgIndex struct {
	All   []directory.Organization
	names map[string]string
}

// Name returns an organisation's name, or its id when the directory does
// not know it (an organisation removed since).
func (o orgIndex) Name(id string) string {
	if n, ok := o.names[id]; ok {
		return n
	}
	return id
}

// loadOrgs reads every organisation, page by page.
func (u *UI) loadOrgs(ctx context.Context, a access.Actor) (orgIndex, error) {
	idx := orgIndex{names: map[string]string{}}
	after := ""
	for {
		orgs, next, err := u.dir.ListOrganizations(ctx, a, directory.Filter{After: after, Limit: directory.MaxLimit})
		if err != nil {
			return idx, err
		}
		idx.All = append(idx.All, orgs...)
		if next == "" {
			break
		}
		after = next
	}
	sort.Slice(idx.All, func(i, j int) bool { return idx.All[i].Name < idx.All[j].Name })
	for _, o := range idx.All {
		idx.names[o.ID] = o.Name
	}
	return idx, nil
}

// sharingForm is the marking and distribution a form offers, with what is
// chosen. Prefix tells the fields of one form from another's on a page
// with several (the sighting form on an object page).
type sharingForm struct {
	Prefix  string
	TLPs    []tlpLevel
	Groups  []intel.Group
	Orgs    []directory.Organization
	TLP     access.TLP
	Members bool
	Group   map[string]bool
	Org     map[string]bool
}

// Sharing is what was chosen, for the store.
func (s sharingForm) Sharing() intel.Sharing {
	sh := intel.Sharing{TLP: s.TLP, Members: s.Members}
	for _, g := range s.Groups {
		if s.Group[g.ID] {
			sh.Groups = append(sh.Groups, g.ID)
		}
	}
	for _, o := range s.Orgs {
		if s.Org[o.ID] {
			sh.Orgs = append(sh.Orgs, o.ID)
		}
	}
	return sh
}

// newSharingForm offers the actor's sharing groups and the other
// organisations, with sh chosen.
func (u *UI) newSharingForm(ctx context.Context, a access.Actor, prefix string, sh intel.Sharing) (sharingForm, error) {
	s := sharingForm{Prefix: prefix, TLPs: tlpLevels(), TLP: sh.TLP, Members: sh.Members,
		Group: map[string]bool{}, Org: map[string]bool{}}
	groups, err := u.intel.Groups(ctx, a)
	if err != nil {
		return s, err
	}
	s.Groups = groups
	orgs, err := u.loadOrgs(ctx, a)
	if err != nil {
		return s, err
	}
	for _, o := range orgs.All {
		if o.ID != a.OrgID {
			s.Orgs = append(s.Orgs, o)
		}
	}
	for _, g := range sh.Groups {
		s.Group[g] = true
	}
	for _, o := range sh.Orgs {
		s.Org[o] = true
	}
	return s, nil
}

// readSharing reads the sharing fields of a posted form into a form offering
// the actor's choices; f keeps the TLP and members values so errors sit next
// to them. Ids the form did not offer are dropped: a page cannot share with
// a group the actor is not in.
func (u *UI) readSharing(r *http.Request, f *form, prefix string) (sharingForm, error) {
	sh := intel.Sharing{TLP: access.TLP(strings.TrimSpace(r.PostFormValue(prefix + "tlp"))),
		Members: r.PostFormValue(prefix+"members") != "",
		Groups:  r.PostForm[prefix+"groups"], Orgs: r.PostForm[prefix+"orgs"]}
	f.Values[prefix+"tlp"] = string(sh.TLP)
	if sh.Members {
		f.Values[prefix+"members"] = "on"
	}
	return u.newSharingForm(r.Context(), actorOf(r), prefix, sh)
}

// checkSharing asks access whether the creator may choose this sharing, so
// the refusal sits next to the field that causes it.
func checkSharing(a access.Actor, s sharingForm) error {
	sh := s.Sharing()
	switch {
	case !access.ValidTLP(sh.TLP):
		return valid.New(s.Prefix+"tlp", "intelui.tlp", "Choose a TLP level.", nil)
	case !access.SharingAllowed(access.Intel{OrgID: a.OrgID, TLP: sh.TLP, Members: sh.Members, Groups: sh.Groups, Orgs: sh.Orgs}):
		return valid.New(s.Prefix+"members", "intelui.red_members",
			"TLP:RED is for named recipients only: choose organisations or a sharing group, not all members.", nil)
	}
	return nil
}

// fieldAliases maps the property names the intel store uses in its errors
// to the form's field names.
var fieldAliases = map[string]string{
	"sharing": "members", "sharing.tlp": "tlp", "tlp": "tlp", "sharing.members": "members",
	"sharing.groups": "groups", "sharing.orgs": "orgs", "distribution": "members",
	"indicator_types": "types", "report_types": "types",
}

// formErrors puts the field errors of err on f, renaming the store's
// property names to the form's (with prefix). It reports false when err is
// not a validation error.
func formErrors(f *form, err error, prefix string) bool {
	es := valid.List(err)
	if es == nil {
		return false
	}
	renamed := make(valid.Errors, 0, len(es))
	for _, e := range es {
		c := *e
		if base, _, ok := strings.Cut(c.Field, "["); ok && strings.HasSuffix(c.Field, "]") {
			// "orgs[2]": the list's field shows it.
			c.Field = base
		}
		if alias, ok := fieldAliases[c.Field]; ok && alias != "" {
			c.Field = alias
		}
		c.Field = prefix + c.Field
		renamed = append(renamed, &c)
	}
	return f.fail(renamed)
}

// joinErrs merges field errors found by the page with those of the store.
func joinErrs(errs ...error) error {
	var out valid.Errors
	for _, err := range errs {
		if err == nil {
			continue
		}
		es := valid.List(err)
		if es == nil {
			return err
		}
		out = append(out, es...)
	}
	return out.Err()
}

// splitList reads a list typed as one text: comma, semicolon or line
// separated, blanks dropped, duplicates removed, order kept.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// isNotFound tells a missing (or invisible) object from a failure.
func isNotFound(err error) bool { return errors.Is(err, intel.ErrNotFound) }
