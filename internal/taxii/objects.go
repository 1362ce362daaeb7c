package taxii

import (
	"net/http"
	"slices"

	"atalaya/internal/intel"
)

// listFilter reads the URL parameters p names and scopes them to the
// readable collection of the request.
func (s *Server) listFilter(r *http.Request, c caller, p params) (intel.Filter, error) {
	col, err := s.readable(r, c)
	if err != nil {
		return intel.Filter{}, err
	}
	f, err := parseQuery(r.URL.Query(), p, s.opts.PageSize)
	f.Collection = col.ID
	return f, err
}

// getObjects answers GET {collection}/objects/: a page of the objects the
// actor may see in the collection, oldest added first.
func (s *Server) getObjects(w http.ResponseWriter, r *http.Request, c caller) error {
	return s.listPage(w, r, c, writeEnvelope)
}

// manifest answers GET {collection}/manifest/: what getObjects would
// return, described rather than sent.
func (s *Server) manifest(w http.ResponseWriter, r *http.Request, c caller) error {
	return s.listPage(w, r, c, writeManifest)
}

// listPage reads the page the objects parameters select and writes it.
func (s *Server) listPage(w http.ResponseWriter, r *http.Request, c caller, write func(http.ResponseWriter, intel.Page)) error {
	f, err := s.listFilter(r, c, objectsParams)
	if err != nil {
		return err
	}
	page, err := s.intel.List(r.Context(), c.actor, f)
	if err != nil {
		return err
	}
	write(w, page)
	return nil
}

// getObject answers GET {collection}/objects/{object}/: the versions of one
// object the filters select (the latest by default). An object that is not
// in the collection, or that the actor may not see, is 404; one whose
// versions the filters all leave out is an empty envelope.
func (s *Server) getObject(w http.ResponseWriter, r *http.Request, c caller) error {
	f, err := s.listFilter(r, c, objectParams)
	if err != nil {
		return err
	}
	id := r.PathValue("object")
	f.IDs = []string{id}
	page, err := s.intel.List(r.Context(), c.actor, f)
	if err != nil {
		return err
	}
	if len(page.Objects) == 0 && !page.More && f.Next == "" {
		if err := s.exists(r, c, f.Collection, id); err != nil {
			return err
		}
	}
	writeEnvelope(w, page)
	return nil
}

// exists is nil when the actor sees some version of object id in the
// collection, else intel.ErrNotFound.
func (s *Server) exists(r *http.Request, c caller, collection, id string) error {
	page, err := s.intel.List(r.Context(), c.actor, intel.Filter{Collection: collection, IDs: []string{id},
		Versions: []string{"all"}, Limit: 1})
	if err != nil {
		return err
	}
	if len(page.Objects) == 0 {
		return intel.ErrNotFound
	}
	return nil
}

// versions answers GET {collection}/objects/{object}/versions/.
func (s *Server) versions(w http.ResponseWriter, r *http.Request, c caller) error {
	f, err := s.listFilter(r, c, versionsParams)
	if err != nil {
		return err
	}
	id := r.PathValue("object")
	page, err := s.intel.Versions(r.Context(), c.actor, id, f)
	if err != nil {
		return err
	}
	if len(page.Objects) == 0 && !page.More && f.Next == "" {
		if err := s.exists(r, c, f.Collection, id); err != nil {
			return err
		}
	}
	writeVersions(w, page)
	return nil
}

// deleteObject answers DELETE {collection}/objects/{object}/: the versions
// match[version] selects (every version when it is absent, so that the
// object is gone, as section 5.7 wants of a later GET). It needs read and
// write access to the collection; intel then decides whether the actor may
// delete this object (access.DeleteIntel: its creator organisation).
func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, c caller) error {
	col, err := s.readable(r, c)
	if err != nil {
		return err
	}
	if !col.CanWrite {
		return newError(http.StatusForbidden, "You may not delete objects from this collection.")
	}
	f, err := parseQuery(r.URL.Query(), deleteParams, MaxPageSize)
	if err != nil {
		return err
	}
	id := r.PathValue("object")
	f.Collection, f.IDs = col.ID, []string{id}
	if len(f.Versions) == 0 {
		f.Versions = []string{"all"}
	}
	versions, all, err := s.selectVersions(r, c, f)
	if err != nil {
		return err
	}
	if all {
		versions = nil // intel: every version
	}
	if _, err := s.intel.Delete(r.Context(), c.actor, id, versions); err != nil {
		return err
	}
	w.Header().Set("Content-Type", MediaTAXII)
	w.WriteHeader(http.StatusOK)
	return nil
}

// selectVersions lists the versions of one object that f selects, and
// whether they are all its versions. None is intel.ErrNotFound: there is
// nothing to delete.
func (s *Server) selectVersions(r *http.Request, c caller, f intel.Filter) ([]string, bool, error) {
	var selected []string
	for {
		page, err := s.intel.List(r.Context(), c.actor, f)
		if err != nil {
			return nil, false, err
		}
		for _, o := range page.Objects {
			selected = append(selected, o.Version)
		}
		if !page.More || page.Next == "" {
			break
		}
		f.Next = page.Next
	}
	if len(selected) == 0 {
		return nil, false, intel.ErrNotFound
	}
	all := slices.Contains(f.Versions, "all") && len(f.SpecVersions) == 0
	return selected, all, nil
}
