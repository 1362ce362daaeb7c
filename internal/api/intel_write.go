package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
	"atalaya/internal/web"
)

// maxUpload bounds a bundle or an imported document, as package exchange
// does: ATT&CK Enterprise, the largest bundle members trade, is about half
// of it.
const maxUpload = 64 << 20

// importReport is what an upload did, object by object.
type importReport struct {
	Accepted []storedRef `json:"accepted"`
	Existing []storedRef `json:"existing"`
	Refused  []refusal   `json:"refused"`
	// Notes, of an import only, say what it decided for the user (a CSV
	// column ignored, a MISP sharing group with no counterpart here).
	Notes []importNote `json:"notes,omitempty"`
}

// importNote is something an import decided for the user, not a refusal.
type importNote struct {
	Where   string `json:"where"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// storedRef names one stored version.
type storedRef struct {
	ID      string    `json:"id"`
	Version string    `json:"version"`
	Added   time.Time `json:"added"`
}

// refusal is one object not stored, and why; field is the property at
// fault, or "line N" (and the column) for a CSV line.
type refusal struct {
	Index   int    `json:"index"`
	ID      string `json:"id"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func reportOf(rep intel.Report) importReport {
	out := importReport{Accepted: refsOf(rep.Accepted), Existing: refsOf(rep.Existing), Refused: []refusal{}}
	for _, x := range rep.Refused {
		out.Refused = append(out.Refused, refusal{Index: x.Index, ID: x.ID, Field: x.Field, Code: x.Code, Message: x.Message})
	}
	return out
}

func refsOf(rs []intel.Ref) []storedRef {
	out := make([]storedRef, 0, len(rs))
	for _, x := range rs {
		out = append(out, storedRef{ID: x.ID, Version: x.Version, Added: x.Added.UTC()})
	}
	return out
}

// mayShare asks access whether the caller may share as its organisation at
// all, so that a read token or an observer gets a 403 rather than a report
// refusing every object.
func mayShare(c caller) error {
	if !access.Can(c.actor, access.CreateIntel, access.Target{OrgID: c.actor.OrgID}) {
		return access.ErrDenied
	}
	return nil
}

// readUpload reads a whole uploaded document of at most maxUpload bytes
// whose media type is one of accept ("+json" standing for any JSON type).
func readUpload(w http.ResponseWriter, r *http.Request, accept ...string) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !mediaTypeIn(mt, accept) {
		return nil, &web.StatusError{Status: http.StatusUnsupportedMediaType,
			Detail: "Send the body as " + strings.Join(accept, " or ") + "."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpload))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &web.StatusError{Status: http.StatusRequestEntityTooLarge,
			Detail: fmt.Sprintf("The document is larger than %d bytes.", maxUpload)}
	}
	return body, err
}

func mediaTypeIn(mt string, accept []string) bool {
	for _, a := range accept {
		if mt == a || (a == "+json" && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))) {
			return true
		}
	}
	return false
}

// postObjects stores the objects of a STIX 2.1 bundle as the caller's
// organisation. Objects are accepted or refused one by one and the answer
// is always the report; only a body that is not a bundle at all is a 422.
func (a *API) postObjects(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	sh := sharingQuery(q)
	if err := q.err(); err != nil {
		return err
	}
	if err := mayShare(c); err != nil {
		return err
	}
	body, err := readUpload(w, r, "application/stix+json", "application/json")
	if err != nil {
		return err
	}
	b, err := stix.ParseBundle(bytes.NewReader(body))
	if err != nil {
		return err
	}
	rep, err := a.intel.Put(r.Context(), c.actor, b.Objects, intel.PutOptions{Sharing: sh, Source: "api"})
	if err != nil {
		return queryFieldNames(err)
	}
	return a.writeJSON(w, r, http.StatusOK, reportOf(rep))
}

func (a *API) revokeIntel(w http.ResponseWriter, r *http.Request, c caller) error {
	o, err := a.intel.Revoke(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, objectOf(o))
}

// putSharing replaces the marking and distribution of an object of the
// caller's organisation and answers the object as it now is.
func (a *API) putSharing(w http.ResponseWriter, r *http.Request, c caller) error {
	var in sharingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := a.intel.SetSharing(r.Context(), c.actor, id, in.sharing()); err != nil {
		return err
	}
	o, err := a.intel.Get(r.Context(), c.actor, id)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, objectOf(o))
}

// sightingInput is the body of reporting an indicator seen.
type sightingInput struct {
	Count        *int              `json:"count"` // absent: once
	FirstSeen    string            `json:"first_seen"`
	LastSeen     string            `json:"last_seen"`
	Where        string            `json:"where"`
	Note         string            `json:"note"`
	TLP          string            `json:"tlp"`
	Distribution *distributionBody `json:"distribution"`
}

// distributionBody is a distribution in a request body.
type distributionBody struct {
	Members bool     `json:"members"`
	Groups  []string `json:"groups"`
	Orgs    []string `json:"orgs"`
}

// sightingView is a sighting as the API shows it.
type sightingView struct {
	Object    intelObject `json:"object"`
	Count     int         `json:"count"`
	FirstSeen time.Time   `json:"first_seen"`
	LastSeen  time.Time   `json:"last_seen"`
	Where     string      `json:"where"`
	Org       string      `json:"org"`
}

// postSighting reports the indicator seen by the caller's organisation. The
// store adds the indicator's creator to the recipients and notifies it.
func (a *API) postSighting(w http.ResponseWriter, r *http.Request, c caller) error {
	var in sightingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	si, err := in.input(r.PathValue("id"))
	if err != nil {
		return err
	}
	o, err := a.intel.Sight(r.Context(), c.actor, si)
	if err != nil {
		return nestSharingErrors(err, "distribution.", false)
	}
	w.Header().Set("Location", Prefix+"/intel/"+o.ID)
	return a.writeJSON(w, r, http.StatusCreated, objectOf(o))
}

// input checks the body's own fields and returns it as the store takes
// it; the store checks the rest.
func (in sightingInput) input(indicatorID string) (intel.SightingInput, error) {
	var es valid.Errors
	count := 0 // the store's default: seen once
	if in.Count != nil {
		if count = *in.Count; count < 1 {
			es.Add("count", intel.CodeCount, "The count goes from 1 to 999999999.", nil)
		}
	}
	first, last := optionalTime(&es, "first_seen", in.FirstSeen), optionalTime(&es, "last_seen", in.LastSeen)
	share := sharingInput{TLP: in.TLP}
	if share.TLP == "" {
		share.TLP = string(access.TLPAmber) // as every object shared without a marking
	}
	if d := in.Distribution; d != nil {
		share.Members, share.Groups, share.Orgs = d.Members, d.Groups, d.Orgs
	}
	return intel.SightingInput{IndicatorID: indicatorID, Count: count, FirstSeen: first, LastSeen: last,
		Where: in.Where, Note: in.Note, Sharing: share.sharing()}, es.Err()
}

// optionalTime reads an RFC 3339 time of a body field; "" is the zero time.
func optionalTime(es *valid.Errors, field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		*es = append(*es, valid.List(timestampError(field, v))...)
	}
	return t
}

func (a *API) listSightings(w http.ResponseWriter, r *http.Request, c caller) error {
	ss, err := a.intel.Sightings(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]sightingView, 0, len(ss))
	for _, s := range ss {
		out = append(out, sightingView{Object: objectOf(s.Object), Count: s.Count, FirstSeen: s.FirstSeen.UTC(),
			LastSeen: s.LastSeen.UTC(), Where: s.Where, Org: s.OrgID})
	}
	return a.writeJSON(w, r, http.StatusOK, items(out))
}
