package taxii

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// TAXII 2.1 content negotiation (section 1.6.8): every endpoint answers
// application/taxii+json;version=2.1, which a client asks for by that name or
// by application/taxii+json without a version (the latest the server
// speaks). Anything else, */* included, is answered 406: a client that does
// not ask for TAXII would not understand the answer as TAXII.
const mediaTAXIIBase = "application/taxii+json"

// acceptsTAXII reports whether an Accept header (all its field lines)
// admits TAXII 2.1.
func acceptsTAXII(values []string) bool {
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			if isTAXII21(item, true) {
				return true
			}
		}
	}
	return false
}

// isTAXII21 reports whether one media range names TAXII 2.1: the TAXII
// media type, version 2.1 or none, and (in Accept) a q-value above zero.
func isTAXII21(item string, accept bool) bool {
	mt, params, err := mime.ParseMediaType(strings.TrimSpace(item))
	if err != nil || mt != mediaTAXIIBase {
		return false
	}
	if v, ok := params["version"]; ok && v != "2.1" {
		return false
	}
	if q, ok := params["q"]; accept && ok {
		f, err := strconv.ParseFloat(q, 64)
		if err != nil || f <= 0 {
			return false
		}
	}
	return true
}

// checkAccept is the 406 of a request that does not accept TAXII 2.1.
func checkAccept(r *http.Request) error {
	if acceptsTAXII(r.Header.Values("Accept")) {
		return nil
	}
	return newError(http.StatusNotAcceptable, "Ask for "+MediaTAXII+" in the Accept header.")
}

// checkContentType is the 415 of a POST whose body is not TAXII 2.1.
func checkContentType(r *http.Request) error {
	if isTAXII21(r.Header.Get("Content-Type"), false) {
		return nil
	}
	return newError(http.StatusUnsupportedMediaType, "Send the envelope as "+MediaTAXII+".")
}
