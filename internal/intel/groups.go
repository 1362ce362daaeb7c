package intel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// Group is a sharing group, kept by its owner organisation. Orgs lists the
// member organisations; the owner is always a member, whether listed or not.
type Group struct {
	ID, Name, Description, OwnerOrgID string
	Orgs                              []string
	Created, Updated                  time.Time
}

// CreateGroup creates a sharing group owned by the actor's organisation
// (access.ManageSharingGroups).
func (s *Store) CreateGroup(ctx context.Context, a access.Actor, g Group) (Group, error) {
	if !access.Can(a, access.ManageSharingGroups, access.Target{OrgID: a.OrgID}) {
		return Group{}, access.ErrDenied
	}
	if err := checkGroup(&g); err != nil {
		return Group{}, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	g.ID, g.OwnerOrgID, g.Created, g.Updated = store.NewID(), a.OrgID, now, now
	g.Orgs = groupMembers(g)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO intel_groups (id, name, description, owner_org, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, g.ID, g.Name, g.Description, g.OwnerOrgID, store.Millis(now), store.Millis(now)); err != nil {
			return fmt.Errorf("creating sharing group: %w", err)
		}
		if err := insertMembers(ctx, tx, g.ID, g.Orgs); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "sharinggroup.create", ObjectType: "sharing_group",
			ObjectID: g.ID, OrgID: g.OwnerOrgID, After: g})
	})
	if err != nil {
		return Group{}, err
	}
	return g, nil
}

// UpdateGroup changes a group's name, description and members. A group the
// actor's organisation is not in is ErrNotFound; one it is in but does not
// own is access.ErrDenied.
func (s *Store) UpdateGroup(ctx context.Context, a access.Actor, g Group) (Group, error) {
	before, err := s.group(ctx, s.db.R(), g.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && !slices.Contains(before.Orgs, a.OrgID)) {
		return Group{}, ErrNotFound
	}
	if err != nil {
		return Group{}, err
	}
	if !access.Can(a, access.ManageSharingGroups, access.Target{OrgID: before.OwnerOrgID}) {
		return Group{}, access.ErrDenied
	}
	if err := checkGroup(&g); err != nil {
		return Group{}, err
	}
	g.OwnerOrgID, g.Created = before.OwnerOrgID, before.Created
	g.Updated = s.now().UTC().Truncate(time.Millisecond)
	if !g.Updated.After(before.Updated) {
		g.Updated = before.Updated.Add(time.Millisecond)
	}
	g.Orgs = groupMembers(g)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE intel_groups SET name = $1, description = $2, updated_at = $3 WHERE id = $4`,
			g.Name, g.Description, store.Millis(g.Updated), g.ID); err != nil {
			return fmt.Errorf("updating sharing group: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM intel_group_members WHERE group_id = $1`, g.ID); err != nil {
			return fmt.Errorf("updating sharing group members: %w", err)
		}
		if err := insertMembers(ctx, tx, g.ID, g.Orgs); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "sharinggroup.update", ObjectType: "sharing_group",
			ObjectID: g.ID, OrgID: g.OwnerOrgID, Before: before, After: g})
	})
	if err != nil {
		return Group{}, err
	}
	return g, nil
}

// checkGroup trims and checks the fields a person types.
func checkGroup(g *Group) error {
	g.Name, g.Description = strings.TrimSpace(g.Name), strings.TrimSpace(g.Description)
	var errs valid.Errors
	switch {
	case g.Name == "":
		errs.Add("name", CodeRequired, "a sharing group needs a name", nil)
	case utf8.RuneCountInString(g.Name) > maxName:
		errs.Add("name", CodeTooLong, fmt.Sprintf("at most %d characters", maxName), map[string]any{"Max": maxName})
	}
	for i, o := range g.Orgs {
		if strings.TrimSpace(o) == "" {
			errs.Add(fmt.Sprintf("orgs[%d]", i), CodeRequired, "an organisation id is empty", nil)
		}
	}
	return errs.Err()
}

// groupMembers returns the member list with the owner first and no
// duplicates.
func groupMembers(g Group) []string {
	out := []string{g.OwnerOrgID}
	for _, o := range g.Orgs {
		o = strings.TrimSpace(o)
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

func insertMembers(ctx context.Context, tx *sql.Tx, groupID string, orgs []string) error {
	for _, o := range orgs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO intel_group_members (group_id, org_id) VALUES ($1, $2)`, groupID, o); err != nil {
			return fmt.Errorf("adding %s to sharing group: %w", o, err)
		}
	}
	return nil
}

// group reads one group with its members.
func (s *Store) group(ctx context.Context, db store.Querier, id string) (Group, error) {
	var g Group
	var created, updated int64
	err := db.QueryRowContext(ctx, `SELECT id, name, description, owner_org, created_at, updated_at FROM intel_groups WHERE id = $1`, id).
		Scan(&g.ID, &g.Name, &g.Description, &g.OwnerOrgID, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Group{}, ErrNotFound
	}
	if err != nil {
		return Group{}, fmt.Errorf("reading sharing group: %w", err)
	}
	g.Created, g.Updated = store.Time(created), store.Time(updated)
	members, err := s.members(ctx, db, []string{id})
	g.Orgs = members[id]
	return g, err
}

// members returns the member organisations of each group, owner first.
func (s *Store) members(ctx context.Context, db store.Querier, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var q query
	q.w(`SELECT m.group_id, m.org_id FROM intel_group_members m JOIN intel_groups g ON g.id = m.group_id
		WHERE m.group_id IN `, q.in(ids), ` ORDER BY m.group_id, CASE WHEN m.org_id = g.owner_org THEN 0 ELSE 1 END, m.org_id`)
	rows, err := db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading sharing group members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g, o string
		if err := rows.Scan(&g, &o); err != nil {
			return nil, fmt.Errorf("reading sharing group members: %w", err)
		}
		out[g] = append(out[g], o)
	}
	return out, rows.Err()
}

// Groups returns the groups the actor's organisation owns or is in, by
// name.
func (s *Store) Groups(ctx context.Context, a access.Actor) ([]Group, error) {
	if !access.Can(a, access.ViewIntel, access.Target{}) || a.OrgID == "" {
		return nil, nil
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT g.id, g.name, g.description, g.owner_org, g.created_at, g.updated_at
		FROM intel_groups g JOIN intel_group_members m ON m.group_id = g.id
		WHERE m.org_id = $1 ORDER BY g.name, g.id`, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("listing sharing groups: %w", err)
	}
	defer rows.Close()
	var out []Group
	var ids []string
	for rows.Next() {
		var g Group
		var created, updated int64
		if err := rows.Scan(&g.ID, &g.Name, &g.Description, &g.OwnerOrgID, &created, &updated); err != nil {
			return nil, fmt.Errorf("listing sharing groups: %w", err)
		}
		g.Created, g.Updated = store.Time(created), store.Time(updated)
		out = append(out, g)
		ids = append(ids, g.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing sharing groups: %w", err)
	}
	members, err := s.members(ctx, s.db.R(), ids)
	for i := range out {
		out[i].Orgs = members[out[i].ID]
	}
	return out, err
}

// GroupsOf returns the ids of the groups an organisation is in (the owner
// counts as a member): what access.CanSeeIntel takes as groups.
func (s *Store) GroupsOf(ctx context.Context, orgID string) ([]string, error) {
	return readGroups(ctx, s.db.R(), orgID)
}

// readGroups is GroupsOf over db (Put reads them inside its transaction).
func readGroups(ctx context.Context, db store.Querier, orgID string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT group_id FROM intel_group_members WHERE org_id = $1 ORDER BY group_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("reading groups of %s: %w", orgID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("reading groups of %s: %w", orgID, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading groups of %s: %w", orgID, err)
	}
	return out, nil
}
