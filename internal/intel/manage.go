package intel

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// owned returns the latest version of an object the actor may see, and
// checks that the actor may do act on it (an action on the creator
// organisation): ErrNotFound when unseen, access.ErrDenied when seen but not
// theirs to change.
func (s *Store) owned(ctx context.Context, a access.Actor, id string, act access.Action) (Object, error) {
	o, err := s.Get(ctx, a, id)
	if err != nil {
		return Object{}, err
	}
	if !access.Can(a, act, access.Target{OrgID: o.OrgID}) {
		return Object{}, access.ErrDenied
	}
	return o, nil
}

// Delete removes versions of an object of the actor's organisation for good
// (access.DeleteIntel on the creator organisation). versions holds version
// texts, "first", "last" or "all"; none means all. It returns how many
// versions went.
func (s *Store) Delete(ctx context.Context, a access.Actor, id string, versions []string) (int, error) {
	o, err := s.owned(ctx, a, id, access.DeleteIntel)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		gone, err := deleteVersions(ctx, tx, id, versions)
		if err != nil || len(gone) == 0 {
			return err
		}
		n = len(gone)
		if err := s.afterDelete(ctx, tx, id, o.OrgID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "intel.delete", ObjectType: "intel",
			ObjectID: id, OrgID: o.OrgID, Before: map[string]any{"versions": gone}})
	})
	return n, err
}

// deleteVersions removes the versions asked for and returns their texts.
func deleteVersions(ctx context.Context, tx *sql.Tx, id string, want []string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version, latest, is_first FROM intel_objects WHERE stix_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("reading versions of %s: %w", id, err)
	}
	var gone []string
	for rows.Next() {
		var ver string
		var latest, first bool
		if err := rows.Scan(&ver, &latest, &first); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading versions of %s: %w", id, err)
		}
		if len(want) == 0 || slices.Contains(want, "all") || slices.Contains(want, ver) ||
			(latest && slices.Contains(want, "last")) || (first && slices.Contains(want, "first")) {
			gone = append(gone, ver)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading versions of %s: %w", id, err)
	}
	for _, ver := range gone {
		if _, err := tx.ExecContext(ctx, `DELETE FROM intel_objects WHERE stix_id = $1 AND version = $2`, id, ver); err != nil {
			return nil, fmt.Errorf("deleting %s %s: %w", id, ver, err)
		}
	}
	return gone, nil
}

// afterDelete sets the latest and first flags on what remains of an id and
// rederives from its latest version, or removes everything of the id when
// no version remains.
func (s *Store) afterDelete(ctx context.Context, tx *sql.Tx, id, org string) error {
	rows, err := tx.QueryContext(ctx, `SELECT version, added_us, raw FROM intel_objects WHERE stix_id = $1`, id)
	if err != nil {
		return fmt.Errorf("reading versions of %s: %w", id, err)
	}
	versions := map[string]stored{}
	raws := map[string]string{}
	for rows.Next() {
		var ver, raw string
		var added int64
		if err := rows.Scan(&ver, &added, &raw); err != nil {
			rows.Close()
			return fmt.Errorf("reading versions of %s: %w", id, err)
		}
		versions[ver], raws[ver] = stored{at: versionTime(ver), added: added}, raw
	}
	rows.Close()
	if len(versions) == 0 {
		return removeID(ctx, tx, id)
	}
	latest, first := ends(versions)
	if _, err := tx.ExecContext(ctx, `UPDATE intel_objects SET latest = (version = $2), is_first = (version = $3) WHERE stix_id = $1`,
		id, latest, first); err != nil {
		return fmt.Errorf("updating versions of %s: %w", id, err)
	}
	env, err := stix.ParseEnvelope([]byte(raws[latest]))
	if err != nil {
		return fmt.Errorf("reading %s: %w", id, err)
	}
	return derive(ctx, tx, &item{raw: []byte(raws[latest]), env: env, ver: latest}, org, false)
}

// removeID removes everything kept about an id whose last version went.
func removeID(ctx context.Context, tx *sql.Tx, id string) error {
	for _, q := range []string{
		`DELETE FROM intel_values WHERE stix_id = $1`,
		`DELETE FROM intel_links WHERE owner_id = $1`,
		`DELETE FROM intel_sightings WHERE stix_id = $1`,
		`DELETE FROM intel_collection_objects WHERE stix_id = $1`,
		`DELETE FROM intel_sharing WHERE stix_id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("removing %s: %w", id, err)
		}
	}
	return nil
}

// SetSharing changes the marking and distribution of an object
// (access.EditIntel on the creator organisation). The level may not be more
// open than the object's own TLP marking.
func (s *Store) SetSharing(ctx context.Context, a access.Actor, id string, sh Sharing) error {
	o, err := s.owned(ctx, a, id, access.EditIntel)
	if err != nil {
		return err
	}
	sh = cleanSharing(sh, o.OrgID)
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkSharing(ctx, tx, o.OrgID, sh, false); err != nil {
			return err
		}
		if env, err := stix.ParseEnvelope(o.Raw); err == nil {
			if marked, ok := stix.TLPFromRefs(env.ObjectMarkingRefs); ok && access.Stricter(access.TLP(marked), sh.TLP) != sh.TLP {
				return valid.New("tlp", CodeTLPBelowMark, "the object is marked TLP:"+marked+": choose that level or a stricter one",
					map[string]any{"Marking": marked})
			}
		}
		if err := writeSharing(ctx, tx, id, o.OrgID, sh, s.now().UnixMilli(), false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "intel.sharing", ObjectType: "intel",
			ObjectID: id, OrgID: o.OrgID, Before: o.Sharing, After: sh})
	})
}

// Revoke stores a new version of an object with revoked=true
// (access.EditIntel on the creator organisation) and returns it. Revoking a
// revoked object returns it unchanged.
func (s *Store) Revoke(ctx context.Context, a access.Actor, id string) (Object, error) {
	o, err := s.owned(ctx, a, id, access.EditIntel)
	if err != nil || o.Revoked {
		return o, err
	}
	if o.Version == "" {
		return Object{}, valid.New("id", CodeNotVersioned, "a cyber-observable has no versions: delete it instead", nil)
	}
	var props map[string]json.RawMessage
	if err := json.Unmarshal(o.Raw, &props); err != nil {
		return Object{}, fmt.Errorf("reading %s: %w", id, err)
	}
	props["revoked"] = json.RawMessage("true")
	props["modified"], _ = json.Marshal(s.nextModified(o.Version).String())
	raw, err := json.Marshal(props)
	if err != nil {
		return Object{}, fmt.Errorf("writing %s: %w", id, err)
	}
	if _, err := s.putOne(ctx, a, raw, o.Sharing, "intel.revoke", nil); err != nil {
		return Object{}, err
	}
	return s.Get(ctx, a, id)
}

// nextModified is the modified timestamp of a new version: now, or a
// millisecond after the previous version when the clock is behind it.
func (s *Store) nextModified(prev string) stix.Timestamp {
	now := s.now().UTC().Truncate(time.Millisecond)
	if p := versionTime(prev); !now.After(p) {
		now = p.Add(time.Millisecond).Truncate(time.Millisecond)
	}
	return stix.NewTimestamp(now)
}

// putOne stores one object built here (a form, a revocation, a sighting)
// and turns a refusal into valid.Errors naming the property.
func (s *Store) putOne(ctx context.Context, a access.Actor, raw []byte, sh Sharing, action string, after afterPut) (Ref, error) {
	rep, err := s.put(ctx, a, []json.RawMessage{raw}, PutOptions{Sharing: sh, Source: "form"}, action, after)
	if err != nil {
		return Ref{}, err
	}
	if len(rep.Refused) > 0 {
		r := rep.Refused[0]
		return Ref{}, valid.New(r.Field, r.Code, r.Message, r.Args)
	}
	if len(rep.Accepted) == 0 {
		return Ref{}, fmt.Errorf("storing %s: nothing stored", action)
	}
	return rep.Accepted[0], nil
}
