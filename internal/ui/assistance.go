package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/assistance"
	"atalaya/internal/directory"
	"atalaya/internal/i18n"
	"atalaya/internal/valid"
)

// registerAssistance adds the technical-assistance pages: the requests of
// a member state (or, for the secretariat, of all), the request form, a
// request's page with its workflow and every step's records, the board,
// the roster of experts and the annual report. Without the service there
// are none.
//
// Patterns are chosen so none conflicts with another: the literal pages
// (new, board, experts, report, report.pdf) sit where a request id could,
// which the mux allows because a literal is more specific, and nothing
// lies below /assistance/experts (an expert is chosen with ?edit=).
func (u *UI) registerAssistance(handle func(pattern string, h http.Handler)) {
	if u.assist == nil {
		return
	}
	h := func(pattern string, f http.HandlerFunc) { handle(pattern, u.signedIn(f)) }
	h("GET /assistance", u.assistanceList)
	h("GET /assistance/new", u.newRequestForm)
	h("POST /assistance/new", u.createRequest)
	h("GET /assistance/board", u.assistanceBoard)
	h("GET /assistance/experts", u.expertsPage)
	h("POST /assistance/experts", u.saveExpert)
	h("GET /assistance/report", u.assistanceReport)
	h("GET /assistance/report.pdf", u.assistanceReportPDF)
	h("GET /assistance/{id}", u.requestPage)
	h("GET /assistance/{id}/edit", u.editRequestForm)
	h("POST /assistance/{id}/edit", u.editRequest)
	h("POST /assistance/{id}/move", u.moveRequest)
	h("POST /assistance/{id}/attachments", u.attachFile)
	h("GET /assistance/{id}/attachments/{aid}", u.attachmentFile)
	h("POST /assistance/{id}/attachments/{aid}/delete", u.deleteAttachment)
	h("POST /assistance/{id}/consideration", u.postConsideration)
	h("POST /assistance/{id}/proposals", u.postProposal)
	h("POST /assistance/{id}/analyses", u.postAnalysis)
	h("POST /assistance/{id}/activities", u.postActivity)
	h("POST /assistance/{id}/activities/{aid}/experts", u.postAssignExpert)
	h("POST /assistance/{id}/activities/{aid}/experts/{eid}/delete", u.postUnassignExpert)
	h("POST /assistance/{id}/activities/{aid}/deliver", u.postDeliver)
	h("POST /assistance/{id}/monitoring", u.postMonitoring)
	h("POST /assistance/{id}/adjustments", u.postAdjustment)
	h("POST /assistance/{id}/missions", u.postMission)
	h("POST /assistance/{id}/evaluation", u.postEvaluation)
}

// mayViewAssistance reports whether a may open the assistance pages at
// all: the secretariat (the board), or a member's government contact (the
// own country's requests).
func mayViewAssistance(a access.Actor) bool {
	return access.Can(a, access.ViewBoard, access.Target{}) ||
		(a.Country != "" && access.Can(a, access.ViewAssistance, access.Target{Country: a.Country}))
}

// mayFile reports whether a may file a request: for the own country, or
// (the secretariat) for any member.
func mayFile(a access.Actor) bool {
	return access.Can(a, access.FileAssistance, access.Target{Country: a.Country})
}

// mayManage reports whether a runs the workflow of requests of country.
func mayManage(a access.Actor, country string) bool {
	return access.Can(a, access.ManageAssistance, access.Target{Country: country})
}

// canViewAssistance answers 403 to an actor who may see no request.
func (u *UI) canViewAssistance(w http.ResponseWriter, r *http.Request) bool {
	if !mayViewAssistance(actorOf(r)) {
		u.fail(w, r, access.ErrDenied)
		return false
	}
	return true
}

// canViewBoard answers 403 to an actor who may not see the board (nor the
// annual report built from the same data).
func (u *UI) canViewBoard(w http.ResponseWriter, r *http.Request) bool {
	if !access.Can(actorOf(r), access.ViewBoard, access.Target{}) {
		u.fail(w, r, access.ErrDenied)
		return false
	}
	return true
}

// assistanceFuncs are the template helpers of the assistance pages.
var assistanceFuncs = map[string]any{
	// aname names a value of one of the domain's vocabularies (state,
	// support, topic, sector ...) from the domain's catalog.
	"aname": func(l *i18n.Localizer, group string, value any) string {
		return tOr(l, "assistance."+group+".", fmt.Sprint(value))
	},
	"money": formatMoney,
	// timelineText words a timeline entry (see assistance_timeline.go).
	"timelineText": timelineText,
	"country":      countryName,
	"afield": func(p page, prefix, name, labelKey, typ string) assistField {
		return assistField{P: p, Prefix: prefix, Name: name, LabelKey: labelKey, Type: typ}
	},
	"key":    func(prefix, name string) string { return prefix + "." + name },
	"avocab": vocabulary,
	"sector": func(s string) assistance.Sector { return assistance.Sector(s) },
	// kb is a file size in kilobytes, rounded up.
	"kb": func(size int64) int64 { return (size + 1023) / 1024 },
	"activityTitle": func(d assistance.Details, id string) string {
		for _, a := range d.Activities {
			if a.ID == id {
				return a.Title
			}
		}
		return ""
	},
	"contains": func(list any, v any) bool {
		s := fmt.Sprint(v)
		switch l := list.(type) {
		case []string:
			return slices.Contains(l, s)
		case []assistance.Topic:
			return slices.Contains(l, assistance.Topic(s))
		}
		return false
	},
}

// assistField is what the "assist_field" partial receives: one labelled
// input of a form among several on a page. Its name is what the browser
// posts; its id and the key of its value and errors carry the form's
// prefix, so two forms on one page never share an id.
type assistField struct {
	P                            page
	Prefix, Name, LabelKey, Type string
}

// ID is the element id: prefix-name.
func (f assistField) ID() string { return f.Prefix + "-" + strings.ReplaceAll(f.Name, ".", "-") }

// Key is the key of the value and errors on the page's form.
func (f assistField) Key() string { return f.Prefix + "." + f.Name }

// countryName is a member state's name in the reader's language, or the
// code when it is not one.
func countryName(l *i18n.Localizer, code string) string {
	if m, ok := directory.LookupMemberState(code); ok {
		return m.Name(l.Lang())
	}
	return code
}

// countryOption is one member state of a select, named in the reader's
// language.
type countryOption struct{ Code, Name string }

// countryOptions lists the member states sorted by name in lang.
func countryOptions(lang string) []countryOption {
	var out []countryOption
	for _, m := range directory.MemberStates() {
		out = append(out, countryOption{m.Code, m.Name(lang)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// localizer is the reader's localizer, for handlers that word something
// before render does.
func (u *UI) localizer(r *http.Request) *i18n.Localizer {
	return u.i18n.For(u.language(r, sessionOf(r).user))
}

// errChanged is the form error when somebody changed the record meanwhile.
var errChanged = valid.New("version", "assistanceui.changed",
	"Somebody changed this meanwhile: the page now shows their change. Make yours again.", nil)

// asFormError turns the domain's conflict into a form error; other
// errors pass unchanged.
func asFormError(err error) error {
	if errors.Is(err, assistance.ErrConflict) {
		return errChanged
	}
	return err
}

// formVersion reads the version a form was filled from.
func formVersion(r *http.Request) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("version")), 10, 64)
	return n
}

// vocabulary lists the values of one of the domain's vocabularies, in the
// domain's order, as the catalog groups name them.
func vocabulary(group string) []string {
	switch group {
	case "state":
		return strs(assistance.States)
	case "support":
		return strs(assistance.SupportKinds)
	case "topic":
		return strs(assistance.Topics)
	case "sector":
		return strs(assistance.Sectors)
	case "proposal":
		return strs(assistance.ProposalStatuses)
	case "analysis":
		return strs(assistance.AnalysisKinds)
	case "activity":
		return strs([]assistance.ActivityState{assistance.Planned, assistance.Delivered, assistance.Cancelled})
	case "mission":
		return strs(assistance.MissionKinds)
	case "adjustment":
		return strs([]assistance.AdjustmentSource{assistance.ByMember, assistance.ByMonitoring})
	case "expertkind":
		return strs([]assistance.ExpertKind{assistance.Individual, assistance.PartnerInstitutionKind})
	}
	return nil
}

func strs[S ~string](list []S) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}

// inVocabulary reports whether v is a value of group.
func inVocabulary(group, v string) bool { return slices.Contains(vocabulary(group), v) }
