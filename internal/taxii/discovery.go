package taxii

import (
	"net/http"

	"atalaya/internal/intel"
)

// discoveryResource is the TAXII 2.1 discovery resource (section 4.1.1).
type discoveryResource struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Contact     string   `json:"contact,omitempty"`
	Default     string   `json:"default,omitempty"`
	APIRoots    []string `json:"api_roots,omitempty"`
}

// apiRootResource is the API root resource (section 4.2.1).
type apiRootResource struct {
	Title            string   `json:"title"`
	Description      string   `json:"description,omitempty"`
	Versions         []string `json:"versions"`
	MaxContentLength int64    `json:"max_content_length"`
}

// statusResource is the status resource (section 4.3.1).
type statusResource struct {
	ID               string         `json:"id"`
	Status           string         `json:"status"`
	RequestTimestamp string         `json:"request_timestamp,omitempty"`
	TotalCount       int            `json:"total_count"`
	SuccessCount     int            `json:"success_count"`
	Successes        []statusDetail `json:"successes,omitempty"`
	FailureCount     int            `json:"failure_count"`
	Failures         []statusDetail `json:"failures,omitempty"`
	PendingCount     int            `json:"pending_count"`
}

// statusDetail is one object of a status (section 4.3.2).
type statusDetail struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Message string `json:"message,omitempty"`
}

// discovery answers GET /taxii2/.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request, c caller) error {
	root := s.opts.BaseURL + rootPath
	writeResource(w, http.StatusOK, discoveryResource{Title: s.opts.Title, Description: s.opts.Description,
		Contact: s.opts.Contact, Default: root, APIRoots: []string{root}})
	return nil
}

// apiRoot answers GET /taxii2/network/.
func (s *Server) apiRoot(w http.ResponseWriter, r *http.Request, c caller) error {
	writeResource(w, http.StatusOK, apiRootResource{Title: "Atalaya network",
		Description: "Indicators, reports, incidents and advisories the members of the network share, " +
			"each object as its TLP marking and distribution allow you to see it.",
		Versions: []string{MediaTAXII}, MaxContentLength: s.opts.MaxContentLength})
	return nil
}

// status answers GET /taxii2/network/status/{status}/: only the poster
// (and the administrators of their organisation) may read a status; for
// anyone else it does not exist.
func (s *Server) status(w http.ResponseWriter, r *http.Request, c caller) error {
	st, err := s.intel.Status(r.Context(), c.actor, r.PathValue("status"))
	if err != nil {
		return err
	}
	writeResource(w, http.StatusOK, statusOf(st))
	return nil
}

// statusOf is the TAXII form of an intel status.
func statusOf(st intel.Status) statusResource {
	out := statusResource{ID: st.ID, Status: st.Status, TotalCount: st.Total, SuccessCount: st.Success,
		FailureCount: st.Failure, PendingCount: st.Pending,
		Successes: details(st.Successes), Failures: details(st.Failures)}
	if !st.RequestTimestamp.IsZero() {
		out.RequestTimestamp = formatTime(st.RequestTimestamp)
	}
	return out
}

func details(ds []intel.StatusDetail) []statusDetail {
	if len(ds) == 0 {
		return nil
	}
	out := make([]statusDetail, len(ds))
	for i, d := range ds {
		out[i] = statusDetail{ID: d.ID, Version: d.Version, Message: d.Message}
	}
	return out
}
