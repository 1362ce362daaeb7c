package ui_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"atalaya/internal/app/apptest"
)

// feedForm is the new-feed form filled in for a generic CSV upload feed.
func feedForm(name string) url.Values {
	return url.Values{
		"name": {name}, "title": {"Partner CSV"}, "provider": {"Partner CERT"},
		"format": {"csv"}, "source": {"upload"},
		"mapping":          {"ip = source.ip\nident = classification.identifier\n"},
		"constants":        {"classification.taxonomy = malicious-code\nclassification.type = infected-system\n"},
		"interval_minutes": {""}, "retention_days": {"30"}, "tlp": {"amber"}, "accuracy": {"80"}, "enabled": {"on"},
	}
}

func TestFeedAdministrationThroughPages(t *testing.T) {
	e := apptest.New(t)
	sec := e.Login(t, secAdmin)
	analyst := e.Login(t, mxAnalyst)
	if status, _ := get(t, analyst, e.URL+"/feeds/new"); status != http.StatusForbidden {
		t.Errorf("analyst opens the new-feed form: %d", status)
	}
	if status, body := get(t, sec, e.URL+"/feeds/new"); status != http.StatusOK || !strings.Contains(body, `<option value="shadowserver"`) {
		t.Errorf("new-feed form: status %d, offers the formats %v", status, strings.Contains(body, `<option value="shadowserver"`))
	}

	bad := []struct {
		name   string
		change func(url.Values)
		fields []string // with an error beside them
	}{
		{"mapping line without =", func(v url.Values) { v.Set("mapping", "ip source.ip\n") }, []string{"mapping"}},
		{"mapping to no field", func(v url.Values) { v.Set("mapping", "ip = source.nope\n") }, []string{"mapping"}},
		{"constant of a bad value", func(v url.Values) { v.Set("constants", "classification.type = nonsense\n") }, []string{"constants"}},
		{"interval and retention not numbers", func(v url.Values) { v.Set("interval_minutes", "often"); v.Set("retention_days", "-1") },
			[]string{"interval_minutes", "retention_days"}},
		{"bad name and no format", func(v url.Values) { v.Set("name", "Bad Name"); v.Set("format", "") }, []string{"name", "format"}},
		{"pull without URL", func(v url.Values) { v.Set("source", "http") }, []string{"url"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			v := feedForm("partner-csv")
			tc.change(v)
			status, body, _ := post(t, sec, e.URL+"/feeds/new", v)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", status)
			}
			for _, f := range tc.fields {
				if !fieldError(body, f) {
					t.Errorf("no error beside %s", f)
				}
			}
			if !strings.Contains(body, `value="Partner CSV"`) {
				t.Error("the title typed is lost")
			}
		})
	}
	if _, err := e.App.Feeds.Feed(t.Context(), e.Actor(t, secAdmin), "partner-csv"); err == nil {
		t.Fatal("a refused form created the feed")
	}

	status, _, loc := post(t, sec, e.URL+"/feeds/new", feedForm("partner-csv"))
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/feeds/partner-csv") {
		t.Fatalf("create: status %d to %q", status, loc)
	}
	f, err := e.App.Feeds.Feed(t.Context(), e.Actor(t, secAdmin), "partner-csv")
	if err != nil || f.Mapping["ident"] != "classification.identifier" || f.Constants["classification.type"] != "infected-system" ||
		f.Retention != 30*24*time.Hour || f.TLP != "amber" || f.Accuracy != 80 || !f.Enabled {
		t.Fatalf("stored feed %+v, %v", f, err)
	}
	_, body := get(t, sec, e.URL+"/feeds/partner-csv/edit")
	if !strings.Contains(body, "ident = classification.identifier\nip = source.ip\n</textarea>") || !strings.Contains(body, `value="30"`) {
		t.Error("the edit form does not hold the feed's settings")
	}
	v := feedForm("partner-csv")
	v.Set("title", "Partner CSV (renamed)")
	if status, _, _ := post(t, sec, e.URL+"/feeds/partner-csv/edit", v); status != http.StatusSeeOther {
		t.Errorf("edit: status %d", status)
	}
	if f, _ := e.App.Feeds.Feed(t.Context(), e.Actor(t, secAdmin), "partner-csv"); f.Title != "Partner CSV (renamed)" {
		t.Errorf("title after edit %q", f.Title)
	}

	t.Run("upload runs the file and shows the run and the quarantine", func(t *testing.T) {
		file := "ip,ident\n198.51.100.9,upload-ok-1\nnot-an-ip,upload-bad\n192.0.2.9,upload-ok-2\n"
		status, body := upload(t, sec, e.URL+"/feeds/partner-csv/upload", "partner.csv", []byte(file), map[string][]string{"format": {""}})
		if status != http.StatusOK || !strings.Contains(body, `id="run-result"`) {
			t.Fatalf("upload: status %d, run shown %v", status, strings.Contains(body, `id="run-result"`))
		}
		runs, err := e.App.Feeds.Runs(t.Context(), e.Actor(t, secAdmin), f.ID, 10)
		if err != nil || len(runs) != 1 || runs[0].Accepted != 2 || runs[0].Quarantined != 1 || runs[0].Trigger != "upload" ||
			runs[0].Input != "partner.csv" {
			t.Fatalf("runs %+v, %v", runs, err)
		}
		if !strings.Contains(body, `<tr id="run-`+runs[0].ID+`"`) || !strings.Contains(section(body, "quarantine"), "upload-bad") {
			t.Error("the feed page lacks the run or the quarantined line")
		}
		status, body = upload(t, sec, e.URL+"/feeds/partner-csv/upload", "", nil, map[string][]string{"format": {""}})
		if status != http.StatusUnprocessableEntity || !fieldError(body, "file") {
			t.Errorf("upload without a file: status %d, error beside file %v", status, fieldError(body, "file"))
		}
		status, body = upload(t, sec, e.URL+"/feeds/partner-csv/upload", "x.csv", []byte(file), map[string][]string{"format": {"yaml"}})
		if status != http.StatusUnprocessableEntity || !fieldError(body, "format") {
			t.Errorf("upload in an unknown format: status %d", status)
		}
		if status, _ := upload(t, analyst, e.URL+"/feeds/partner-csv/upload", "x.csv", []byte(file), nil); status != http.StatusForbidden {
			t.Errorf("analyst uploads: %d", status)
		}
		_, page := get(t, analyst, e.URL+"/feeds/partner-csv")
		if strings.Contains(page, "upload-bad") || strings.Contains(page, `id="upload-form"`) || !strings.Contains(page, `<tr id="run-`+runs[0].ID+`"`) {
			t.Error("an analyst sees the quarantine or the upload form, or not the runs")
		}
		_, status2 := get(t, sec, e.URL+"/feeds")
		if !strings.Contains(status2, `id="feed-partner-csv"`) {
			t.Error("the status page does not list the feed")
		}
		if status, _ := get(t, sec, e.URL+"/feeds/partner-csv?qcursor=nonsense"); status != http.StatusBadRequest {
			t.Errorf("quarantine page with a made-up cursor: %d, want 400", status)
		}
	})

	t.Run("run now shows the pull's run or why it cannot run", func(t *testing.T) {
		v := feedForm("partner-pull")
		v.Set("source", "http")
		v.Set("url", "http://127.0.0.1:1/feed.csv")
		if status, _, _ := post(t, sec, e.URL+"/feeds/new", v); status != http.StatusSeeOther {
			t.Fatalf("create pull feed: %d", status)
		}
		_, page := get(t, sec, e.URL+"/feeds/partner-pull")
		if !strings.Contains(page, `id="run-now"`) {
			t.Error("a pulled feed's page offers no Run now")
		}
		if _, page := get(t, sec, e.URL+"/feeds/partner-csv"); strings.Contains(page, `id="run-now"`) {
			t.Error("an upload feed's page offers Run now")
		}
		status, body, _ := post(t, sec, e.URL+"/feeds/partner-pull/run", nil)
		if (status != http.StatusOK || !strings.Contains(body, `id="run-result"`)) &&
			(status != http.StatusUnprocessableEntity || !strings.Contains(body, `class="error-summary"`)) {
			t.Errorf("run now: status %d, neither a run nor an error shown", status)
		}
		if status, _, _ := post(t, analyst, e.URL+"/feeds/partner-pull/run", nil); status != http.StatusForbidden {
			t.Errorf("analyst runs a feed: %d", status)
		}
	})

	status, body, _ = post(t, sec, e.URL+"/feeds/partner-csv/delete", nil)
	if status != http.StatusUnprocessableEntity || !fieldError(body, "confirm") {
		t.Errorf("delete without confirmation: %d", status)
	}
	if status, _, _ := post(t, analyst, e.URL+"/feeds/partner-csv/delete", url.Values{"confirm": {"yes"}}); status != http.StatusForbidden {
		t.Errorf("analyst deletes the feed: %d", status)
	}
	if status, _, loc := post(t, sec, e.URL+"/feeds/partner-csv/delete", url.Values{"confirm": {"yes"}}); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/feeds") {
		t.Errorf("delete: %d to %q", status, loc)
	}
	if status, _ := get(t, sec, e.URL+"/feeds/partner-csv"); status != http.StatusNotFound {
		t.Errorf("deleted feed's page: %d", status)
	}
}

// TestEarlyWarningPagesRenderInEveryLanguage opens each page in each
// language through the running app: the navigation names the new pages
// and no catalog key shows as text.
func TestEarlyWarningPagesRenderInEveryLanguage(t *testing.T) {
	e := apptest.New(t)
	createTestFeed(t, e)
	ingest(t, e, ewHeader+markerLine("198.51.100.7", "render-mx")+markerLine("not-an-ip", "render-bad"))
	keys := catalogKeys(t)
	nav := map[string]string{"en": ">Events<", "es": ">Eventos<", "pt": ">Eventos<", "fr": ">Événements<"}
	for _, who := range []string{mxAdmin, secAdmin} {
		c := e.Login(t, who)
		pages := []string{"/events", "/alerts", "/alerts/rules", "/alerts/settings", "/feeds", "/feeds/" + ewFeed}
		if who == secAdmin {
			pages = append(pages, "/feeds/new", "/feeds/"+ewFeed+"/edit")
		} else {
			_, list := get(t, c, e.URL+"/events")
			for _, id := range eventIDsIn(list) {
				pages = append(pages, "/events/"+strconv.FormatInt(id, 10))
			}
		}
		for lang, navText := range nav {
			for _, p := range pages {
				t.Run(who+"/"+lang+p, func(t *testing.T) {
					status, body := get(t, c, e.URL+p, "Accept-Language", lang)
					if status != http.StatusOK {
						t.Fatalf("status %d", status)
					}
					if !strings.Contains(body, `<html lang="`+lang+`">`) || !strings.Contains(body, navText) {
						t.Errorf("page not in %s or navigation lacks %s", lang, navText)
					}
					if k := visibleKey(body, keys); k != "" {
						t.Errorf("untranslated key on the page: %s", k)
					}
				})
			}
		}
	}
}
