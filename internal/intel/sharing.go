package intel

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// cleanSharing trims and de-duplicates the lists, and drops the creator's
// own organisation from Orgs (it always sees its objects).
func cleanSharing(sh Sharing, creator string) Sharing {
	out := Sharing{TLP: access.TLP(strings.ToLower(strings.TrimSpace(string(sh.TLP)))), Members: sh.Members}
	for _, g := range sh.Groups {
		if g = strings.TrimSpace(g); g != "" && !slices.Contains(out.Groups, g) {
			out.Groups = append(out.Groups, g)
		}
	}
	for _, o := range sh.Orgs {
		if o = strings.TrimSpace(o); o != "" && o != creator && !slices.Contains(out.Orgs, o) {
			out.Orgs = append(out.Orgs, o)
		}
	}
	slices.Sort(out.Groups)
	slices.Sort(out.Orgs)
	return out
}

// checkSharing checks a distribution the creator chose: a TLP 2.0 level
// (empty allowed when emptyTLP), groups that exist with the creator in them,
// and what access.SharingAllowed permits.
func (s *Store) checkSharing(ctx context.Context, db store.Querier, creator string, sh Sharing, emptyTLP bool) error {
	var errs valid.Errors
	if !(emptyTLP && sh.TLP == "") && !access.ValidTLP(sh.TLP) {
		errs.Add("tlp", CodeTLP, fmt.Sprintf("%q is not a TLP 2.0 level (clear, green, amber, amber+strict, red)", sh.TLP),
			map[string]any{"Value": string(sh.TLP)})
	}
	if len(sh.Groups) > 0 {
		mine, err := groupsOfIn(ctx, db, creator)
		if err != nil {
			return err
		}
		for i, g := range sh.Groups {
			if !slices.Contains(mine, g) {
				errs.Add(fmt.Sprintf("groups[%d]", i), CodeGroupUnknown,
					fmt.Sprintf("%q is not a sharing group your organisation is in", g), map[string]any{"Value": g})
			}
		}
	}
	if sh.TLP != "" && access.ValidTLP(sh.TLP) && !access.SharingAllowed(intelOf(creator, sh)) {
		errs.Add("members", CodeSharing, "TLP:RED goes to named recipients only, never to all members", nil)
	}
	return errs.Err()
}

// groupsOfIn is GroupsOf inside a transaction.
func groupsOfIn(ctx context.Context, db store.Querier, orgID string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT group_id FROM intel_group_members WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("reading groups of %s: %w", orgID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// writeSharing stores the sharing of one id (insert or replace) and its
// recipients; fresh says the id is new, so there are no old recipients.
func writeSharing(ctx context.Context, db store.Querier, id, org string, sh Sharing, nowMs int64, fresh bool) error {
	_, err := db.ExecContext(ctx, `INSERT INTO intel_sharing (stix_id, org_id, tlp, members, groups_json, orgs_json, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (stix_id) DO UPDATE SET tlp = excluded.tlp, members = excluded.members,
			groups_json = excluded.groups_json, orgs_json = excluded.orgs_json, updated_at = excluded.updated_at`,
		id, org, string(sh.TLP), sh.Members, encodeIDs(sh.Groups), encodeIDs(sh.Orgs), nowMs)
	if err != nil {
		return fmt.Errorf("storing sharing of %s: %w", id, err)
	}
	if !fresh {
		if _, err := db.ExecContext(ctx, `DELETE FROM intel_recipients WHERE stix_id = $1`, id); err != nil {
			return fmt.Errorf("storing recipients of %s: %w", id, err)
		}
	}
	for _, g := range sh.Groups {
		if _, err := db.ExecContext(ctx, `INSERT INTO intel_recipients (stix_id, kind, ref_id) VALUES ($1, 'group', $2)`, id, g); err != nil {
			return fmt.Errorf("storing recipients of %s: %w", id, err)
		}
	}
	for _, o := range sh.Orgs {
		if _, err := db.ExecContext(ctx, `INSERT INTO intel_recipients (stix_id, kind, ref_id) VALUES ($1, 'org', $2)`, id, o); err != nil {
			return fmt.Errorf("storing recipients of %s: %w", id, err)
		}
	}
	return nil
}
