// Package feeds runs early warning: the feeds the secretariat sets up (a
// source, a parser and a schedule), the pipeline each input goes through
// (parse, enrich, validate, route) and the durable store of events and of
// their deliveries to teams, written in batched transactions (group
// commit), deduplicated per feed with a repeat counter, kept per feed for
// its retention. An input is acknowledged only once its events are
// durable.
package feeds

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/event"
	"atalaya/internal/parsers"
	"atalaya/internal/routing"
	"atalaya/internal/store"
)

// errTODO marks what the contract declares and the package does not do yet.
var errTODO = errors.New("feeds: not implemented yet")

// The kinds of Feed.Source.
const (
	SourceHTTP   = "http"   // pull URL on the schedule, with conditional requests
	SourceDir    = "dir"    // watch a directory; each new file is an input
	SourceUpload = "upload" // files uploaded in the pages or with `atalaya ingest`
	SourcePush   = "push"   // POST /api/v1/feeds/{name}/events
	SourceTAXII  = "taxii"  // pull a TAXII 2.1 collection (objects endpoint URL)
	SourceMISP   = "misp"   // pull a MISP feed (URL of the directory with manifest.json)
)

// Feed is one feed's configuration.
type Feed struct {
	ID       string
	Name     string // unique, [a-z0-9-], used in URLs and on the command line
	Title    string
	Provider string // feed.provider of its events
	Format   string // a parsers.Formats() name
	Source   string // Source* constant
	URL      string // http, taxii, misp
	Dir      string // dir
	// Auth is sent as the Authorization header of pulls. Never shown
	// back: reads return "" and HasAuth.
	Auth    string
	HasAuth bool
	// Mapping, Constants and Report are the parser's settings (see
	// parsers.Config).
	Mapping   map[string]string
	Constants map[string]string
	Report    string
	Interval  time.Duration // pull schedule; 0: only when run by hand
	Retention time.Duration // events older than this go (by last seen); 0: 90 days
	TLP       string        // tlp of events that do not say
	Accuracy  float64       // feed.accuracy of events that do not say (0: 100)
	PushOrgID string        // organisation allowed to push (with access.PushEvents); "" the secretariat only
	Enabled   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Run is one input going through the pipeline: a scheduled pull, an
// upload, a push, a command-line ingest.
type Run struct {
	ID          string
	FeedID      string
	FeedName    string
	Trigger     string // "schedule", "manual", "upload", "push", "cli", "dir"
	Input       string // file name, URL or "push"
	State       string // "running", "ok", "failed", "not-modified"
	Started     time.Time
	Finished    time.Time // zero while running
	Lines       int64     // lines (records) read
	Accepted    int64     // new events stored
	Duplicates  int64     // events already stored for this feed (repeat counter raised)
	Quarantined int64     // lines refused, see Quarantine
	Filtered    int64     // events dropped as false positives (warning lists)
	Delivered   int64     // deliveries to teams written
	Err         string    // why the run failed
}

// FeedStatus is a feed with what the status page shows.
type FeedStatus struct {
	Feed
	LastRun     *Run // nil before the first run
	Events      int64
	Quarantined int64
	NextRun     time.Time // zero when not scheduled
}

// Quarantined is a line a run refused, kept with its reason.
type Quarantined struct {
	ID       int64
	FeedID   string
	RunID    string
	Rejected event.Rejected // line number, field, code, message, raw line
	At       time.Time
}

// The values of StoredEvent.By: how the delivery was decided.
const (
	ByPrefix  = routing.ByPrefix
	ByASN     = routing.ByASN
	ByDomain  = routing.ByDomain
	ByCountry = routing.ByCountry
	ByWatch   = "watch" // the event hit an indicator the organisation shared
)

// StoredEvent is one event as delivered to one organisation.
type StoredEvent struct {
	ID        int64 // increasing with commit order; cursor of the inbox and the stream
	EventID   int64 // the stored event (shared by the deliveries of one event)
	FeedName  string
	OrgID     string
	By        string // By* constant
	Key       string // what matched: the prefix, AS, domain, country or indicator id
	Repeats   int64  // times the feed reported it (1 on first sight)
	FirstSeen time.Time
	LastSeen  time.Time
	Event     event.Event
}

// Filter selects events of the inbox. Zero fields select everything.
type Filter struct {
	Query    string // substring of source ip, fqdn, url, malware, identifier
	Feed     string // feed name
	Taxonomy string
	Type     string
	By       string
	Since    time.Time // last seen at or after
	Until    time.Time // last seen before
	Cursor   string    // from the previous page's next
	Limit    int       // 0: 50; at most 1000
}

// Enricher completes an event before routing and tells whether it is a
// false positive: enrich.Enricher implements it.
type Enricher interface {
	// Enrich fills what the event lacks (source AS, AS name, country from
	// the address) and returns a non-empty reason when the event must be
	// dropped (the warning list it is on).
	Enrich(e *event.Event) (drop string)
}

// Fetcher pulls a feed's input: sources.Fetcher implements it.
type Fetcher interface {
	Fetch(ctx context.Context, f Feed, state []byte) (Fetched, error)
}

// Fetched is what a pull brought. Inputs are ingested in order; State is
// saved only once all of them are durable, so an interrupted pull is
// repeated. NotModified: nothing new (HTTP 304, an empty directory).
type Fetched struct {
	Inputs      []Input
	State       []byte
	NotModified bool
}

// Input is one file or response body of a pull.
type Input struct {
	Name   string // file name or URL, for the run
	Format string // overrides the feed's format ("stix" for TAXII, "misp" for MISP feeds); "" keeps it
	Open   func() (io.ReadCloser, error)
	// Done is called once the input's events are durable (a watched
	// directory moves the file away); nil when nothing is to be done.
	Done func() error
}

// Options tune a Service.
type Options struct {
	Now      func() time.Time
	Logger   *slog.Logger
	Enricher Enricher        // nil: no enrichment
	Router   *routing.Router // nil: nothing is delivered
	Fetcher  Fetcher         // nil: pulls fail with a clear error
	// Shadowserver is the report schema for feeds of format shadowserver.
	Shadowserver *parsers.ShadowserverSchema
	// OnCommit is called after each committed batch with the new
	// deliveries of that batch (not repeats), in commit order, from the
	// writer goroutine: it must return quickly.
	OnCommit   func(ds []StoredEvent)
	BatchSize  int           // rows per transaction at most; 0: 4096
	BatchDelay time.Duration // longest wait to fill a batch; 0: 5 ms
	HTTPClient *http.Client
}

// Service is the feeds domain over a store migrated with Migrations (and
// audit's and directory's).
type Service struct {
	db   *store.DB
	opts Options
}

// New returns the service over db. Start runs its background work.
func New(db *store.DB, opts Options) *Service { return &Service{db: db, opts: opts} }

// Start runs the writer, the schedule and retention until ctx ends.
func (s *Service) Start(ctx context.Context) error { return errTODO }

// CreateFeed sets up a feed (access.ManageFeeds). Bad settings give a
// *valid.Error naming the field.
func (s *Service) CreateFeed(ctx context.Context, a access.Actor, f Feed) (Feed, error) {
	return Feed{}, errTODO
}

// UpdateFeed changes a feed's settings (access.ManageFeeds); Auth "" keeps
// the stored one.
func (s *Service) UpdateFeed(ctx context.Context, a access.Actor, f Feed) (Feed, error) {
	return Feed{}, errTODO
}

// DeleteFeed removes a feed with its events and quarantine (ManageFeeds).
func (s *Service) DeleteFeed(ctx context.Context, a access.Actor, id string) error { return errTODO }

// Feed returns one feed by id or name (access.ViewFeeds).
func (s *Service) Feed(ctx context.Context, a access.Actor, idOrName string) (Feed, error) {
	return Feed{}, errTODO
}

// Feeds lists every feed with its status (access.ViewFeeds).
func (s *Service) Feeds(ctx context.Context, a access.Actor) ([]FeedStatus, error) {
	return nil, errTODO
}

// Runs lists a feed's runs, newest first (access.ViewFeeds).
func (s *Service) Runs(ctx context.Context, a access.Actor, feedID string, limit int) ([]Run, error) {
	return nil, errTODO
}

// Quarantine lists a feed's refused lines, newest first
// (access.ManageFeeds: raw lines may name any team's hosts).
func (s *Service) Quarantine(ctx context.Context, a access.Actor, feedID, cursor string, limit int) ([]Quarantined, string, error) {
	return nil, "", errTODO
}

// IngestOptions describe one input handed in directly.
type IngestOptions struct {
	Format   string // "" the feed's
	Trigger  string // "upload", "push", "cli"
	Input    string // file name for the run
	Progress func(Run)
}

// Ingest runs r through the feed's pipeline and returns when every
// accepted event is durable. Uploads and command-line loads need
// access.ManageFeeds, pushes access.PushEvents on the feed's PushOrgID.
func (s *Service) Ingest(ctx context.Context, a access.Actor, feedName string, r io.Reader, opt IngestOptions) (Run, error) {
	return Run{}, errTODO
}

// RunFeed pulls the feed now (access.ManageFeeds) and returns its run.
func (s *Service) RunFeed(ctx context.Context, a access.Actor, name string) (Run, error) {
	return Run{}, errTODO
}

// Inbox lists the events delivered to orgID, newest first
// (access.CanSeeEvents).
func (s *Service) Inbox(ctx context.Context, a access.Actor, orgID string, f Filter) ([]StoredEvent, string, error) {
	return nil, "", errTODO
}

// Delivered returns orgID's deliveries first seen at or after since,
// oldest first, at most limit: the alert rules' try-out reads it. The
// caller has checked access.
func (s *Service) Delivered(ctx context.Context, orgID string, since time.Time, limit int) ([]StoredEvent, error) {
	return nil, errTODO
}
