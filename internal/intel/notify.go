package intel

import (
	"context"
	"database/sql"
	"fmt"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
)

// Notifications returns the notifications of the actor's organisation,
// newest first, at most limit (0 -> DefaultLimit). A notification about an
// object the actor may not see (a person whose role sees only CLEAR and
// GREEN, an object since deleted) is left out.
func (s *Store) Notifications(ctx context.Context, a access.Actor, unreadOnly bool, limit int) ([]Notification, error) {
	v, err := s.viewer(ctx, a)
	if err != nil || v.none {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	var q query
	q.w(`SELECT n.id, n.kind, n.object_id, n.by_org, n.created_at, n.is_read, sh.org_id, sh.tlp, sh.members, sh.groups_json, sh.orgs_json
		FROM intel_notifications n JOIN intel_sharing sh ON sh.stix_id = n.object_id WHERE n.org_id = `, q.arg(a.OrgID))
	if unreadOnly {
		q.w(" AND NOT n.is_read")
	}
	q.w(" AND ")
	v.visible(&q, "sh")
	q.w(" ORDER BY n.created_at DESC, n.id DESC LIMIT ", fmt.Sprint(min(limit, MaxLimit)))
	rows, err := s.db.R().QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading notifications: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var created int64
		o := Object{}
		var tlp, groups, orgs string
		if err := rows.Scan(&n.ID, &n.Kind, &n.ObjectID, &n.ByOrgID, &created, &n.Read, &o.OrgID, &tlp,
			&o.Sharing.Members, &groups, &orgs); err != nil {
			return nil, fmt.Errorf("reading notifications: %w", err)
		}
		o.ID, o.Sharing.TLP, o.Sharing.Groups, o.Sharing.Orgs = n.ObjectID, access.TLP(tlp), decodeIDs(groups), decodeIDs(orgs)
		if v.sees(o) {
			n.Created = store.Time(created)
			out = append(out, n)
		}
	}
	return out, rows.Err()
}

// MarkRead marks notifications of the actor's organisation read; ids of
// other organisations' notifications are ignored.
func (s *Store) MarkRead(ctx context.Context, a access.Actor, ids []string) error {
	if !access.Can(a, access.ViewIntel, access.Target{}) || a.OrgID == "" {
		return access.ErrDenied
	}
	if len(ids) == 0 {
		return nil
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var q query
		q.w("UPDATE intel_notifications SET is_read = TRUE WHERE org_id = ", q.arg(a.OrgID), " AND NOT is_read AND id IN ", q.in(ids))
		res, err := tx.ExecContext(ctx, q.String(), q.args...)
		if err != nil {
			return fmt.Errorf("marking notifications read: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "intel.notifications_read", ObjectType: "notification",
			OrgID: a.OrgID, After: map[string]any{"ids": ids}})
	})
}
