package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"atalaya/internal/access"
	"atalaya/internal/audit"
)

// visibleAudit lists entries and keeps those the actor may read: the whole
// log for the secretariat admin except other organisations' tokens, the
// own organisation's entries for a team admin.
func (u *UI) visibleAudit(ctx context.Context, a access.Actor, f audit.Filter) ([]audit.Entry, int64, error) {
	if !access.Can(a, access.ViewAudit, access.Target{}) {
		f.OrgID = a.OrgID
	}
	entries, next, err := audit.List(ctx, u.db, f)
	if err != nil {
		return nil, 0, err
	}
	out := entries[:0]
	for _, e := range entries {
		if audit.Visible(a, e) {
			out = append(out, e)
		}
	}
	return out, next, nil
}

type auditData struct {
	Entries []audit.Entry
	NextURL string
}

func (u *UI) auditLog(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !access.Can(a, access.ViewAudit, access.Target{OrgID: a.OrgID}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	f := audit.Filter{ObjectType: q.Get("type"), ObjectID: q.Get("object"), Action: q.Get("action"), Before: before, Limit: 50}
	entries, next, err := u.visibleAudit(r.Context(), a, f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := auditData{Entries: entries}
	if next != 0 {
		d.NextURL = "/audit?" + url.Values{"type": {f.ObjectType}, "object": {f.ObjectID}, "action": {f.Action},
			"before": {strconv.FormatInt(next, 10)}}.Encode()
	}
	fm := &form{Values: map[string]string{"type": f.ObjectType, "object": f.ObjectID, "action": f.Action}}
	u.render(w, r, http.StatusOK, "audit", page{TitleKey: "audit.title", Nav: "audit", Data: d, Form: fm})
}
