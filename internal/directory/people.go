package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// Person is someone in an organisation whom the directory lists: a team's
// staff, a ministry's official named as a point of contact. Accounts (who
// may sign in) belong to package auth, not here.
type Person struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"` // fixed once the person is added
	Name      string    `json:"name"`
	Title     string    `json:"title"` // position, e.g. "Head of incident response"
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (p *Person) normalize() {
	for _, f := range []*string{&p.OrgID, &p.Name, &p.Title, &p.Email, &p.Phone} {
		*f = strings.TrimSpace(*f)
	}
}

func (p *Person) check() valid.Errors {
	c := &fieldChecker{}
	if c.required("name", p.Name) {
		c.maxLen("name", p.Name, maxName)
	}
	c.maxLen("title", p.Title, maxShortText)
	c.email("email", p.Email)
	c.phone("phone", p.Phone)
	return c.es
}

// AddPerson adds a person to organisation p.OrgID and returns it as stored.
// Whoever may edit the organisation may add its people.
func (d *Directory) AddPerson(ctx context.Context, actor access.Actor, p Person) (Person, error) {
	p.normalize()
	if err := allow(actor, access.EditOrganization, access.Target{OrgID: p.OrgID}); err != nil {
		return Person{}, err
	}
	es := p.check()
	if _, err := getOrganization(ctx, d.db.R(), p.OrgID); errors.Is(err, store.ErrNotFound) {
		es.Add("org_id", "person.org_unknown", "no such organisation", map[string]any{"Value": clip(p.OrgID)})
	} else if err != nil {
		return Person{}, err
	}
	if err := es.Err(); err != nil {
		return Person{}, err
	}
	now := d.stamp(0)
	p.ID, p.CreatedAt, p.UpdatedAt = store.NewID(), store.Time(now), store.Time(now)
	err := d.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO people (id, org_id, name, title, email, phone, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, p.OrgID, p.Name, p.Title, p.Email, p.Phone, now, now)
		if err != nil {
			return fmt.Errorf("adding person: %w", err)
		}
		return record(ctx, tx, actor, "person.add", "person", p.ID, p.OrgID, nil, p)
	})
	if err != nil {
		return Person{}, err
	}
	return p, nil
}

// UpdatePerson replaces the name, title, e-mail and phone of person p.ID
// and returns it as stored. The organisation cannot change: someone who
// moves is added to the new one, so past nominations keep their context.
func (d *Directory) UpdatePerson(ctx context.Context, actor access.Actor, p Person) (Person, error) {
	p.normalize()
	// The person's organisation decides who may edit; reading it first
	// reveals nothing to someone who may not read the directory at all.
	if err := allow(actor, access.ViewDirectory, access.Target{}); err != nil {
		return Person{}, err
	}
	before, err := getPerson(ctx, d.db.R(), p.ID)
	if err != nil {
		return Person{}, err
	}
	if err := allow(actor, access.EditOrganization, access.Target{OrgID: before.OrgID}); err != nil {
		return Person{}, err
	}
	es := p.check()
	if p.OrgID != "" && p.OrgID != before.OrgID {
		es.Add("org_id", "person.org_fixed", "a person stays in the organisation they were added to", nil)
	}
	if err := es.Err(); err != nil {
		return Person{}, err
	}
	now := d.stamp(store.Millis(before.UpdatedAt))
	p.OrgID, p.CreatedAt, p.UpdatedAt = before.OrgID, before.CreatedAt, store.Time(now)
	err = d.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE people SET name = $1, title = $2, email = $3, phone = $4, updated_at = $5
			WHERE id = $6`, p.Name, p.Title, p.Email, p.Phone, now, p.ID)
		if err != nil {
			return fmt.Errorf("updating person: %w", err)
		}
		return record(ctx, tx, actor, "person.update", "person", p.ID, p.OrgID, before, p)
	})
	if err != nil {
		return Person{}, err
	}
	return p, nil
}

const selectPeople = `SELECT id, org_id, name, title, email, phone, created_at, updated_at FROM people`

func scanPerson(row scanner) (Person, error) {
	var p Person
	var created, updated int64
	err := row.Scan(&p.ID, &p.OrgID, &p.Name, &p.Title, &p.Email, &p.Phone, &created, &updated)
	p.CreatedAt, p.UpdatedAt = store.Time(created), store.Time(updated)
	return p, err
}

func getPerson(ctx context.Context, q store.Querier, id string) (Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, selectPeople+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, store.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("reading person %s: %w", id, err)
	}
	return p, nil
}

// GetPerson returns one person, or store.ErrNotFound.
func (d *Directory) GetPerson(ctx context.Context, actor access.Actor, id string) (Person, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{}); err != nil {
		return Person{}, err
	}
	return getPerson(ctx, d.db.R(), id)
}

// People returns the people of an organisation, by name.
func (d *Directory) People(ctx context.Context, actor access.Actor, orgID string) ([]Person, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{OrgID: orgID}); err != nil {
		return nil, err
	}
	rows, err := d.db.R().QueryContext(ctx, selectPeople+` WHERE org_id = $1 ORDER BY name, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("listing people: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("reading person: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
