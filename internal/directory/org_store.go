package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// CreateOrganization adds an organisation (and, for a team, its profile)
// and returns it as stored. ID and times in o are ignored. Creating is an
// edit of the whole directory: only the secretariat may.
func (d *Directory) CreateOrganization(ctx context.Context, actor access.Actor, o Organization) (Organization, error) {
	if err := allow(actor, access.EditOrganization, access.Target{}); err != nil {
		return Organization{}, err
	}
	o.normalize()
	if err := o.check(d.today()).Err(); err != nil {
		return Organization{}, err
	}
	o.ID = store.NewID()
	now := d.stamp(0)
	o.CreatedAt, o.UpdatedAt = store.Time(now), store.Time(now)
	err := d.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := shortNameFree(ctx, tx, o.ShortName, o.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO organizations (id, kind, name, short_name, country, description,
			email, phone, website, search_text, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			o.ID, o.Kind, o.Name, o.ShortName, o.Country, o.Description, o.Email, o.Phone, o.Website,
			o.searchText(), now, now)
		if err != nil {
			return shortNameConflict(err, o.ShortName)
		}
		if err := saveProfile(ctx, tx, o.ID, o.Team); err != nil {
			return err
		}
		return record(ctx, tx, actor, "organization.create", "organization", o.ID, o.ID, nil, o)
	})
	if err != nil {
		return Organization{}, err
	}
	return o, nil
}

// UpdateOrganization replaces the editable fields of the organisation o.ID
// (and its team profile) with those of o, as a form does, and returns it as
// stored. A team admin may edit the own organisation, but changing its kind
// or country reshapes the directory and needs the secretariat (kind decides
// who counts as secretariat staff). If o.UpdatedAt is set and the stored
// organisation changed since, it returns store.ErrConflict and changes
// nothing, so two editors do not overwrite each other unknowingly.
func (d *Directory) UpdateOrganization(ctx context.Context, actor access.Actor, o Organization) (Organization, error) {
	if err := allow(actor, access.EditOrganization, access.Target{OrgID: o.ID}); err != nil {
		return Organization{}, err
	}
	before, err := getOrganization(ctx, d.db.R(), o.ID)
	if err != nil {
		return Organization{}, err
	}
	o.normalize()
	if o.Kind != before.Kind || o.Country != before.Country {
		if err := allow(actor, access.EditOrganization, access.Target{}); err != nil {
			return Organization{}, err
		}
	}
	if err := o.check(d.today()).Err(); err != nil {
		return Organization{}, err
	}
	if !o.UpdatedAt.IsZero() && !o.UpdatedAt.Equal(before.UpdatedAt) {
		return Organization{}, store.ErrConflict
	}
	prev := store.Millis(before.UpdatedAt)
	now := d.stamp(prev)
	o.CreatedAt, o.UpdatedAt = before.CreatedAt, store.Time(now)
	err = d.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := shortNameFree(ctx, tx, o.ShortName, o.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE organizations SET kind = $1, name = $2, short_name = $3,
			country = $4, description = $5, email = $6, phone = $7, website = $8, search_text = $9, updated_at = $10
			WHERE id = $11 AND updated_at = $12`,
			o.Kind, o.Name, o.ShortName, o.Country, o.Description, o.Email, o.Phone, o.Website, o.searchText(),
			now, o.ID, prev)
		if err != nil {
			return shortNameConflict(err, o.ShortName)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return store.ErrConflict // changed by someone else between our read and this write
		}
		if err := saveProfile(ctx, tx, o.ID, o.Team); err != nil {
			return err
		}
		return record(ctx, tx, actor, "organization.update", "organization", o.ID, o.ID, before, o)
	})
	if err != nil {
		return Organization{}, err
	}
	return o, nil
}

// shortNameFree returns a field error when another organisation already
// uses the short name (in any case).
func shortNameFree(ctx context.Context, tx *sql.Tx, short, id string) error {
	if short == "" {
		return nil
	}
	var other string
	err := tx.QueryRowContext(ctx, `SELECT id FROM organizations WHERE lower(short_name) = lower($1) AND id <> $2`,
		short, id).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("checking short name: %w", err)
	}
	return shortNameTaken(short)
}

func shortNameTaken(short string) error {
	return valid.New("short_name", "organization.short_name_taken", "another organisation already uses "+short,
		map[string]any{"Value": short})
}

// shortNameConflict turns the unique index's refusal (a concurrent insert
// that passed shortNameFree) into the same field error.
func shortNameConflict(err error, short string) error {
	if store.IsUniqueViolation(err) {
		return shortNameTaken(short)
	}
	return fmt.Errorf("saving organization: %w", err)
}

// saveProfile writes a team's profile, or deletes it when t is nil (the
// organisation is not, or no longer, a team).
func saveProfile(ctx context.Context, tx *sql.Tx, orgID string, t *TeamProfile) error {
	if t == nil {
		_, err := tx.ExecContext(ctx, `DELETE FROM team_profiles WHERE org_id = $1`, orgID)
		return wrap("deleting team profile", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO team_profiles (org_id, constituency, email, phone, emergency_phone,
		website, pgp_key, pgp_fingerprint, business_hours, time_zone, established, first_member, first_member_since,
		status, sector) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (org_id) DO UPDATE SET constituency = $2, email = $3, phone = $4, emergency_phone = $5,
		website = $6, pgp_key = $7, pgp_fingerprint = $8, business_hours = $9, time_zone = $10, established = $11,
		first_member = $12, first_member_since = $13, status = $14, sector = $15`,
		orgID, t.Constituency, t.Email, t.Phone, t.EmergencyPhone, t.Website, t.PGPKey, t.PGPFingerprint,
		t.BusinessHours, t.TimeZone, t.Established, t.FIRSTMember, t.FIRSTSince, t.Status, t.Sector)
	return wrap("saving team profile", err)
}

func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
