package feeds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"sync/atomic"

	"atalaya/internal/access"
	"atalaya/internal/event"
	"atalaya/internal/routing"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// IngestOptions describe one input handed in directly.
type IngestOptions struct {
	Format  string // "" the feed's
	Trigger string // "upload", "push", "cli"; "" is "upload"
	Input   string // file name for the run
	// Progress is called from the writer after each commit that moved
	// the run on, with its counters so far: it must return quickly.
	Progress func(Run)
	// Resume continues an interrupted ingest of the same file after its
	// last durable line, in the same run, instead of starting over (which
	// would count what is stored as repeats). It applies when r is a
	// regular file (has Stat); the file is recognised by its name (base),
	// size and the SHA-256 of its first 64 KiB.
	Resume bool
}

// Ingest runs r through the feed's pipeline and returns when every
// accepted event is durable. Uploads and command-line loads need
// access.ManageFeeds, pushes access.PushEvents on the feed's PushOrgID.
// A parse that stops early (a read error, a cancelled context) gives the
// run with state "failed" and the error; what was committed stays.
func (s *Service) Ingest(ctx context.Context, a access.Actor, feedName string, r io.Reader, opt IngestOptions) (Run, error) {
	f, err := feedByRef(ctx, s.db.R(), feedName)
	if err != nil {
		return Run{}, err
	}
	if opt.Trigger == "" {
		opt.Trigger = TriggerUpload
	}
	switch opt.Trigger {
	case TriggerPush:
		if !access.Can(a, access.PushEvents, access.Target{OrgID: f.PushOrgID}) {
			return Run{}, access.ErrDenied
		}
		if !f.Enabled {
			return Run{}, valid.New("feed", "feeds_disabled", "is disabled: it takes no events", map[string]any{"Value": f.Name})
		}
	case TriggerUpload, TriggerCLI:
		if !access.Can(a, access.ManageFeeds, access.Target{}) {
			return Run{}, access.ErrDenied
		}
	default:
		return Run{}, fmt.Errorf("ingest into %s: unknown trigger %q", f.Name, opt.Trigger)
	}
	in := source{name: opt.Input, format: opt.Format, r: r, resume: opt.Resume}
	return s.ingest(ctx, f, opt.Trigger, []source{in}, opt.Progress, nil)
}

// source is one input of a run: a reader, or a pull's input to open.
type source struct {
	name   string
	format string // "" the feed's
	r      io.Reader
	open   func() (io.ReadCloser, error)
	resume bool
	// keep: once done, the input's row stays until the pull it belongs
	// to has saved its state (a repeated pull then skips it).
	keep bool
}

// ingest runs the inputs one after the other as one run and returns the
// run once all is durable. A single resumable input that was interrupted
// continues its own run. kept, when set, receives the identities of the
// inputs whose rows stay until the caller (a pull) is complete.
func (s *Service) ingest(ctx context.Context, f Feed, trigger string, inputs []source, progress func(Run), kept *[]string) (Run, error) {
	select {
	case <-s.ready:
	case <-ctx.Done():
		return Run{}, fmt.Errorf("ingest into %s: the feeds service is not running: %w", f.Name, ctx.Err())
	}
	run := &runState{progress: progress}
	run.FeedID, run.FeedName, run.Trigger = f.ID, f.Name, trigger
	if len(inputs) == 1 {
		run.Input = inputs[0].name
	} else {
		run.Input = fmt.Sprintf("%d inputs", len(inputs))
	}
	p := &pipeline{s: s, feed: f, run: run, single: len(inputs) == 1}
	p.prepareFeed()
	started := false
	var failure error
	for _, in := range inputs {
		if err := p.input(ctx, in, &started); err != nil {
			failure = err
			break
		}
	}
	if kept != nil {
		*kept = run.kept
	}
	if !started {
		// Nothing was sent (an error before the run began, or every input
		// was already done): no writer round trip needed.
		if failure != nil {
			return Run{}, failure
		}
		if err := s.createRun(ctx, run, StateOK); err != nil {
			return Run{}, err
		}
		return run.Run, nil
	}
	return p.finish(failure)
}

// runState is a run on its way: its counters belong to the writer once
// the run has started; lost tells the pipeline to stop sending.
type runState struct {
	Run
	progress func(Run)
	lost     atomic.Bool
	err      error    // writer-owned: why a batch of the run was lost
	kept     []string // pipeline-owned: inputs whose rows wait for the pull's end
}

// inputState is a resumable input: its row in feed_inputs.
type inputState struct {
	feedID, ident, runID string
	keep                 bool
}

// pipeline turns one run's parser callbacks into rows for the writer.
// It runs in the ingesting goroutine; the writer runs in its own.
type pipeline struct {
	s      *Service
	feed   Feed
	run    *runState
	single bool // one input: an interrupted one continues its own run

	feedURL string
	consts  [][2]string

	// The input being read.
	inp  *inputState
	skip int64 // callbacks already durable (resume)
	seq  int64 // callbacks seen in this input

	linesBase int64 // the run's lines before this input
	lines     int64 // the run's lines so far
	filtered  int64 // the run's filtered events so far

	table   *routing.Table
	routed  int
	watches []routing.Watch // reused by watchRecipients
	buf     []byte
	pending *item    // held back until the next callback (see send)
	sent    [2]int64 // lines and filtered as of the last item delivered
	err     error    // the first send that failed; stops the parse
	ctx     context.Context
}

// prepareFeed parses the feed's defaults once.
func (p *pipeline) prepareFeed() {
	var e event.Event
	if p.feed.URL != "" && e.Set("feed.url", p.feed.URL) == nil {
		p.feedURL = e.FeedURL
	}
	for _, k := range slices.Sorted(maps.Keys(p.feed.Constants)) {
		p.consts = append(p.consts, [2]string{k, p.feed.Constants[k]})
	}
}

// input runs one input through the parser. started tells whether the run
// row exists (it is created, or adopted, with the first input).
func (p *pipeline) input(ctx context.Context, in source, started *bool) error {
	s := p.s
	format := in.format
	if format == "" {
		format = p.feed.Format
	}
	parser, err := s.opts.NewParser(format, s.parserConfig(p.feed))
	if err != nil {
		return fmt.Errorf("ingest into %s: %w", p.feed.Name, err)
	}
	r := in.r
	if in.open != nil {
		rc, err := in.open()
		if err != nil {
			return fmt.Errorf("opening %s: %w", in.name, err)
		}
		defer rc.Close()
		r = rc
	}
	p.inp, p.skip, p.seq = nil, 0, 0
	var prior *inputRow
	if in.resume {
		ident, br, ok, err := identify(in.name, r)
		if err != nil {
			return fmt.Errorf("ingest into %s: reading %s: %w", p.feed.Name, in.name, err)
		}
		r = br
		if ok {
			key := p.feed.ID + "/" + ident
			if !s.claimInput(key) {
				return fmt.Errorf("ingest into %s: %s is being ingested already: %w", p.feed.Name, in.name, store.ErrConflict)
			}
			defer s.releaseInput(key)
			if in.keep {
				p.run.kept = append(p.run.kept, ident)
			}
			prior, err = s.inputRow(ctx, p.feed.ID, ident)
			if err != nil {
				return err
			}
			if prior != nil && prior.done {
				return nil // ingested by an interrupted pull: nothing left to do
			}
			p.inp = &inputState{feedID: p.feed.ID, ident: ident, keep: in.keep}
		}
	}
	if !*started {
		adopt := prior
		if !p.single {
			adopt = nil
		}
		if err := s.startRun(ctx, p.run, adopt); err != nil {
			return err
		}
		*started = true
		p.lines, p.filtered = p.run.Lines, p.run.Filtered
	}
	if p.inp != nil {
		p.inp.runID = p.run.ID
		if prior != nil {
			p.skip = prior.position
		}
	}
	p.linesBase = p.lines
	if prior != nil && prior.runID == p.run.ID {
		p.linesBase -= prior.lines // the adopted run counted this input's first lines
	}
	p.ctx, p.err, p.pending = ctx, nil, nil
	err = parser.Parse(r, p.emit, p.reject)
	if p.err != nil {
		return p.err
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", in.name, err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := p.flush(); err != nil {
		return err
	}
	if p.inp != nil {
		// The input's end: its row is marked done (or goes) with the
		// batch that holds its last line.
		end := &item{kind: itemInputEnd}
		p.stamp(end)
		return p.deliver(end)
	}
	return nil
}

// finish sends the run's end and waits until it is durable.
func (p *pipeline) finish(failure error) (Run, error) {
	end := &item{kind: itemRunEnd, state: StateOK, reply: make(chan endReply, 1)}
	p.stamp(end)
	// The end never moves an input on: a finished input did with its own
	// end, and a failed one stays where its last stored item left it.
	end.inp = nil
	if failure != nil {
		end.state, end.errText = StateFailed, failure.Error()
		end.lines, end.filtered = p.sent[0], p.sent[1]
	}
	select {
	case p.s.in <- end:
		p.s.queued(1)
	case <-p.s.stopped:
		p.s.failRun(p.run, errStopped)
		return p.run.Run, errors.Join(failure, errStopped)
	}
	select {
	case r := <-end.reply:
		return r.run, errors.Join(failure, r.err)
	case <-p.s.stopped:
		select {
		case r := <-end.reply:
			return r.run, errors.Join(failure, r.err)
		default:
		}
		return p.run.Run, errors.Join(failure, errStopped)
	}
}

// emit is the parser's Emit: prepare, enrich, validate and route the
// event, then hand its row to the writer.
func (p *pipeline) emit(line int, parsed *event.Event) error {
	if p.err != nil {
		return p.err
	}
	p.seq++
	if p.seq <= p.skip {
		return nil
	}
	p.lines = max(p.lines, p.linesBase+int64(line))
	e := new(event.Event)
	*e = *parsed
	e.Extra = maps.Clone(parsed.Extra) // the parser reuses its map too
	p.defaults(e)
	// The content key is what the feed said: before enrichment (whose
	// tables change) and before time.source defaults to now (else a list
	// without times would never repeat).
	dk1, dk2 := dedupeKey(p.feed.ID, e.Key(), e.TimeSource)
	if p.s.opts.Enricher != nil {
		if drop := p.s.opts.Enricher.Enrich(e); drop != "" {
			p.filtered++
			return nil
		}
	}
	if e.TimeSource.IsZero() {
		e.TimeSource = e.TimeObservation
	}
	if err := e.Validate(); err != nil {
		return p.send(&item{kind: itemReject, rej: event.Reject(line, e.Raw, err)})
	}
	p.buf = p.s.codec.append(p.buf[:0], e)
	if !storable(p.buf) {
		sanitize(e)
		p.buf = p.s.codec.append(p.buf[:0], e)
	}
	it := &item{kind: itemEvent, ev: e, dk1: dk1, dk2: dk2, data: string(p.buf), search: searchText(e), repeats: 1}
	it.to = p.recipients(e)
	return p.send(it)
}

// reject is the parser's Reject: the line goes to the quarantine.
func (p *pipeline) reject(r event.Rejected) {
	if p.err != nil {
		return
	}
	p.seq++
	if p.seq <= p.skip {
		return
	}
	p.lines = max(p.lines, p.linesBase+int64(r.Line))
	p.err = p.send(&item{kind: itemReject, rej: r})
}

// defaults applies what the feed says to what the line does not.
func (p *pipeline) defaults(e *event.Event) {
	f := &p.feed
	e.FeedName = f.Name
	if e.FeedProvider == "" {
		e.FeedProvider = f.Provider
	}
	if e.FeedAccuracy == 0 && f.Accuracy > 0 {
		e.FeedAccuracy = f.Accuracy
	}
	if e.FeedURL == "" {
		e.FeedURL = p.feedURL
	}
	if e.TLP == "" {
		e.TLP = f.TLP
	}
	for _, c := range p.consts {
		if _, ok := e.Get(c[0]); !ok {
			_ = e.Set(c[0], c[1]) // checked when the feed was saved
		}
	}
	e.TimeObservation = p.s.now()
}

// recipients routes the event: the teams answering for its address, AS,
// domain or country, then the creators of shared indicators it hits. One
// delivery per organisation, the first reason winning.
func (p *pipeline) recipients(e *event.Event) []recipient {
	if p.routed%256 == 0 {
		p.table = p.s.opts.Router.Table()
	}
	p.routed++
	if p.table == nil {
		return nil
	}
	q := routing.Query{IP: e.SourceIP, ASN: e.SourceASN, Domain: e.SourceFQDN, Country: e.SourceCountry}
	if !q.IP.IsValid() && e.SourceNetwork.IsValid() {
		// A listed network goes to the team holding its first address.
		q.IP = e.SourceNetwork.Addr()
	}
	if q.Domain == "" && e.SourceURL != "" {
		if u, err := url.Parse(e.SourceURL); err == nil {
			q.Domain = u.Hostname()
		}
	}
	m := p.table.Route(q)
	var to []recipient
	for _, org := range m.OrgIDs {
		to = append(to, recipient{org: org, by: m.By, key: m.Key})
	}
	return watchRecipients(p.table, e, to, &p.watches)
}

// send hands the previous item to the writer and holds this one back
// until the next callback or the clean end of the input. A parser whose
// reader fails may hand on the truncated last line as if it were whole;
// held back, it is never stored, and a resumed ingest reads it again.
func (p *pipeline) send(it *item) error {
	prev := p.pending
	p.stamp(it)
	p.pending = it
	if prev == nil {
		return nil
	}
	return p.deliver(prev)
}

// flush sends the held-back item: the input was read to its end.
func (p *pipeline) flush() error {
	if it := p.pending; it != nil {
		p.pending = nil
		return p.deliver(it)
	}
	return nil
}

// deliver hands an item to the writer, waiting while it is busy: this
// wait is the backpressure that keeps memory bounded.
func (p *pipeline) deliver(it *item) error {
	if p.run.lost.Load() {
		return fmt.Errorf("ingest into %s: a batch was not stored", p.feed.Name)
	}
	select {
	case p.s.in <- it:
		p.s.queued(1)
		p.sent = [2]int64{it.lines, it.filtered}
		return nil
	case <-p.s.stopped:
		return errStopped
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
}

// stamp sets what every item tells the writer about the run's progress.
func (p *pipeline) stamp(it *item) {
	it.run, it.inp = p.run, p.inp
	it.seq, it.lines, it.filtered = p.seq, p.lines, p.filtered
}

// queued counts n more rows waiting for the writer.
func (s *Service) queued(n int64) {
	v := s.inflight.Add(n)
	for {
		peak := s.peak.Load()
		if v <= peak || s.peak.CompareAndSwap(peak, v) {
			return
		}
	}
}

// startRun creates the run's row, or adopts the run an interrupted
// ingest of the same input left (its counters go on).
func (s *Service) startRun(ctx context.Context, run *runState, prior *inputRow) error {
	if prior != nil && prior.runID != "" {
		r, err := s.run(ctx, s.db.R(), prior.runID)
		if err == nil {
			trigger, input, name := run.Trigger, run.Input, run.FeedName
			run.Run = r
			run.Trigger, run.Input, run.FeedName = trigger, input, name
			run.State, run.Finished, run.Err = StateRunning, timeZero, ""
			return s.db.InTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE feed_runs SET state = $2, finished = 0, err = '', updated = $3
					WHERE id = $1`, r.ID, StateRunning, store.Millis(s.now()))
				return err
			})
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return s.createRun(ctx, run, StateRunning)
}

// createRun inserts a new run in state.
func (s *Service) createRun(ctx context.Context, run *runState, state string) error {
	now := s.now()
	run.ID, run.State, run.Started = store.NewID(), state, now.Truncate(timeMilli)
	if state != StateRunning {
		run.Finished = run.Started
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO feed_runs (id, feed_id, trigger_kind, input, state, started, finished,
			updated, lines, accepted, duplicates, quarantined, filtered, delivered, err)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $6, 0, 0, 0, 0, 0, 0, $8)`,
			run.ID, run.FeedID, run.Trigger, cleanText(run.Input), state, store.Millis(run.Started), store.Millis(run.Finished),
			cleanText(run.Err))
		if err != nil {
			return fmt.Errorf("creating run of %s: %w", run.FeedName, err)
		}
		return nil
	})
}

// failRun records, outside the writer, that a run stopped.
func (s *Service) failRun(run *runState, cause error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeoutBestEffort)
	defer cancel()
	run.State, run.Err, run.Finished = StateFailed, cause.Error(), s.now().Truncate(timeMilli)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE feed_runs SET state = $2, err = $3, finished = $4 WHERE id = $1`,
			run.ID, StateFailed, run.Err, store.Millis(run.Finished))
		return err
	})
	if err != nil {
		s.opts.Logger.Warn("recording a failed run", "feed", run.FeedName, "run", run.ID, "err", err)
	}
}
