package api

import (
	"net/http"
	"time"

	"atalaya/internal/intel"
)

// groupView is a sharing group as the API shows it: its members are the
// organisations listed and the owner, which always counts as one.
type groupView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	OwnerOrg    string    `json:"owner_org"`
	Orgs        []string  `json:"orgs"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func groupOf(g intel.Group) groupView {
	return groupView{ID: g.ID, Name: g.Name, Description: g.Description, OwnerOrg: g.OwnerOrgID, Orgs: nonNil(g.Orgs),
		CreatedAt: g.Created.UTC(), UpdatedAt: g.Updated.UTC()}
}

// groupInput is the body of creating or changing a sharing group.
type groupInput struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Orgs        []string `json:"orgs"`
}

// listGroups answers the groups the caller's organisation owns or is in.
func (a *API) listGroups(w http.ResponseWriter, r *http.Request, c caller) error {
	gs, err := a.intel.Groups(r.Context(), c.actor)
	if err != nil {
		return err
	}
	out := make([]groupView, 0, len(gs))
	for _, g := range gs {
		out = append(out, groupOf(g))
	}
	return a.writeJSON(w, r, http.StatusOK, items(out))
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request, c caller) error {
	var in groupInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := a.intel.CreateGroup(r.Context(), c.actor, intel.Group{Name: in.Name, Description: in.Description, Orgs: in.Orgs})
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/sharing-groups/"+g.ID)
	return a.writeJSON(w, r, http.StatusCreated, groupOf(g))
}

// findGroup returns a group the caller's organisation owns or is in; any
// other is not found, whether it exists or not.
func (a *API) findGroup(r *http.Request, c caller, id string) (intel.Group, error) {
	gs, err := a.intel.Groups(r.Context(), c.actor)
	if err != nil {
		return intel.Group{}, err
	}
	for _, g := range gs {
		if g.ID == id {
			return g, nil
		}
	}
	return intel.Group{}, intel.ErrNotFound
}

func (a *API) getGroup(w http.ResponseWriter, r *http.Request, c caller) error {
	g, err := a.findGroup(r, c, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, groupOf(g))
}

// updateGroup replaces a group's name, description and members; only its
// owner organisation's administrators may (the store asks access).
func (a *API) updateGroup(w http.ResponseWriter, r *http.Request, c caller) error {
	g, err := a.findGroup(r, c, r.PathValue("id"))
	if err != nil {
		return err
	}
	var in groupInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g.Name, g.Description, g.Orgs = in.Name, in.Description, in.Orgs
	saved, err := a.intel.UpdateGroup(r.Context(), c.actor, g)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, groupOf(saved))
}

// notificationView tells the caller's organisation that something happened
// to its intel (an indicator sighted by another member).
type notificationView struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	ObjectID  string    `json:"object_id"`
	ByOrg     string    `json:"by_org"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

func (a *API) listNotifications(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	unread := q.boolean("unread")
	_, limit := q.page()
	if err := q.err(); err != nil {
		return err
	}
	ns, err := a.intel.Notifications(r.Context(), c.actor, unread != nil && *unread, limit)
	if err != nil {
		return err
	}
	out := make([]notificationView, 0, len(ns))
	for _, n := range ns {
		out = append(out, notificationView{ID: n.ID, Kind: n.Kind, ObjectID: n.ObjectID, ByOrg: n.ByOrgID,
			CreatedAt: n.Created.UTC(), Read: n.Read})
	}
	return a.writeJSON(w, r, http.StatusOK, items(out))
}

// readInput lists the notifications to mark read.
type readInput struct {
	IDs []string `json:"ids"`
}

func (a *API) markNotificationsRead(w http.ResponseWriter, r *http.Request, c caller) error {
	var in readInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.intel.MarkRead(r.Context(), c.actor, in.IDs); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// collectionView is a TAXII collection as the caller sees it, with what
// objects added through it are shared with.
type collectionView struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Alias       string      `json:"alias"`
	Kind        string      `json:"kind"`
	CanRead     bool        `json:"can_read"`
	CanWrite    bool        `json:"can_write"`
	Write       sharingView `json:"write"`
}

// sharingView is a marking and distribution as the API shows them.
type sharingView struct {
	TLP     string   `json:"tlp"`
	Members bool     `json:"members"`
	Groups  []string `json:"groups"`
	Orgs    []string `json:"orgs"`
}

func collectionOf(col intel.Collection) collectionView {
	return collectionView{ID: col.ID, Title: col.Title, Description: col.Description, Alias: col.Alias, Kind: col.Kind,
		CanRead: col.CanRead, CanWrite: col.CanWrite, Write: sharingView{TLP: string(col.Write.TLP),
			Members: col.Write.Members, Groups: nonNil(col.Write.Groups), Orgs: nonNil(col.Write.Orgs)}}
}

func (a *API) listCollections(w http.ResponseWriter, r *http.Request, c caller) error {
	cols, err := a.intel.Collections(r.Context(), c.actor)
	if err != nil {
		return err
	}
	out := make([]collectionView, 0, len(cols))
	for _, col := range cols {
		out = append(out, collectionOf(col))
	}
	return a.writeJSON(w, r, http.StatusOK, items(out))
}

// collectionInput is the body of defining a collection.
type collectionInput struct {
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Alias       string       `json:"alias"`
	Write       sharingInput `json:"write"`
}

// createCollection defines a collection beyond the defaults (the
// secretariat's administrators; the store asks access).
func (a *API) createCollection(w http.ResponseWriter, r *http.Request, c caller) error {
	var in collectionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	created, err := a.intel.CreateCollection(r.Context(), c.actor,
		intel.Collection{Title: in.Title, Description: in.Description, Alias: in.Alias, Kind: "custom", Write: in.Write.sharing()})
	if err != nil {
		return nestSharingErrors(err, "write.", true)
	}
	// Read back as the caller sees it: whether it may write there is
	// decided when collections are listed.
	col, err := a.intel.Collection(r.Context(), c.actor, created.ID)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusCreated, collectionOf(col))
}
