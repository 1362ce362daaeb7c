// Package audit keeps the append-only, hash-chained log of every change in
// Atalaya: who, when, what, before and after. Each entry's hash covers its
// content and the previous entry's hash, so editing or deleting any row
// breaks the chain, and Verify says where.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the audit domain's schema.
func Migrations() store.Migrations {
	sub, _ := fs.Sub(migrations, "migrations")
	return store.Migrations{Name: "audit", FS: sub}
}

// Who identifies the person (or system job) behind a change.
type Who struct {
	UserID string
	Name   string // e-mail or "system:<job>"
	OrgID  string
	Addr   string // remote address, "" for the command line
}

// By returns the Who of an access.Actor.
func By(a access.Actor) Who {
	return Who{UserID: a.UserID, Name: a.Name, OrgID: a.OrgID, Addr: a.Addr}
}

// System is the actor of changes made by the command line or the demo seed.
func System(job string) Who { return Who{UserID: "system", Name: "system:" + job} }

// Entry is one change.
type Entry struct {
	Seq        int64
	At         time.Time
	Who        Who
	Action     string // e.g. "constituency.add"
	ObjectType string // e.g. "organization"
	ObjectID   string
	OrgID      string // the organisation the object belongs to ("" for global)
	Before     json.RawMessage
	After      json.RawMessage
	PrevHash   string
	Hash       string
}

// Change describes a change to record; Before and After are any values that
// marshal to JSON (nil for creation or deletion).
type Change struct {
	Action     string
	ObjectType string
	ObjectID   string
	OrgID      string
	Before     any
	After      any
}

// Record appends a change to the log inside tx, so the change and its entry
// commit or roll back together.
func Record(ctx context.Context, tx *sql.Tx, who Who, c Change) error {
	before, err := marshal(c.Before)
	if err != nil {
		return fmt.Errorf("audit %s: before: %w", c.Action, err)
	}
	after, err := marshal(c.After)
	if err != nil {
		return fmt.Errorf("audit %s: after: %w", c.Action, err)
	}
	var e Entry
	row := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`)
	if err := row.Scan(&e.Seq, &e.PrevHash); err != nil {
		return fmt.Errorf("audit %s: advancing head: %w", c.Action, err)
	}
	e.At = time.Now().UTC().Truncate(time.Millisecond)
	e.Who, e.Action, e.ObjectType, e.ObjectID, e.OrgID = who, c.Action, c.ObjectType, c.ObjectID, c.OrgID
	e.Before, e.After = before, after
	e.Hash = e.computeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_org, remote_addr,
		action, object_type, object_id, org_id, before_json, after_json, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.Seq, store.Millis(e.At), who.UserID, who.Name, who.OrgID, who.Addr, e.Action, e.ObjectType,
		e.ObjectID, e.OrgID, string(e.Before), string(e.After), e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit %s: inserting: %w", c.Action, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash); err != nil {
		return fmt.Errorf("audit %s: updating head: %w", c.Action, err)
	}
	return nil
}

func marshal(v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage("null"), nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	return json.Marshal(v)
}

// computeHash covers every field of the entry and the previous hash. Fields
// are length-prefixed so no two different entries hash the same text.
func (e Entry) computeHash() string {
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), strconv.FormatInt(store.Millis(e.At), 10),
		e.Who.UserID, e.Who.Name, e.Who.OrgID, e.Who.Addr, e.Action, e.ObjectType, e.ObjectID, e.OrgID,
		string(e.Before), string(e.After), e.PrevHash} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ChainError says where the chain breaks.
type ChainError struct {
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", e.Seq, e.Reason)
}

// Verify walks the whole log and returns the number of entries checked, or a
// *ChainError at the first entry that was changed, inserted or deleted.
func Verify(ctx context.Context, db *store.DB) (int64, error) {
	rows, err := db.R().QueryContext(ctx, selectEntries+` ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("reading audit log: %w", err)
	}
	defer rows.Close()
	var n int64
	prev := ""
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return n, err
		}
		switch {
		case e.Seq != n+1:
			return n, &ChainError{Seq: n + 1, Reason: fmt.Sprintf("entry missing (next entry is %d)", e.Seq)}
		case e.PrevHash != prev:
			return n, &ChainError{Seq: e.Seq, Reason: "previous hash does not match"}
		case e.computeHash() != e.Hash:
			return n, &ChainError{Seq: e.Seq, Reason: "content does not match its hash (edited)"}
		}
		prev, n = e.Hash, e.Seq
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("reading audit log: %w", err)
	}
	var headSeq int64
	var headHash string
	if err := db.R().QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return n, fmt.Errorf("reading audit head: %w", err)
	}
	if headSeq != n || headHash != prev {
		return n, &ChainError{Seq: n + 1, Reason: fmt.Sprintf("log ends at %d but %d entries were written (deleted)", n, headSeq)}
	}
	return n, nil
}

const selectEntries = `SELECT seq, at, actor_id, actor_name, actor_org, remote_addr, action, object_type,
	object_id, org_id, before_json, after_json, prev_hash, hash FROM audit_log`

func scanEntry(rows *sql.Rows) (Entry, error) {
	var e Entry
	var at int64
	var before, after string
	err := rows.Scan(&e.Seq, &at, &e.Who.UserID, &e.Who.Name, &e.Who.OrgID, &e.Who.Addr, &e.Action,
		&e.ObjectType, &e.ObjectID, &e.OrgID, &before, &after, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, fmt.Errorf("reading audit entry: %w", err)
	}
	e.At, e.Before, e.After = store.Time(at), json.RawMessage(before), json.RawMessage(after)
	return e, nil
}

// Filter selects entries for List. Zero fields select everything.
type Filter struct {
	OrgID      string // entries about this organisation only
	ObjectType string
	ObjectID   string
	Action     string
	Before     int64 // cursor: entries with seq < Before (0: from the newest)
	Limit      int   // at most this many (default 50, at most 500)
}

// List returns entries newest first, and the cursor for the next page (0 when
// there is none). Callers filter with access before showing them.
func List(ctx context.Context, db *store.DB, f Filter) ([]Entry, int64, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := selectEntries + ` WHERE ($1 = '' OR org_id = $1) AND ($2 = '' OR object_type = $2)
		AND ($3 = '' OR object_id = $3) AND ($4 = '' OR action = $4) AND ($5 = 0 OR seq < $5)
		ORDER BY seq DESC LIMIT $6`
	rows, err := db.R().QueryContext(ctx, q, f.OrgID, f.ObjectType, f.ObjectID, f.Action, f.Before, f.Limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("listing audit log: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("listing audit log: %w", err)
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].Seq
	}
	return out, next, nil
}

// IsChainError reports whether err is a broken chain (as opposed to an I/O
// error while reading).
func IsChainError(err error) bool {
	var ce *ChainError
	return errors.As(err, &ce)
}
