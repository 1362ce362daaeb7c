package directory

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// Relation says how a team's entry relates to another team's.
type Relation string

// The relations between overlapping entries.
const (
	SameValue Relation = "same"     // the same prefix, AS number or domain
	Contains  Relation = "contains" // the team's entry holds the other's (a shorter prefix, a parent domain)
	Within    Relation = "within"   // the team's entry lies inside the other's
)

// OrgRef names an organisation in a listing, without its profile.
type OrgRef struct {
	ID        string `json:"id"`
	Kind      Kind   `json:"kind"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Country   string `json:"country"`
}

// Overlap is one entry of a team that another team also claims, wholly or
// in part. Overlaps are normal (a national team and a banking team may both
// answer for a bank's network) but routing sends events to both, so teams
// and the secretariat want to see them.
type Overlap struct {
	Entry    Entry    `json:"entry"`     // the team's own entry
	Other    Entry    `json:"other"`     // the other team's entry
	OtherOrg OrgRef   `json:"other_org"` // the other team
	Relation Relation `json:"relation"`
}

// Overlaps lists, for each entry of team orgID, the other teams' entries
// that overlap it: a prefix containing or inside it (either way), the same
// AS number, the same domain or a parent or child of it. The list follows
// the order of Constituency, then the other team's name.
func (d *Directory) Overlaps(ctx context.Context, actor access.Actor, orgID string) ([]Overlap, error) {
	mine, err := d.Constituency(ctx, actor, orgID)
	if err != nil || len(mine) == 0 {
		return nil, err
	}
	claims, err := d.claims(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	return findOverlaps(mine, claims), nil
}

// claim is another team's entry, with its team and its prefix parsed once.
type claim struct {
	entry  Entry
	org    OrgRef
	prefix netip.Prefix
}

// claims loads the entries of every team but orgID, of one kind ("" for
// all). The comparison is done in Go with plain netip: the whole network
// declares a few thousand entries, so comparing a team's few dozen with all
// of them is well under a millisecond, needs no index to keep in sync, and
// works alike on both engines (neither has a portable prefix type). The
// routing hot path, which matches millions of addresses, uses bart instead.
func (d *Directory) claims(ctx context.Context, orgID string, kind EntryKind) ([]claim, error) {
	rows, err := d.db.R().QueryContext(ctx, `SELECT c.id, c.org_id, c.kind, c.value, c.note, c.created_at,
		c.created_by, o.kind, o.name, o.short_name, o.country
		FROM constituency c JOIN organizations o ON o.id = c.org_id
		WHERE c.org_id <> $1 AND ($2 = '' OR c.kind = $2)`, orgID, string(kind))
	if err != nil {
		return nil, fmt.Errorf("listing other teams' constituencies: %w", err)
	}
	defer rows.Close()
	var out []claim
	for rows.Next() {
		var c claim
		var created int64
		err := rows.Scan(&c.entry.ID, &c.entry.OrgID, &c.entry.Kind, &c.entry.Value, &c.entry.Note, &created,
			&c.entry.CreatedBy, &c.org.Kind, &c.org.Name, &c.org.ShortName, &c.org.Country)
		if err != nil {
			return nil, fmt.Errorf("reading constituency: %w", err)
		}
		c.org.ID = c.entry.OrgID
		c.entry.CreatedAt, c.entry.Flag = store.Time(created), entryFlag(c.entry.Kind, c.entry.Value)
		if c.entry.Kind == PrefixEntry {
			c.prefix, _ = netip.ParsePrefix(c.entry.Value)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// findOverlaps compares each of mine with every claim; mine must be in the
// order the result should follow.
func findOverlaps(mine []Entry, claims []claim) []Overlap {
	var out []Overlap
	for _, e := range mine {
		start := len(out)
		var p netip.Prefix
		if e.Kind == PrefixEntry {
			p, _ = netip.ParsePrefix(e.Value)
		}
		for _, c := range claims {
			if rel, ok := relate(e, p, c); ok {
				out = append(out, Overlap{Entry: e, Other: c.entry, OtherOrg: c.org, Relation: rel})
			}
		}
		slices.SortFunc(out[start:], func(a, b Overlap) int {
			return cmp.Or(cmp.Compare(fold(a.OtherOrg.Name), fold(b.OtherOrg.Name)),
				cmp.Compare(a.OtherOrg.ID, b.OtherOrg.ID), compareEntries(a.Other, b.Other))
		})
	}
	return out
}

// relate says how e (whose prefix, if any, is p) relates to claim c.
func relate(e Entry, p netip.Prefix, c claim) (Relation, bool) {
	if e.Kind != c.entry.Kind {
		return "", false
	}
	switch e.Kind {
	case PrefixEntry:
		switch {
		case !p.IsValid() || !c.prefix.IsValid() || !p.Overlaps(c.prefix):
			return "", false
		case p == c.prefix:
			return SameValue, true
		case p.Bits() < c.prefix.Bits():
			return Contains, true
		}
		return Within, true
	case DomainEntry:
		switch {
		case e.Value == c.entry.Value:
			return SameValue, true
		case domainWithin(c.entry.Value, e.Value):
			return Contains, true
		case domainWithin(e.Value, c.entry.Value):
			return Within, true
		}
		return "", false
	}
	return SameValue, e.Value == c.entry.Value
}
