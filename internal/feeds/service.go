package feeds

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"atalaya/internal/parsers"
	"atalaya/internal/routing"
	"atalaya/internal/store"
)

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
	// DirRoot, when set, is where watched directories must be (the
	// server moves files out of them); "" accepts any absolute path.
	DirRoot string

	// NewParser builds the parser of a format; nil: parsers.New. Tests and
	// benchmarks hand in their own.
	NewParser func(format string, cfg parsers.Config) (parsers.Parser, error)
	// QueueSize is how many parsed events may wait for the writer; 0:
	// BatchSize. With the batch being written, it bounds the memory an
	// ingest holds whatever the size of its input.
	QueueSize int
	// ScheduleEvery is how often the schedule looks for feeds due; 0: 5 s.
	ScheduleEvery time.Duration
	// RetentionEvery is how often expired events are deleted; 0: 10 min.
	RetentionEvery time.Duration
}

// errStopped is returned to ingests when the writer has stopped (the
// service is shutting down): what was not acknowledged is not durable.
var errStopped = errors.New("feeds: the writer has stopped")

// Service is the feeds domain over a store migrated with Migrations (and
// audit's and directory's).
//
// One writer goroutine (run by Start) owns every write of events: the
// pipelines of all inputs send it rows over one bounded channel, and it
// commits them in batches. A slow store therefore slows the parsers, and
// memory stays bounded by QueueSize and BatchSize.
type Service struct {
	db    *store.DB
	opts  Options
	codec *codec

	in      chan *item
	ready   chan struct{} // closed once Start runs the writer
	stopped chan struct{} // closed once the writer has stopped
	started atomic.Bool

	mu      sync.Mutex
	inputs  map[string]bool // feed id + input identity being ingested here
	pulling map[string]bool // feed ids being pulled here

	// inflight counts rows handed to the writer and not yet committed;
	// peak is its highest value (backpressure is tested on it).
	inflight atomic.Int64
	peak     atomic.Int64
}

// New returns the service over db. Start runs its background work; an
// Ingest waits for it.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 4096
	}
	if opts.BatchDelay <= 0 {
		opts.BatchDelay = 5 * time.Millisecond
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = opts.BatchSize
	}
	if opts.ScheduleEvery <= 0 {
		opts.ScheduleEvery = 5 * time.Second
	}
	if opts.RetentionEvery <= 0 {
		opts.RetentionEvery = 10 * time.Minute
	}
	if opts.NewParser == nil {
		opts.NewParser = parsers.New
	}
	return &Service{
		db: db, opts: opts, codec: newCodec(),
		in:      make(chan *item, opts.QueueSize),
		ready:   make(chan struct{}),
		stopped: make(chan struct{}),
		inputs:  map[string]bool{},
		pulling: map[string]bool{},
	}
}

// Start runs the writer, the schedule and retention until ctx ends, then
// commits the batch in hand and returns. It runs once per Service.
func (s *Service) Start(ctx context.Context) error {
	if !s.started.CompareAndSwap(false, true) {
		return errors.New("feeds: Start called twice")
	}
	w := newWriter(s)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(s.stopped)
		w.run(ctx)
	})
	close(s.ready)
	wg.Go(func() { s.schedule(ctx) })
	wg.Go(func() { s.keepRetention(ctx) })
	wg.Wait()
	return nil
}

// PeakQueued reports the most rows that were ever handed to the writer
// and not yet committed: a bound on the memory ingest holds.
func (s *Service) PeakQueued() int64 { return s.peak.Load() }

// now is the service's clock, in milliseconds as the store keeps time.
func (s *Service) now() time.Time { return s.opts.Now().UTC() }
