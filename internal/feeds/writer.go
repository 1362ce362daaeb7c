package feeds

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"atalaya/internal/event"
	"atalaya/internal/store"
)

const (
	timeMilli         = time.Millisecond
	timeoutBestEffort = 30 * time.Second
	// commitTimeout bounds one batch transaction; a store that does not
	// answer for this long fails the runs of the batch.
	commitTimeout = 2 * time.Minute
)

var timeZero time.Time

// The kinds of item.
const (
	itemEvent    = iota + 1 // an event to store and deliver
	itemReject              // a refused line for the quarantine
	itemInputEnd            // a resumable input was read to its end
	itemRunEnd              // the run ends: record its state, then reply
)

// item is what a pipeline hands the writer. Every item carries the run's
// progress as of its sending (the pipeline's counters), so whatever batch
// commits it also commits the counters and the input's position that go
// with it.
type item struct {
	kind     int
	run      *runState
	inp      *inputState // nil: the input does not resume
	seq      int64       // parser callbacks of the input done, this one included
	lines    int64       // the run's lines so far
	filtered int64       // the run's filtered events so far

	// itemEvent
	ev       *event.Event
	dk1, dk2 int64
	data     string
	search   string
	to       []recipient
	repeats  int64 // occurrences in the batch (the first carries the others)
	id       int64 // assigned in the batch (events and quarantined lines)
	isNew    bool

	// itemReject
	rej event.Rejected

	// itemRunEnd
	state   string
	errText string
	reply   chan endReply
}

// recipient is one organisation an event goes to.
type recipient struct {
	org, by, key string
	id           int64 // the delivery's id, assigned in the batch
}

// endReply answers a run's end: the run as committed, or why not.
type endReply struct {
	run Run
	err error
}

// writer is the one goroutine that writes events. It owns the counters of
// the runs it writes for.
type writer struct {
	s          *Service
	batch      []*item
	sql        map[string]string // multi-row statement texts by table and row count
	positional bool              // "?" placeholders (SQLite), see statement
}

func newWriter(s *Service) *writer {
	return &writer{s: s, batch: make([]*item, 0, s.opts.BatchSize), sql: map[string]string{},
		positional: s.db.Engine() == store.SQLite}
}

// run commits batches until ctx ends: a batch closes when BatchSize items
// are in or BatchDelay has passed since its first one. The batch in hand
// when ctx ends is still committed.
func (w *writer) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var first *item
		select {
		case <-ctx.Done():
			return
		case first = <-w.s.in:
		}
		batch := append(w.batch[:0], first)
		timer.Reset(w.s.opts.BatchDelay)
	fill:
		for len(batch) < w.s.opts.BatchSize {
			select {
			case it := <-w.s.in:
				batch = append(batch, it)
			case <-timer.C:
				break fill
			case <-ctx.Done():
				break fill
			}
		}
		timer.Stop()
		w.commit(batch)
		clear(batch) // let the events go
		w.batch = batch[:0]
	}
}

// plan is a batch sorted out: unique events (the first of each key
// carries the repeats of the others), quarantined lines, what each run
// and input gains.
type plan struct {
	events  []*item
	rejects []*item
	runs    []*runDelta
	byRun   map[*runState]*runDelta
	inputs  []*inputDelta
	byInput map[*inputState]*inputDelta
	lost    []*item // ends of runs that lost a batch before
	ids     int     // ids to reserve
}

type runDelta struct {
	run                                          *runState
	accepted, duplicates, quarantined, delivered int64
	lines, filtered                              int64
	end                                          *item
}

type inputDelta struct {
	inp             *inputState
	position, lines int64
	done            bool
}

func (w *writer) plan(batch []*item) *plan {
	p := &plan{byRun: map[*runState]*runDelta{}, byInput: map[*inputState]*inputDelta{}}
	seen := make(map[[2]int64]*item, len(batch))
	for _, it := range batch {
		if it.run.lost.Load() {
			if it.kind == itemRunEnd {
				p.lost = append(p.lost, it)
			}
			continue
		}
		rd := p.byRun[it.run]
		if rd == nil {
			rd = &runDelta{run: it.run, lines: it.run.Lines, filtered: it.run.Filtered}
			p.byRun[it.run] = rd
			p.runs = append(p.runs, rd)
		}
		rd.lines, rd.filtered = max(rd.lines, it.lines), max(rd.filtered, it.filtered)
		if it.inp != nil {
			id := p.byInput[it.inp]
			if id == nil {
				id = &inputDelta{inp: it.inp}
				p.byInput[it.inp] = id
				p.inputs = append(p.inputs, id)
			}
			id.position, id.lines = max(id.position, it.seq), max(id.lines, it.lines)
		}
		switch it.kind {
		case itemEvent:
			k := [2]int64{it.dk1, it.dk2}
			if first, ok := seen[k]; ok {
				first.repeats++
				rd.duplicates++
				continue
			}
			seen[k] = it
			p.events = append(p.events, it)
			p.ids += 1 + len(it.to)
		case itemReject:
			p.rejects = append(p.rejects, it)
			rd.quarantined++
			p.ids++
		case itemInputEnd:
			if d := p.byInput[it.inp]; d != nil {
				d.done = true
			}
		case itemRunEnd:
			rd.end = it
		}
	}
	return p
}

// commit writes one batch in one transaction, then tells the alerts and
// the waiting ingests.
func (w *writer) commit(batch []*item) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	defer w.s.inflight.Add(-int64(len(batch)))
	p := w.plan(batch)
	for _, it := range p.lost {
		it.reply <- endReply{run: it.run.Run, err: it.run.err}
	}
	if len(p.runs) == 0 {
		return
	}
	now := w.s.now().Truncate(time.Millisecond)
	err := w.s.db.InTx(ctx, func(tx *sql.Tx) error { return w.write(ctx, tx, p, now) })
	if err != nil {
		w.fail(p, fmt.Errorf("storing a batch of events: %w", err))
		return
	}
	w.committed(p, now)
}

// write is the batch transaction.
func (w *writer) write(ctx context.Context, tx *sql.Tx, p *plan, now time.Time) error {
	next, err := reserveIDs(ctx, tx, p.ids, now)
	if err != nil {
		return err
	}
	for _, it := range p.events {
		it.id, it.isNew = next, false
		next++
	}
	for _, it := range p.events {
		for j := range it.to {
			it.to[j].id = next
			next++
		}
	}
	for _, it := range p.rejects {
		it.id = next
		next++
	}
	if err := w.upsertEvents(ctx, tx, p.events, now); err != nil {
		return err
	}
	fresh := map[string][2]int64{} // feed id -> new events, quarantined
	for _, it := range p.events {
		rd := p.byRun[it.run]
		if it.isNew {
			rd.accepted++
			rd.delivered += int64(len(it.to))
			n := fresh[it.run.FeedID]
			n[0]++
			fresh[it.run.FeedID] = n
		} else {
			rd.duplicates++
		}
	}
	if err := w.insertDeliveries(ctx, tx, p.events, now); err != nil {
		return err
	}
	if err := w.insertRejects(ctx, tx, p.rejects, now); err != nil {
		return err
	}
	for _, it := range p.rejects {
		n := fresh[it.run.FeedID]
		n[1]++
		fresh[it.run.FeedID] = n
	}
	for feed, n := range fresh {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feed_stats (feed_id, events, quarantined) VALUES ($1, $2, $3)
			ON CONFLICT (feed_id) DO UPDATE SET events = feed_stats.events + excluded.events,
			quarantined = feed_stats.quarantined + excluded.quarantined`, feed, n[0], n[1]); err != nil {
			return fmt.Errorf("counting events: %w", err)
		}
	}
	for _, rd := range p.runs {
		if err := updateRun(ctx, tx, rd, now); err != nil {
			return err
		}
	}
	for _, d := range p.inputs {
		if err := saveInput(ctx, tx, d, now); err != nil {
			return err
		}
	}
	return nil
}

// reserveIDs takes n ids from the clock row (locked until commit) and
// returns the first: max(last + 1, now_ms << 10).
func reserveIDs(ctx context.Context, tx *sql.Tx, n int, now time.Time) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	floor := idFloor(now)
	var last int64
	err := tx.QueryRowContext(ctx, `UPDATE feed_seq SET last = CASE WHEN last >= $1 THEN last + $2 ELSE $1 + $2 - 1 END
		WHERE id = 1 RETURNING last`, floor, int64(n)).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("reserving ids: %w", err)
	}
	return last - int64(n) + 1, nil
}

// idFloor is the smallest id a row stored at t can have.
func idFloor(t time.Time) int64 { return t.UnixMilli() << 10 }

// Rows per multi-row statement: one statement of many rows is far
// cheaper than many of one, and these stay under both engines' limit on
// parameters.
const (
	eventsPerStatement     = 256
	deliveriesPerStatement = 512
	rejectsPerStatement    = 256
)

func (w *writer) upsertEvents(ctx context.Context, tx *sql.Tx, events []*item, now time.Time) error {
	if len(events) == 0 {
		return nil
	}
	base := events[0].id
	ms := store.Millis(now)
	return chunks(ctx, tx, w, "events", len(events), eventsPerStatement, 11, true, func(args []any, i int) []any {
		it := events[i]
		return append(args, it.id, it.run.FeedID, it.dk1, it.dk2, ms, ms, it.repeats, it.ev.Taxonomy, it.ev.Type,
			cleanText(it.search), it.data)
	}, func(id int64) {
		if i := id - base; i >= 0 && i < int64(len(events)) && events[i].id == id {
			events[i].isNew = true
		}
	})
}

func (w *writer) insertDeliveries(ctx context.Context, tx *sql.Tx, events []*item, now time.Time) error {
	type ref struct{ it, to int }
	var refs []ref
	for i, it := range events {
		if it.isNew {
			for j := range it.to {
				refs = append(refs, ref{i, j})
			}
		}
	}
	ms := store.Millis(now)
	return chunks(ctx, tx, w, "deliveries", len(refs), deliveriesPerStatement, 6, false, func(args []any, i int) []any {
		it := events[refs[i].it]
		r := it.to[refs[i].to]
		return append(args, it.id, r.org, r.id, r.by, r.key, ms)
	}, nil)
}

func (w *writer) insertRejects(ctx context.Context, tx *sql.Tx, rejects []*item, now time.Time) error {
	ms := store.Millis(now)
	return chunks(ctx, tx, w, "quarantine", len(rejects), rejectsPerStatement, 9, false, func(args []any, i int) []any {
		it := rejects[i]
		r := it.rej
		return append(args, it.id, it.run.FeedID, it.run.ID, int64(r.Line), cleanText(r.Field), cleanText(r.Code),
			cleanText(r.Message), cleanText(r.Raw), ms)
	}, nil)
}

// statements holds the start and end of each multi-row statement.
var statements = map[string][2]string{
	"events": {`INSERT INTO feed_events (id, feed_id, dk1, dk2, first_seen, last_seen, repeats, taxonomy, type, search, data) VALUES `,
		` ON CONFLICT (dk1, dk2) DO UPDATE SET repeats = feed_events.repeats + excluded.repeats,
		last_seen = excluded.last_seen RETURNING id`},
	"deliveries": {`INSERT INTO feed_deliveries (event_id, org_id, id, by_rule, match_key, first_seen) VALUES `, ``},
	"quarantine": {`INSERT INTO feed_quarantine (id, feed_id, run_id, line, field, code, message, raw, at) VALUES `, ``},
}

// chunks writes n rows of table in statements of at most per rows of cols
// columns: the full-size statement is prepared once for the transaction.
// row appends the arguments of row i; returned, when set, gets each id the
// statement returns.
func chunks(ctx context.Context, tx *sql.Tx, w *writer, table string, n, per, cols int, query bool,
	row func(args []any, i int) []any, returned func(id int64)) error {
	if n == 0 {
		return nil
	}
	var full *sql.Stmt
	args := make([]any, 0, min(n, per)*cols)
	for start := 0; start < n; start += per {
		size := min(per, n-start)
		args = args[:0]
		for i := start; i < start+size; i++ {
			args = row(args, i)
		}
		text := w.statement(table, size, cols)
		var stmt *sql.Stmt
		if size == per {
			if full == nil {
				var err error
				if full, err = tx.PrepareContext(ctx, text); err != nil {
					return fmt.Errorf("preparing %s insert: %w", table, err)
				}
				defer full.Close()
			}
			stmt = full
		}
		if err := execChunk(ctx, tx, stmt, text, args, query, returned); err != nil {
			return fmt.Errorf("writing %s: %w", table, err)
		}
	}
	return nil
}

func execChunk(ctx context.Context, tx *sql.Tx, stmt *sql.Stmt, text string, args []any, query bool, returned func(int64)) error {
	if !query {
		var err error
		if stmt != nil {
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, text, args...)
		}
		return err
	}
	var rows *sql.Rows
	var err error
	if stmt != nil {
		rows, err = stmt.QueryContext(ctx, args...)
	} else {
		rows, err = tx.QueryContext(ctx, text, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		returned(id)
	}
	return rows.Err()
}

// statement returns the text inserting rows rows of cols columns into
// table; texts are kept, there are few sizes.
//
// The one place where the SQL text differs by engine: on SQLite the
// values are plain "?" (bound in order, as they appear), because
// modernc's driver looks each "$N" up by name in a list as long as the
// statement's parameters, which makes a statement of thousands of them
// cost quadratic time (measured: 4,500 rather than 28,000 rows/s at 256
// rows a statement). PostgreSQL needs "$N".
func (w *writer) statement(table string, rows, cols int) string {
	key := fmt.Sprintf("%s/%d", table, rows)
	if s, ok := w.sql[key]; ok {
		return s
	}
	var b strings.Builder
	b.WriteString(statements[table][0])
	n := 1
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			if w.positional {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", n)
			}
			n++
		}
		b.WriteByte(')')
	}
	b.WriteString(statements[table][1])
	s := b.String()
	if len(w.sql) < 64 {
		w.sql[key] = s
	}
	return s
}

// cleanText makes text storable on both engines: PostgreSQL refuses
// invalid UTF-8 and NUL in TEXT, and a refused line may hold either.
func cleanText(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func updateRun(ctx context.Context, tx *sql.Tx, rd *runDelta, now time.Time) error {
	r := rd.run.Run
	state, finished, errText := StateRunning, int64(0), ""
	if rd.end != nil {
		state, finished, errText = rd.end.state, store.Millis(now), cleanText(rd.end.errText)
	}
	_, err := tx.ExecContext(ctx, `UPDATE feed_runs SET lines = $2, accepted = $3, duplicates = $4, quarantined = $5,
		filtered = $6, delivered = $7, updated = $8, state = $9, finished = $10, err = $11 WHERE id = $1`,
		r.ID, rd.lines, r.Accepted+rd.accepted, r.Duplicates+rd.duplicates, r.Quarantined+rd.quarantined,
		rd.filtered, r.Delivered+rd.delivered, store.Millis(now), state, finished, errText)
	if err != nil {
		return fmt.Errorf("updating run %s: %w", r.ID, err)
	}
	return nil
}

func saveInput(ctx context.Context, tx *sql.Tx, d *inputDelta, now time.Time) error {
	var err error
	if d.done && !d.inp.keep {
		_, err = tx.ExecContext(ctx, `DELETE FROM feed_inputs WHERE feed_id = $1 AND ident = $2`, d.inp.feedID, d.inp.ident)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO feed_inputs (feed_id, ident, run_id, position, lines, done, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (feed_id, ident) DO UPDATE SET run_id = excluded.run_id,
			position = excluded.position, lines = excluded.lines, done = excluded.done, updated = excluded.updated`,
			d.inp.feedID, d.inp.ident, d.inp.runID, d.position, d.lines, d.done, store.Millis(now))
	}
	if err != nil {
		return fmt.Errorf("saving the position in %s: %w", d.inp.ident, err)
	}
	return nil
}

// committed applies the batch to the runs, hands the new deliveries to
// OnCommit and answers the runs that ended.
func (w *writer) committed(p *plan, now time.Time) {
	for _, rd := range p.runs {
		r := &rd.run.Run
		r.Lines, r.Filtered = rd.lines, rd.filtered
		r.Accepted += rd.accepted
		r.Duplicates += rd.duplicates
		r.Quarantined += rd.quarantined
		r.Delivered += rd.delivered
	}
	if w.s.opts.OnCommit != nil {
		var out []StoredEvent
		for _, it := range p.events {
			if !it.isNew {
				continue
			}
			for _, r := range it.to {
				out = append(out, StoredEvent{ID: r.id, EventID: it.id, FeedName: it.run.FeedName, OrgID: r.org,
					By: r.by, Key: r.key, Repeats: it.repeats, FirstSeen: now, LastSeen: now, Event: *it.ev})
			}
		}
		if len(out) > 0 {
			w.s.opts.OnCommit(out)
		}
	}
	for _, rd := range p.runs {
		r := &rd.run.Run
		if rd.end != nil {
			r.State, r.Finished, r.Err = rd.end.state, now, rd.end.errText
			rd.end.reply <- endReply{run: *r}
		}
		if rd.run.progress != nil {
			rd.run.progress(*r)
		}
	}
}

// fail marks the runs of a batch that could not be stored: their next
// items are dropped and their ingests fail, since a hole in a run would
// break the promise of resume.
func (w *writer) fail(p *plan, err error) {
	w.s.opts.Logger.Error("feeds: a batch was not stored", "err", err)
	for _, rd := range p.runs {
		rd.run.err = err
		rd.run.lost.Store(true)
		w.s.failRun(rd.run, err)
		if rd.end != nil {
			rd.end.reply <- endReply{run: rd.run.Run, err: err}
		}
	}
}
