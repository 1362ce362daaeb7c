package intel

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// objectCols are the columns scanObject reads, from intel_objects o joined
// with intel_sharing sh.
const objectCols = `o.stix_id, o.version, o.type, o.spec_version, o.name, o.created, o.modified,
	o.added_us, o.org_id, o.created_by, o.revoked, o.latest, o.raw,
	sh.tlp, sh.members, sh.groups_json, sh.orgs_json`

// objectFrom is the FROM clause objectCols needs.
const objectFrom = ` FROM intel_objects o JOIN intel_sharing sh ON sh.stix_id = o.stix_id`

// scanObject reads one row of objectCols, then any extra columns into
// extra.
func scanObject(rows *sql.Rows, extra ...any) (Object, error) {
	var (
		o                   Object
		created, modified   int64
		added               int64
		raw, tlp, grp, orgs string
	)
	dest := []any{&o.ID, &o.Version, &o.Type, &o.SpecVersion, &o.Name, &created, &modified,
		&added, &o.OrgID, &o.CreatedBy, &o.Revoked, &o.Latest, &raw,
		&tlp, &o.Sharing.Members, &grp, &orgs}
	err := rows.Scan(append(dest, extra...)...)
	if err != nil {
		return o, fmt.Errorf("reading intel object: %w", err)
	}
	o.Created, o.Modified, o.Added = store.Time(created), store.Time(modified), microTime(added)
	o.Raw = json.RawMessage(raw)
	o.Sharing.TLP = access.TLP(tlp)
	o.Sharing.Groups, o.Sharing.Orgs = decodeIDs(grp), decodeIDs(orgs)
	return o, nil
}

// collect reads every row, keeping those keep accepts (all when nil).
func collect(rows *sql.Rows, keep func(Object) bool) ([]Object, error) {
	defer rows.Close()
	var out []Object
	for rows.Next() {
		o, err := scanObject(rows)
		if err != nil {
			return nil, err
		}
		if keep == nil || keep(o) {
			out = append(out, o)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading intel objects: %w", err)
	}
	return out, nil
}

// microTime converts stored unix microseconds; 0 is the zero time.
func microTime(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// encodeIDs stores a list of ids as a JSON array ("[]" when empty).
func encodeIDs(ids []string) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids) // a []string always marshals
	return string(b)
}

// decodeIDs reads what encodeIDs wrote; nil when empty.
func decodeIDs(s string) []string {
	var ids []string
	if s == "" || s == "[]" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), &ids); err != nil {
		return nil
	}
	return ids
}
