package ui

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/feeds"
	"atalaya/internal/i18n"
	"atalaya/internal/parsers"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

const (
	// runsShown is how many of a feed's runs its page lists.
	runsShown = 20
	// quarantineShown is how many refused lines a page of the quarantine
	// lists.
	quarantineShown = 50
	// maxFeedUpload is the largest file the upload form takes. The file
	// is streamed through the pipeline, never held whole.
	maxFeedUpload = 4 << 30
)

// feedsData is the feeds' status page.
type feedsData struct {
	Feeds     []feedRow
	CanManage bool
}

// feedRow is a feed with its status as the pages show it.
type feedRow struct{ feeds.FeedStatus }

// IntervalMinutes is the pull schedule in minutes, 0 when only by hand.
func (f feedRow) IntervalMinutes() int { return int(f.Interval / time.Minute) }

// RetentionDays is how long events are kept, in days (0: the default).
func (f feedRow) RetentionDays() int { return int(f.Retention / (24 * time.Hour)) }

// Pulled reports whether the feed's source is pulled, so "Run now" means
// something.
func (f feedRow) Pulled() bool {
	switch f.Source {
	case feeds.SourceHTTP, feeds.SourceDir, feeds.SourceTAXII, feeds.SourceMISP:
		return true
	}
	return false
}

// TLPLabel is the feed's default marking as FIRST writes it.
func (f feedRow) TLPLabel() string { return tlpLevel{Level: access.TLP(f.TLP)}.Label() }

// Where is the feed's URL or directory.
func (f feedRow) Where() string {
	if f.Source == feeds.SourceDir {
		return f.Dir
	}
	return f.URL
}

// canViewFeeds answers 403 to an actor who may not see the feeds at all.
func (u *UI) canViewFeeds(w http.ResponseWriter, r *http.Request) bool {
	if !access.Can(actorOf(r), access.ViewFeeds, access.Target{}) {
		u.fail(w, r, access.ErrDenied)
		return false
	}
	return true
}

// canManageFeeds answers 403 to an actor who may not set feeds up.
func (u *UI) canManageFeeds(w http.ResponseWriter, r *http.Request) bool {
	if !access.Can(actorOf(r), access.ManageFeeds, access.Target{}) {
		u.fail(w, r, access.ErrDenied)
		return false
	}
	return true
}

func (u *UI) feedsStatus(w http.ResponseWriter, r *http.Request) {
	if !u.canViewFeeds(w, r) {
		return
	}
	a := actorOf(r)
	list, err := u.feeds.Feeds(r.Context(), a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := feedsData{CanManage: access.Can(a, access.ManageFeeds, access.Target{})}
	for _, s := range list {
		d.Feeds = append(d.Feeds, feedRow{s})
	}
	u.render(w, r, http.StatusOK, "ew_feeds", page{TitleKey: "ewui.feeds.title", Nav: "feeds", Data: d})
}

// feedData is one feed's page: its settings and status, its runs, the
// quarantine (for who may read raw lines) and, after an upload or a run by
// hand, that run.
type feedData struct {
	Status     feedRow
	Runs       []feeds.Run
	Quarantine []quarantineRow
	QNextURL   string
	QFirst     bool
	CanManage  bool
	Formats    []string
	Run        *feeds.Run // the run this response reports
	Open       string     // "delete" keeps the delete confirmation open
}

// quarantineRow is one refused line with its reason in the reader's words.
type quarantineRow struct {
	feeds.Quarantined
	Reason string
}

func (u *UI) feedPage(w http.ResponseWriter, r *http.Request) {
	if !u.canViewFeeds(w, r) {
		return
	}
	u.renderFeed(w, r, http.StatusOK, &form{Values: map[string]string{}}, feedData{})
}

// renderFeed shows the feed named in the path with d's run and form.
func (u *UI) renderFeed(w http.ResponseWriter, r *http.Request, status int, f *form, d feedData) {
	a, ctx := actorOf(r), r.Context()
	feed, err := u.feeds.Feed(ctx, a, r.PathValue("name"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d.Status = feedRow{feeds.FeedStatus{Feed: feed}}
	list, err := u.feeds.Feeds(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, s := range list {
		if s.ID == feed.ID {
			d.Status = feedRow{s}
		}
	}
	if d.Runs, err = u.feeds.Runs(ctx, a, feed.ID, runsShown); err != nil {
		u.fail(w, r, err)
		return
	}
	d.CanManage = access.Can(a, access.ManageFeeds, access.Target{})
	d.Formats = parsers.Formats()
	if d.CanManage {
		// Raw lines may name any team's hosts: only for who manages feeds.
		cursor := r.URL.Query().Get("qcursor")
		qs, next, err := u.feeds.Quarantine(ctx, a, feed.ID, cursor, quarantineShown)
		if err != nil {
			u.failInput(w, r, err)
			return
		}
		l := u.i18n.For(u.language(r, sessionOf(r).user))
		for _, q := range qs {
			d.Quarantine = append(d.Quarantine, quarantineRow{Quarantined: q, Reason: rejectReason(l, q)})
		}
		d.QFirst = cursor == ""
		if next != "" {
			d.QNextURL = "/feeds/" + url.PathEscape(feed.Name) + "?qcursor=" + url.QueryEscape(next) + "#quarantine"
		}
	}
	u.render(w, r, status, "ew_feed", page{Title: feedTitle(feed), Nav: "feeds", Data: d, Form: f})
}

func feedTitle(f feeds.Feed) string {
	if f.Title != "" {
		return f.Title
	}
	return f.Name
}

// rejectReason is a refused line's reason in the reader's language, or
// the English message when the catalogs cannot say it.
func rejectReason(l *i18n.Localizer, q feeds.Quarantined) string {
	rj := q.Rejected
	return reason(l, &valid.Error{Field: rj.Field, Code: rj.Code, Message: rj.Message})
}

// runFeed pulls the feed now; the page then shows the run.
func (u *UI) runFeed(w http.ResponseWriter, r *http.Request) {
	if !u.canManageFeeds(w, r) {
		return
	}
	run, err := u.feeds.RunFeed(r.Context(), actorOf(r), r.PathValue("name"))
	f := &form{Values: map[string]string{}}
	switch {
	case err == nil, run.ID != "":
		// A failed pull is a run too: the page shows why.
		u.renderFeed(w, r, http.StatusOK, f, feedData{Run: &run})
	case errors.Is(err, store.ErrConflict):
		f.fail(errPullRunning)
		u.renderFeed(w, r, http.StatusConflict, f, feedData{})
	case f.fail(err):
		u.renderFeed(w, r, http.StatusUnprocessableEntity, f, feedData{})
	default:
		u.fail(w, r, err)
	}
}

// errPullRunning answers "Run now" while the feed is being pulled.
var errPullRunning = valid.New("run", "ewui.pull_running", "This feed is being pulled now: its run will show here when it ends.", nil)

// uploadFeed streams an uploaded file through the feed's pipeline and
// shows the run once its events are durable. The multipart body is read
// part by part: the file is never held in memory or on disk.
func (u *UI) uploadFeed(w http.ResponseWriter, r *http.Request) {
	if !u.canManageFeeds(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFeedUpload)
	f := &form{Values: map[string]string{}}
	run, err := u.ingestUpload(r, f)
	switch {
	case err == nil || run.ID != "":
		u.renderFeed(w, r, http.StatusOK, f, feedData{Run: &run})
	case f.fail(err):
		u.renderFeed(w, r, http.StatusUnprocessableEntity, f, feedData{})
	default:
		u.fail(w, r, err)
	}
}

// errNoFile is the upload form sent without a file.
var errNoFile = valid.New("file", "ewui.file", "Choose a file to upload.", nil)

// ingestUpload reads the upload form: the format (optional, before the
// file in the form) and the file, handed to Ingest as it arrives.
func (u *UI) ingestUpload(r *http.Request, f *form) (feeds.Run, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return feeds.Run{}, errNoFile
	}
	format := ""
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return feeds.Run{}, errNoFile
		}
		if err != nil {
			return feeds.Run{}, errNoFile
		}
		switch part.FormName() {
		case "format":
			b, _ := io.ReadAll(io.LimitReader(part, 100))
			format = string(b)
			f.Values["format"] = format
		case "file":
			if part.FileName() == "" {
				return feeds.Run{}, errNoFile
			}
			return u.ingestPart(r, part, format)
		}
	}
}

func (u *UI) ingestPart(r *http.Request, part *multipart.Part, format string) (feeds.Run, error) {
	if format != "" && !validFormat(format) {
		return feeds.Run{}, valid.New("format", "ewui.format", "Choose a format of the list.", nil)
	}
	return u.feeds.Ingest(r.Context(), actorOf(r), r.PathValue("name"), part, feeds.IngestOptions{
		Format: format, Trigger: "upload", Input: path.Base(part.FileName())})
}

func validFormat(format string) bool {
	for _, f := range parsers.Formats() {
		if f == format {
			return true
		}
	}
	return false
}

func (u *UI) deleteFeed(w http.ResponseWriter, r *http.Request) {
	if !u.canManageFeeds(w, r) {
		return
	}
	a := actorOf(r)
	feed, err := u.feeds.Feed(r.Context(), a, r.PathValue("name"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if r.PostFormValue("confirm") == "" {
		f := &form{Values: map[string]string{}}
		f.fail(errConfirm)
		u.renderFeed(w, r, http.StatusUnprocessableEntity, f, feedData{Open: "delete"})
		return
	}
	if err := u.feeds.DeleteFeed(r.Context(), a, feed.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/feeds", "done.ew_feed_deleted")
}
