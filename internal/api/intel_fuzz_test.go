package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/valid"
)

// FuzzIntelQuery feeds the query readers of the intel endpoints arbitrary
// query strings (the filters of a list or an export, the sharing of an
// upload, a sighting's times): they must never panic, every problem must
// name a parameter, and what they accept must be what the store can take.
func FuzzIntelQuery(f *testing.F) {
	for _, seed := range []string{
		"", "type=indicator,report&tlp=amber+strict&tlp=TLP:RED", "added_after=2026-01-01T00:00:00Z", "revoked=maybe",
		"order=oldest&limit=500&cursor=x", "tlp=%ff", "type=%00", "q=203.0.113.7", "members=true&group=a&group=b&org=c",
		"tlp=amber strict", "limit=-1", "limit=99999999999999999999", "added_after=2026-13-01", "format=misp-feed",
		"a=%zz", "tlp=,,,", "format=csv&format=stix",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/intel", nil)
		r.URL.RawQuery = raw
		q := queryOf(r)
		filter := intelFilter(q)
		sh := sharingQuery(q)
		documentFormat(q, true)
		exportFilter(q)
		err := q.err()
		for _, e := range valid.List(err) {
			if e.Field == "" || e.Code == "" || e.Message == "" {
				t.Fatalf("query %q: problem %+v names no parameter", raw, e)
			}
		}
		if err != nil {
			return
		}
		for _, tlp := range filter.TLPs {
			if !access.ValidTLP(tlp) {
				t.Fatalf("query %q: accepted TLP %q", raw, tlp)
			}
		}
		if filter.Limit < 1 || filter.Limit > maxLimit {
			t.Fatalf("query %q: limit %d", raw, filter.Limit)
		}
		for _, s := range append(append(filter.Types, sh.Groups...), sh.Orgs...) {
			if !cleanText(s) || strings.Contains(s, ",") || s == "" {
				t.Fatalf("query %q: accepted %q", raw, s)
			}
		}
	})
}
