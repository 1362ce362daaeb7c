package ui

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/assistance"
	"atalaya/internal/valid"
)

const (
	// maxPartnerRows bounds the partner rows a form posts.
	maxPartnerRows = 30
	// blankPartnerRows are the empty rows offered below those filled in
	// (the form works without JavaScript: no "add a row" button).
	blankPartnerRows = 3
	// maxPriority is the lowest priority a support may have (1 is the
	// most important).
	maxPriority = 9
)

// requestTextFields are the request form's one-value inputs.
var requestTextFields = []string{"country", "institution.name", "institution.department", "institution.contact_person",
	"institution.email", "institution.phone", "need", "topic_other", "beneficiaries", "timeframe", "resources",
	"donors_approached"}

// requestFormData is the new-request or edit form.
type requestFormData struct {
	Action, Cancel string
	Edit           bool
	Submitted      bool // the secretariat corrects a submitted request: no "Submit"
	Number         string
	Version        int64
	Countries      []countryOption // the secretariat chooses the member
	FixedCountry   string          // a member's contact files for the own
	Supports       []string
	Topics         []string
	Sectors        []string
	Priorities     []int
	Partners       []int // indexes of the partner rows
}

func (u *UI) newRequestForm(w http.ResponseWriter, r *http.Request) {
	if !u.canFile(w, r) {
		return
	}
	u.renderRequestForm(w, r, http.StatusOK, &form{Values: map[string]string{}}, requestFormData{})
}

// canFile answers 403 to an actor who may file no request.
func (u *UI) canFile(w http.ResponseWriter, r *http.Request) bool {
	if !mayFile(actorOf(r)) {
		u.fail(w, r, access.ErrDenied)
		return false
	}
	return true
}

func (u *UI) renderRequestForm(w http.ResponseWriter, r *http.Request, status int, f *form, d requestFormData) {
	a := actorOf(r)
	if a.Country != "" && !mayManage(a, "") {
		d.FixedCountry = a.Country
	} else {
		d.Countries = countryOptions(u.language(r, sessionOf(r).user))
	}
	d.Supports, d.Topics, d.Sectors = vocabulary("support"), vocabulary("topic"), vocabulary("sector")
	for p := 1; p <= maxPriority; p++ {
		d.Priorities = append(d.Priorities, p)
	}
	rows := 0
	for i := 0; i < maxPartnerRows; i++ {
		if f.Values[partnerKey(i, "name")] != "" || f.Values[partnerKey(i, "sector")] != "" {
			rows = i + 1
		}
	}
	for i := 0; i < min(rows+blankPartnerRows, maxPartnerRows); i++ {
		d.Partners = append(d.Partners, i)
	}
	title := "assistanceui.form.new"
	d.Action, d.Cancel = "/assistance/new", "/assistance"
	if d.Edit {
		id := r.PathValue("id")
		title, d.Action, d.Cancel = "assistanceui.form.edit", "/assistance/"+id+"/edit", "/assistance/"+id
	}
	u.render(w, r, status, "assistance_form", page{TitleKey: title, Nav: "assistance", Data: d, Form: f})
}

func partnerKey(i int, field string) string { return "partner." + strconv.Itoa(i) + "." + field }

// createRequest opens a draft from the form and, with the "Submit"
// button, submits it. When the submission is refused the draft stays,
// and its edit form shows what is missing.
func (u *UI) createRequest(w http.ResponseWriter, r *http.Request) {
	if !u.canFile(w, r) {
		return
	}
	a, ctx := actorOf(r), r.Context()
	f, rf := readRequestForm(r)
	if a.Country != "" && !mayManage(a, "") {
		rf.Country = a.Country
		f.Values["country"] = a.Country
	}
	if f.HasErrors() {
		u.renderRequestForm(w, r, http.StatusUnprocessableEntity, f, requestFormData{})
		return
	}
	req, err := u.assist.CreateDraft(ctx, a, rf)
	if err != nil {
		u.requestFormFailed(w, r, f, requestFormData{}, rf, err)
		return
	}
	if r.PostFormValue("action") != "submit" {
		redirect(w, r, "/assistance/"+req.ID, "assistanceui.done.saved")
		return
	}
	if _, err := u.assist.Submit(ctx, a, req.ID, req.Version); err != nil {
		r.SetPathValue("id", req.ID)
		u.requestFormFailed(w, r, f, requestFormData{Edit: true, Number: req.Number, Version: req.Version}, rf, err)
		return
	}
	redirect(w, r, "/assistance/"+req.ID, "assistanceui.done.submitted")
}

func (u *UI) editRequestForm(w http.ResponseWriter, r *http.Request) {
	req, err := u.assist.Get(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if !u.canEdit(w, r, req) {
		return
	}
	u.renderRequestForm(w, r, http.StatusOK, &form{Values: requestValues(req.Form)},
		requestFormData{Edit: true, Number: req.Number, Version: req.Version, Submitted: req.State != assistance.Draft})
}

// canEdit answers 403 when the request's form may not be changed by a
// now: a draft, by who may file for its country; a submitted request not
// yet considered, by the secretariat.
func (u *UI) canEdit(w http.ResponseWriter, r *http.Request, req assistance.Request) bool {
	if !mayEdit(actorOf(r), req) {
		u.fail(w, r, access.ErrDenied)
		return false
	}
	return true
}

// mayEdit reports whether a may change the form of req now.
func mayEdit(a access.Actor, req assistance.Request) bool {
	switch req.State {
	case assistance.Draft:
		return access.Can(a, access.FileAssistance, access.Target{Country: req.Country})
	case assistance.Submitted:
		return mayManage(a, req.Country)
	}
	return false
}

func (u *UI) editRequest(w http.ResponseWriter, r *http.Request) {
	a, ctx := actorOf(r), r.Context()
	old, err := u.assist.Get(ctx, a, r.PathValue("id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if !u.canEdit(w, r, old) {
		return
	}
	f, rf := readRequestForm(r)
	if !mayManage(a, old.Country) {
		// A member's contact cannot move a request to another country.
		rf.Country = old.Country
		f.Values["country"] = old.Country
	}
	d := requestFormData{Edit: true, Number: old.Number, Version: formVersion(r), Submitted: old.State != assistance.Draft}
	if f.HasErrors() {
		u.renderRequestForm(w, r, http.StatusUnprocessableEntity, f, d)
		return
	}
	req, err := u.assist.UpdateDraft(ctx, a, old.ID, d.Version, rf)
	if err != nil {
		u.requestFormFailed(w, r, f, d, rf, err)
		return
	}
	if r.PostFormValue("action") != "submit" || req.State != assistance.Draft {
		redirect(w, r, "/assistance/"+req.ID, "assistanceui.done.saved")
		return
	}
	d.Version = req.Version
	if _, err := u.assist.Submit(ctx, a, req.ID, req.Version); err != nil {
		u.requestFormFailed(w, r, f, d, rf, err)
		return
	}
	redirect(w, r, "/assistance/"+req.ID, "assistanceui.done.submitted")
}

// requestFormFailed shows the form again with what was typed and the
// errors next to their fields, or the error page for anything else.
func (u *UI) requestFormFailed(w http.ResponseWriter, r *http.Request, f *form, d requestFormData, rf assistance.Form, err error) {
	err = asFormError(err)
	if !f.fail(renameRequestErrors(valid.List(err), rf)) {
		u.fail(w, r, err)
		return
	}
	if d.Edit && err == errChanged {
		// Show the stored form: the typed one was based on an old version.
		if req, gerr := u.assist.Get(r.Context(), actorOf(r), r.PathValue("id")); gerr == nil {
			f.Values, d.Version = requestValues(req.Form), req.Version
		}
	}
	u.renderRequestForm(w, r, http.StatusUnprocessableEntity, f, d)
}

// readRequestForm reads the posted request form: the values to show back
// and the domain's Form. Checkboxes left unticked drop their priority and
// details; partner rows left empty are skipped.
func readRequestForm(r *http.Request) (*form, assistance.Form) {
	f := newForm(r, requestTextFields...)
	for _, k := range []string{"need", "beneficiaries", "resources", "donors_approached"} {
		f.Values[k] = strings.TrimRight(r.PostFormValue(k), " \t\r\n")
	}
	rf := assistance.Form{Country: strings.ToUpper(f.Value("country")), Need: f.Value("need"),
		TopicOther: f.Value("topic_other"), Beneficiaries: f.Value("beneficiaries"), Timeframe: f.Value("timeframe"),
		Resources: f.Value("resources"), DonorsApproached: f.Value("donors_approached"),
		Institution: assistance.Institution{Name: f.Value("institution.name"), Department: f.Value("institution.department"),
			ContactPerson: f.Value("institution.contact_person"), Email: f.Value("institution.email"),
			Phone: f.Value("institution.phone")}}
	var es valid.Errors
	for _, k := range assistance.SupportKinds {
		key := "support." + string(k)
		prio := strings.TrimSpace(r.PostFormValue(key + ".priority"))
		details := strings.TrimSpace(r.PostFormValue(key + ".details"))
		f.Values[key+".priority"], f.Values[key+".details"] = prio, details
		if r.PostFormValue(key) == "" {
			continue
		}
		f.Values[key] = "on"
		s := assistance.Support{Kind: k, Details: details}
		if prio != "" {
			n, err := strconv.Atoi(prio)
			if err != nil || n < 1 || n > maxPriority {
				es.Add(key, "assistanceui.priority", "Choose a priority from 1 (most important) to 9.", nil)
			}
			s.Priority = n
		}
		rf.Support = append(rf.Support, s)
	}
	for _, t := range r.PostForm["topic"] {
		if inVocabulary("topic", t) {
			rf.Topics = append(rf.Topics, assistance.Topic(t))
			f.Values["topic."+t] = "on"
		}
	}
	for i := 0; i < maxPartnerRows; i++ {
		sector := strings.TrimSpace(r.PostFormValue(partnerKey(i, "sector")))
		name := strings.TrimSpace(r.PostFormValue(partnerKey(i, "name")))
		engaged := r.PostFormValue(partnerKey(i, "engaged"))
		if name == "" && sector == "" {
			continue
		}
		n := len(rf.Partners)
		f.Values[partnerKey(n, "sector")], f.Values[partnerKey(n, "name")] = sector, name
		f.Values[partnerKey(n, "engaged")] = engaged
		rf.Partners = append(rf.Partners, assistance.Partner{Sector: assistance.Sector(sector), Name: name,
			Engaged: engaged == "yes"})
	}
	f.fail(es.Err())
	return f, rf
}

// requestValues fills the form with a stored request's.
func requestValues(rf assistance.Form) map[string]string {
	v := map[string]string{"country": rf.Country, "institution.name": rf.Institution.Name,
		"institution.department": rf.Institution.Department, "institution.contact_person": rf.Institution.ContactPerson,
		"institution.email": rf.Institution.Email, "institution.phone": rf.Institution.Phone, "need": rf.Need,
		"topic_other": rf.TopicOther, "beneficiaries": rf.Beneficiaries, "timeframe": rf.Timeframe,
		"resources": rf.Resources, "donors_approached": rf.DonorsApproached}
	for _, s := range rf.Support {
		key := "support." + string(s.Kind)
		v[key], v[key+".details"] = "on", s.Details
		if s.Priority > 0 {
			v[key+".priority"] = strconv.Itoa(s.Priority)
		}
	}
	for _, t := range rf.Topics {
		v["topic."+string(t)] = "on"
	}
	for i, p := range rf.Partners {
		v[partnerKey(i, "sector")], v[partnerKey(i, "name")] = string(p.Sector), p.Name
		v[partnerKey(i, "engaged")] = "no"
		if p.Engaged {
			v[partnerKey(i, "engaged")] = "yes"
		}
	}
	return v
}

// indexed matches a field the domain names by position: "support[1].priority".
var indexed = regexp.MustCompile(`^([a-z_]+)\[(\d+)\]`)

// indexPart is a position in a field name: the "[2]" of "challenges[2]".
var indexPart = regexp.MustCompile(`\[\d+\]`)

// renameRequestErrors puts the domain's errors beside the form's inputs:
// "support[i]..." beside that kind of support, "partners[i]..." beside
// the partners, "topics[i]" beside the topics.
func renameRequestErrors(es valid.Errors, rf assistance.Form) valid.Errors {
	out := make(valid.Errors, 0, len(es))
	for _, e := range es {
		c := *e
		c.Field = requestField(c.Field, rf)
		out = append(out, &c)
	}
	return out
}

func requestField(field string, rf assistance.Form) string {
	field = strings.ToLower(field)
	m := indexed.FindStringSubmatch(field)
	if m == nil {
		switch {
		case field == "institution":
			return "institution.name"
		case strings.HasPrefix(field, "partner"):
			return "partners"
		case strings.HasPrefix(field, "topic_other"):
			return "topic_other"
		case strings.HasPrefix(field, "topic"):
			return "topics"
		case strings.HasPrefix(field, "support."):
			return field
		case strings.HasPrefix(field, "support"):
			return "support"
		}
		return field
	}
	switch m[1] {
	case "support":
		i, _ := strconv.Atoi(m[2])
		if i >= 0 && i < len(rf.Support) {
			return "support." + string(rf.Support[i].Kind)
		}
		return "support"
	case "partners", "partner":
		return "partners"
	case "topics", "topic":
		return "topics"
	}
	return m[1]
}
