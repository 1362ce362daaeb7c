package api

import (
	"net/http"

	"atalaya/internal/directory"
	"atalaya/internal/store"
)

func (a *API) listConstituency(w http.ResponseWriter, r *http.Request, c caller) error {
	o, err := a.dir.GetOrganization(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	entries, err := a.dir.Constituency(r.Context(), c.actor, o.ID)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(entries))
}

// entryRequest is the body of adding to a constituency.
type entryRequest struct {
	Value string `json:"value"` // a prefix, an AS number or a domain, recognised from the text
	Note  string `json:"note"`
}

// addedEntry answers an addition: the entry as stored and the other teams'
// entries it overlaps (not an error: routing then delivers to both).
type addedEntry struct {
	Entry    directory.Entry     `json:"entry"`
	Overlaps []directory.Overlap `json:"overlaps"`
}

func (a *API) addConstituency(w http.ResponseWriter, r *http.Request, c caller) error {
	o, err := a.dir.GetOrganization(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	var req entryRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	e, overlaps, err := a.dir.AddConstituency(r.Context(), c.actor, o.ID, req.Value, req.Note)
	if err != nil {
		return err
	}
	if overlaps == nil {
		overlaps = []directory.Overlap{}
	}
	return a.writeJSON(w, r, http.StatusCreated, addedEntry{Entry: e, Overlaps: overlaps})
}

// removeConstituency removes entry {entry_id} of organisation {id}. An
// entry of another organisation is not found under this one, whoever
// asks: the path names both, and both must hold.
func (a *API) removeConstituency(w http.ResponseWriter, r *http.Request, c caller) error {
	orgID, entryID := r.PathValue("id"), r.PathValue("entry_id")
	entries, err := a.dir.Constituency(r.Context(), c.actor, orgID)
	if err != nil {
		return err
	}
	found := false
	for _, e := range entries {
		found = found || e.ID == entryID
	}
	if !found {
		return store.ErrNotFound
	}
	if err := a.dir.RemoveConstituency(r.Context(), c.actor, entryID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listOverlaps(w http.ResponseWriter, r *http.Request, c caller) error {
	o, err := a.dir.GetOrganization(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	overlaps, err := a.dir.Overlaps(r.Context(), c.actor, o.ID)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(overlaps))
}
