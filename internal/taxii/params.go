package taxii

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/intel"
	"atalaya/internal/stix"
)

// The URL parameters of TAXII 2.1 (section 3.4 and 3.5).
const (
	paramAddedAfter  = "added_after"
	paramLimit       = "limit"
	paramNext        = "next"
	paramID          = "match[id]"
	paramType        = "match[type]"
	paramVersion     = "match[version]"
	paramSpecVersion = "match[spec_version]"
)

// params says which URL parameters an endpoint takes. Others are ignored,
// as the specification lets a server ignore filters it does not support
// for an endpoint.
type params struct {
	paging  bool // added_after, limit, next
	idType  bool // match[id], match[type]
	version bool // match[version]
	spec    bool // match[spec_version]
}

// The parameters of each endpoint.
var (
	objectsParams  = params{paging: true, idType: true, version: true, spec: true} // objects, manifest
	objectParams   = params{paging: true, version: true, spec: true}               // one object
	versionsParams = params{paging: true, spec: true}
	deleteParams   = params{version: true, spec: true}
)

// parseQuery reads the URL parameters p names into an intel filter. Bad
// values are a 400 naming the parameter; a limit above MaxPageSize is cut
// to it (a server may return fewer objects than asked for), no limit means
// pageSize.
func parseQuery(q url.Values, p params, pageSize int) (intel.Filter, error) {
	f := intel.Filter{Limit: pageSize}
	if p.paging {
		if err := parsePaging(q, &f); err != nil {
			return f, err
		}
	}
	if p.idType {
		f.IDs, f.Types = list(q, paramID), list(q, paramType)
	}
	if p.version {
		f.Versions = list(q, paramVersion)
		for _, v := range f.Versions {
			if v == "first" || v == "last" || v == "all" {
				continue
			}
			if _, err := stix.ParseTimestamp(v); err != nil {
				return f, badParameter(paramVersion, "match[version] takes first, last, all or timestamps: "+err.Error())
			}
		}
	}
	if p.spec {
		f.SpecVersions = list(q, paramSpecVersion)
	}
	return f, nil
}

// parsePaging reads added_after, limit and next.
func parsePaging(q url.Values, f *intel.Filter) error {
	if v := q.Get(paramAddedAfter); v != "" {
		t, err := parseTimestamp(v)
		if err != nil {
			return badParameter(paramAddedAfter, "added_after must be a timestamp: "+err.Error())
		}
		f.AddedAfter = t
	}
	if v := q.Get(paramLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return badParameter(paramLimit, "limit must be a whole number above zero.")
		}
		f.Limit = min(n, MaxPageSize)
	}
	f.Next = q.Get(paramNext)
	return nil
}

// list reads a filter's values: comma-separated, in one or several
// occurrences of the parameter, blanks dropped.
func list(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// timeLayout is how TAXII timestamps are written: UTC, microseconds, Z, as
// date_added is kept.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// formatTime writes a TAXII timestamp.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTimestamp reads a TAXII timestamp (the STIX form: UTC, "Z", any
// fraction).
func parseTimestamp(s string) (time.Time, error) {
	ts, err := stix.ParseTimestamp(s)
	if err != nil {
		return time.Time{}, err
	}
	return ts.Time, nil
}
