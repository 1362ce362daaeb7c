package ui

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/valid"
)

// The open vocabularies of STIX 2.1 the forms offer as choices.
var (
	indicatorTypes = []string{"malicious-activity", "anomalous-activity", "anonymization", "attribution",
		"benign", "compromised", "unknown"}
	patternTypes = []string{"stix", "pcre", "sigma", "snort", "suricata", "yara"}
	reportTypes  = []string{"threat-report", "attack-pattern", "campaign", "identity", "indicator",
		"intrusion-set", "malware", "observed-data", "threat-actor", "tool", "vulnerability"}
)

var (
	indicatorFields = []string{"name", "description", "pattern", "pattern_type", "valid_from", "valid_until", "labels", "confidence"}
	reportFields    = []string{"name", "description", "published", "object_refs", "labels"}
)

// defaultSharing is what a new object's form proposes: amber, to all members.
var defaultSharing = intel.Sharing{TLP: access.TLPAmber, Members: true}

// objectFormData is the indicator or report form: new (ID empty) or a new
// version of an object.
type objectFormData struct {
	ID      string
	Action  string
	Vocab   []string        // indicator or report types offered
	Chosen  map[string]bool // types chosen
	Kinds   []string        // pattern types (indicator)
	Sharing sharingForm
}

func (u *UI) newIndicatorForm(w http.ResponseWriter, r *http.Request) {
	u.newObjectForm(w, r, "indicator")
}

func (u *UI) newReportForm(w http.ResponseWriter, r *http.Request) {
	u.newObjectForm(w, r, "report")
}

func (u *UI) newObjectForm(w http.ResponseWriter, r *http.Request, typ string) {
	a := actorOf(r)
	if !access.Can(a, access.CreateIntel, access.Target{OrgID: a.OrgID}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	f := &form{Values: map[string]string{"pattern_type": "stix"}}
	if typ == "report" {
		f.Values["published"] = time.Now().UTC().Format(inputTimeLayout)
	}
	sh, err := u.newSharingForm(r.Context(), a, "", defaultSharing)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderObjectForm(w, r, http.StatusOK, typ, objectFormData{Sharing: sh, Chosen: map[string]bool{}}, f)
}

// renderObjectForm shows the indicator or report form.
func (u *UI) renderObjectForm(w http.ResponseWriter, r *http.Request, status int, typ string, d objectFormData, f *form) {
	title := "intel.new." + typ
	d.Action = "/intel/new/" + typ
	if d.ID != "" {
		title, d.Action = "intel.edit."+typ, "/intel/"+d.ID+"/edit"
	}
	d.Vocab, d.Kinds = reportTypes, patternTypes
	if typ == "indicator" {
		d.Vocab = indicatorTypes
	}
	u.render(w, r, status, "intel_"+typ+"_form", page{TitleKey: title, Nav: "intel", Data: d, Form: f})
}

func (u *UI) saveIndicator(w http.ResponseWriter, r *http.Request) {
	u.postObject(w, r, "indicator", "")
}

func (u *UI) saveReport(w http.ResponseWriter, r *http.Request) { u.postObject(w, r, "report", "") }

// postObject reads the indicator or report form, checks what the page can
// check (times, numbers, the sharing access allows) and hands the rest to
// the store, which validates the STIX it builds.
func (u *UI) postObject(w http.ResponseWriter, r *http.Request, typ, id string) {
	a := actorOf(r)
	fields := indicatorFields
	if typ == "report" {
		fields = reportFields
	}
	f := newForm(r, fields...)
	sh, err := u.readSharing(r, f, "")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	chosen := map[string]bool{}
	for _, t := range r.PostForm["types"] {
		chosen[t] = true
	}
	d := objectFormData{ID: id, Sharing: sh, Chosen: chosen}
	var saved intel.Object
	err = checkObjectForm(a, f, sh)
	if err == nil {
		if typ == "indicator" {
			saved, err = u.intel.SaveIndicator(r.Context(), a, indicatorInput(f, id, r.PostForm["types"], sh))
		} else {
			saved, err = u.intel.SaveReport(r.Context(), a, reportInput(f, id, r.PostForm["types"], sh))
		}
	}
	if err != nil {
		if formErrors(f, err, "") {
			u.renderObjectForm(w, r, http.StatusUnprocessableEntity, typ, d, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/intel/"+saved.ID, "intel.done.saved")
}

// checkObjectForm finds what is wrong before anything reaches the store:
// a missing name, times and numbers that do not read, a sharing access
// refuses.
func checkObjectForm(a access.Actor, f *form, sh sharingForm) error {
	var es valid.Errors
	if f.Value("name") == "" {
		es.Add("name", "intelui.name_required", "Give it a name: lists and searches show it.", nil)
	}
	for _, k := range []string{"valid_from", "valid_until", "published"} {
		if _, ok := f.Values[k]; !ok {
			continue
		}
		if _, err := parseInputTime(k, f.Value(k)); err != nil {
			es = append(es, valid.List(err)...)
		}
	}
	if c := f.Value("confidence"); c != "" {
		if n, err := strconv.Atoi(c); err != nil || n < 0 || n > 100 {
			es.Add("confidence", "intelui.confidence", "Give the confidence as a whole number from 0 to 100.", map[string]any{"Value": c})
		}
	}
	return joinErrs(es.Err(), checkSharing(a, sh))
}

// indicatorInput builds the store's input from a checked form.
func indicatorInput(f *form, id string, types []string, sh sharingForm) intel.IndicatorInput {
	in := intel.IndicatorInput{ID: id, Name: f.Value("name"), Description: f.Value("description"),
		Pattern: f.Value("pattern"), PatternType: f.Value("pattern_type"), IndicatorTypes: types,
		Labels: splitList(f.Value("labels")), Sharing: sh.Sharing()}
	in.ValidFrom, _ = parseInputTime("valid_from", f.Value("valid_from"))
	in.ValidUntil, _ = parseInputTime("valid_until", f.Value("valid_until"))
	if c, err := strconv.Atoi(f.Value("confidence")); err == nil {
		in.Confidence = &c
	}
	return in
}

// reportInput builds the store's input from a checked form. Object refs are
// ids, one a line (or separated by commas).
func reportInput(f *form, id string, types []string, sh sharingForm) intel.ReportInput {
	in := intel.ReportInput{ID: id, Name: f.Value("name"), Description: f.Value("description"),
		ReportTypes: types, ObjectRefs: splitList(f.Value("object_refs")), Labels: splitList(f.Value("labels")),
		Sharing: sh.Sharing()}
	in.Published, _ = parseInputTime("published", f.Value("published"))
	return in
}

// stixProps are the properties of an indicator or report the forms fill.
type stixProps struct {
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Pattern        string   `json:"pattern"`
	PatternType    string   `json:"pattern_type"`
	IndicatorTypes []string `json:"indicator_types"`
	ValidFrom      string   `json:"valid_from"`
	ValidUntil     string   `json:"valid_until"`
	Labels         []string `json:"labels"`
	Confidence     *int     `json:"confidence"`
	ReportTypes    []string `json:"report_types"`
	Published      string   `json:"published"`
	ObjectRefs     []string `json:"object_refs"`
}

// formTime writes a STIX timestamp as the datetime-local input shows it.
func formTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(inputTimeLayout)
}

func (u *UI) editObjectForm(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	obj, err := u.editable(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var p stixProps
	if err := json.Unmarshal(obj.Raw, &p); err != nil {
		u.fail(w, r, err)
		return
	}
	f := &form{Values: map[string]string{"name": p.Name, "description": p.Description, "pattern": p.Pattern,
		"pattern_type": p.PatternType, "valid_from": formTime(p.ValidFrom), "valid_until": formTime(p.ValidUntil),
		"labels": strings.Join(p.Labels, ", "), "published": formTime(p.Published),
		"object_refs": strings.Join(p.ObjectRefs, "\n")}}
	if p.Confidence != nil {
		f.Values["confidence"] = strconv.Itoa(*p.Confidence)
	}
	chosen := map[string]bool{}
	for _, t := range append(p.IndicatorTypes, p.ReportTypes...) {
		chosen[t] = true
	}
	sh, err := u.newSharingForm(r.Context(), a, "", obj.Sharing)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderObjectForm(w, r, http.StatusOK, obj.Type, objectFormData{ID: obj.ID, Sharing: sh, Chosen: chosen}, f)
}

func (u *UI) editObject(w http.ResponseWriter, r *http.Request) {
	obj, err := u.editable(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.postObject(w, r, obj.Type, obj.ID)
}

// editable returns the latest version of the object in the path if the
// forms can make a new version of it and the actor may: an indicator or a
// report of the actor's organisation. Others' objects are 403 (the actor
// sees them), other types 404 (there is no form for them).
func (u *UI) editable(r *http.Request) (intel.Object, error) {
	obj, err := u.intel.Get(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return obj, err
	}
	if obj.Type != "indicator" && obj.Type != "report" {
		return obj, intel.ErrNotFound
	}
	if !access.Can(actorOf(r), access.EditIntel, access.Target{OrgID: obj.OrgID}) {
		return obj, access.ErrDenied
	}
	return obj, nil
}
