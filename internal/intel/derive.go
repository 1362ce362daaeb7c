package intel

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"atalaya/internal/stix"
	"atalaya/internal/store"
)

// Link kinds that are not relationship types.
const (
	ViaObjectRef  = "object_ref"  // a report, grouping, note or opinion lists the object
	ViaSightingOf = "sighting_of" // a sighting is of the object
)

// refsJSON is what derive reads of an object to find its links and, for a
// sighting, what the sightings table keeps.
type refsJSON struct {
	Type             string   `json:"type"`
	SourceRef        string   `json:"source_ref"`
	TargetRef        string   `json:"target_ref"`
	RelationshipType string   `json:"relationship_type"`
	ObjectRefs       []string `json:"object_refs"`
	SightingOfRef    string   `json:"sighting_of_ref"`
	Count            *int     `json:"count"`
	FirstSeen        string   `json:"first_seen"`
	LastSeen         string   `json:"last_seen"`
	Where            string   `json:"x_atalaya_where"`
}

// link is one row of intel_links.
type link struct{ from, via, to string }

// derive rewrites what is derived from an id's latest version: its
// correlation values, the links it states and, for a sighting, its row.
// fresh says the id is new, so there is nothing old to delete.
func derive(ctx context.Context, db store.Querier, it *item, org string, fresh bool) error {
	id := it.env.ID
	if !fresh {
		for _, q := range []string{`DELETE FROM intel_values WHERE stix_id = $1`,
			`DELETE FROM intel_links WHERE owner_id = $1`, `DELETE FROM intel_sightings WHERE stix_id = $1`} {
			if _, err := db.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("clearing what %s states: %w", id, err)
			}
		}
	}
	for _, v := range valuesOf(it.raw, id) {
		if _, err := db.ExecContext(ctx, `INSERT INTO intel_values (kind, value, stix_id) VALUES ($1, $2, $3)
			ON CONFLICT (kind, value, stix_id) DO NOTHING`, v.Kind, v.Value, id); err != nil {
			return fmt.Errorf("indexing values of %s: %w", id, err)
		}
	}
	var r refsJSON
	if err := json.Unmarshal(it.raw, &r); err != nil {
		return nil // validated before: a property of an odd type just states no link
	}
	for _, l := range linksOf(id, r) {
		if _, err := db.ExecContext(ctx, `INSERT INTO intel_links (owner_id, from_id, via, to_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (owner_id, from_id, via, to_id) DO NOTHING`, id, l.from, l.via, l.to); err != nil {
			return fmt.Errorf("storing links of %s: %w", id, err)
		}
	}
	if r.Type == "sighting" && r.SightingOfRef != "" {
		return insertSighting(ctx, db, id, org, r)
	}
	return nil
}

// valuesOf returns the normalised values an object carries, once each.
func valuesOf(raw []byte, id string) []Value {
	obs, err := stix.Observables(raw)
	if err != nil {
		slog.Warn("intel: observables unreadable after validation", "object", id, "err", err)
		return nil
	}
	seen := map[Value]bool{}
	var out []Value
	for _, o := range obs {
		if v, ok := Normalize(o); ok && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// linksOf lists the links an object states.
func linksOf(id string, r refsJSON) []link {
	var out []link
	switch r.Type {
	case "relationship":
		if r.SourceRef != "" && r.TargetRef != "" {
			out = append(out, link{r.SourceRef, r.RelationshipType, r.TargetRef})
		}
	case "sighting":
		if r.SightingOfRef != "" {
			out = append(out, link{id, ViaSightingOf, r.SightingOfRef})
		}
	}
	for _, ref := range r.ObjectRefs {
		out = append(out, link{id, ViaObjectRef, ref})
	}
	return out
}

// insertSighting keeps what a sighting says for the indicator's page.
func insertSighting(ctx context.Context, db store.Querier, id, org string, r refsJSON) error {
	count := 1
	if r.Count != nil {
		count = *r.Count
	}
	_, err := db.ExecContext(ctx, `INSERT INTO intel_sightings (stix_id, indicator_id, org_id, sight_count, first_seen, last_seen, where_text)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, r.SightingOfRef, org, count,
		store.Millis(versionTime(r.FirstSeen)), store.Millis(versionTime(r.LastSeen)), r.Where)
	if err != nil {
		return fmt.Errorf("storing sighting %s: %w", id, err)
	}
	return nil
}
