package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/valid"
)

// auditEntry is an audit entry as the API shows it.
type auditEntry struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	Actor      auditActor      `json:"actor"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	OrgID      string          `json:"org_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// auditActor is who made a change.
type auditActor struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	OrgID  string `json:"org_id"`
	Addr   string `json:"addr"`
}

func entryOf(e audit.Entry) auditEntry {
	return auditEntry{Seq: e.Seq, At: e.At, Actor: auditActor(e.Who), Action: e.Action, ObjectType: e.ObjectType,
		ObjectID: e.ObjectID, OrgID: e.OrgID, Before: rawOrNull(e.Before), After: rawOrNull(e.After),
		PrevHash: e.PrevHash, Hash: e.Hash}
}

// rawOrNull keeps an empty stored value from breaking the whole answer.
func rawOrNull(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || !json.Valid(m) {
		return json.RawMessage("null")
	}
	return m
}

// listAudit answers the log newest first, filtered for the reader exactly
// as the audit page is: the whole log for the secretariat administrator,
// the own organisation's entries for a team administrator, and token
// entries only where the reader may see the tokens (audit.Visible). A page
// may hold fewer entries than the limit, even none, and still have a next
// cursor: follow it until there is none.
func (a *API) listAudit(w http.ResponseWriter, r *http.Request, c caller) error {
	whole := access.Can(c.actor, access.ViewAudit, access.Target{})
	if !whole && !access.Can(c.actor, access.ViewAudit, access.Target{OrgID: c.actor.OrgID}) {
		return access.ErrDenied
	}
	q := queryOf(r)
	cursor, limit := q.page()
	f := audit.Filter{ObjectType: q.get("type"), ObjectID: q.get("object"), Action: q.get("action"), Limit: limit}
	if err := q.err(); err != nil {
		return err
	}
	if cursor != "" {
		var err error
		if f.Before, err = strconv.ParseInt(cursor, 10, 64); err != nil || f.Before < 1 {
			return valid.New("cursor", "page.cursor", "The cursor is not one this list gave.", nil)
		}
	}
	if !whole {
		f.OrgID = c.actor.OrgID
	}
	entries, next, err := audit.List(r.Context(), a.db, f)
	if err != nil {
		return err
	}
	out := []auditEntry{}
	for _, e := range entries {
		if audit.Visible(c.actor, e) {
			out = append(out, entryOf(e))
		}
	}
	nextCursor := ""
	if next != 0 {
		nextCursor = strconv.FormatInt(next, 10)
	}
	return writePage(a, w, r, out, nextCursor)
}
