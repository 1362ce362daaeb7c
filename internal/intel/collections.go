package intel

import (
	"context"
	"database/sql"
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

// Kinds of collection.
const (
	KindNetwork = "network" // everything the actor may see; writes go to all members
	KindOwn     = "own"     // objects of the actor's organisation; writes stay in it
	KindGroup   = "group"   // objects distributed to one sharing group; writes go to it
	KindCustom  = "custom"  // defined by the secretariat; holds what was added through it
)

// Collection is a TAXII collection as the actor sees it.
type Collection struct {
	ID, Title, Description, Alias string
	Kind                          string // KindNetwork, KindOwn, KindGroup, KindCustom
	CanRead, CanWrite             bool
	// Write is what objects POSTed here are shared with; objects without a
	// TLP marking get Write.TLP (AMBER for the defaults).
	Write Sharing
	// ref is the group id of a group collection.
	ref string
}

// DefaultCollectionID returns the id of a computed collection: kind
// KindNetwork (ref ""), KindOwn (ref = organisation id) or KindGroup (ref =
// sharing group id). The same kind and ref always give the same UUID.
func DefaultCollectionID(kind, ref string) string {
	return uuid5("collection:" + kind + ":" + ref)
}

// Collections returns the collections the actor may read: the network, the
// own organisation's, one per sharing group of the organisation, and the
// custom ones.
func (s *Store) Collections(ctx context.Context, a access.Actor) ([]Collection, error) {
	if !access.Can(a, access.ViewIntel, access.Target{}) || a.OrgID == "" {
		return nil, nil
	}
	write := access.Can(a, access.CreateIntel, access.Target{OrgID: a.OrgID})
	out := []Collection{
		{ID: DefaultCollectionID(KindNetwork, ""), Kind: KindNetwork, Alias: "network", Title: "Network",
			Description: "Everything shared with your organisation; objects added here go to all members.",
			CanRead:     true, CanWrite: write, Write: Sharing{TLP: access.TLPAmber, Members: true}},
		{ID: DefaultCollectionID(KindOwn, a.OrgID), Kind: KindOwn, Alias: "own", Title: "Own organisation",
			Description: "Objects your organisation created; objects added here stay in your organisation.",
			CanRead:     true, CanWrite: write, Write: Sharing{TLP: access.TLPAmber}},
	}
	groups, err := s.Groups(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		out = append(out, Collection{ID: DefaultCollectionID(KindGroup, g.ID), Kind: KindGroup, Title: g.Name,
			Description: g.Description, CanRead: true, CanWrite: write, ref: g.ID,
			Write: Sharing{TLP: access.TLPAmber, Groups: []string{g.ID}}})
	}
	custom, err := s.customCollections(ctx)
	if err != nil {
		return nil, err
	}
	mine, err := s.GroupsOf(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	for _, c := range custom {
		c.CanRead = true
		c.CanWrite = write && subset(c.Write.Groups, mine)
		out = append(out, c)
	}
	return out, nil
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Collection returns one collection the actor may read, else ErrNotFound.
func (s *Store) Collection(ctx context.Context, a access.Actor, id string) (Collection, error) {
	all, err := s.Collections(ctx, a)
	if err != nil {
		return Collection{}, err
	}
	for _, c := range all {
		if c.ID == id {
			return c, nil
		}
	}
	return Collection{}, ErrNotFound
}

// customCollections reads the collections the secretariat defined.
func (s *Store) customCollections(ctx context.Context) ([]Collection, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, title, description, alias, tlp, members, groups_json, orgs_json
		FROM intel_collections ORDER BY title, id`)
	if err != nil {
		return nil, fmt.Errorf("listing collections: %w", err)
	}
	defer rows.Close()
	var out []Collection
	for rows.Next() {
		c := Collection{Kind: KindCustom}
		var tlp, groups, orgs string
		if err := rows.Scan(&c.ID, &c.Title, &c.Description, &c.Alias, &tlp, &c.Write.Members, &groups, &orgs); err != nil {
			return nil, fmt.Errorf("listing collections: %w", err)
		}
		c.Write.TLP, c.Write.Groups, c.Write.Orgs = access.TLP(tlp), decodeIDs(groups), decodeIDs(orgs)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateCollection defines a custom collection (access.ManageCollections):
// a title, a description, an optional alias and the sharing of what is
// written to it (TLP AMBER when not given).
func (s *Store) CreateCollection(ctx context.Context, a access.Actor, c Collection) (Collection, error) {
	if !access.Can(a, access.ManageCollections, access.Target{}) {
		return Collection{}, access.ErrDenied
	}
	c.Title, c.Description, c.Alias = strings.TrimSpace(c.Title), strings.TrimSpace(c.Description), strings.TrimSpace(c.Alias)
	c.Write = cleanSharing(c.Write, "")
	if c.Write.TLP == "" {
		c.Write.TLP = access.TLPAmber
	}
	c.ID, c.Kind, c.CanRead, c.CanWrite = newUUID4(), KindCustom, true, false
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkCollection(ctx, tx, c); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO intel_collections (id, title, description, alias, tlp, members,
			groups_json, orgs_json, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			c.ID, c.Title, c.Description, c.Alias, string(c.Write.TLP), c.Write.Members, encodeIDs(c.Write.Groups),
			encodeIDs(c.Write.Orgs), store.Millis(s.now()), a.UserID)
		if err != nil {
			return fmt.Errorf("creating collection: %w", err)
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "collection.create", ObjectType: "collection",
			ObjectID: c.ID, After: c})
	})
	if err != nil {
		return Collection{}, err
	}
	return c, nil
}

// checkCollection checks a new custom collection's fields.
func (s *Store) checkCollection(ctx context.Context, tx *sql.Tx, c Collection) error {
	var errs valid.Errors
	switch {
	case c.Title == "":
		errs.Add("title", CodeRequired, "a collection needs a title", nil)
	case utf8.RuneCountInString(c.Title) > maxName:
		errs.Add("title", CodeTooLong, fmt.Sprintf("at most %d characters", maxName), map[string]any{"Max": maxName})
	}
	if c.Alias != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM intel_collections WHERE alias = $1`, c.Alias).Scan(&n); err != nil {
			return fmt.Errorf("checking collection alias: %w", err)
		}
		if n > 0 || c.Alias == "network" || c.Alias == "own" {
			errs.Add("alias", CodeAliasTaken, fmt.Sprintf("another collection is called %q", c.Alias), map[string]any{"Value": c.Alias})
		}
	}
	if !access.ValidTLP(c.Write.TLP) {
		errs.Add("tlp", CodeTLP, fmt.Sprintf("%q is not a TLP 2.0 level", c.Write.TLP), map[string]any{"Value": string(c.Write.TLP)})
	} else if !access.SharingAllowed(intelOf("", c.Write)) {
		errs.Add("members", CodeSharing, "TLP:RED goes to named recipients only, never to all members", nil)
	}
	for i, g := range c.Write.Groups {
		if _, err := s.group(ctx, tx, g); err != nil {
			errs.Add(fmt.Sprintf("groups[%d]", i), CodeGroupUnknown, fmt.Sprintf("no sharing group %q", g), map[string]any{"Value": g})
		}
	}
	return errs.Err()
}

// collectionWhere limits a list to a collection's contents.
func collectionWhere(q *query, v viewer, c Collection) {
	switch c.Kind {
	case KindOwn:
		q.w(" AND o.org_id = ", q.arg(v.a.OrgID))
	case KindGroup:
		q.w(" AND EXISTS (SELECT 1 FROM intel_recipients cr WHERE cr.stix_id = o.stix_id AND cr.kind = 'group' AND cr.ref_id = ",
			q.arg(c.ref), ")")
	case KindCustom:
		q.w(" AND EXISTS (SELECT 1 FROM intel_collection_objects co WHERE co.stix_id = o.stix_id AND co.collection_id = ",
			q.arg(c.ID), ")")
	}
}

// statusTTL is how long TAXII statuses are kept.
const statusTTL = 7 * 24 * time.Hour
