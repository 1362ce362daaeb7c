package intel

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"

	"atalaya/internal/access"
)

// probeOrg is an organisation id no real organisation has: asking
// access.CanSeeIntel about an object of probeOrg tells what the actor may see
// of other organisations' objects, so the SQL prefilter follows access's
// rules instead of restating them.
const probeOrg = "\x00probe"

// viewer is an actor with what the visibility decision needs: the groups of
// their organisation and, derived from access, which TLP levels reach them
// through each kind of distribution.
type viewer struct {
	a      access.Actor
	groups []string
	none   bool         // the actor may see no intel at all
	named  []access.TLP // levels seen when the org is named or in a group
	member []access.TLP // levels seen when the object goes to all members
	drops  *atomic.Int64
}

// viewer loads the actor's groups and probes access for the levels.
func (s *Store) viewer(ctx context.Context, a access.Actor) (viewer, error) {
	v := viewer{a: a, drops: &s.drops}
	if !access.Can(a, access.ViewIntel, access.Target{}) || a.OrgID == "" {
		v.none = true
		return v, nil
	}
	groups, err := s.GroupsOf(ctx, a.OrgID)
	if err != nil {
		return v, err
	}
	v.groups = groups
	for _, t := range access.TLPs {
		if access.CanSeeIntel(a, nil, access.Intel{OrgID: probeOrg, TLP: t, Orgs: []string{a.OrgID}}) {
			v.named = append(v.named, t)
		}
		if access.CanSeeIntel(a, nil, access.Intel{OrgID: probeOrg, TLP: t, Members: true}) {
			v.member = append(v.member, t)
		}
	}
	return v, nil
}

// sees confirms one row with access.CanSeeIntel. A row the SQL prefilter let
// through but access refuses is a bug in the prefilter: it is dropped and
// logged.
func (v viewer) sees(o Object) bool {
	if access.CanSeeIntel(v.a, v.groups, intelOf(o.OrgID, o.Sharing)) {
		return true
	}
	if v.drops != nil {
		v.drops.Add(1)
	}
	slog.Error("intel: visibility prefilter let through an object access refuses",
		"object", o.ID, "version", o.Version, "actor", v.a.UserID, "org", v.a.OrgID)
	return false
}

// query builds one SQL text with numbered placeholders.
type query struct {
	sb   strings.Builder
	args []any
}

// arg adds a bound value and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// in returns "(ph1, ph2, …)" for the values.
func (q *query) in(vals []string) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = q.arg(v)
	}
	return "(" + strings.Join(ph, ", ") + ")"
}

func (q *query) w(parts ...string) {
	for _, p := range parts {
		q.sb.WriteString(p)
	}
}

// String returns the SQL text built so far.
func (q *query) String() string { return q.sb.String() }

// tlpList writes levels as SQL string literals. They come from access.TLPs
// only (never from input), so inlining them is safe and keeps the text
// stable for the statement cache.
func tlpList(ts []access.TLP) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = "'" + string(t) + "'"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// visible writes the prefilter over an intel_sharing row aliased sh: the
// same semantics as access.CanSeeIntel (own organisation; all members
// unless the level says otherwise; named organisation or sharing group at
// the levels the actor's roles reach). With none it writes FALSE.
func (v viewer) visible(q *query, sh string) {
	if v.none {
		q.w("1 = 0")
		return
	}
	org := q.arg(v.a.OrgID)
	q.w("(", sh, ".org_id = ", org)
	if len(v.member) > 0 {
		q.w(" OR (", sh, ".members AND ", sh, ".tlp IN ", tlpList(v.member), ")")
	}
	if len(v.named) > 0 {
		q.w(" OR (", sh, ".tlp IN ", tlpList(v.named), " AND EXISTS (SELECT 1 FROM intel_recipients r WHERE r.stix_id = ",
			sh, ".stix_id AND ((r.kind = 'org' AND r.ref_id = ", org, ") OR (r.kind = 'group' AND r.ref_id IN ",
			"(SELECT gm.group_id FROM intel_group_members gm WHERE gm.org_id = ", org, ")))))")
	}
	q.w(")")
}
