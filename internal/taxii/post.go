package taxii

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"atalaya/internal/intel"
)

// addObjects answers POST {collection}/objects/: it stores the objects of
// the envelope with the collection's sharing, synchronously, and answers
// 202 with a complete status resource listing each object as a success
// (stored now, or already there) or a failure with its reason.
//
// The order of the checks follows what a client can fix: the media type
// (415), the collection (404, 403), the size (413), then the body: not JSON
// at all is 400, JSON that is not an envelope 422 (section 5.5: the body
// could not be processed).
func (s *Server) addObjects(w http.ResponseWriter, r *http.Request, c caller) error {
	if err := checkContentType(r); err != nil {
		return err
	}
	col, err := s.writable(r, c)
	if err != nil {
		return err
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	objs, err := decodeEnvelope(body)
	if err != nil {
		return err
	}
	opt := intel.PutOptions{Sharing: col.Write, Source: "taxii"}
	if col.Kind == "custom" {
		opt.Collection = col.ID
	}
	report, err := s.intel.Put(r.Context(), c.actor, objs, opt)
	if err != nil {
		return err
	}
	st, err := s.intel.SaveStatus(r.Context(), c.actor, report, len(objs))
	if err != nil {
		return err
	}
	writeResource(w, http.StatusAccepted, statusOf(st))
	return nil
}

// readBody reads the request body, at most MaxContentLength bytes: a
// declared or actual length above it is 413.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := s.opts.MaxContentLength
	tooLarge := newError(http.StatusRequestEntityTooLarge,
		fmt.Sprintf("The body is larger than max_content_length, %d bytes.", limit))
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge
	}
	if err != nil {
		return nil, newError(http.StatusBadRequest, "The body could not be read.")
	}
	return body, nil
}

// envelopeIn is what a POST carries: the envelope resource, of which only
// objects matters (more and next describe pages of a GET).
type envelopeIn struct {
	Objects *[]json.RawMessage `json:"objects"`
}

// decodeEnvelope reads the objects of a POSTed envelope. Each must be a
// JSON object; what each holds is for intel to judge, one by one, so one
// bad object does not refuse the others.
func decodeEnvelope(body []byte) ([]json.RawMessage, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, newError(http.StatusBadRequest, "The body is empty; send a TAXII envelope.")
	}
	var env envelopeIn
	err := json.Unmarshal(body, &env)
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, &httpError{Status: http.StatusBadRequest, Description: "The body is not JSON.",
			Details: map[string]string{"body": fmt.Sprintf("%s (byte %d)", se.Error(), se.Offset)}}
	case err != nil:
		return nil, unprocessable("body", "The body must be a TAXII envelope: a JSON object whose "+
			"\"objects\" is a list of STIX objects.")
	case env.Objects == nil:
		return nil, unprocessable("objects", "The envelope has no \"objects\" list.")
	}
	for i, o := range *env.Objects {
		if t := bytes.TrimSpace(o); len(t) == 0 || t[0] != '{' {
			return nil, unprocessable(fmt.Sprintf("objects[%d]", i), fmt.Sprintf("objects[%d] is not a JSON object.", i))
		}
	}
	return *env.Objects, nil
}

// unprocessable is a 422 naming the part of the envelope at fault.
func unprocessable(field, description string) *httpError {
	return &httpError{Status: http.StatusUnprocessableEntity, Description: description,
		Details: map[string]string{"field": field}}
}
