package directory

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// selectOrganizations reads an organisation and its team profile, if any.
// COALESCE keeps the scan free of NULL handling for organisations that are
// not teams.
const selectOrganizations = `SELECT o.id, o.kind, o.name, o.short_name, o.country, o.description, o.email,
	o.phone, o.website, o.created_at, o.updated_at, COALESCE(p.org_id, ''), COALESCE(p.constituency, ''),
	COALESCE(p.email, ''), COALESCE(p.phone, ''), COALESCE(p.emergency_phone, ''), COALESCE(p.website, ''),
	COALESCE(p.pgp_key, ''), COALESCE(p.pgp_fingerprint, ''), COALESCE(p.business_hours, ''),
	COALESCE(p.time_zone, ''), COALESCE(p.established, ''), COALESCE(p.first_member, FALSE),
	COALESCE(p.first_member_since, ''), COALESCE(p.status, ''), COALESCE(p.sector, '')
	FROM organizations o LEFT JOIN team_profiles p ON p.org_id = o.id`

type scanner interface{ Scan(dest ...any) error }

func scanOrganization(row scanner) (Organization, error) {
	var o Organization
	var t TeamProfile
	var created, updated int64
	var profileOrg string
	err := row.Scan(&o.ID, &o.Kind, &o.Name, &o.ShortName, &o.Country, &o.Description, &o.Email, &o.Phone,
		&o.Website, &created, &updated, &profileOrg, &t.Constituency, &t.Email, &t.Phone, &t.EmergencyPhone,
		&t.Website, &t.PGPKey, &t.PGPFingerprint, &t.BusinessHours, &t.TimeZone, &t.Established, &t.FIRSTMember,
		&t.FIRSTSince, &t.Status, &t.Sector)
	if err != nil {
		return o, err
	}
	o.CreatedAt, o.UpdatedAt = store.Time(created), store.Time(updated)
	if profileOrg != "" {
		o.Team = &t
	}
	return o, nil
}

func getOrganization(ctx context.Context, q store.Querier, id string) (Organization, error) {
	o, err := scanOrganization(q.QueryRowContext(ctx, selectOrganizations+` WHERE o.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, store.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("reading organization %s: %w", id, err)
	}
	return o, nil
}

// GetOrganization returns one organisation with its team profile, or
// store.ErrNotFound.
func (d *Directory) GetOrganization(ctx context.Context, actor access.Actor, id string) (Organization, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{OrgID: id}); err != nil {
		return Organization{}, err
	}
	return getOrganization(ctx, d.db.R(), id)
}

// Filter selects organisations for ListOrganizations. Zero fields select
// everything.
type Filter struct {
	Query   string // part of the name or short name, ignoring case and accents
	Kind    Kind
	Country string // ISO alpha-2 (or alpha-3) code
	After   string // cursor: the next cursor returned by the previous page
	Limit   int    // page size: default 50, at most 500
}

// Page sizes of ListOrganizations.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ListOrganizations returns one page of organisations in the order of
// their ids (which follows creation, to the millisecond, and is what keyset
// pagination needs), and the cursor of the next page ("" after the last).
func (d *Directory) ListOrganizations(ctx context.Context, actor access.Actor, f Filter) ([]Organization, string, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{}); err != nil {
		return nil, "", err
	}
	f.Limit = min(f.Limit, MaxLimit)
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	if m, ok := LookupMemberState(f.Country); ok {
		f.Country = m.Code
	}
	rows, err := d.db.R().QueryContext(ctx, selectOrganizations+` WHERE o.search_text LIKE $1 ESCAPE '\'
		AND ($2 = '' OR o.kind = $2) AND ($3 = '' OR o.country = $3) AND o.id > $4 ORDER BY o.id LIMIT $5`,
		likePattern(f.Query), string(f.Kind), strings.ToUpper(strings.TrimSpace(f.Country)), f.After, f.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing organizations: %w", err)
	}
	out, err := collectOrganizations(rows)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// likePattern turns a search query into a LIKE pattern on search_text,
// escaping LIKE's own wildcards so "%" and "_" match themselves.
func likePattern(q string) string {
	return store.ContainsPattern(fold(strings.TrimSpace(q)))
}

func collectOrganizations(rows *sql.Rows) ([]Organization, error) {
	defer rows.Close()
	var out []Organization
	for rows.Next() {
		o, err := scanOrganization(rows)
		if err != nil {
			return nil, fmt.Errorf("reading organization: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading organizations: %w", err)
	}
	return out, nil
}

// ListTeams returns the CSIRTs of a member state (every team of every state
// when country is ""), by country, then national team first and the other
// kinds in the order of Kinds, then by name. An unknown country is a field
// error on "country".
func (d *Directory) ListTeams(ctx context.Context, actor access.Actor, country string) ([]Organization, error) {
	if err := allow(actor, access.ViewDirectory, access.Target{}); err != nil {
		return nil, err
	}
	if country != "" {
		m, ok := LookupMemberState(country)
		if !ok {
			return nil, valid.New("country", "directory.country_member", "not a member state",
				map[string]any{"Value": clip(country)})
		}
		country = m.Code
	}
	rows, err := d.db.R().QueryContext(ctx, selectOrganizations+` WHERE o.kind IN ($1, $2, $3, $4, $5)
		AND ($6 = '' OR o.country = $6)`,
		NationalCSIRT, GovernmentCSIRT, PoliceCSIRT, DefenseCSIRT, SectorCSIRT, country)
	if err != nil {
		return nil, fmt.Errorf("listing teams: %w", err)
	}
	out, err := collectOrganizations(rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Organization) int {
		return cmp.Or(cmp.Compare(a.Country, b.Country),
			cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)),
			cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}
