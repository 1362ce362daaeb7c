package directory

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// Contact is a member state's point of contact of one kind, for a period.
// A contact is current while EndedOn is "".
type Contact struct {
	ID           string      `json:"id"`
	Country      string      `json:"country"`
	Kind         ContactKind `json:"kind"`
	Person       Person      `json:"person"`
	OrgName      string      `json:"org_name"` // the person's organisation, for display
	OrgShortName string      `json:"org_short_name"`
	NominatedOn  string      `json:"nominated_on"` // YYYY-MM-DD
	EndedOn      string      `json:"ended_on"`     // YYYY-MM-DD, "" while current
	Note         string      `json:"note"`
	CreatedAt    time.Time   `json:"created_at"`
}

// Current reports whether c is the point of contact today.
func (c Contact) Current() bool { return c.EndedOn == "" }

// Nomination is a member state naming a person as its point of contact.
type Nomination struct {
	Country     string      `json:"country"` // alpha-2 or alpha-3 code
	Kind        ContactKind `json:"kind"`
	PersonID    string      `json:"person_id"`
	NominatedOn string      `json:"nominated_on"` // YYYY-MM-DD; "" means today
	Note        string      `json:"note"`
}

const maxNote = 1000

// NominateContact records a nomination. The current contact of the same
// kind for the country, if any, ends on the day the new one is nominated,
// so "who is it today" has one answer and the history keeps every period.
// A nomination dated before the current one's is refused: it would rewrite
// history, and EndContact plus a new nomination says what happened.
func (d *Directory) NominateContact(ctx context.Context, actor access.Actor, n Nomination) (Contact, error) {
	if err := allow(actor, access.EditContacts, access.Target{}); err != nil {
		return Contact{}, err
	}
	n.Country, n.PersonID, n.Note = strings.TrimSpace(n.Country), strings.TrimSpace(n.PersonID), strings.TrimSpace(n.Note)
	if n.NominatedOn = strings.TrimSpace(n.NominatedOn); n.NominatedOn == "" {
		n.NominatedOn = d.today()
	}
	c := &fieldChecker{today: d.today()}
	n.Country = c.memberState("country", n.Country)
	c.oneOf("kind", "contact.kind", n.Kind.Valid(), string(n.Kind))
	c.date("nominated_on", n.NominatedOn)
	c.maxLen("note", n.Note, maxNote)
	if c.required("person_id", n.PersonID) {
		if _, err := getPerson(ctx, d.db.R(), n.PersonID); errors.Is(err, store.ErrNotFound) {
			c.es.Add("person_id", "contact.person_unknown", "no such person", nil)
		} else if err != nil {
			return Contact{}, err
		}
	}
	if err := c.es.Err(); err != nil {
		return Contact{}, err
	}
	var out Contact
	err := d.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := d.endCurrent(ctx, tx, actor, n); err != nil {
			return err
		}
		id := store.NewID()
		_, err := tx.ExecContext(ctx, `INSERT INTO contacts (id, country, kind, person_id, nominated_on, ended_on, note,
			created_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7)`,
			id, n.Country, n.Kind, n.PersonID, n.NominatedOn, n.Note, store.Millis(d.now()))
		if err != nil {
			return fmt.Errorf("adding contact: %w", err)
		}
		if out, err = getContact(ctx, tx, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, "contact.nominate", "contact", id, out.Person.OrgID, nil, out)
	})
	return out, err
}

// endCurrent ends the current contact that nomination n replaces.
func (d *Directory) endCurrent(ctx context.Context, tx *sql.Tx, actor access.Actor, n Nomination) error {
	cur, err := scanContact(tx.QueryRowContext(ctx, selectContacts+` WHERE c.country = $1 AND c.kind = $2
		AND c.ended_on = ''`, n.Country, n.Kind))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("reading current contact: %w", err)
	case cur.Person.ID == n.PersonID:
		return valid.New("person_id", "contact.already_current", "this person is already the current contact",
			map[string]any{"Name": cur.Person.Name})
	case n.NominatedOn < cur.NominatedOn:
		return valid.New("nominated_on", "contact.before_current",
			"the current contact was nominated on "+cur.NominatedOn+": a new nomination cannot be earlier",
			map[string]any{"Date": cur.NominatedOn})
	}
	return setEnded(ctx, tx, actor, cur, n.NominatedOn)
}

func setEnded(ctx context.Context, tx *sql.Tx, actor access.Actor, c Contact, on string) error {
	after := c
	after.EndedOn = on
	if _, err := tx.ExecContext(ctx, `UPDATE contacts SET ended_on = $1 WHERE id = $2`, on, c.ID); err != nil {
		return fmt.Errorf("ending contact: %w", err)
	}
	return record(ctx, tx, actor, "contact.end", "contact", c.ID, c.Person.OrgID, c, after)
}

// EndContact ends a current contact on endedOn (YYYY-MM-DD; "" means
// today) without naming a successor, and returns it as stored.
func (d *Directory) EndContact(ctx context.Context, actor access.Actor, id, endedOn string) (Contact, error) {
	if err := allow(actor, access.EditContacts, access.Target{}); err != nil {
		return Contact{}, err
	}
	if endedOn = strings.TrimSpace(endedOn); endedOn == "" {
		endedOn = d.today()
	}
	var out Contact
	err := d.db.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := getContact(ctx, tx, id)
		if err != nil {
			return err
		}
		c := &fieldChecker{today: d.today()}
		c.date("ended_on", endedOn)
		switch {
		case !cur.Current():
			c.es.Add("ended_on", "contact.already_ended", "this contact already ended on "+cur.EndedOn,
				map[string]any{"Date": cur.EndedOn})
		case len(c.es) == 0 && endedOn < cur.NominatedOn:
			c.es.Add("ended_on", "contact.end_before_start", "a contact cannot end before "+cur.NominatedOn,
				map[string]any{"Date": cur.NominatedOn})
		}
		if err := c.es.Err(); err != nil {
			return err
		}
		out = cur
		out.EndedOn = endedOn
		return setEnded(ctx, tx, actor, cur, endedOn)
	})
	return out, err
}

// memberState returns the alpha-2 code of a required member state, or
// records the problem and returns v.
func (c *fieldChecker) memberState(field, v string) string {
	if !c.required(field, v) {
		return v
	}
	m, ok := LookupMemberState(v)
	if !ok {
		c.es.Add(field, "directory.country_member", "not a member state", map[string]any{"Value": clip(v)})
		return v
	}
	return m.Code
}

const selectContacts = `SELECT c.id, c.country, c.kind, c.nominated_on, c.ended_on, c.note, c.created_at,
	p.id, p.org_id, p.name, p.title, p.email, p.phone, p.created_at, p.updated_at, o.name, o.short_name
	FROM contacts c JOIN people p ON p.id = c.person_id JOIN organizations o ON o.id = p.org_id`

func scanContact(row scanner) (Contact, error) {
	var c Contact
	var created, pCreated, pUpdated int64
	err := row.Scan(&c.ID, &c.Country, &c.Kind, &c.NominatedOn, &c.EndedOn, &c.Note, &created,
		&c.Person.ID, &c.Person.OrgID, &c.Person.Name, &c.Person.Title, &c.Person.Email, &c.Person.Phone,
		&pCreated, &pUpdated, &c.OrgName, &c.OrgShortName)
	c.CreatedAt, c.Person.CreatedAt, c.Person.UpdatedAt = store.Time(created), store.Time(pCreated), store.Time(pUpdated)
	return c, err
}

func getContact(ctx context.Context, q store.Querier, id string) (Contact, error) {
	c, err := scanContact(q.QueryRowContext(ctx, selectContacts+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, store.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("reading contact %s: %w", id, err)
	}
	return c, nil
}

// CurrentContacts returns today's points of contact of a member state (of
// every state when country is ""), by country and in the order of
// ContactKinds.
func (d *Directory) CurrentContacts(ctx context.Context, actor access.Actor, country string) ([]Contact, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{}); err != nil {
		return nil, err
	}
	if country != "" {
		c := &fieldChecker{}
		if country = c.memberState("country", country); len(c.es) > 0 {
			return nil, c.es
		}
	}
	out, err := d.queryContacts(ctx, ` WHERE c.ended_on = '' AND ($1 = '' OR c.country = $1)`, country)
	slices.SortFunc(out, func(a, b Contact) int {
		return cmp.Or(cmp.Compare(a.Country, b.Country),
			cmp.Compare(slices.Index(ContactKinds, a.Kind), slices.Index(ContactKinds, b.Kind)))
	})
	return out, err
}

// ContactHistory returns every point of contact a member state has named,
// of one kind (every kind when kind is ""), newest nomination first.
func (d *Directory) ContactHistory(ctx context.Context, actor access.Actor, country string, kind ContactKind) ([]Contact, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{}); err != nil {
		return nil, err
	}
	c := &fieldChecker{}
	country = c.memberState("country", country)
	if kind != "" {
		c.oneOf("kind", "contact.kind", kind.Valid(), string(kind))
	}
	if err := c.es.Err(); err != nil {
		return nil, err
	}
	return d.queryContacts(ctx, ` WHERE c.country = $1 AND ($2 = '' OR c.kind = $2)
		ORDER BY c.nominated_on DESC, c.created_at DESC, c.id DESC`, country, string(kind))
}

func (d *Directory) queryContacts(ctx context.Context, where string, args ...any) ([]Contact, error) {
	rows, err := d.db.R().QueryContext(ctx, selectContacts+where, args...)
	if err != nil {
		return nil, fmt.Errorf("listing contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, fmt.Errorf("reading contact: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
