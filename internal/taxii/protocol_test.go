package taxii_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/audit"
	"atalaya/internal/taxii"
)

func TestDiscoveryAndAPIRoot(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.bearer(t, mxAnalyst)
		var d struct {
			Title, Description, Default string
			APIRoots                    []string `json:"api_roots"`
		}
		c.get(t, taxii.Prefix+"/", http.StatusOK, &d)
		if d.Title == "" || !slices.Equal(d.APIRoots, []string{rootURL}) || d.Default != rootURL {
			t.Errorf("discovery %+v, want a title and the one API root %s as default", d, rootURL)
		}
		var root struct {
			Title            string
			Versions         []string
			MaxContentLength int64 `json:"max_content_length"`
		}
		c.get(t, d.APIRoots[0], http.StatusOK, &root)
		if root.Title != "Atalaya network" || !slices.Equal(root.Versions, []string{taxii.MediaTAXII}) ||
			root.MaxContentLength <= 0 {
			t.Errorf("API root %+v", root)
		}
	})
}

func TestAuthentication(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		token := e.Token(t, mxAnalyst, access.ScopeRead)
		brToken := e.Token(t, brAnalyst, access.ScopeRead) // before the second factor: Token signs in
		e.EnrolTOTP(t, brAnalyst)
		cases := []struct {
			name   string
			header string
			want   int
			says   string // in the 401 description
		}{
			{"no credentials", "", 401, "Basic"},
			{"bearer token", "Bearer " + token, 200, ""},
			{"bearer unknown token", "Bearer ata_" + strings.Repeat("x", 43), 401, "token"},
			{"bearer garbage", "Bearer nonsense", 401, "token"},
			{"basic e-mail and token", basicHeader(mxAnalyst, token), 200, ""},
			{"basic anything and token", basicHeader("taxii-client", token), 200, ""},
			{"basic e-mail and password", basicHeader(mxAnalyst, app.DemoPassword), 200, ""},
			{"basic upper-case e-mail and password", basicHeader(strings.ToUpper(mxAnalyst), app.DemoPassword), 200, ""},
			{"basic wrong password", basicHeader(mxAnalyst, "not-the-password"), 401, "password"},
			{"basic unknown e-mail", basicHeader("nobody@nowhere.example", app.DemoPassword), 401, "password"},
			{"basic not base64", "Basic %%%", 401, "base64"},
			{"basic password of a TOTP account", basicHeader(brAnalyst, app.DemoPassword), 401, "API token"},
			{"basic token of a TOTP account", basicHeader(brAnalyst, brToken), 200, ""},
			{"other scheme", "Digest username=x", 401, "Basic"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := client{e: e, authorization: tc.header}
				a := c.request(t, "GET", rootURL+"collections/", nil, nil)
				if tc.want == 200 {
					a.expect(t, tc.name, 200, nil)
					return
				}
				m := a.errorOf(t, tc.name, tc.want)
				if !contains(m.Description, tc.says) {
					t.Errorf("description %q does not mention %q", m.Description, tc.says)
				}
				ch := a.header.Values("Www-Authenticate")
				if !slices.Contains(ch, `Basic realm="atalaya"`) {
					t.Errorf("WWW-Authenticate %q, want the Basic challenge", ch)
				}
			})
		}
	})
}

// TestPasswordIsThrottled checks that Basic passwords go through the
// sign-in throttle: after the failures the account allows, even the right
// password is refused.
func TestPasswordIsThrottled(t *testing.T) {
	e := newSQLite(t)
	wrong := e.basic(bankAdmin, "wrong-password")
	for range 5 {
		a := wrong.request(t, "GET", rootURL, nil, nil)
		a.errorOf(t, "wrong password", http.StatusUnauthorized)
	}
	a := e.basic(bankAdmin, app.DemoPassword).request(t, "GET", rootURL, nil, nil)
	a.errorOf(t, "right password after failures", http.StatusTooManyRequests)
	if a.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

// TestPasswordSessionEnds checks that the session a Basic password starts
// lives for its request only: every sign-in is matched by a sign-out.
func TestPasswordSessionEnds(t *testing.T) {
	e := newSQLite(t)
	userID := e.Actor(t, bankAdmin).UserID
	count := func(action string) int {
		entries, _, err := audit.List(context.Background(), e.App.DB,
			audit.Filter{ObjectType: "user", ObjectID: userID, Action: action, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	logins, logouts := count("auth.login"), count("auth.logout")
	c := e.basic(bankAdmin, app.DemoPassword)
	for range 3 {
		c.request(t, "GET", rootURL, nil, nil).expect(t, "GET with a password", 200, nil)
	}
	if got, want := count("auth.login")-logins, 3; got != want {
		t.Errorf("%d sign-ins, want %d", got, want)
	}
	if got, want := count("auth.logout")-logouts, 3; got != want {
		t.Errorf("%d sign-outs, want %d: a TAXII password session outlived its request", got, want)
	}
}

func basicHeader(user, password string) string {
	return (&env{}).basic(user, password).authorization
}

// TestNegotiation checks the Accept header of every kind of endpoint and
// the Content-Type of a POST.
func TestNegotiation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.bearer(t, mxAnalyst)
		network := e.collectionID(t, mxAnalyst, "network")
		paths := []string{taxii.Prefix + "/", rootURL, rootURL + "collections/", objectsURL(network),
			rootURL + "collections/" + network + "/manifest/"}
		accepts := []struct {
			name, accept string
			want         int
		}{
			{"taxii 2.1", taxii.MediaTAXII, 200},
			{"taxii unversioned", "application/taxii+json", 200},
			{"taxii 2.1 with space", "application/taxii+json; version=2.1", 200},
			{"taxii among others", "application/xml, application/taxii+json;version=2.1;q=0.5", 200},
			{"taxii 2.0", "application/taxii+json;version=2.0", 406},
			{"taxii refused by q=0", "application/taxii+json;version=2.1;q=0", 406},
			{"stix", taxii.MediaSTIX, 406},
			{"json", "application/json", 406},
			{"anything", "*/*", 406},
			{"none", "", 406},
		}
		for _, p := range paths {
			for _, tc := range accepts {
				t.Run(tc.name+" "+p, func(t *testing.T) {
					a := c.request(t, "GET", p, nil, http.Header{"Accept": {tc.accept}})
					if tc.want == 200 {
						a.expect(t, tc.accept, 200, nil)
						return
					}
					a.errorOf(t, tc.accept, tc.want)
				})
			}
		}
		body := envelopeOf()
		types := []struct {
			name, contentType string
			want              int
		}{
			{"taxii 2.1", taxii.MediaTAXII, 202},
			{"taxii unversioned", "application/taxii+json", 202},
			{"taxii with charset", "application/taxii+json;version=2.1; charset=utf-8", 202},
			{"taxii 2.0", "application/taxii+json;version=2.0", 415},
			{"stix", taxii.MediaSTIX, 415},
			{"json", "application/json", 415},
			{"none", "", 415},
		}
		for _, tc := range types {
			t.Run("POST "+tc.name, func(t *testing.T) {
				a := c.request(t, "POST", objectsURL(network), body, http.Header{"Content-Type": {tc.contentType}})
				if tc.want == 202 {
					a.expect(t, tc.contentType, 202, nil)
					return
				}
				a.errorOf(t, tc.contentType, tc.want)
			})
		}
	})
}

// TestErrors checks the TAXII error messages of what a client gets wrong.
func TestErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.bearer(t, mxAnalyst)
		network := e.collectionID(t, mxAnalyst, "network")
		var root struct {
			MaxContentLength int64 `json:"max_content_length"`
		}
		c.get(t, rootURL, 200, &root)
		huge := append([]byte(`{"objects":[`), bytes.Repeat([]byte(" "), int(root.MaxContentLength))...)
		huge = append(huge, "]}"...)
		cases := []struct {
			name, method, path string
			body               []byte
			want               int
			detail             string // a details key the answer names, if any
		}{
			{"unknown path", "GET", taxii.Prefix + "/nowhere/", nil, 404, ""},
			{"unknown API root", "GET", taxii.Prefix + "/other/collections/", nil, 404, ""},
			{"unknown collection", "GET", rootURL + "collections/00000000-0000-4000-8000-000000000000/", nil, 404, ""},
			{"objects of unknown collection", "GET", objectsURL("00000000-0000-4000-8000-000000000000"), nil, 404, ""},
			{"unknown object", "GET", objectsURL(network) + "indicator--00000000-0000-4000-8000-000000000000/", nil, 404, ""},
			{"unknown status", "GET", rootURL + "status/00000000-0000-4000-8000-000000000000/", nil, 404, ""},
			{"PUT on objects", "PUT", objectsURL(network), nil, 405, ""},
			{"POST on discovery", "POST", taxii.Prefix + "/", envelopeOf(), 405, ""},
			{"bad limit", "GET", objectsURL(network) + "?limit=0", nil, 400, "parameter"},
			{"limit not a number", "GET", objectsURL(network) + "?limit=ten", nil, 400, "parameter"},
			{"bad added_after", "GET", objectsURL(network) + "?added_after=yesterday", nil, 400, "parameter"},
			{"added_after not UTC", "GET", objectsURL(network) + "?added_after=2024-01-01T00:00:00%2B01:00", nil, 400, "parameter"},
			{"next not from this server", "GET", objectsURL(network) + "?next=garbage", nil, 400, "next"},
			{"bad match[version]", "GET", objectsURL(network) + "?match[version]=newest", nil, 400, "parameter"},
			{"not JSON", "POST", objectsURL(network), []byte(`{"objects": [`), 400, "body"},
			{"empty body", "POST", objectsURL(network), []byte(" "), 400, ""},
			{"a list, not an envelope", "POST", objectsURL(network), []byte(`[]`), 422, "field"},
			{"no objects", "POST", objectsURL(network), []byte(`{}`), 422, "field"},
			{"objects not a list", "POST", objectsURL(network), []byte(`{"objects": 3}`), 422, "field"},
			{"an object that is a number", "POST", objectsURL(network), []byte(`{"objects": [{}, 1]}`), 422, "field"},
			{"over max_content_length", "POST", objectsURL(network), huge, 413, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a := c.request(t, tc.method, tc.path, tc.body, nil)
				m := a.errorOf(t, tc.name, tc.want)
				if tc.detail != "" && m.Details[tc.detail] == "" {
					t.Errorf("details %v do not name %q", m.Details, tc.detail)
				}
				if tc.want == 405 && a.header.Get("Allow") == "" {
					t.Error("405 without Allow")
				}
			})
		}
	})
}

// TestReadOnlyToken checks that a read-scope token sees the collections
// but cannot write to them.
func TestReadOnlyToken(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := client{e: e, authorization: "Bearer " + e.Token(t, mxAnalyst, access.ScopeRead)}
		network := e.collectionID(t, mxAnalyst, "network")
		var col struct {
			CanRead  bool `json:"can_read"`
			CanWrite bool `json:"can_write"`
		}
		c.get(t, rootURL+"collections/"+network+"/", 200, &col)
		if !col.CanRead || col.CanWrite {
			t.Errorf("collection as a read-only token: %+v, want readable only", col)
		}
		_, obj := indicator("read-only", "192.0.2.10", time.Now())
		c.request(t, "POST", objectsURL(network), envelopeOf(obj), nil).errorOf(t, "POST with read scope", 403)
	})
}
