package ui_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
)

// TestAssistanceRequestFormRoundTrip files a request as Costa Rica's
// government contact in Spanish: a draft saved half done, edited, refused
// with the errors beside their fields and what was typed kept, refused
// for a stale version, then submitted whole.
func TestAssistanceRequestFormRoundTrip(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, crContact)
		_, body := get(t, c, e.URL+"/assistance/new", "Accept-Language", "es")
		for _, want := range []string{"Guardar borrador", `id="submit-request"`, `name="support.training.priority"`,
			`name="partner.2.name"`, `id="country-fixed"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the new form lacks %q", want)
			}
		}

		// A draft may be incomplete.
		draft := url.Values{"institution.name": {"Ministerio de Ciencia"}, "need": {"Un CSIRT"}, "action": {"save"},
			"support.training": {"on"}, "support.training.priority": {"1"}, "topic": {"forensics"}}
		status, _, loc := post(t, c, e.URL+"/assistance/new", draft)
		if status != http.StatusSeeOther || !strings.Contains(loc, "done=assistanceui.done.saved") {
			t.Fatalf("saving a draft: %d to %q", status, loc)
		}
		id := requestIDFrom(t, loc)
		r := stored(t, e, id).Request
		if r.State != assistance.Draft || r.Institution.Name != "Ministerio de Ciencia" || r.Country != "CR" ||
			len(r.Support) != 1 || r.Support[0].Kind != assistance.Training || !slices.Equal(r.Topics, []assistance.Topic{assistance.Forensics}) {
			t.Fatalf("stored draft %+v", r)
		}
		_, body = get(t, c, e.URL+loc, "Accept-Language", "es")
		if !strings.Contains(body, "Solicitud guardada.") {
			t.Error("no flash message after saving")
		}

		_, body = get(t, c, e.URL+"/assistance/"+id+"/edit", "Accept-Language", "es")
		for _, want := range []string{`value="Ministerio de Ciencia"`, `name="version" value="` + strconv.FormatInt(r.Version, 10) + `"`,
			`id="support-training" name="support.training" value="on" checked`, `id="topic-forensics" name="topic" value="forensics" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("the edit form lacks %q", want)
			}
		}

		full := requestFormValues(completeForm("CR", "Ministerio de Ciencia"), "submit")
		full.Set("version", strconv.FormatInt(r.Version, 10))
		full.Set("institution.email", "no-es-correo")
		full.Set("support.training.priority", "1") // the same as CSIRT development's
		status, body, _ = post(t, c, e.URL+"/assistance/"+id+"/edit", full)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("submitting a bad form: status %d, want 422", status)
		}
		for _, field := range []string{"institution-email", "support-training"} {
			if !fieldError(body, field) {
				t.Errorf("no error beside %s", field)
			}
		}
		if !strings.Contains(body, `value="no-es-correo"`) || !strings.Contains(body, "Dirección de Ciberseguridad") {
			t.Error("the refused form lost what was typed")
		}
		if k := leak(body); k != "" {
			t.Errorf("the refused form shows %q", k)
		}
		after := stored(t, e, id).Request
		if after.State != assistance.Draft {
			t.Fatalf("a refused submission left the request %s", after.State)
		}

		// A version other than the stored one takes no change.
		full.Set("institution.email", "ana.mora@example.go.cr")
		full.Set("support.training.priority", "2")
		full.Set("version", strconv.FormatInt(after.Version+7, 10))
		status, body, _ = post(t, c, e.URL+"/assistance/"+id+"/edit", full)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "changed this meanwhile") {
			t.Fatalf("a stale version: status %d, want 422 saying it changed meanwhile", status)
		}

		full.Set("version", strconv.FormatInt(after.Version, 10))
		status, _, loc = post(t, c, e.URL+"/assistance/"+id+"/edit", full)
		if status != http.StatusSeeOther || !strings.Contains(loc, "done=assistanceui.done.submitted") {
			t.Fatalf("submitting: %d to %q", status, loc)
		}
		got := stored(t, e, id).Request
		want := completeForm("CR", "Ministerio de Ciencia")
		if got.State != assistance.Submitted || got.SubmittedAt.IsZero() || got.Institution != want.Institution ||
			got.Need != want.Need || got.Timeframe != want.Timeframe || !slices.Equal(got.Topics, want.Topics) ||
			!slices.Equal(got.Partners, want.Partners) || !sameSupport(got.Support, want.Support) {
			t.Errorf("submitted request %+v,\nwant the form %+v", got, want)
		}
		// Submitted, the request is no longer the contact's to edit.
		if status, _ := get(t, c, e.URL+"/assistance/"+id+"/edit"); status != http.StatusForbidden {
			t.Errorf("editing a submitted request as its contact: %d, want 403", status)
		}
	})
}

// sameSupport compares supports whatever their order.
func sameSupport(a, b []assistance.Support) bool {
	key := func(s []assistance.Support) []string {
		var out []string
		for _, x := range s {
			out = append(out, string(x.Kind)+"/"+strconv.Itoa(x.Priority)+"/"+x.Details)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}

// TestAssistanceNewRequestSubmittedAtOnce submits from the new form: a
// refusal keeps the draft it opened and shows its edit form.
func TestAssistanceNewRequestSubmittedAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, secOfficer)
		_, body := get(t, c, e.URL+"/assistance/new")
		if !strings.Contains(body, `<select id="country" name="country"`) {
			t.Error("the secretariat cannot choose the member state")
		}
		f := requestFormValues(completeForm("JM", "Ministry of Science"), "submit")
		f.Del("timeframe")
		status, body, _ := post(t, c, e.URL+"/assistance/new", f)
		if status != http.StatusUnprocessableEntity || !fieldError(body, "timeframe") {
			t.Fatalf("submitting without a timeframe: status %d, error beside timeframe %v", status, fieldError(body, "timeframe"))
		}
		if !strings.Contains(body, `action="/assistance/`) || strings.Contains(body, `action="/assistance/new"`) {
			t.Error("the refused submission does not edit the draft it opened")
		}
		list, _, err := e.App.Assistance.List(t.Context(), e.Actor(t, secOfficer), assistance.Filter{Country: "JM"})
		if err != nil || len(list) != 1 || list[0].State != assistance.Draft {
			t.Fatalf("Jamaica's requests %+v (%v), want one draft", list, err)
		}
		f = requestFormValues(completeForm("JM", "Ministry of Science"), "submit")
		f.Set("version", strconv.FormatInt(stored(t, e, list[0].ID).Request.Version, 10))
		status, _, loc := post(t, c, e.URL+"/assistance/"+list[0].ID+"/edit", f)
		if status != http.StatusSeeOther || stored(t, e, requestIDFrom(t, loc)).Request.State != assistance.Submitted {
			t.Fatalf("submitting the completed draft: %d to %q", status, loc)
		}
	})
}

// TestAssistanceInvalidMoveIsRefused asks for moves the workflow refuses:
// the page says why in the reader's language, beside the buttons, and the
// request stays where it was; moves whose step is not done show disabled
// with the reason.
func TestAssistanceInvalidMoveIsRefused(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		r := submitted(t, e, "CR", "Ministerio de Ciencia")
		c := e.Login(t, secOfficer)
		path := e.URL + "/assistance/" + r.ID + "/move"
		for lang, want := range map[string]string{
			"en": `cannot move to “Implementation”: the next step is Under consideration`,
			"es": `no puede pasar a «Implementación»: el paso siguiente es En consideración`,
		} {
			req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(url.Values{"to": {"implementation"},
				"version": {strconv.FormatInt(r.Version, 10)}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", lang)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d, want 422", lang, resp.StatusCode)
			}
			if !strings.Contains(body, want) || !fieldError(body, "move-to") {
				t.Errorf("%s: the page does not say %q beside the moves", lang, want)
			}
		}
		if got := stored(t, e, r.ID).Request.State; got != assistance.Submitted {
			t.Fatalf("the refused move left the request %s", got)
		}

		status, _, _ := post(t, c, path, url.Values{"to": {"consideration"}, "version": {strconv.FormatInt(r.Version, 10)}})
		if status != http.StatusSeeOther {
			t.Fatalf("moving to consideration: %d", status)
		}
		_, body := get(t, c, e.URL+"/assistance/"+r.ID)
		actions := section(body, "actions-title")
		if !strings.Contains(actions, `id="move-design" disabled`) ||
			!strings.Contains(actions, "Before design, assign at least one staff member") {
			t.Errorf("the design move is not shown blocked with its reason:\n%s", actions)
		}
		r = stored(t, e, r.ID).Request
		status, body, _ = post(t, c, path, url.Values{"to": {"declined"}, "version": {strconv.FormatInt(r.Version, 10)}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the reason for declining") {
			t.Errorf("declining without a reason: status %d", status)
		}
		status, _, _ = post(t, c, path, url.Values{"to": {"declined"}, "reason": {"Fuera del mandato"},
			"version": {strconv.FormatInt(r.Version, 10)}})
		d := stored(t, e, r.ID)
		last := d.Transitions[len(d.Transitions)-1]
		if status != http.StatusSeeOther || d.Request.State != assistance.Declined || last.Reason != "Fuera del mandato" {
			t.Errorf("declining with a reason: status %d, state %s, reason %q", status, d.Request.State, last.Reason)
		}
	})
}
