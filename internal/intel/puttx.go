package intel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/stix"
	"atalaya/internal/store"
)

// putTx is one Put inside its transaction.
type putTx struct {
	s      *Store
	st     *stmts
	a      access.Actor
	rep    *Report
	states map[string]*idState
	order  []string // ids in the order first met
	nowMs  int64
	nowUs  int64
	last   int64     // the clock: last date added given, in microseconds
	custom string    // the custom collection to add to, "" none
	inColl []string  // ids to add to it
	groups *[]string // the actor's organisation's sharing groups, once read
}

// idState is what a Put knows of one id: what is stored and what it adds.
type idState struct {
	owner    string // creator organisation; "" when the id is new
	fresh    bool
	versions map[string]stored // every version, stored or accepted now
	latest   string            // the stored latest version
	first    string            // the stored first version
	revoked  bool              // the stored latest version is revoked
	items    []*item           // accepted now, in input order
}

// stored is one version of an id.
type stored struct {
	at    time.Time
	added int64
}

// run classifies every item, stores the accepted ones and moves the clock.
func (w *putTx) run(ctx context.Context, items []*item, collection string) error {
	now := w.s.now()
	w.nowMs, w.nowUs = store.Millis(now), now.UnixMicro()
	if err := w.st.QueryRowContext(ctx, `UPDATE intel_clock SET last_us = last_us WHERE id = 1 RETURNING last_us`).Scan(&w.last); err != nil {
		return fmt.Errorf("reading the intel clock: %w", err)
	}
	start := w.last
	if err := w.resolveCollection(ctx, collection); err != nil {
		return err
	}
	for _, it := range items {
		if err := w.classify(ctx, it); err != nil {
			return err
		}
	}
	for _, id := range w.order {
		if st := w.states[id]; len(st.items) > 0 {
			if err := w.storeID(ctx, id, st); err != nil {
				return err
			}
		}
	}
	if err := w.addToCollection(ctx); err != nil {
		return err
	}
	slices.SortFunc(w.rep.Accepted, func(x, y Ref) int { return int(x.Added.Sub(y.Added)) })
	if w.last != start {
		if _, err := w.st.ExecContext(ctx, `UPDATE intel_clock SET last_us = $1 WHERE id = 1`, w.last); err != nil {
			return fmt.Errorf("moving the intel clock: %w", err)
		}
	}
	return nil
}

// classify decides whether an item is new, already stored, or refused.
func (w *putTx) classify(ctx context.Context, it *item) error {
	st, err := w.state(ctx, it.env.ID)
	if err != nil {
		return err
	}
	if !st.fresh && st.owner != w.a.OrgID {
		return w.classifyOthers(ctx, st, it)
	}
	switch {
	case hasVersion(st, it.ver): // stored, or met earlier in this input
		w.rep.Existing = append(w.rep.Existing, Ref{ID: it.env.ID, Version: it.ver, Added: microTime(st.versions[it.ver].added)})
		w.collect(it.env.ID)
	case st.revoked && it.at.After(st.versions[st.latest].at):
		w.rep.Refused = append(w.rep.Refused, Refusal{Index: it.idx, ID: it.env.ID, Version: it.ver, Field: "id", Code: CodeRevoked,
			Message: "this object is revoked: it takes no new version"})
	default:
		// Dates added follow the input order.
		w.last = max(w.nowUs, w.last+1)
		it.added = w.last
		st.versions[it.ver] = stored{at: it.at, added: it.added}
		st.items = append(st.items, it)
		w.collect(it.env.ID)
	}
	return nil
}

// classifyOthers decides on an object whose id another organisation
// created: a copy of what the actor already sees is Existing, and joins the
// custom collection it was posted to (a TAXII client that was told
// "success" finds it there; the collection still shows each reader only
// what they may see); anything else is refused.
func (w *putTx) classifyOthers(ctx context.Context, st *idState, it *item) error {
	copied, err := w.othersCopy(ctx, st, it)
	if err != nil {
		return err
	}
	if copied {
		w.rep.Existing = append(w.rep.Existing, Ref{ID: it.env.ID, Version: it.ver, Added: microTime(st.versions[it.ver].added)})
		w.collect(it.env.ID)
		return nil
	}
	w.rep.Refused = append(w.rep.Refused, Refusal{Index: it.idx, ID: it.env.ID, Version: it.ver, Field: "id", Code: CodeNotOwner,
		Message: "this object was shared by another organisation: only its creator can change it"})
	return nil
}

func hasVersion(st *idState, ver string) bool {
	_, ok := st.versions[ver]
	return ok
}

// state loads what is stored of an id, once per Put.
func (w *putTx) state(ctx context.Context, id string) (*idState, error) {
	if st, ok := w.states[id]; ok {
		return st, nil
	}
	st := &idState{versions: map[string]stored{}}
	rows, err := w.st.QueryContext(ctx, `SELECT sh.org_id, o.version, o.added_us, o.latest, o.is_first, o.revoked
		FROM intel_sharing sh JOIN intel_objects o ON o.stix_id = sh.stix_id WHERE sh.stix_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var ver string
		var added int64
		var latest, first, revoked bool
		if err := rows.Scan(&st.owner, &ver, &added, &latest, &first, &revoked); err != nil {
			return nil, fmt.Errorf("reading %s: %w", id, err)
		}
		st.versions[ver] = stored{at: versionTime(ver), added: added}
		if latest {
			st.latest, st.revoked = ver, revoked
		}
		if first {
			st.first = ver
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", id, err)
	}
	st.fresh = st.owner == ""
	w.states[id] = st
	w.order = append(w.order, id)
	return st, nil
}

// versionTime reads the instant of a version text ("" for SCOs: zero).
func versionTime(ver string) time.Time {
	ts, err := stix.ParseTimestamp(ver)
	if err != nil {
		return time.Time{}
	}
	return ts.Time
}

// ends returns the latest and first versions: by instant, then by text so
// the choice is stable.
func ends(versions map[string]stored) (latest, first string) {
	keys := make([]string, 0, len(versions))
	for k := range versions {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int {
		if c := versions[x].at.Compare(versions[y].at); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	return keys[len(keys)-1], keys[0]
}

// storeID writes the new versions of one id, its sharing, its flags and,
// when the latest version is new, what is derived from it.
func (w *putTx) storeID(ctx context.Context, id string, st *idState) error {
	latest, first := ends(st.versions)
	newest := st.items[0]
	for _, it := range st.items {
		if it.at.After(newest.at) {
			newest = it
		}
	}
	if err := writeSharing(ctx, w.st, id, w.a.OrgID, newest.sh, w.nowMs, st.fresh); err != nil {
		return err
	}
	if !st.fresh && latest != st.latest {
		if _, err := w.st.ExecContext(ctx, `UPDATE intel_objects SET latest = FALSE WHERE stix_id = $1 AND latest`, id); err != nil {
			return fmt.Errorf("updating versions of %s: %w", id, err)
		}
	}
	if !st.fresh && first != st.first {
		if _, err := w.st.ExecContext(ctx, `UPDATE intel_objects SET is_first = FALSE WHERE stix_id = $1 AND is_first`, id); err != nil {
			return fmt.Errorf("updating versions of %s: %w", id, err)
		}
	}
	for _, it := range st.items {
		if err := w.insert(ctx, it, it.ver == latest, it.ver == first); err != nil {
			return err
		}
		w.rep.Accepted = append(w.rep.Accepted, Ref{ID: id, Version: it.ver, Added: microTime(it.added)})
		if it.ver == latest {
			if err := derive(ctx, w.st, it, w.a.OrgID, st.fresh); err != nil {
				return err
			}
		}
	}
	return nil
}

const insertObject = `INSERT INTO intel_objects (stix_id, version, type, spec_version, name, name_lc, created, modified,
	added_us, org_id, created_by, revoked, latest, is_first, raw)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`

func (w *putTx) insert(ctx context.Context, it *item, latest, first bool) error {
	e := it.env
	_, err := w.st.ExecContext(ctx, insertObject, e.ID, it.ver, e.Type, e.SpecVersion, e.Name, fold(e.Name),
		store.Millis(e.Created.Time), store.Millis(e.Modified.Time), it.added, w.a.OrgID, w.a.UserID, e.Revoked,
		latest, first, string(it.raw))
	if err != nil {
		return fmt.Errorf("storing %s: %w", e.ID, err)
	}
	return nil
}

// resolveCollection keeps the collection id when it names a custom
// collection; the default collections follow from the sharing alone.
func (w *putTx) resolveCollection(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	var found string
	err := w.st.QueryRowContext(ctx, `SELECT id FROM intel_collections WHERE id = $1`, id).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading collection %s: %w", id, err)
	}
	w.custom = found
	return nil
}

// collect remembers an id to add to the custom collection.
func (w *putTx) collect(id string) {
	if w.custom != "" {
		w.inColl = append(w.inColl, id)
	}
}

func (w *putTx) addToCollection(ctx context.Context) error {
	for _, id := range w.inColl {
		if _, err := w.st.ExecContext(ctx, `INSERT INTO intel_collection_objects (collection_id, stix_id) VALUES ($1, $2)
			ON CONFLICT (collection_id, stix_id) DO NOTHING`, w.custom, id); err != nil {
			return fmt.Errorf("adding %s to collection: %w", id, err)
		}
	}
	return nil
}

// auditID is the object id the audit entry names: the one id stored, or ""
// for a batch.
func (w *putTx) auditID() string {
	if len(w.rep.Accepted) == 1 {
		return w.rep.Accepted[0].ID
	}
	return ""
}

// auditSummary is the audit entry's "after": counts, and the ids stored
// when there are few.
func (w *putTx) auditSummary(opt PutOptions, total int) map[string]any {
	m := map[string]any{"source": opt.Source, "objects": total, "accepted": len(w.rep.Accepted),
		"existing": len(w.rep.Existing), "refused": len(w.rep.Refused)}
	if opt.Collection != "" {
		m["collection"] = opt.Collection
	}
	if n := len(w.rep.Accepted); n > 0 && n <= 20 {
		ids := make([]string, n)
		for i, r := range w.rep.Accepted {
			ids[i] = r.ID + " " + r.Version
		}
		m["ids"] = ids
	}
	return m
}
