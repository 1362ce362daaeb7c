package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"atalaya/internal/feeds"
	"atalaya/internal/valid"
	"atalaya/internal/web"
)

// The feeds endpoints hand each request to feeds.Service with the caller's
// actor: the service decides (access.ViewFeeds to read the feeds' settings
// and status, access.ManageFeeds to change them, run them and read their
// quarantine, access.PushEvents to push). A feed is named in paths by its
// name (or its id).

// maxPush bounds the body of a push: a batch of events in the feed's
// format. Larger inputs are uploaded in the pages or loaded with
// `atalaya ingest`.
const maxPush = 64 << 20

// errNoEarlyWarning answers when the server was built without feeds or
// alerts (a tool embedding the API alone).
var errNoEarlyWarning = &web.StatusError{Status: http.StatusServiceUnavailable,
	Detail: "Early warning is not running on this server."}

// withFeeds and withAlerts serve h only when the server has the service
// it uses (the route table wraps every early-warning route), so handlers
// use a.feeds and a.alerts as they are.
func withFeeds(h handler) handler {
	return func(a *API, w http.ResponseWriter, r *http.Request, c caller) error {
		if a.feeds == nil {
			return errNoEarlyWarning
		}
		return h(a, w, r, c)
	}
}

func withAlerts(h handler) handler {
	return func(a *API, w http.ResponseWriter, r *http.Request, c caller) error {
		if a.alerts == nil {
			return errNoEarlyWarning
		}
		return h(a, w, r, c)
	}
}

// feedJSON is a feed's configuration as the API shows it: never the
// credentials of its pulls, only whether it has some.
type feedJSON struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Title            string            `json:"title"`
	Provider         string            `json:"provider"`
	Format           string            `json:"format"`
	Source           string            `json:"source"`
	URL              string            `json:"url"`
	Dir              string            `json:"dir"`
	HasAuth          bool              `json:"has_auth"`
	Mapping          map[string]string `json:"mapping"`
	Constants        map[string]string `json:"constants"`
	Report           string            `json:"report"`
	IntervalSeconds  int64             `json:"interval_seconds"`
	RetentionSeconds int64             `json:"retention_seconds"`
	TLP              string            `json:"tlp"`
	Accuracy         float64           `json:"accuracy"`
	PushOrgID        string            `json:"push_org_id"`
	Enabled          bool              `json:"enabled"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
}

func feedOf(f feeds.Feed) feedJSON {
	return feedJSON{ID: f.ID, Name: f.Name, Title: f.Title, Provider: f.Provider, Format: f.Format, Source: f.Source,
		URL: f.URL, Dir: f.Dir, HasAuth: f.HasAuth || f.Auth != "", Mapping: nonNilMap(f.Mapping),
		Constants: nonNilMap(f.Constants), Report: f.Report, IntervalSeconds: int64(f.Interval / time.Second),
		RetentionSeconds: int64(f.Retention / time.Second), TLP: f.TLP, Accuracy: f.Accuracy, PushOrgID: f.PushOrgID,
		Enabled: f.Enabled, CreatedAt: f.CreatedAt.UTC(), UpdatedAt: f.UpdatedAt.UTC()}
}

// nonNilMap makes a map that encodes as {} rather than null.
func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// feedStatusJSON is a feed with what its status shows.
type feedStatusJSON struct {
	feedJSON
	LastRun     *runJSON   `json:"last_run"`
	Events      int64      `json:"events"`
	Quarantined int64      `json:"quarantined"`
	NextRun     *time.Time `json:"next_run"`
}

// runJSON is one input through the pipeline.
type runJSON struct {
	ID          string     `json:"id"`
	FeedID      string     `json:"feed_id"`
	Feed        string     `json:"feed"`
	Trigger     string     `json:"trigger"`
	Input       string     `json:"input"`
	State       string     `json:"state"`
	Started     time.Time  `json:"started"`
	Finished    *time.Time `json:"finished"`
	Lines       int64      `json:"lines"`
	Accepted    int64      `json:"accepted"`
	Duplicates  int64      `json:"duplicates"`
	Quarantined int64      `json:"quarantined"`
	Filtered    int64      `json:"filtered"`
	Delivered   int64      `json:"delivered"`
	Error       string     `json:"error"`
}

// timeOrNull is nil for the zero time (never, not yet).
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func runOf(r feeds.Run) runJSON {
	return runJSON{ID: r.ID, FeedID: r.FeedID, Feed: r.FeedName, Trigger: r.Trigger, Input: r.Input, State: r.State,
		Started: r.Started.UTC(), Finished: timeOrNull(r.Finished), Lines: r.Lines, Accepted: r.Accepted,
		Duplicates: r.Duplicates, Quarantined: r.Quarantined, Filtered: r.Filtered, Delivered: r.Delivered, Error: r.Err}
}

// quarantinedJSON is a line a run refused.
type quarantinedJSON struct {
	ID      int64     `json:"id"`
	RunID   string    `json:"run_id"`
	Line    int       `json:"line"`
	Field   string    `json:"field"`
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Raw     string    `json:"raw"`
	At      time.Time `json:"at"`
}

// feedInput is the body of creating or replacing a feed. Auth is written,
// never read back; left out (or empty) on a PUT it keeps the stored one.
type feedInput struct {
	Name             string            `json:"name"`
	Title            string            `json:"title"`
	Provider         string            `json:"provider"`
	Format           string            `json:"format"`
	Source           string            `json:"source"`
	URL              string            `json:"url"`
	Dir              string            `json:"dir"`
	Auth             string            `json:"auth"`
	Mapping          map[string]string `json:"mapping"`
	Constants        map[string]string `json:"constants"`
	Report           string            `json:"report"`
	IntervalSeconds  int64             `json:"interval_seconds"`
	RetentionSeconds int64             `json:"retention_seconds"`
	TLP              string            `json:"tlp"`
	Accuracy         float64           `json:"accuracy"`
	PushOrgID        string            `json:"push_org_id"`
	Enabled          *bool             `json:"enabled"` // absent: true
}

// maxSeconds bounds a schedule or a retention to about a hundred years,
// far beyond any use and far from time.Duration's overflow.
const maxSeconds = 100 * 366 * 24 * 3600

func (in feedInput) feed() (feeds.Feed, error) {
	var es valid.Errors
	for field, v := range map[string]int64{"interval_seconds": in.IntervalSeconds, "retention_seconds": in.RetentionSeconds} {
		if v < 0 || v > maxSeconds {
			es.Add(field, "ewapi.seconds", fmt.Sprintf("Give a whole number of seconds from 0 to %d.", maxSeconds),
				map[string]any{"Max": maxSeconds})
		}
	}
	if err := es.Err(); err != nil {
		return feeds.Feed{}, err
	}
	enabled := in.Enabled == nil || *in.Enabled
	return feeds.Feed{Name: in.Name, Title: in.Title, Provider: in.Provider, Format: in.Format, Source: in.Source,
		URL: in.URL, Dir: in.Dir, Auth: in.Auth, Mapping: in.Mapping, Constants: in.Constants, Report: in.Report,
		Interval: time.Duration(in.IntervalSeconds) * time.Second, Retention: time.Duration(in.RetentionSeconds) * time.Second,
		TLP: in.TLP, Accuracy: in.Accuracy, PushOrgID: in.PushOrgID, Enabled: enabled}, nil
}

// apiFields are the names the API gives the feed settings whose
// feeds.Feed names differ (durations are given in seconds here).
var apiFields = map[string]string{"interval": "interval_seconds", "retention": "retention_seconds"}

// feedFields renames the fields a validation error names as the body
// names them.
func feedFields(err error) error {
	es := valid.List(err)
	if es == nil {
		return err
	}
	for _, e := range es {
		if name, ok := apiFields[e.Field]; ok {
			e.Field = name
		}
	}
	return es
}

func (a *API) listFeeds(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.feeds
	fs, err := svc.Feeds(r.Context(), c.actor)
	if err != nil {
		return err
	}
	out := make([]feedStatusJSON, 0, len(fs))
	for _, f := range fs {
		s := feedStatusJSON{feedJSON: feedOf(f.Feed), Events: f.Events, Quarantined: f.Quarantined, NextRun: timeOrNull(f.NextRun)}
		if f.LastRun != nil {
			run := runOf(*f.LastRun)
			s.LastRun = &run
		}
		out = append(out, s)
	}
	return a.writeJSON(w, r, http.StatusOK, items(out))
}

func (a *API) createFeed(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.feeds
	var in feedInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f, err := in.feed()
	if err != nil {
		return err
	}
	created, err := svc.CreateFeed(r.Context(), c.actor, f)
	if err != nil {
		return feedFields(err)
	}
	w.Header().Set("Location", Prefix+"/feeds/"+created.Name)
	return a.writeJSON(w, r, http.StatusCreated, feedOf(created))
}

// feedNamed finds the feed the path names.
func (a *API) feedNamed(r *http.Request, c caller) (*feeds.Service, feeds.Feed, error) {
	f, err := a.feeds.Feed(r.Context(), c.actor, r.PathValue("name"))
	return a.feeds, f, err
}

func (a *API) getFeed(w http.ResponseWriter, r *http.Request, c caller) error {
	_, f, err := a.feedNamed(r, c)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, feedOf(f))
}

// updateFeed replaces a feed's settings with the body's.
func (a *API) updateFeed(w http.ResponseWriter, r *http.Request, c caller) error {
	svc, old, err := a.feedNamed(r, c)
	if err != nil {
		return err
	}
	var in feedInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f, err := in.feed()
	if err != nil {
		return err
	}
	f.ID = old.ID
	updated, err := svc.UpdateFeed(r.Context(), c.actor, f)
	if err != nil {
		return feedFields(err)
	}
	return a.writeJSON(w, r, http.StatusOK, feedOf(updated))
}

func (a *API) deleteFeed(w http.ResponseWriter, r *http.Request, c caller) error {
	svc, f, err := a.feedNamed(r, c)
	if err != nil {
		return err
	}
	if err := svc.DeleteFeed(r.Context(), c.actor, f.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// runFeed pulls the feed now and answers its run once it is over. A pull
// that failed (the provider answered an error, its input could not be
// read) is still a run, recorded with its error: it is the answer, with
// state "failed", rather than a server error.
func (a *API) runFeed(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.feeds
	run, err := svc.RunFeed(r.Context(), c.actor, r.PathValue("name"))
	if err != nil && !failedRun(run, err) {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, runOf(run))
}

// failedRun reports whether err is the failure of a recorded run rather
// than a refusal (access, validation, a missing feed, a conflict), which
// web.ProblemFromError answers with its own status.
func failedRun(run feeds.Run, err error) bool {
	return run.ID != "" && run.State == feeds.StateFailed && web.ProblemFromError(err).Status == http.StatusInternalServerError
}

// pushEvents ingests the body, in the feed's format, and answers the run
// once every accepted event is durable: a 200 is the acknowledgement. A
// push whose body could not be read through (a CSV without the mapped
// columns ...) is a 422 on the body with the reason; the events before the
// failure are stored.
func (a *API) pushEvents(w http.ResponseWriter, r *http.Request, c caller) error {
	svc := a.feeds
	body := http.MaxBytesReader(w, r.Body, maxPush)
	run, err := svc.Ingest(r.Context(), c.actor, r.PathValue("name"), body,
		feeds.IngestOptions{Trigger: "push", Input: "push"})
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return &web.StatusError{Status: http.StatusRequestEntityTooLarge,
			Detail: fmt.Sprintf("The body is larger than %d MiB: upload the file in the pages or load it with atalaya ingest.", maxPush>>20)}
	}
	if err != nil && failedRun(run, err) {
		return valid.New("body", "ewapi.push_failed",
			fmt.Sprintf("The push stopped: %s. The events before it are stored (run %s).", run.Err, run.ID),
			map[string]any{"Reason": run.Err, "Run": run.ID})
	}
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, runOf(run))
}

// listRuns answers the feed's latest runs, newest first.
func (a *API) listRuns(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	_, limit := q.page()
	if err := q.err(); err != nil {
		return err
	}
	svc, f, err := a.feedNamed(r, c)
	if err != nil {
		return err
	}
	runs, err := svc.Runs(r.Context(), c.actor, f.ID, limit)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(mapped(runs, runOf)))
}

// listQuarantine answers a page of the lines the feed's runs refused,
// newest first.
func (a *API) listQuarantine(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	cursor, limit := q.page()
	if err := q.err(); err != nil {
		return err
	}
	svc, f, err := a.feedNamed(r, c)
	if err != nil {
		return err
	}
	qs, next, err := svc.Quarantine(r.Context(), c.actor, f.ID, cursor, limit)
	if err != nil {
		return cursorField(err)
	}
	out := make([]quarantinedJSON, 0, len(qs))
	for _, x := range qs {
		out = append(out, quarantinedJSON{ID: x.ID, RunID: x.RunID, Line: x.Rejected.Line, Field: x.Rejected.Field,
			Code: x.Rejected.Code, Message: x.Rejected.Message, Raw: x.Rejected.Raw, At: x.At.UTC()})
	}
	return writePage(a, w, r, out, next)
}
