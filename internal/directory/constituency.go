package directory

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// Entry is one thing a team answers for: a prefix, an AS number or a
// domain (with everything under it).
type Entry struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	Kind      EntryKind `json:"kind"`
	Value     string    `json:"value"` // canonical text, see ParseEntry
	Note      string    `json:"note"`
	Flag      Flag      `json:"flag,omitempty"` // recomputed on read, never stored
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"` // user id of who added it
}

const maxEntryNote = 500

// AddConstituency adds raw to the constituency of team orgID and returns
// the entry with the other teams' entries it overlaps (see Overlaps). The
// kind is recognised from the text (ParseEntry): "198.51.100.0/24",
// "2001:db8::/32", "AS64496", "1.10", "example.gob.mx". Only CSIRTs have a
// constituency. A value the team already holds is a field error on
// "value"; an overlap with another team is not an error (a national team
// and a sector team often both answer for a bank) but is returned so the
// page can show it. If the entry was stored but the overlaps could not be
// read, it returns the entry with the error.
func (d *Directory) AddConstituency(ctx context.Context, actor access.Actor, orgID, raw, note string) (Entry, []Overlap, error) {
	if err := allow(actor, access.EditConstituency, access.Target{OrgID: orgID}); err != nil {
		return Entry{}, nil, err
	}
	org, err := getOrganization(ctx, d.db.R(), orgID)
	if err != nil {
		return Entry{}, nil, err
	}
	p, err := ParseEntry(raw)
	c := &fieldChecker{es: valid.List(err)}
	if err != nil && len(c.es) == 0 {
		return Entry{}, nil, err // not a field problem: never store a value that did not parse
	}
	if !org.Kind.IsCSIRT() {
		c.es.Add("org_id", "constituency.not_team", "only incident response teams have a constituency", nil)
	}
	note = strings.TrimSpace(note)
	c.maxLen("note", note, maxEntryNote)
	if err := c.es.Err(); err != nil {
		return Entry{}, nil, err
	}
	e := Entry{ID: store.NewID(), OrgID: orgID, Kind: p.Kind, Value: p.Value, Note: note, Flag: p.Flag,
		CreatedAt: store.Time(store.Millis(d.now())), CreatedBy: actor.UserID}
	if err := d.insertEntry(ctx, actor, e); err != nil {
		return Entry{}, nil, err
	}
	claims, err := d.claims(ctx, orgID, e.Kind)
	if err != nil {
		return e, nil, err
	}
	return e, findOverlaps([]Entry{e}, claims), nil
}

// insertEntry stores e unless its team already holds the value, and
// audits it.
func (d *Directory) insertEntry(ctx context.Context, actor access.Actor, e Entry) error {
	return d.db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM constituency WHERE org_id = $1 AND kind = $2 AND value = $3`,
			e.OrgID, e.Kind, e.Value).Scan(&n)
		if err != nil {
			return fmt.Errorf("checking constituency: %w", err)
		}
		if n > 0 {
			return duplicate(e.Value)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO constituency (id, org_id, kind, value, note, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			e.ID, e.OrgID, e.Kind, e.Value, e.Note, store.Millis(e.CreatedAt), e.CreatedBy)
		if store.IsUniqueViolation(err) {
			return duplicate(e.Value) // a concurrent add of the same value won
		} else if err != nil {
			return fmt.Errorf("adding constituency: %w", err)
		}
		return record(ctx, tx, actor, "constituency.add", "constituency", e.ID, e.OrgID, nil, e)
	})
}

func duplicate(value string) error {
	return valid.New(valueField, "constituency.duplicate", "the team already has "+value,
		map[string]any{"Value": value})
}

// RemoveConstituency removes one entry from its team's constituency.
func (d *Directory) RemoveConstituency(ctx context.Context, actor access.Actor, id string) error {
	// The entry's team decides who may remove it; reading it first reveals
	// nothing to someone who may not read the directory at all.
	if err := allow(actor, access.ViewDirectory, access.Target{}); err != nil {
		return err
	}
	e, err := getEntry(ctx, d.db.R(), id)
	if err != nil {
		return err
	}
	if err := allow(actor, access.EditConstituency, access.Target{OrgID: e.OrgID}); err != nil {
		return err
	}
	return d.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM constituency WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("removing constituency: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return store.ErrNotFound // removed by someone else meanwhile
		}
		return record(ctx, tx, actor, "constituency.remove", "constituency", id, e.OrgID, e, nil)
	})
}

const selectEntries = `SELECT c.id, c.org_id, c.kind, c.value, c.note, c.created_at, c.created_by FROM constituency c`

func scanEntry(row scanner) (Entry, error) {
	var e Entry
	var created int64
	err := row.Scan(&e.ID, &e.OrgID, &e.Kind, &e.Value, &e.Note, &created, &e.CreatedBy)
	e.CreatedAt, e.Flag = store.Time(created), entryFlag(e.Kind, e.Value)
	return e, err
}

func getEntry(ctx context.Context, q store.Querier, id string) (Entry, error) {
	e, err := scanEntry(q.QueryRowContext(ctx, selectEntries+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, store.ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("reading constituency %s: %w", id, err)
	}
	return e, nil
}

// Constituency returns what team orgID answers for: prefixes (IPv4 then
// IPv6, by address), AS numbers (by number), then domains.
func (d *Directory) Constituency(ctx context.Context, actor access.Actor, orgID string) ([]Entry, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{OrgID: orgID}); err != nil {
		return nil, err
	}
	return d.entries(ctx, ` WHERE c.org_id = $1`, orgID)
}

// AllConstituency returns the entries of every team, for building the
// routing tables, ordered by team and then as Constituency orders them.
func (d *Directory) AllConstituency(ctx context.Context, actor access.Actor) ([]Entry, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{}); err != nil {
		return nil, err
	}
	return d.entries(ctx, ``)
}

func (d *Directory) entries(ctx context.Context, where string, args ...any) ([]Entry, error) {
	rows, err := d.db.R().QueryContext(ctx, selectEntries+where, args...)
	if err != nil {
		return nil, fmt.Errorf("listing constituency: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("reading constituency: %w", err)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), compareEntries(a, b)) })
	return out, rows.Err()
}

// compareEntries orders entries by kind, then in the natural order of
// their values (numbers as numbers, not as text).
func compareEntries(a, b Entry) int {
	if c := cmp.Compare(a.Kind.rank(), b.Kind.rank()); c != 0 {
		return c
	}
	switch a.Kind {
	case PrefixEntry:
		pa, _ := netip.ParsePrefix(a.Value)
		pb, _ := netip.ParsePrefix(b.Value)
		if c := pa.Addr().Compare(pb.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(pa.Bits(), pb.Bits())
	case ASNEntry:
		na, _ := strconv.ParseUint(strings.TrimPrefix(a.Value, "AS"), 10, 32)
		nb, _ := strconv.ParseUint(strings.TrimPrefix(b.Value, "AS"), 10, 32)
		return cmp.Compare(na, nb)
	}
	return cmp.Compare(a.Value, b.Value)
}
