package api

import (
	"encoding/json"
	"net/http"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
)

// The intel endpoints hand each request to the intel store with the
// caller's actor. The store decides what the caller sees (access.CanSeeIntel
// on every object) and answers intel.ErrNotFound for an object the caller
// may not see, so that existence itself stays secret: a 404 here, never a
// 403.

// intelObject is one stored version of a STIX object as the API shows it:
// Atalaya's metadata beside the object exactly as it was shared.
type intelObject struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Version      string          `json:"version"`
	Name         string          `json:"name"`
	TLP          access.TLP      `json:"tlp"`
	Distribution distribution    `json:"distribution"`
	Org          string          `json:"org"`
	Added        time.Time       `json:"added"`
	Revoked      bool            `json:"revoked"`
	Latest       bool            `json:"latest"`
	Object       json.RawMessage `json:"object"`
}

// distribution is who receives an object besides its creator organisation.
type distribution struct {
	Members bool     `json:"members"`
	Groups  []string `json:"groups"`
	Orgs    []string `json:"orgs"`
}

func distributionOf(sh intel.Sharing) distribution {
	return distribution{Members: sh.Members, Groups: nonNil(sh.Groups), Orgs: nonNil(sh.Orgs)}
}

// nonNil makes a list that encodes as [] rather than null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func objectOf(o intel.Object) intelObject {
	return intelObject{ID: o.ID, Type: o.Type, Version: o.Version, Name: o.Name, TLP: o.Sharing.TLP,
		Distribution: distributionOf(o.Sharing), Org: o.OrgID, Added: o.Added.UTC(), Revoked: o.Revoked,
		Latest: o.Latest, Object: rawOrNull(o.Raw)}
}

func objectsOf(os []intel.Object) []intelObject {
	out := make([]intelObject, 0, len(os))
	for _, o := range os {
		out = append(out, objectOf(o))
	}
	return out
}

// listIntel answers a page of the latest versions of the objects the caller
// may see, newest first unless ?order=oldest (what a client syncing with
// added_after wants). Every filter, ?revoked= too, is the store's, so a
// page is full unless it is the last.
func (a *API) listIntel(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	f := intelFilter(q)
	if err := q.err(); err != nil {
		return err
	}
	page, err := a.intel.List(r.Context(), c.actor, f)
	if err != nil {
		return cursorField(err)
	}
	return writePage(a, w, r, objectsOf(page.Objects), nextOf(page))
}

// nextOf is the cursor of the page after p, "" on the last page.
func nextOf(p intel.Page) string {
	if !p.More {
		return ""
	}
	return p.Next
}

// getIntel answers the latest version of an object, or with ?version= the
// version modified at that timestamp.
func (a *API) getIntel(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	version := q.get("version")
	if err := q.err(); err != nil {
		return err
	}
	id := r.PathValue("id")
	if version == "" {
		o, err := a.intel.Get(r.Context(), c.actor, id)
		if err != nil {
			return err
		}
		return a.writeJSON(w, r, http.StatusOK, objectOf(o))
	}
	if _, err := time.Parse(time.RFC3339Nano, version); err != nil {
		return timestampError("version", version)
	}
	page, err := a.intel.Versions(r.Context(), c.actor, id, intel.Filter{Versions: []string{version}, Limit: 1})
	if err != nil {
		return err
	}
	if len(page.Objects) == 0 {
		return intel.ErrNotFound
	}
	return a.writeJSON(w, r, http.StatusOK, objectOf(page.Objects[0]))
}

// listVersions answers every version of an object the caller may see,
// oldest first.
func (a *API) listVersions(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	cursor, limit := q.page()
	if err := q.err(); err != nil {
		return err
	}
	page, err := a.intel.Versions(r.Context(), c.actor, r.PathValue("id"),
		intel.Filter{Versions: []string{"all"}, Limit: limit, Next: cursor})
	if err != nil {
		return cursorField(err)
	}
	return writePage(a, w, r, objectsOf(page.Objects), nextOf(page))
}

// relatedObject is an object linked to the one asked about.
type relatedObject struct {
	Via      string      `json:"via"`
	Incoming bool        `json:"incoming"`
	Object   intelObject `json:"object"`
}

func (a *API) listRelated(w http.ResponseWriter, r *http.Request, c caller) error {
	rel, err := a.intel.Related(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]relatedObject, 0, len(rel))
	for _, x := range rel {
		out = append(out, relatedObject{Via: x.Via, Incoming: x.Incoming, Object: objectOf(x.Object)})
	}
	return a.writeJSON(w, r, http.StatusOK, items(out))
}
