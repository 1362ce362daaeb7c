package api_test

import (
	"net/http"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// securityFixture is what the security rows share: the two Mexican teams,
// an entry and a read token of the bank, and an admin token of the
// national team.
type securityFixture struct {
	mx, bank, bankEntry     string
	bankTokenID, bankSecret string
	mxAdmin                 who
}

func newSecurityFixture(t *testing.T, e *apptest.Env) securityFixture {
	t.Helper()
	f := securityFixture{mx: e.Org(t, mxTeam), bank: e.Org(t, bankTeam), mxAdmin: bearer(t, e, mxAdmin)}
	f.bankEntry = entryID(t, e, f.bank, "198.51.100.128/25")
	f.bankTokenID, f.bankSecret = newestToken(t, e, bankAdmin, access.ScopeRead)
	return f
}

// TestSecurityConstituency checks that a team admin can neither add to
// nor remove from another team's constituency, whichever organisation the
// path names. Like every security test it runs on both engines, and each
// row checks the answer, then that nothing changed.
func TestSecurityConstituency(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newSecurityFixture(t, e)
		t.Run("team admin cannot add to another team's constituency", func(t *testing.T) {
			for _, w := range []who{f.mxAdmin, session(t, e, mxAdmin)} {
				a := call(t, e, w, request{method: "POST", path: "/api/v1/organizations/" + f.bank + "/constituency",
					body: map[string]string{"value": "192.0.2.7/32"}})
				if a.status != http.StatusForbidden {
					t.Fatalf("status %d, want 403: %s", a.status, a.body)
				}
			}
			if contains(constituency(t, e, f.bank), "192.0.2.7/32") {
				t.Error("the entry was added")
			}
		})

		t.Run("team admin cannot delete another team's entry", func(t *testing.T) {
			cases := []struct {
				name, path string
				want       int
			}{
				{"under its own organisation", "/api/v1/organizations/" + f.bank + "/constituency/" + f.bankEntry, http.StatusForbidden},
				{"under the admin's organisation", "/api/v1/organizations/" + f.mx + "/constituency/" + f.bankEntry, http.StatusNotFound},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					a := call(t, e, f.mxAdmin, request{method: "DELETE", path: tc.path})
					if a.status != tc.want {
						t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
					}
					if !contains(constituency(t, e, f.bank), "198.51.100.128/25") {
						t.Error("the entry is gone")
					}
				})
			}
		})

		t.Run("secretariat admin deleting under the wrong organisation is not found", func(t *testing.T) {
			a := call(t, e, bearer(t, e, secAdmin), request{method: "DELETE",
				path: "/api/v1/organizations/" + f.mx + "/constituency/" + f.bankEntry})
			if a.status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", a.status)
			}
			if !contains(constituency(t, e, f.bank), "198.51.100.128/25") {
				t.Error("the entry is gone")
			}
		})
	})
}

// TestSecurityTokens checks that API tokens never leave their
// organisation: not listed, not revocable (not found) by another
// organisation's admins, the secretariat's included.
func TestSecurityTokens(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newSecurityFixture(t, e)
		t.Run("another organisation's token is neither listed nor revocable", func(t *testing.T) {
			for _, email := range []string{mxAdmin, secAdmin} {
				t.Run(email, func(t *testing.T) {
					w := bearer(t, e, email)
					ids := tokenIDs(t, e, w)
					if len(ids) == 0 {
						t.Fatal("the admin's own token is not listed")
					}
					if contains(ids, f.bankTokenID) {
						t.Error("lists the bank's token")
					}
					a := call(t, e, w, request{method: "DELETE", path: "/api/v1/tokens/" + f.bankTokenID})
					if a.status != http.StatusNotFound {
						t.Fatalf("DELETE: status %d, want 404", a.status)
					}
					get(t, e, who{token: f.bankSecret}, "/api/v1/me", http.StatusOK, nil)
				})
			}
		})

		t.Run("the owner's organisation admin lists and revokes it", func(t *testing.T) {
			id, secret := newestToken(t, e, bankAdmin, access.ScopeRead)
			if ids := tokenIDs(t, e, bearer(t, e, bankAdmin)); !contains(ids, id) {
				t.Fatal("the bank admin does not see the bank's token")
			}
			a := call(t, e, bearer(t, e, bankAdmin), request{method: "DELETE", path: "/api/v1/tokens/" + id})
			if a.status != http.StatusNoContent {
				t.Fatalf("status %d, want 204", a.status)
			}
			revoked := call(t, e, who{token: secret}, request{method: "GET", path: "/api/v1/me"})
			if revoked.status != http.StatusUnauthorized {
				t.Fatalf("revoked token: status %d, want 401", revoked.status)
			}
			if got := revoked.header.Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
				t.Errorf("WWW-Authenticate %q", got)
			}
		})
	})
}

// TestSecurityReadToken checks that a token with the read scope changes
// nothing, whatever its owner may do.
func TestSecurityReadToken(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newSecurityFixture(t, e)
		t.Run("a read token cannot change anything", func(t *testing.T) {
			w := bearer(t, e, mxAdmin, access.ScopeRead)
			cases := []request{
				{method: "POST", path: "/api/v1/organizations/" + f.mx + "/constituency", body: map[string]string{"value": "192.0.2.8/32"}},
				{method: "PATCH", path: "/api/v1/organizations/" + f.mx, body: map[string]string{"email": "x@example.org"}},
				{method: "POST", path: "/api/v1/organizations/" + f.mx + "/people", body: map[string]string{"name": "Read Only"}},
				{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "t", "scopes": []string{"read"}}},
				{method: "POST", path: "/api/v1/users", body: map[string]any{"email": "ro@example.org"}},
				{method: "DELETE", path: "/api/v1/organizations/" + f.mx + "/constituency/" + entryID(t, e, f.mx, "AS64496")},
				{method: "GET", path: "/api/v1/tokens"},
				{method: "GET", path: "/api/v1/audit"},
			}
			for _, req := range cases {
				t.Run(req.method+" "+req.path, func(t *testing.T) {
					if a := call(t, e, w, req); a.status != http.StatusForbidden {
						t.Fatalf("status %d, want 403: %s", a.status, a.body)
					}
				})
			}
			values := constituency(t, e, f.mx)
			if contains(values, "192.0.2.8/32") || !contains(values, "AS64496") {
				t.Errorf("the constituency changed: %v", values)
			}
			var o org
			get(t, e, w, "/api/v1/organizations/"+f.mx, http.StatusOK, &o)
			if o.Email == "x@example.org" {
				t.Error("the organisation changed")
			}
		})
	})
}

// TestSecurityCredentials checks that missing and bad credentials are 401
// with the RFC 6750 challenge.
func TestSecurityCredentials(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		t.Run("credentials that do not authenticate", func(t *testing.T) {
			cases := []struct {
				name      string
				w         who
				header    map[string]string
				challenge string
			}{
				{"none", nobody, nil, `Bearer realm="atalaya"`},
				{"unknown token", who{token: "ata_" + strings.Repeat("A", 43)}, nil, `Bearer realm="atalaya", error="invalid_token"`},
				{"malformed token", who{token: "nonsense"}, nil, `Bearer realm="atalaya", error="invalid_token"`},
				{"basic auth", nobody, map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}, `Bearer realm="atalaya", error="invalid_token"`},
				{"forged cookie", nobody, map[string]string{"Cookie": "atalaya_session=" + strings.Repeat("x", 43)}, `Bearer realm="atalaya", error="invalid_token"`},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					a := call(t, e, tc.w, request{method: "GET", path: "/api/v1/organizations", header: tc.header})
					if a.status != http.StatusUnauthorized {
						t.Fatalf("status %d, want 401", a.status)
					}
					if got := a.header.Get("WWW-Authenticate"); got != tc.challenge {
						t.Errorf("WWW-Authenticate %q, want %q", got, tc.challenge)
					}
				})
			}
		})
	})
}

// TestSecurityAudit checks that the audit log shows each reader only what
// the audit page shows.
func TestSecurityAudit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newSecurityFixture(t, e)
		t.Run("audit does not show another organisation's token entries", func(t *testing.T) {
			for _, email := range []string{secAdmin, mxAdmin} {
				t.Run(email, func(t *testing.T) {
					entries := auditEntries(t, e, bearer(t, e, email), "/api/v1/audit?type=api_token&limit=7")
					own := e.Org(t, mxTeam)
					if email == secAdmin {
						own = e.Orgs.Secretariat
					}
					if len(entries) == 0 {
						t.Fatal("not even the reader's own token entries")
					}
					for _, x := range entries {
						if x.OrgID != own {
							t.Errorf("shows %s of organisation %s", x.Action, x.OrgID)
						}
					}
				})
			}
			// The bank's own admin does see them, so the rows above can fail.
			found := false
			for _, x := range auditEntries(t, e, bearer(t, e, bankAdmin), "/api/v1/audit?type=api_token") {
				found = found || x.ObjectID == f.bankTokenID
			}
			if !found {
				t.Error("the bank admin does not see the bank's token entries")
			}
		})

		t.Run("a team admin reads only the own organisation's entries", func(t *testing.T) {
			for _, x := range auditEntries(t, e, f.mxAdmin, "/api/v1/audit?limit=50") {
				if x.OrgID != f.mx {
					t.Fatalf("shows %s about organisation %q", x.Action, x.OrgID)
				}
			}
		})
	})
}

// TestSecurityCrossOrigin checks that a browser's cross-origin change
// riding on the session cookie is refused (web.CrossOrigin, in the app's
// chain), and that a same-origin one passes.
func TestSecurityCrossOrigin(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newSecurityFixture(t, e)
		t.Run("cross-origin changes with a cookie are refused", func(t *testing.T) {
			w := session(t, e, mxAdmin)
			cases := []struct {
				name   string
				header map[string]string
				want   int
			}{
				{"fetch metadata cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
				{"fetch metadata same-site", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
				{"foreign origin", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
				{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusCreated},
			}
			for i, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					value := "192.0.2." + string(rune('1'+i)) + "0/32"
					a := call(t, e, w, request{method: "POST", path: "/api/v1/organizations/" + f.mx + "/constituency",
						body: map[string]string{"value": value}, header: tc.header})
					if a.status != tc.want {
						t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
					}
					if added := contains(constituency(t, e, f.mx), value); added != (tc.want == http.StatusCreated) {
						t.Errorf("added = %v", added)
					}
				})
			}
		})
	})
}

// TestSecurityAccounts checks that the accounts and profile of another
// organisation stay out of a team admin's reach.
func TestSecurityAccounts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newSecurityFixture(t, e)
		t.Run("accounts of another organisation", func(t *testing.T) {
			bankUser := userID(t, e, bearer(t, e, bankAdmin), bankAdmin)
			cases := []struct {
				name string
				w    who
				req  request
				want int
			}{
				{"team admin lists another org's users", f.mxAdmin, request{method: "GET", path: "/api/v1/users?org=" + f.bank}, http.StatusForbidden},
				{"team admin disables another org's user", f.mxAdmin, request{method: "POST", path: "/api/v1/users/" + bankUser + "/disable"}, http.StatusNotFound},
				{"analyst disables anyone", session(t, e, mxAnalyst), request{method: "POST", path: "/api/v1/users/" + bankUser + "/disable"}, http.StatusForbidden},
				{"team admin creates a user in another org", f.mxAdmin, request{method: "POST", path: "/api/v1/users",
					body: map[string]any{"org_id": f.bank, "email": "intruder@example.org", "name": "Intruder",
						"roles": []string{"team_admin"}, "password": "a long enough passphrase 2026"}}, http.StatusForbidden},
				{"team admin edits another org", f.mxAdmin, request{method: "PATCH", path: "/api/v1/organizations/" + f.bank,
					body: map[string]string{"email": "owned@example.org"}}, http.StatusForbidden},
				{"team admin changes the own org's kind", f.mxAdmin, request{method: "PATCH", path: "/api/v1/organizations/" + f.mx,
					body: map[string]string{"kind": "government_csirt"}}, http.StatusForbidden},
				{"team admin nominates a contact", f.mxAdmin, request{method: "POST", path: "/api/v1/member-states/MX/contacts",
					body: map[string]string{"kind": "cybercrime", "person_id": "x"}}, http.StatusForbidden},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					if a := call(t, e, tc.w, tc.req); a.status != tc.want {
						t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
					}
				})
			}
			get(t, e, who{token: f.bankSecret}, "/api/v1/me", http.StatusOK, nil) // the bank admin is still enabled
			var o org
			get(t, e, f.mxAdmin, "/api/v1/organizations/"+f.bank, http.StatusOK, &o)
			if o.Email == "owned@example.org" {
				t.Error("the bank's profile changed")
			}
			get(t, e, f.mxAdmin, "/api/v1/organizations/"+f.mx, http.StatusOK, &o)
			if o.Kind != "national_csirt" {
				t.Errorf("kind changed to %s", o.Kind)
			}
		})
	})
}

// auditEntries follows the audit list from path to its end.
func auditEntries(t *testing.T, e *apptest.Env, w who, path string) []auditEntry {
	t.Helper()
	var out []auditEntry
	for _, body := range walk(t, e, w, path) {
		var l list[auditEntry]
		answer{body: body}.decode(t, &l)
		out = append(out, l.Items...)
	}
	return out
}

// userID returns the id of the account with this e-mail, as w lists it.
func userID(t *testing.T, e *apptest.Env, w who, email string) string {
	t.Helper()
	var l list[struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	}]
	get(t, e, w, "/api/v1/users?q="+email, http.StatusOK, &l)
	for _, u := range l.Items {
		if u.Email == email {
			return u.ID
		}
	}
	t.Fatalf("no account %s", email)
	return ""
}
