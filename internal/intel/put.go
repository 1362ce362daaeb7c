package intel

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// PutOptions say how objects given to Put are shared and where they came
// from.
type PutOptions struct {
	// Sharing is the distribution chosen for the objects. Each object's TLP
	// is the stricter of Sharing.TLP and the object's own TLP marking (2.0
	// or 1.0); with Sharing.TLP empty, the marking alone, or AMBER when the
	// object has none.
	Sharing    Sharing
	Collection string // a custom collection id the objects are added to; other ids are ignored
	Source     string // "form", "upload", "api", "taxii", "misp", "csv", "cli": for the audit log
}

// Report says what Put did with each object.
type Report struct {
	Accepted []Ref // stored now, in input order
	Existing []Ref // already there, unchanged
	Refused  []Refusal
}

// Ref names one stored version.
type Ref struct {
	ID, Version string
	Added       time.Time // zero for the TLP marking definitions, which are known, not stored
}

// Refusal is an object Put did not store, and why.
type Refusal struct {
	Index   int            // position in the input
	ID      string         // if it could be read
	Version string         // modified, else created, if it could be read (TAXII status details carry it)
	Field   string         // the property at fault ("pattern", "id", ...)
	Code    string         // stable code; the UI shows catalog "invalid.<Code>"
	Args    map[string]any // the values the catalog message names ({{.Value}}…)
	Message string         // English, for API/CLI
}

// Put stores objects (new objects or new versions) as the actor's
// organisation, in one transaction, audited once per call.
//
// Objects are refused one by one while the rest go on: an invalid object,
// an id first stored by another organisation (a recipient never overwrites
// or re-shares), a sharing access.SharingAllowed refuses, a new version of a
// revoked object. A version already stored is Existing; so is another
// organisation's object given back unchanged (same version, same JSON) by
// an actor who may already see it, and then nothing about it changes (see
// othersCopy). A new version replaces the id's sharing with this call's
// (only the creator gets this far); an Existing one leaves it unchanged.
// The TLP marking definitions are Existing too: they are known, never
// stored per organisation. A sharing that cannot apply to any object (an
// unknown TLP, a group the organisation is not in) fails the whole call
// with valid.Errors, and nothing is stored.
func (s *Store) Put(ctx context.Context, a access.Actor, objs []json.RawMessage, opt PutOptions) (Report, error) {
	if !access.Can(a, access.CreateIntel, access.Target{OrgID: a.OrgID}) {
		return Report{}, access.ErrDenied
	}
	return s.put(ctx, a, objs, opt, "intel.import", nil)
}

// afterPut runs inside Put's transaction once the objects are stored, for
// what must commit with them (a sighting's notification).
type afterPut func(ctx context.Context, tx *sql.Tx, rep Report) error

// item is one object of a Put that passed validation.
type item struct {
	idx   int
	raw   []byte
	env   stix.Envelope
	ver   string
	at    time.Time // the version's instant, to order versions
	sh    Sharing
	added int64
}

// put is Put with the audit action given (forms say "intel.create").
func (s *Store) put(ctx context.Context, a access.Actor, objs []json.RawMessage, opt PutOptions, action string, after afterPut) (Report, error) {
	base := cleanSharing(opt.Sharing, a.OrgID)
	var pre Report
	items := prepareItems(objs, base, &pre)
	var rep Report
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		rep = Report{Existing: slices.Clone(pre.Existing), Refused: slices.Clone(pre.Refused)}
		if err := s.checkSharing(ctx, tx, a.OrgID, base, true); err != nil {
			return err
		}
		w := &putTx{s: s, st: newStmts(tx), a: a, rep: &rep, states: map[string]*idState{}}
		defer w.st.close()
		if err := w.run(ctx, items, opt.Collection); err != nil {
			return err
		}
		if after != nil {
			if err := after(ctx, tx, rep); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: action, ObjectType: "intel",
			ObjectID: w.auditID(), OrgID: a.OrgID, After: w.auditSummary(opt, len(objs))})
	})
	if err != nil {
		return Report{}, err
	}
	slices.SortFunc(rep.Refused, func(x, y Refusal) int { return x.Index - y.Index })
	return rep, nil
}

// prepareItems parses and validates each object and works out its sharing,
// before the transaction: refusals and the TLP markings go to rep.
func prepareItems(objs []json.RawMessage, base Sharing, rep *Report) []*item {
	items := make([]*item, 0, len(objs))
	for i, raw := range objs {
		env, err := stix.ParseEnvelope(raw)
		if err != nil {
			id, ver := looseRef(raw)
			rep.Refused = append(rep.Refused, refusalOf(i, id, ver, err))
			continue
		}
		if env.Type == "marking-definition" && stix.IsTLPMarking(env.ID) {
			rep.Existing = append(rep.Existing, Ref{ID: env.ID, Version: env.Version()})
			continue
		}
		if err := stix.Validate(raw); err != nil {
			rep.Refused = append(rep.Refused, refusalOf(i, env.ID, env.Version(), err))
			continue
		}
		sh := base
		sh.TLP = objectTLP(env, base.TLP)
		if !access.SharingAllowed(intelOf("", sh)) {
			rep.Refused = append(rep.Refused, Refusal{Index: i, ID: env.ID, Version: env.Version(),
				Field: "object_marking_refs", Code: CodeSharing,
				Message: "TLP:RED goes to named recipients only, never to all members"})
			continue
		}
		at := env.Modified.Time
		if env.Modified.IsZero() {
			at = env.Created.Time
		}
		items = append(items, &item{idx: i, raw: raw, env: env, ver: env.Version(), at: at, sh: sh})
	}
	return items
}

// objectTLP is the stricter of the object's TLP marking and the level
// chosen; without a choice the marking, else AMBER.
func objectTLP(env stix.Envelope, chosen access.TLP) access.TLP {
	marked, ok := stix.TLPFromRefs(env.ObjectMarkingRefs)
	switch {
	case chosen == "" && ok:
		return access.TLP(marked)
	case chosen == "":
		return access.TLPAmber
	case ok:
		return access.Stricter(access.TLP(marked), chosen)
	}
	return chosen
}

// refusalOf turns a validation error into a refusal naming the property.
func refusalOf(idx int, id, ver string, err error) Refusal {
	r := Refusal{Index: idx, ID: id, Version: ver, Field: "object", Code: stix.CodeJSON, Message: err.Error()}
	if es := valid.List(err); len(es) > 0 {
		r.Field, r.Code, r.Message, r.Args = es[0].Field, es[0].Code, es[0].Message, es[0].Args
	}
	return r
}

// looseRef reads what it can of the id and version of an object the
// envelope parser refused (a malformed created, a missing type), so a
// refusal still names them: TAXII status details carry both. A version
// that is not a STIX timestamp is left out rather than echoed.
func looseRef(raw []byte) (id, version string) {
	var j struct {
		ID       string `json:"id"`
		Created  string `json:"created"`
		Modified string `json:"modified"`
	}
	// A value of the wrong type leaves its field empty and the others
	// read; a syntax error leaves them all empty.
	_ = json.Unmarshal(raw, &j)
	if !stix.ValidID(j.ID) {
		j.ID = "" // not an id: whatever it holds is not echoed back
	}
	for _, v := range []string{j.Modified, j.Created} {
		if ts, err := stix.ParseTimestamp(v); err == nil && v != "" {
			return j.ID, ts.String()
		}
	}
	return j.ID, ""
}
