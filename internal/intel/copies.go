package intel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"atalaya/internal/access"
)

// Public objects travel: two teams both import MITRE ATT&CK, or the same
// OASIS example, and the second finds every id already stored by the first.
// Such an object is counted as Existing for the second organisation when it
// is a copy of what it already sees: the exact id and version is stored,
// the stored JSON says the same thing, and access lets the actor see the
// stored object with the sharing its creator chose. Nothing is written:
// the creator stays the owner and the sharing is not widened. Anything
// else (another version, other content, an object the actor may not see)
// is refused as before, with the same code and message whichever reason
// applies, so a refusal tells no more than it did.

// othersCopy reports whether it, whose id another organisation created, is
// a copy of a stored version the actor may already see.
func (w *putTx) othersCopy(ctx context.Context, st *idState, it *item) (bool, error) {
	if !hasVersion(st, it.ver) {
		return false, nil
	}
	var (
		raw, tlp, grp, orgs string
		members             bool
	)
	err := w.st.QueryRowContext(ctx, `SELECT o.raw, sh.tlp, sh.members, sh.groups_json, sh.orgs_json
		FROM intel_objects o JOIN intel_sharing sh ON sh.stix_id = o.stix_id
		WHERE o.stix_id = $1 AND o.version = $2`, it.env.ID, it.ver).Scan(&raw, &tlp, &members, &grp, &orgs)
	if err != nil {
		return false, fmt.Errorf("reading %s %s: %w", it.env.ID, it.ver, err)
	}
	groups, err := w.actorGroups(ctx)
	if err != nil {
		return false, err
	}
	sh := Sharing{TLP: access.TLP(tlp), Members: members, Groups: decodeIDs(grp), Orgs: decodeIDs(orgs)}
	if !access.CanSeeIntel(w.a, groups, intelOf(st.owner, sh)) {
		return false, nil
	}
	return sameJSON([]byte(raw), it.raw), nil
}

// actorGroups reads the sharing groups of the actor's organisation once
// per Put, inside its transaction.
func (w *putTx) actorGroups(ctx context.Context) ([]string, error) {
	if w.groups != nil {
		return *w.groups, nil
	}
	groups, err := readGroups(ctx, w.st, w.a.OrgID)
	if err != nil {
		return nil, err
	}
	w.groups = &groups
	return groups, nil
}

// sameJSON reports whether two JSON texts hold the same value: white
// space, the order of members and the spelling of numbers (1.0, 1, 10e-1)
// do not count. Text that is not one JSON value equals nothing.
func sameJSON(a, b []byte) bool {
	va, ok := decodeJSON(a)
	if !ok {
		return false
	}
	vb, ok := decodeJSON(b)
	return ok && equalJSON(va, vb)
}

// decodeJSON reads one JSON value, keeping numbers as their text.
func decodeJSON(b []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := d.Token(); err == nil {
		return nil, false // more than one value
	}
	return v, true
}

// equalJSON compares two decoded JSON values.
func equalJSON(x, y any) bool {
	switch x := x.(type) {
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equalJSON(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := y.(json.Number)
		return ok && canonNumber(string(x)) == canonNumber(string(y))
	default: // string, bool, nil
		return x == y
	}
}

// canonNumber writes a JSON number as its significant digits and a power
// of ten ("-12e-1" for -1.20), so numbers equal in value are equal in text,
// exactly, whatever their size (no float rounding, no big arithmetic an
// exponent of a billion could make slow). n is a number the JSON decoder
// accepted.
func canonNumber(n string) string {
	sign := ""
	if rest, ok := strings.CutPrefix(n, "-"); ok {
		sign, n = "-", rest
	}
	mant, exp := n, int64(0)
	if i := strings.IndexAny(n, "eE"); i >= 0 {
		e, err := strconv.ParseInt(n[i+1:], 10, 64)
		if err != nil || e > 1<<40 || e < -(1<<40) {
			return sign + n // beyond any real number: compared as written
		}
		mant, exp = n[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	exp -= int64(len(frac))
	if digits == "" {
		return "0"
	}
	sig := strings.TrimRight(digits, "0")
	exp += int64(len(digits) - len(sig))
	return sign + sig + "e" + strconv.FormatInt(exp, 10)
}
