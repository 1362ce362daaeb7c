package intel

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/stix"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// NotifySighting is the kind of notification a sighting raises.
const NotifySighting = "sighting"

// SightingInput is a report that an indicator was seen.
type SightingInput struct {
	IndicatorID         string
	Count               int       // 0 -> 1
	FirstSeen, LastSeen time.Time // zero -> now; LastSeen zero -> FirstSeen
	Where               string    // where it was seen, in words (a network, a sector)
	Note                string
	Sharing             Sharing // the indicator's creator organisation is always added
}

// Sighting is one sighting of an indicator.
type Sighting struct {
	Object              Object // the STIX sighting
	Count               int
	FirstSeen, LastSeen time.Time
	Where               string
	OrgID               string // who saw it
}

// Notification tells an organisation that something happened to its intel.
type Notification struct {
	ID, Kind, ObjectID, ByOrgID string
	Created                     time.Time
	Read                        bool
}

// maxWhere is the longest "where" a sighting form accepts.
const maxWhere = 500

// Sight records that the actor's organisation saw an indicator the actor may
// see (access.ReportSighting). The sighting always goes to the indicator's
// creator organisation too, which gets a notification in the same
// transaction. It returns the stored STIX sighting.
func (s *Store) Sight(ctx context.Context, a access.Actor, in SightingInput) (Object, error) {
	if !access.Can(a, access.ReportSighting, access.Target{OrgID: a.OrgID}) {
		return Object{}, access.ErrDenied
	}
	ind, err := s.Get(ctx, a, in.IndicatorID)
	if err != nil {
		return Object{}, err
	}
	raw, sh, err := s.sightingObject(a, ind, in)
	if err != nil {
		return Object{}, err
	}
	id := idFromRaw(raw)
	notify := func(ctx context.Context, tx *sql.Tx, rep Report) error {
		if ind.OrgID == a.OrgID || len(rep.Accepted) == 0 {
			return nil // no notification to oneself
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO intel_notifications (id, org_id, kind, object_id, by_org, created_at, is_read)
			VALUES ($1, $2, $3, $4, $5, $6, FALSE)`, store.NewID(), ind.OrgID, NotifySighting, id, a.OrgID, store.Millis(s.now()))
		if err != nil {
			return fmt.Errorf("notifying %s: %w", ind.OrgID, err)
		}
		return nil
	}
	if _, err := s.putOne(ctx, a, raw, sh, "intel.sight", notify); err != nil {
		return Object{}, err
	}
	return s.Get(ctx, a, id)
}

// sightingObject checks the input and builds the STIX sighting and its
// sharing.
func (s *Store) sightingObject(a access.Actor, ind Object, in SightingInput) ([]byte, Sharing, error) {
	now := s.now().UTC()
	if in.Count == 0 {
		in.Count = 1
	}
	if in.FirstSeen.IsZero() {
		in.FirstSeen = now
	}
	if in.LastSeen.IsZero() {
		in.LastSeen = in.FirstSeen
	}
	in.Where, in.Note = strings.TrimSpace(in.Where), strings.TrimSpace(in.Note)
	var errs valid.Errors
	if ind.Type != "indicator" {
		errs.Add("indicator_id", CodeNotIndicator, "a sighting is of an indicator", nil)
	}
	if in.Count < 0 || in.Count > 999999999 {
		errs.Add("count", CodeCount, "the count goes from 1 to 999999999", nil)
	}
	if in.LastSeen.Before(in.FirstSeen) {
		errs.Add("last_seen", CodeLastSeen, "last seen cannot be before first seen", nil)
	}
	checkText(&errs, "where", in.Where, maxWhere, false)
	checkText(&errs, "note", in.Note, maxDescription, false)
	checkFormTLP(&errs, in.Sharing.TLP)
	if len(errs) > 0 {
		return nil, Sharing{}, errs
	}
	sh := in.Sharing
	if ind.OrgID != a.OrgID && !slices.Contains(sh.Orgs, ind.OrgID) {
		sh.Orgs = append(slices.Clone(sh.Orgs), ind.OrgID)
	}
	ts := stix.NewTimestamp(now).String()
	obj := map[string]any{
		"type": "sighting", "spec_version": "2.1", "id": stix.NewID("sighting"), "created": ts, "modified": ts,
		"created_by_ref": IdentityID(a.OrgID), "sighting_of_ref": ind.ID, "count": in.Count,
		"first_seen": stix.NewTimestamp(in.FirstSeen).String(), "last_seen": stix.NewTimestamp(in.LastSeen).String(),
		"where_sighted_refs":  []string{IdentityID(a.OrgID)},
		"object_marking_refs": []string{stix.TLPMarkingID(string(sh.TLP))},
	}
	if in.Note != "" {
		obj["description"] = in.Note
	}
	if in.Where != "" {
		obj["x_atalaya_where"] = in.Where
	}
	raw, err := json.Marshal(obj)
	return raw, sh, err
}

// idFromRaw reads the id of an object built here.
func idFromRaw(raw []byte) string {
	var head struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &head)
	return head.ID
}

// Sightings returns the sightings of an object the actor may see (those the
// actor may see), most recently seen first.
func (s *Store) Sightings(ctx context.Context, a access.Actor, indicatorID string) ([]Sighting, error) {
	if _, err := s.Get(ctx, a, indicatorID); err != nil {
		return nil, err
	}
	v, err := s.viewer(ctx, a)
	if err != nil {
		return nil, err
	}
	var q query
	q.w("SELECT ", objectCols, `, si.sight_count, si.first_seen, si.last_seen, si.where_text, si.org_id
		FROM intel_sightings si JOIN intel_objects o ON o.stix_id = si.stix_id AND o.latest
		JOIN intel_sharing sh ON sh.stix_id = o.stix_id WHERE si.indicator_id = `, q.arg(indicatorID), " AND ")
	v.visible(&q, "sh")
	q.w(" ORDER BY si.last_seen DESC, o.added_us DESC")
	rows, err := s.db.R().QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading sightings of %s: %w", indicatorID, err)
	}
	defer rows.Close()
	var out []Sighting
	for rows.Next() {
		var si Sighting
		var first, last int64
		o, err := scanObject(rows, &si.Count, &first, &last, &si.Where, &si.OrgID)
		if err != nil {
			return nil, err
		}
		if v.sees(o) {
			si.Object, si.FirstSeen, si.LastSeen = o, store.Time(first), store.Time(last)
			out = append(out, si)
		}
	}
	return out, rows.Err()
}
