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
	"io"
	"time"

	"atalaya/internal/event"
	"atalaya/internal/routing"
)

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

	pulledAt time.Time // when the last pull began (the schedule counts from it)
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
