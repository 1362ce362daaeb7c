package intel

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"atalaya/internal/access"
)

// Related is one object linked to another.
type Related struct {
	Via      string // relationship type, or ViaObjectRef / ViaSightingOf
	Object   Object // the object at the other end (latest version)
	Incoming bool   // the link points at the object asked about
}

// Related returns the objects linked to id among what the actor sees:
// through relationship objects (which must be visible too), report and
// grouping object_refs, and sightings. An object the actor may not see is
// ErrNotFound.
func (s *Store) Related(ctx context.Context, a access.Actor, id string) ([]Related, error) {
	if _, err := s.Get(ctx, a, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT owner_id, from_id, via, to_id FROM intel_links WHERE from_id = $1
		UNION SELECT owner_id, from_id, via, to_id FROM intel_links WHERE to_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("reading links of %s: %w", id, err)
	}
	var links []struct{ owner, from, via, to string }
	need := map[string]bool{}
	for rows.Next() {
		var l struct{ owner, from, via, to string }
		if err := rows.Scan(&l.owner, &l.from, &l.via, &l.to); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading links of %s: %w", id, err)
		}
		links = append(links, l)
		need[l.owner], need[l.from], need[l.to] = true, true, true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading links of %s: %w", id, err)
	}
	seen, err := s.latestOf(ctx, a, need)
	if err != nil {
		return nil, err
	}
	var out []Related
	for _, l := range links {
		other, incoming := l.to, false
		if l.to == id {
			other, incoming = l.from, true
		}
		o, ok := seen[other]
		if _, stated := seen[l.owner]; !ok || !stated || other == id {
			continue
		}
		out = append(out, Related{Via: l.via, Object: o, Incoming: incoming})
	}
	slices.SortFunc(out, func(x, y Related) int {
		return cmp.Or(cmp.Compare(x.Via, y.Via), cmp.Compare(x.Object.Name, y.Object.Name), cmp.Compare(x.Object.ID, y.Object.ID))
	})
	return out, nil
}

// latestOf returns the latest versions of the ids the actor may see.
func (s *Store) latestOf(ctx context.Context, a access.Actor, ids map[string]bool) (map[string]Object, error) {
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	slices.Sort(list)
	out := map[string]Object{}
	for chunk := range slices.Chunk(list, 500) {
		p, err := s.List(ctx, a, Filter{IDs: chunk, Limit: len(chunk)})
		if err != nil {
			return nil, err
		}
		for _, o := range p.Objects {
			out[o.ID] = o
		}
	}
	return out, nil
}
