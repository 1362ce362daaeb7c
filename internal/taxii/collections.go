package taxii

import (
	"errors"
	"net/http"

	"atalaya/internal/intel"
)

// collectionResource is the collection resource (section 5.2.1).
type collectionResource struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Alias       string   `json:"alias,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types"`
}

// collectionsResource is the collections resource (section 5.1.1); an
// actor with no collection gets {}.
type collectionsResource struct {
	Collections []collectionResource `json:"collections,omitempty"`
}

func collectionOf(c intel.Collection) collectionResource {
	return collectionResource{ID: c.ID, Title: c.Title, Description: c.Description, Alias: c.Alias,
		CanRead: c.CanRead, CanWrite: c.CanWrite, MediaTypes: []string{MediaSTIX}}
}

// collections answers GET {root}/collections/: the collections intel says
// the actor has, each with what the actor may do in it.
func (s *Server) collections(w http.ResponseWriter, r *http.Request, c caller) error {
	cs, err := s.intel.Collections(r.Context(), c.actor)
	if err != nil {
		return err
	}
	var out collectionsResource
	for _, col := range cs {
		out.Collections = append(out.Collections, collectionOf(col))
	}
	writeResource(w, http.StatusOK, out)
	return nil
}

// lookup returns the collection the request names, by id or by alias
// (section 5.2.1: an alias can stand for the id in URLs). A collection
// the actor does not have is intel.ErrNotFound.
func (s *Server) lookup(r *http.Request, c caller) (intel.Collection, error) {
	key := r.PathValue("collection")
	col, err := s.intel.Collection(r.Context(), c.actor, key)
	if !errors.Is(err, intel.ErrNotFound) {
		return col, err
	}
	cs, err := s.intel.Collections(r.Context(), c.actor)
	if err != nil {
		return intel.Collection{}, err
	}
	for _, col := range cs {
		if col.Alias != "" && col.Alias == key {
			return col, nil
		}
	}
	return intel.Collection{}, intel.ErrNotFound
}

// collection answers GET {root}/collections/{collection}/.
func (s *Server) collection(w http.ResponseWriter, r *http.Request, c caller) error {
	col, err := s.lookup(r, c)
	if err != nil {
		return err
	}
	writeResource(w, http.StatusOK, collectionOf(col))
	return nil
}

// readable returns the collection of the request if the actor may read
// it: unknown (or not visible) is 404, visible but not readable 403.
func (s *Server) readable(r *http.Request, c caller) (intel.Collection, error) {
	col, err := s.lookup(r, c)
	if err != nil {
		return col, err
	}
	if !col.CanRead {
		return col, newError(http.StatusForbidden, "You may not read this collection.")
	}
	return col, nil
}

// writable returns the collection of the request if the actor may write
// to it: unknown is 404, visible but not writable 403.
func (s *Server) writable(r *http.Request, c caller) (intel.Collection, error) {
	col, err := s.lookup(r, c)
	if err != nil {
		return col, err
	}
	if !col.CanWrite {
		return col, newError(http.StatusForbidden, "You may not add objects to this collection.")
	}
	return col, nil
}
