package ui

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/directory"
	"atalaya/internal/feeds"
	"atalaya/internal/parsers"
	"atalaya/internal/valid"
)

// feedFields are the inputs of the feed form; "auth" is never shown back.
var feedFields = []string{"name", "title", "provider", "format", "source", "url", "dir", "auth", "mapping",
	"constants", "report", "interval_minutes", "retention_days", "tlp", "accuracy", "push_org"}

// sourceKinds are the choices of a feed's source.
var sourceKinds = []string{feeds.SourceUpload, feeds.SourceHTTP, feeds.SourceDir, feeds.SourcePush,
	feeds.SourceTAXII, feeds.SourceMISP}

const (
	maxIntervalMinutes = 366 * 24 * 60
	maxRetentionDays   = 3650
)

// feedFormData is the new-feed or edit form.
type feedFormData struct {
	Action  string
	Cancel  string
	Edit    bool
	HasAuth bool
	Formats []string
	Sources []string
	TLPs    []tlpLevel
	Orgs    []directory.Organization
}

func (u *UI) newFeedForm(w http.ResponseWriter, r *http.Request) {
	if !u.canManageFeeds(w, r) {
		return
	}
	f := &form{Values: map[string]string{"source": feeds.SourceUpload, "enabled": "on"}}
	u.renderFeedForm(w, r, http.StatusOK, f, feedFormData{})
}

func (u *UI) renderFeedForm(w http.ResponseWriter, r *http.Request, status int, f *form, d feedFormData) {
	orgs, err := u.loadOrgs(r.Context(), actorOf(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d.Orgs, d.Formats, d.Sources, d.TLPs = orgs.All, parsers.Formats(), sourceKinds, tlpLevels()
	title := "ewui.feed.new"
	d.Action, d.Cancel = "/feeds/new", "/feeds"
	if d.Edit {
		name := url.PathEscape(r.PathValue("name"))
		title, d.Action, d.Cancel = "ewui.feed.edit", "/feeds/"+name+"/edit", "/feeds/"+name
	}
	u.render(w, r, status, "ew_feed_form", page{TitleKey: title, Nav: "feeds", Data: d, Form: f})
}

func (u *UI) createFeed(w http.ResponseWriter, r *http.Request) {
	if !u.canManageFeeds(w, r) {
		return
	}
	f := readFeedForm(r)
	feed, err := feedFromForm(f)
	if err == nil {
		feed, err = u.feeds.CreateFeed(r.Context(), actorOf(r), feed)
	}
	if err != nil {
		if !feedFormErrors(f, err) {
			u.fail(w, r, err)
			return
		}
		u.renderFeedForm(w, r, http.StatusUnprocessableEntity, f, feedFormData{})
		return
	}
	redirect(w, r, "/feeds/"+url.PathEscape(feed.Name), "done.ew_feed_created")
}

func (u *UI) editFeedForm(w http.ResponseWriter, r *http.Request) {
	if !u.canManageFeeds(w, r) {
		return
	}
	feed, err := u.feeds.Feed(r.Context(), actorOf(r), r.PathValue("name"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderFeedForm(w, r, http.StatusOK, &form{Values: feedValues(feed)}, feedFormData{Edit: true, HasAuth: feed.HasAuth})
}

func (u *UI) editFeed(w http.ResponseWriter, r *http.Request) {
	if !u.canManageFeeds(w, r) {
		return
	}
	a := actorOf(r)
	old, err := u.feeds.Feed(r.Context(), a, r.PathValue("name"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := readFeedForm(r)
	feed, err := feedFromForm(f)
	if err == nil {
		feed.ID = old.ID
		feed, err = u.feeds.UpdateFeed(r.Context(), a, feed)
	}
	if err != nil {
		if !feedFormErrors(f, err) {
			u.fail(w, r, err)
			return
		}
		u.renderFeedForm(w, r, http.StatusUnprocessableEntity, f, feedFormData{Edit: true, HasAuth: old.HasAuth})
		return
	}
	redirect(w, r, "/feeds/"+url.PathEscape(feed.Name), "done.ew_feed_saved")
}

// readFeedForm reads the posted form; the secret is used, never shown back.
func readFeedForm(r *http.Request) *form {
	f := newForm(r, feedFields...)
	if r.PostFormValue("enabled") != "" {
		f.Values["enabled"] = "on"
	}
	// Textareas keep their lines as typed.
	f.Values["mapping"] = r.PostFormValue("mapping")
	f.Values["constants"] = r.PostFormValue("constants")
	return f
}

// feedValues fills the form with a stored feed.
func feedValues(f feeds.Feed) map[string]string {
	v := map[string]string{"name": f.Name, "title": f.Title, "provider": f.Provider, "format": f.Format,
		"source": f.Source, "url": f.URL, "dir": f.Dir, "report": f.Report, "tlp": f.TLP, "push_org": f.PushOrgID,
		"mapping": pairLines(f.Mapping), "constants": pairLines(f.Constants)}
	if f.Interval > 0 {
		v["interval_minutes"] = strconv.FormatInt(int64(f.Interval/time.Minute), 10)
	}
	if f.Retention > 0 {
		v["retention_days"] = strconv.FormatInt(int64(f.Retention/(24*time.Hour)), 10)
	}
	if f.Accuracy > 0 {
		v["accuracy"] = strconv.FormatFloat(f.Accuracy, 'f', -1, 64)
	}
	if f.Enabled {
		v["enabled"] = "on"
	}
	return v
}

// feedFromForm reads what the page itself checks (numbers, the "a = b"
// lines); feeds checks the rest and names the field.
func feedFromForm(f *form) (feeds.Feed, error) {
	feed := feeds.Feed{Name: f.Value("name"), Title: f.Value("title"), Provider: f.Value("provider"),
		Format: f.Value("format"), Source: f.Value("source"), URL: f.Value("url"), Dir: f.Value("dir"),
		Auth: f.Value("auth"), Report: f.Value("report"), TLP: f.Value("tlp"), PushOrgID: f.Value("push_org"),
		Enabled: f.Value("enabled") != ""}
	var es valid.Errors
	var err error
	if feed.Mapping, err = parsePairs("mapping", f.Value("mapping")); err != nil {
		es = append(es, valid.List(err)...)
	}
	if feed.Constants, err = parsePairs("constants", f.Value("constants")); err != nil {
		es = append(es, valid.List(err)...)
	}
	if n, ok := formInt(f.Value("interval_minutes"), maxIntervalMinutes); ok {
		feed.Interval = time.Duration(n) * time.Minute
	} else {
		es.Add("interval_minutes", "ewui.minutes", "Give a whole number of minutes, from 0 (only by hand) to 527040.", nil)
	}
	if n, ok := formInt(f.Value("retention_days"), maxRetentionDays); ok {
		feed.Retention = time.Duration(n) * 24 * time.Hour
	} else {
		es.Add("retention_days", "ewui.days", "Give a whole number of days, from 0 (the default, 90) to 3650.", nil)
	}
	if s := f.Value("accuracy"); s != "" {
		a, err := strconv.ParseFloat(s, 64)
		if err != nil || a < 0 || a > 100 {
			es.Add("accuracy", "ewui.accuracy", "Give a number from 0 to 100.", nil)
		}
		feed.Accuracy = a
	}
	return feed, es.Err()
}

// formInt reads a whole number from 0 to most; empty is 0.
func formInt(s string, most int64) (int64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0 && n <= most
}

// parsePairs reads "left = right" lines (a mapping's column and field, a
// constant's field and value). Blank lines and lines starting with # are
// skipped; a line without "=", with an empty side or repeating a left side
// is named by its number.
func parsePairs(field, text string) (map[string]string, error) {
	var es valid.Errors
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		args := map[string]any{"Line": i + 1, "Text": line}
		switch {
		case !ok || k == "" || v == "":
			es.Add(field, "ewui.pair", fmt.Sprintf("Line %d: write it as “name = value”.", i+1), args)
		case out[k] != "":
			es.Add(field, "ewui.pair_repeated", fmt.Sprintf("Line %d: %s is given twice.", i+1, k), args)
		default:
			out[k] = v
		}
	}
	if len(out) == 0 {
		out = nil
	}
	return out, es.Err()
}

// pairLines writes a map as the "left = right" lines parsePairs reads,
// sorted.
func pairLines(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + " = " + m[k] + "\n")
	}
	return b.String()
}

// feedFieldAliases maps the names feeds gives its fields in errors to the
// form's.
var feedFieldAliases = map[string]string{
	"interval": "interval_minutes", "retention": "retention_days", "push_org_id": "push_org",
	"pushorgid": "push_org", "push_org": "push_org", "feed.accuracy": "accuracy", "accuracy": "accuracy",
}

// feedFormErrors puts the field errors of err on f under the form's names
// ("mapping.ip" and "mapping[ip]" show beside the mapping). It reports
// false when err is not a validation error.
func feedFormErrors(f *form, err error) bool {
	es := valid.List(err)
	if es == nil {
		return false
	}
	renamed := make(valid.Errors, 0, len(es))
	for _, e := range es {
		c := *e
		name := strings.ToLower(c.Field)
		if alias, ok := feedFieldAliases[name]; ok {
			name = alias
		}
		for _, parent := range []string{"mapping", "constants"} {
			if strings.HasPrefix(name, parent+".") || strings.HasPrefix(name, parent+"[") {
				name = parent
			}
		}
		c.Field = name
		renamed = append(renamed, &c)
	}
	return f.fail(renamed)
}
