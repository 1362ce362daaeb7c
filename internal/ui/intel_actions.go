package ui

import (
	"net/http"
	"strconv"

	"atalaya/internal/intel"
	"atalaya/internal/valid"
)

var sightingFields = []string{"sighting.count", "sighting.first_seen", "sighting.last_seen", "sighting.where", "sighting.note"}

// reportSighting records that the actor's organisation saw the indicator.
// The store checks the indicator is visible and adds its creator to the
// sighting's recipients.
func (u *UI) reportSighting(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	id := r.PathValue("id")
	f := newForm(r, sightingFields...)
	sh, err := u.readSharing(r, f, "sighting.")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	in := intel.SightingInput{IndicatorID: id, Count: 1, Where: f.Value("sighting.where"),
		Note: f.Value("sighting.note"), Sharing: sh.Sharing()}
	var es valid.Errors
	if c := f.Value("sighting.count"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			es.Add("sighting.count", "intelui.count", "Give how many times as a whole number, 1 or more.", map[string]any{"Value": c})
		}
		in.Count = n
	}
	var errFirst, errLast error
	in.FirstSeen, errFirst = parseInputTime("sighting.first_seen", f.Value("sighting.first_seen"))
	in.LastSeen, errLast = parseInputTime("sighting.last_seen", f.Value("sighting.last_seen"))
	err = joinErrs(es.Err(), errFirst, errLast, checkSharing(a, sh))
	if err == nil {
		_, err = u.intel.Sight(r.Context(), a, in)
	}
	if err != nil {
		if formErrors(f, err, prefixFor(err, "sighting.")) {
			u.renderObject(w, r, http.StatusUnprocessableEntity, f, "sighting")
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/intel/"+id+"#sightings", "sighting.done.recorded")
}

// prefixFor is the prefix to give the store's field names: errors found by
// the page already carry it.
func prefixFor(err error, prefix string) string {
	for _, e := range valid.List(err) {
		if len(e.Field) >= len(prefix) && e.Field[:len(prefix)] == prefix {
			return ""
		}
	}
	return prefix
}

// changeSharing sets the marking and distribution of an object of the
// actor's organisation.
func (u *UI) changeSharing(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	id := r.PathValue("id")
	f := newForm(r)
	sh, err := u.readSharing(r, f, "")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	err = checkSharing(a, sh)
	if err == nil {
		err = u.intel.SetSharing(r.Context(), a, id, sh.Sharing())
	}
	if err != nil {
		if formErrors(f, err, "") {
			u.renderObject(w, r, http.StatusUnprocessableEntity, f, "sharing")
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/intel/"+id, "intel.done.sharing_changed")
}

// revokeObject stores a revoked version of an object of the actor's
// organisation, once the confirmation box is ticked.
func (u *UI) revokeObject(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f := newForm(r, "confirm")
	if f.Value("confirm") != "yes" {
		f.fail(valid.New("confirm", "intelui.confirm_revoke", "Tick the box to confirm: a revoked object cannot be used again.", nil))
		u.renderObject(w, r, http.StatusUnprocessableEntity, f, "revoke")
		return
	}
	if _, err := u.intel.Revoke(r.Context(), actorOf(r), id); err != nil {
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/intel/"+id, "intel.done.revoked")
}
