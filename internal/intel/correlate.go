package intel

import (
	"context"
	"fmt"
	"slices"

	"atalaya/internal/access"
)

// Correlation is one value an object carries and what else carries it.
type Correlation struct {
	Value    Value
	Objects  []Object // other objects carrying the value that the actor may see (latest versions), newest first
	Total    int      // how many other objects the actor may see carry it (set when Common)
	Common   bool     // carried by more objects than Options.CorrelationLimit: counted, not listed
	Warnings []string // warning lists the value is on: not correlated, shown as a note
}

// Correlations returns, for each value the latest version of id carries,
// the other objects the actor may see that carry it. Values on a warning
// list are not correlated; values in too many objects are counted only. An
// object the actor may not see is ErrNotFound.
func (s *Store) Correlations(ctx context.Context, a access.Actor, id string) ([]Correlation, error) {
	if _, err := s.Get(ctx, a, id); err != nil {
		return nil, err
	}
	vals, err := s.valuesOfID(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := s.viewer(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]Correlation, 0, len(vals))
	for _, val := range vals {
		c := Correlation{Value: val, Warnings: s.warnings(val)}
		if len(c.Warnings) == 0 {
			if err := s.correlate(ctx, v, id, &c); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// correlate fills c with the objects other than id that carry c.Value.
func (s *Store) correlate(ctx context.Context, v viewer, id string, c *Correlation) error {
	var total int
	if err := s.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM intel_values WHERE kind = $1 AND value = $2`,
		c.Value.Kind, c.Value.Value).Scan(&total); err != nil {
		return fmt.Errorf("counting %s %s: %w", c.Value.Kind, c.Value.Value, err)
	}
	// The object itself is one of total. A common value is decided by the
	// count over every object; what the actor is told is only what they
	// may see.
	if total-1 > s.limit {
		objs, err := s.lookup(ctx, v, c.Value, MaxLimit)
		if err != nil {
			return err
		}
		c.Common, c.Total = true, len(slices.DeleteFunc(objs, func(o Object) bool { return o.ID == id }))
		return nil
	}
	objs, err := s.lookup(ctx, v, c.Value, s.limit+1)
	if err != nil {
		return err
	}
	c.Objects = slices.DeleteFunc(objs, func(o Object) bool { return o.ID == id })
	c.Total = len(c.Objects)
	return nil
}

// warnings lists the warning lists a value is on: the built-in
// special-purpose ranges and Options.Warnings.
func (s *Store) warnings(v Value) []string {
	out := specialWarnings(v)
	if s.warn != nil {
		out = append(out, s.warn.Match(v.Value)...)
	}
	return out
}

// valuesOfID reads the values indexed for an id.
func (s *Store) valuesOfID(ctx context.Context, id string) ([]Value, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT kind, value FROM intel_values WHERE stix_id = $1 ORDER BY kind, value`, id)
	if err != nil {
		return nil, fmt.Errorf("reading values of %s: %w", id, err)
	}
	defer rows.Close()
	var out []Value
	for rows.Next() {
		var v Value
		if err := rows.Scan(&v.Kind, &v.Value); err != nil {
			return nil, fmt.Errorf("reading values of %s: %w", id, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Lookup returns the objects (latest versions) the actor may see that carry
// v, newest first, at most limit (0 -> DefaultLimit, capped at MaxLimit).
// Values on warning lists are found too: the lists only stop correlation.
func (s *Store) Lookup(ctx context.Context, a access.Actor, v Value, limit int) ([]Object, error) {
	vw, err := s.viewer(ctx, a)
	if err != nil || vw.none {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	return s.lookup(ctx, vw, v, min(limit, MaxLimit))
}

func (s *Store) lookup(ctx context.Context, v viewer, val Value, limit int) ([]Object, error) {
	var q query
	q.w("SELECT ", objectCols, ` FROM intel_values iv JOIN intel_objects o ON o.stix_id = iv.stix_id AND o.latest
		JOIN intel_sharing sh ON sh.stix_id = o.stix_id WHERE iv.kind = `, q.arg(val.Kind), " AND iv.value = ", q.arg(val.Value), " AND ")
	v.visible(&q, "sh")
	q.w(" ORDER BY o.added_us DESC LIMIT ", fmt.Sprint(limit))
	rows, err := s.db.R().QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("looking up %s %s: %w", val.Kind, val.Value, err)
	}
	return collect(rows, v.sees)
}
