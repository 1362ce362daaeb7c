package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/assistance"
	"atalaya/internal/directory"
	"atalaya/internal/i18n"
	"atalaya/internal/valid"
)

const (
	// maxPeriodRows bounds the availability rows the expert form posts.
	maxPeriodRows = 30
	// blankPeriodRows are the empty rows offered below those filled in.
	blankPeriodRows = 2
)

// expertsData is the roster with its filter and, for who keeps it, the
// add or edit form.
type expertsData struct {
	Experts   []assistance.Expert
	CanManage bool
	Editing   bool   // the form is shown
	EditID    string // "" for a new entry
	Version   int64
	Countries []countryOption
	Orgs      []directory.Organization
	Topics    []string
	Sectors   []string
	Languages []string
	Periods   []int // indexes of the availability rows
	// Conflicts names each conflict code (a member state or organisation).
	Conflicts map[string]string
}

func (u *UI) canViewExperts(w http.ResponseWriter, r *http.Request) bool {
	if !access.Can(actorOf(r), access.ViewExperts, access.Target{}) {
		u.fail(w, r, access.ErrDenied)
		return false
	}
	return true
}

// expertFilterFields are the roster filter's parameters.
var expertFilterFields = []string{"q", "field", "language", "from", "to", "country"}

func (u *UI) expertsPage(w http.ResponseWriter, r *http.Request) {
	if !u.canViewExperts(w, r) {
		return
	}
	a := actorOf(r)
	f := &form{Values: map[string]string{}}
	d := expertsData{}
	if edit := r.URL.Query().Get("edit"); edit != "" && access.Can(a, access.ManageExperts, access.Target{}) {
		d.Editing = true
		if edit != "new" {
			e, err := u.assist.Expert(r.Context(), a, edit)
			if err != nil {
				u.fail(w, r, err)
				return
			}
			d.EditID, d.Version = e.ID, e.Version
			f.Values = expertValues(e)
		} else {
			f.Values = map[string]string{"expert.kind": string(assistance.Individual), "expert.active": "on"}
		}
	}
	u.renderExperts(w, r, http.StatusOK, f, d)
}

// renderExperts lists the roster by the filter of the URL, with d's form.
func (u *UI) renderExperts(w http.ResponseWriter, r *http.Request, status int, f *form, d expertsData) {
	a, ctx := actorOf(r), r.Context()
	q := r.URL.Query()
	for _, k := range expertFilterFields {
		f.Values[k] = strings.TrimSpace(q.Get(k))
	}
	filter, err := expertFilter(f)
	if err != nil {
		f.fail(err)
		status = http.StatusBadRequest
	} else if d.Experts, err = u.assist.Experts(ctx, a, filter); err != nil {
		u.failInput(w, r, err)
		return
	}
	lang := u.language(r, sessionOf(r).user)
	d.CanManage = access.Can(a, access.ManageExperts, access.Target{})
	d.Countries, d.Topics, d.Sectors, d.Languages = countryOptions(lang), vocabulary("topic"), vocabulary("sector"), i18n.Languages()
	orgs, err := u.loadOrgs(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d.Orgs = orgs.All
	d.Conflicts = map[string]string{}
	for _, c := range d.Countries {
		d.Conflicts[c.Code] = c.Name
	}
	for _, o := range d.Orgs {
		d.Conflicts[o.ID] = o.Name
	}
	rows := 0
	for i := 0; i < maxPeriodRows; i++ {
		if f.Values[periodKey(i, "from")] != "" || f.Values[periodKey(i, "to")] != "" {
			rows = i + 1
		}
	}
	for i := 0; i < min(rows+blankPeriodRows, maxPeriodRows); i++ {
		d.Periods = append(d.Periods, i)
	}
	u.render(w, r, status, "assistance_experts", page{TitleKey: "assistanceui.experts.title", Nav: "assistance",
		Data: d, Form: f})
}

// expertFilter checks the roster filter.
func expertFilter(f *form) (assistance.ExpertFilter, error) {
	ef := assistance.ExpertFilter{Query: f.Value("q"), Field: assistance.Topic(f.Value("field")),
		Language: f.Value("language"), Country: strings.ToUpper(f.Value("country")),
		Available: assistance.Period{From: f.Value("from"), To: f.Value("to")}}
	var es valid.Errors
	if ef.Field != "" && !inVocabulary("topic", string(ef.Field)) {
		es.Add("field", "assistanceui.topic", "Choose a field of the list.", nil)
	}
	if ef.Language != "" && !slices.Contains(i18n.Languages(), ef.Language) {
		es.Add("language", "assistanceui.lang", "Choose one of the languages.", nil)
	}
	if ef.Country != "" {
		if _, ok := directory.LookupMemberState(ef.Country); !ok {
			es.Add("country", "assistanceui.country", "Choose a member state of the list.", nil)
		}
	}
	if (ef.Available.From == "") != (ef.Available.To == "") {
		es.Add("to", "assistanceui.period", "Give both days of the period, or neither.", nil)
	}
	return ef, es.Err()
}

func periodKey(i int, end string) string { return "expert.available." + strconv.Itoa(i) + "." + end }

// saveExpert creates or updates a roster entry from the form.
func (u *UI) saveExpert(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !access.Can(a, access.ManageExperts, access.Target{}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	f, e := readExpertForm(r)
	d := expertsData{Editing: true, EditID: e.ID, Version: e.Version}
	saved, err := u.assist.SaveExpert(r.Context(), a, e)
	if err != nil {
		err = asFormError(err)
		es := valid.List(err)
		if es == nil {
			u.fail(w, r, err)
			return
		}
		renamed := renameFields(es, func(f string) string { return "expert." + expertField(f) })
		f.fail(renamed)
		u.renderExperts(w, r, http.StatusUnprocessableEntity, f, d)
		return
	}
	http.Redirect(w, r, "/assistance/experts?done=assistanceui.done.expert_saved#expert-"+url.PathEscape(saved.ID),
		http.StatusSeeOther)
}

// expertField is the input a domain field name of an expert stands for.
func expertField(field string) string {
	field = strings.TrimPrefix(strings.ToLower(field), "expert.")
	for _, list := range []string{"available", "conflicts", "fields", "languages"} {
		if strings.HasPrefix(field, list) {
			return list
		}
	}
	return strings.ReplaceAll(indexPart.ReplaceAllString(field, ""), ".", "_")
}

// readExpertForm reads the posted roster entry.
func readExpertForm(r *http.Request) (*form, assistance.Expert) {
	const p = "expert"
	f := readSection(r, p, "kind", "name", "email", "institution", "sector", "conflict_note", "active")
	e := assistance.Expert{ID: strings.TrimSpace(r.PostFormValue("id")), Version: formVersion(r),
		Kind: assistance.ExpertKind(f.Value(p + ".kind")), Name: f.Value(p + ".name"), Email: f.Value(p + ".email"),
		Institution: f.Value(p + ".institution"), Sector: assistance.Sector(f.Value(p + ".sector")),
		ConflictNote: f.Value(p + ".conflict_note"), Active: f.Value(p+".active") != ""}
	for _, t := range readChecks(r, f, p, "fields") {
		e.Fields = append(e.Fields, assistance.Topic(t))
	}
	e.Languages = readChecks(r, f, p, "languages")
	e.Conflicts = readChecks(r, f, p, "conflicts")
	for i := 0; i < maxPeriodRows; i++ {
		from := strings.TrimSpace(r.PostFormValue("available." + strconv.Itoa(i) + ".from"))
		to := strings.TrimSpace(r.PostFormValue("available." + strconv.Itoa(i) + ".to"))
		if from == "" && to == "" {
			continue
		}
		n := len(e.Available)
		f.Values[periodKey(n, "from")], f.Values[periodKey(n, "to")] = from, to
		e.Available = append(e.Available, assistance.Period{From: from, To: to})
	}
	return f, e
}

// expertValues fills the form with a stored roster entry.
func expertValues(e assistance.Expert) map[string]string {
	v := map[string]string{"expert.kind": string(e.Kind), "expert.name": e.Name, "expert.email": e.Email,
		"expert.institution": e.Institution, "expert.sector": string(e.Sector), "expert.conflict_note": e.ConflictNote}
	if e.Active {
		v["expert.active"] = "on"
	}
	for _, t := range e.Fields {
		v["expert.fields."+string(t)] = "on"
	}
	for _, l := range e.Languages {
		v["expert.languages."+l] = "on"
	}
	for _, c := range e.Conflicts {
		v["expert.conflicts."+c] = "on"
	}
	for i, p := range e.Available {
		v[periodKey(i, "from")], v[periodKey(i, "to")] = p.From, p.To
	}
	return v
}
