package ui_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
)

// TestAssistanceAttachmentsThroughPages attaches files to a draft as its
// government contact: the file is listed and sent back as it was (a page
// of HTML as a download, never shown in the site's origin); a file too
// large is refused beside the file input and not kept; another member's
// contact cannot read it; removing it takes it off.
func TestAssistanceAttachmentsThroughPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := buildAssistFixture(t, e)
		c := e.Login(t, crContact)
		base := e.URL + "/assistance/" + fx.Draft.ID
		content := []byte("<html><script>alert(1)</script></html>")
		status, body := upload(t, c, base+"/attachments", "oficio.html", content, nil)
		if status != http.StatusSeeOther {
			t.Fatalf("attaching: status %d\n%s", status, errorsOf(body))
		}
		atts := stored(t, e, fx.Draft.ID).Attachments
		if len(atts) != 1 || atts[0].Name != "oficio.html" || atts[0].Size != int64(len(content)) {
			t.Fatalf("attachments %+v", atts)
		}
		_, page := get(t, c, base)
		link := "/assistance/" + fx.Draft.ID + "/attachments/" + atts[0].ID
		if !strings.Contains(page, `href="`+link+`"`) {
			t.Error("the request page does not link the attachment")
		}
		resp, err := c.Get(e.URL + link)
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, resp)
		if resp.StatusCode != http.StatusOK || got != string(content) ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
			resp.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("download: status %d, %d bytes, disposition %q, type %q", resp.StatusCode, len(got),
				resp.Header.Get("Content-Disposition"), resp.Header.Get("Content-Type"))
		}

		big := bytes.Repeat([]byte("x"), assistance.MaxAttachment+1)
		status, body = upload(t, c, base+"/attachments", "grande.bin", big, nil)
		if status != http.StatusUnprocessableEntity || !fieldError(body, "attach-file") {
			t.Errorf("a file over the limit: status %d, error beside the file %v", status, fieldError(body, "attach-file"))
		}
		status, body = upload(t, c, base+"/attachments", "", nil, nil)
		if status != http.StatusUnprocessableEntity || !fieldError(body, "attach-file") {
			t.Errorf("no file: status %d, error beside the file %v", status, fieldError(body, "attach-file"))
		}
		if n := len(stored(t, e, fx.Draft.ID).Attachments); n != 1 {
			t.Errorf("%d attachments after the refused uploads, want 1", n)
		}

		// Mexico's request is not Costa Rica's contact's to attach to.
		status, _ = upload(t, c, e.URL+"/assistance/"+fx.Design.ID+"/attachments", "a.txt", []byte("a"), nil)
		if status != http.StatusNotFound {
			t.Errorf("attaching to Mexico's request: %d, want 404", status)
		}

		status, _, _ = post(t, c, e.URL+link+"/delete", url.Values{})
		if status != http.StatusSeeOther || len(stored(t, e, fx.Draft.ID).Attachments) != 0 {
			t.Errorf("removing: status %d", status)
		}
		if status, _ := get(t, c, e.URL+link); status != http.StatusNotFound {
			t.Errorf("a removed attachment answers %d, want 404", status)
		}
	})
}

// TestAssistanceBoardAndReminders checks the board's counts are the
// domain's, overdue requests are marked, and the dashboard reminds the
// secretariat (only) of the overdue steps.
func TestAssistanceBoardAndReminders(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := buildAssistFixture(t, e)
		sc := e.Login(t, secOfficer)
		board, err := e.App.Assistance.Board(t.Context(), e.Actor(t, secOfficer), assistance.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		_, body := get(t, sc, e.URL+"/assistance/board")
		for _, st := range assistance.States {
			want := `<td id="count-` + string(st) + `">` + strconv.Itoa(board.ByState[st]) + `</td>`
			if !strings.Contains(body, want) {
				t.Errorf("the board does not count %d requests %s", board.ByState[st], st)
			}
		}
		row := regexp.MustCompile(`(?s)<tr id="request-` + fx.Implementation.Number + `"[^>]*>`).FindString(body)
		if !strings.Contains(row, `class="overdue"`) {
			t.Errorf("the overdue request %s is not highlighted: %q", fx.Implementation.Number, row)
		}
		if row := regexp.MustCompile(`<tr id="request-` + fx.Design.Number + `"[^>]*>`).FindString(body); strings.Contains(row, "overdue") {
			t.Errorf("the request %s in time is highlighted", fx.Design.Number)
		}
		_, body = get(t, sc, e.URL+"/assistance/board?overdue=1")
		if !strings.Contains(body, fx.Implementation.Number) || strings.Contains(body, `id="request-`+fx.Design.Number+`"`) {
			t.Error("the overdue filter does not keep only the overdue requests")
		}

		_, body = get(t, sc, e.URL+"/")
		reminders := section(body, "overdue-title")
		if !strings.Contains(reminders, fx.Implementation.Number) || strings.Contains(reminders, fx.Design.Number) {
			t.Errorf("the dashboard's reminders %q", textOf(reminders))
		}
		_, body = get(t, e.Login(t, crContact), e.URL+"/")
		if strings.Contains(body, `id="overdue"`) {
			t.Error("the dashboard reminds a member's contact of the secretariat's overdue steps")
		}
	})
}

// TestAssistanceExpertFormErrors checks the roster form keeps what was
// typed and puts the domain's errors beside the fields.
func TestAssistanceExpertFormErrors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(t, secOfficer)
		status, body, _ := post(t, c, e.URL+"/assistance/experts", url.Values{"kind": {"individual"}, "name": {""},
			"email": {"no-mail"}, "languages": {"es"}, "available.0.from": {"2026-05-01"}, "available.0.to": {"2026-04-01"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", status)
		}
		for _, id := range []string{"expert-name", "expert-email", "expert-available"} {
			if !fieldError(body, id) {
				t.Errorf("no error beside %s", id)
			}
		}
		if !strings.Contains(body, `value="no-mail"`) || !strings.Contains(body, `value="2026-05-01"`) ||
			!strings.Contains(body, `id="expert-languages-es" name="languages" value="es" checked`) {
			t.Error("the refused form lost what was typed")
		}
	})
}

// TestLeakFindsKeys proves the render tests' check can fail.
func TestLeakFindsKeys(t *testing.T) {
	for body, want := range map[string]string{
		"<p>assistanceui.board.title</p>":          "assistanceui.board.title",
		"<td>assistance.state.draft</td>":          "assistance.state.draft",
		"<li>invalid.assistance.required</li>":     "invalid.assistance.required",
		"<p>Hasta &lt;no value&gt; MB</p>":         "&lt;no value&gt;",
		`<input name="support.training.priority">`: "",
		"<p>ana.mora@example.go.cr</p>":            "",
	} {
		if got := leak(body); got != want {
			t.Errorf("leak(%q) = %q, want %q", body, got, want)
		}
	}
}
