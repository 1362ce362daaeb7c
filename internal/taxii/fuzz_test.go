package taxii

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// FuzzParseQuery feeds raw query strings to the URL parameter parser: it
// must never panic, and what it accepts must be usable (a limit within
// bounds).
func FuzzParseQuery(f *testing.F) {
	f.Add("added_after=2016-02-01T00:00:01.000Z&limit=10&match[type]=indicator,malware")
	f.Add("match[version]=first,last,2016-12-25T12:30:59.444Z&match[id]=indicator--6770298f-0fd8-471a-ab8c-1c658a46574e")
	f.Add("limit=-1&next=abc&match[spec_version]=2.0,2.1")
	f.Add("added_after=2016-02-31T00:00:00Z&limit=99999999999999999999")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, p := range []params{objectsParams, objectParams, versionsParams, deleteParams} {
			f, err := parseQuery(q, p, DefaultPageSize)
			var te *httpError
			if err != nil && (!errors.As(err, &te) || te.Status != http.StatusBadRequest) {
				t.Fatalf("%q: error %v, want a 400", raw, err)
			}
			if err == nil && (f.Limit < 1 || f.Limit > MaxPageSize) {
				t.Fatalf("%q: limit %d accepted", raw, f.Limit)
			}
		}
	})
}

// FuzzDecodeEnvelope feeds POST bodies to the envelope decoder: it must
// never panic, answer 400 or 422 when it refuses, and hand intel only JSON
// objects.
func FuzzDecodeEnvelope(f *testing.F) {
	f.Add([]byte(`{"objects":[{"type":"indicator","id":"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e"}]}`))
	f.Add([]byte(`{"more":false,"objects":[]}`))
	f.Add([]byte(`{"objects":[1,"x",null]}`))
	f.Add([]byte(`[{"objects":[]}]`))
	f.Add([]byte(`{"objects":[{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		objs, err := decodeEnvelope(body)
		if err != nil {
			var te *httpError
			if !errors.As(err, &te) || (te.Status != http.StatusBadRequest && te.Status != http.StatusUnprocessableEntity) {
				t.Fatalf("%q: error %v, want a 400 or 422", body, err)
			}
			return
		}
		for i, o := range objs {
			if b := bytes.TrimSpace(o); len(b) == 0 || b[0] != '{' {
				t.Fatalf("%q: objects[%d] = %q is not a JSON object", body, i, o)
			}
		}
	})
}

// FuzzAccept feeds Accept headers to the content negotiation: it must never
// panic, and must never accept a header that does not name TAXII.
func FuzzAccept(f *testing.F) {
	f.Add("application/taxii+json;version=2.1")
	f.Add("application/xml, application/taxii+json; version=2.1; q=0.5")
	f.Add("application/taxii+json;version=2.1;q=0")
	f.Add("*/*")
	f.Fuzz(func(t *testing.T, accept string) {
		if acceptsTAXII([]string{accept}) && !bytes.Contains(bytes.ToLower([]byte(accept)), []byte("taxii+json")) {
			t.Fatalf("%q accepted", accept)
		}
	})
}
