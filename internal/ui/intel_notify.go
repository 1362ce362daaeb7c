package ui

import (
	"context"
	"encoding/json"
	"net/http"

	"atalaya/internal/access"
	"atalaya/internal/intel"
)

// dashboardNotes is how many unread notifications the dashboard lists.
const dashboardNotes = 10

// intelDashboard is the dashboard's line about intel: sightings of the
// organisation's indicators not yet read.
type intelDashboard struct {
	Unread []noteRow
}

// noteRow is a notification with the names a reader needs.
type noteRow struct {
	intel.Notification
	LinkID     string // the object the line links to
	ObjectName string
	ByOrgName  string
}

// loadIntelDashboard reads the unread notifications of the actor's
// organisation. Without an intel store there is nothing to say.
func (u *UI) loadIntelDashboard(ctx context.Context, a access.Actor) (*intelDashboard, error) {
	if u.intel == nil || !access.Can(a, access.ViewIntel, access.Target{}) {
		return nil, nil
	}
	notes, err := u.intel.Notifications(ctx, a, true, dashboardNotes)
	if err != nil {
		return nil, err
	}
	d := &intelDashboard{}
	if len(notes) == 0 {
		return d, nil
	}
	orgs, err := u.loadOrgs(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		row := noteRow{Notification: n, ByOrgName: orgs.Name(n.ByOrgID)}
		if err := u.noteTarget(ctx, a, &row); err != nil {
			return nil, err
		}
		d.Unread = append(d.Unread, row)
	}
	return d, nil
}

// noteTarget sets what a notification links to: the sighted indicator
// (a notification names the sighting), else the object itself.
func (u *UI) noteTarget(ctx context.Context, a access.Actor, row *noteRow) error {
	row.LinkID, row.ObjectName = row.ObjectID, row.ObjectID
	o, err := u.intel.Get(ctx, a, row.ObjectID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	row.ObjectName = objectTitle(o)
	var s struct {
		Of string `json:"sighting_of_ref"`
	}
	if o.Type != "sighting" || json.Unmarshal(o.Raw, &s) != nil || s.Of == "" {
		return nil
	}
	ind, err := u.intel.Get(ctx, a, s.Of)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	row.LinkID, row.ObjectName = ind.ID, objectTitle(ind)
	return nil
}

// markNotificationsRead marks the notifications named in the form read, or
// every unread one of the organisation with all=yes.
func (u *UI) markNotificationsRead(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ids := r.PostForm["id"]
	if r.PostFormValue("all") == "yes" {
		notes, err := u.intel.Notifications(r.Context(), a, true, 10000)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		for _, n := range notes {
			ids = append(ids, n.ID)
		}
	}
	if len(ids) > 0 {
		if err := u.intel.MarkRead(r.Context(), a, ids); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	redirect(w, r, "/", "intel.done.notifications_read")
}
