package auth

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

func TestCreateToken(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		analyst := f.userActor(orgA, "analyst@example.org", access.Analyst)
		admin := f.userActor(orgA, "admin@example.org", access.TeamAdmin)
		read := []access.Scope{access.ScopeRead}
		cases := []struct {
			name        string
			actor       access.Actor
			tokenName   string
			scopes      []access.Scope
			ttl         time.Duration
			field, code string
		}{
			{"no name", analyst, " ", read, 0, "name", "auth.name.required"},
			{"no scope", analyst, "ci", nil, 0, "scopes", "auth.scopes.required"},
			{"unknown scope", analyst, "ci", []access.Scope{"root"}, 0, "scopes", "auth.scopes.unknown"},
			{"admin scope for an analyst", analyst, "ci", []access.Scope{access.ScopeAdmin}, 0, "scopes", "auth.scopes.admin_not_allowed"},
			{"negative lifetime", admin, "ci", read, -time.Hour, "ttl", "auth.ttl.negative"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, secret, err := f.auth.CreateToken(f.ctx, tc.actor, tc.tokenName, tc.scopes, tc.ttl)
				wantField(t, err, tc.field, tc.code)
				if secret != "" || f.count("api_tokens") != 0 {
					t.Errorf("a refused token was created")
				}
			})
		}
		t.Run("anonymous", func(t *testing.T) {
			_, _, err := f.auth.CreateToken(f.ctx, access.Anonymous, "ci", read, 0)
			wantErr(t, err, access.ErrDenied)
		})
		t.Run("through a read token", func(t *testing.T) {
			_, secret, err := f.auth.CreateToken(f.ctx, admin, "reader", read, 0)
			if err != nil {
				t.Fatal(err)
			}
			viaToken, _, err := f.auth.ActorForToken(f.ctx, secret, "")
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = f.auth.CreateToken(f.ctx, viaToken, "child", read, 0)
			wantErr(t, err, access.ErrDenied)
			_, err = f.auth.ListTokens(f.ctx, viaToken, Filter{})
			wantErr(t, err, access.ErrDenied)
		})
		t.Run("admin scope for an admin, through an admin token", func(t *testing.T) {
			_, secret, err := f.auth.CreateToken(f.ctx, admin, "root", []access.Scope{access.ScopeAdmin}, 0)
			if err != nil {
				t.Fatal(err)
			}
			viaToken, _, _ := f.auth.ActorForToken(f.ctx, secret, "")
			if _, _, err := f.auth.CreateToken(f.ctx, viaToken, "child", []access.Scope{access.ScopeAdmin}, 0); err != nil {
				t.Errorf("admin token creating an admin token: %v", err)
			}
		})
	})
}

func TestTokenLifecycle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		analyst := f.userActor(orgA, "analyst@example.org", access.Analyst)
		tok, secret, err := f.auth.CreateToken(f.ctx, analyst, "  nightly export ",
			[]access.Scope{access.ScopeWrite, access.ScopeRead, access.ScopeWrite}, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(secret) != 47 || !strings.HasPrefix(secret, "ata_") || tok.Prefix != secret[:8] {
			t.Errorf("secret %q prefix %q: want ata_ and 43 characters, prefix its first 8", secret, tok.Prefix)
		}
		if f.count("api_tokens WHERE hash = '"+secret+"'") != 0 || f.count("api_tokens WHERE hash = '"+hashSecret(secret)+"'") != 1 {
			t.Errorf("the secret is not stored as its hash only")
		}

		list, err := f.auth.ListTokens(f.ctx, analyst, Filter{})
		raw, _ := json.Marshal(list)
		if err != nil || len(list) != 1 || strings.Contains(string(raw), secret[8:16]) {
			t.Fatalf("list %s, %v: want one token without its secret", raw, err)
		}
		got := list[0]
		if got.Name != "nightly export" || got.Prefix != tok.Prefix || joinList(got.Scopes) != "read,write" ||
			got.UserEmail != "analyst@example.org" || !got.ExpiresAt.Equal(f.now.Add(24*time.Hour)) || !got.LastUsedAt.IsZero() {
			t.Errorf("listed %+v", got)
		}

		actor, user, err := f.auth.ActorForToken(f.ctx, secret, "198.51.100.4")
		want := access.Actor{UserID: analyst.UserID, Name: "analyst@example.org", OrgID: orgA, Addr: "198.51.100.4",
			Roles: []access.Role{access.Analyst}, Scopes: []access.Scope{access.ScopeRead, access.ScopeWrite}}
		if err != nil || fmt.Sprint(actor) != fmt.Sprint(want) || user.ID != analyst.UserID {
			t.Errorf("ActorForToken = %+v, %v; want %+v", actor, err, want)
		}
		if !access.Can(actor, access.EditConstituency, access.Target{OrgID: orgA}) ||
			access.Can(actor, access.ViewTokens, access.Target{OrgID: orgA, OwnerID: analyst.UserID}) {
			t.Errorf("a write token must write and not manage tokens")
		}

		const q = `SELECT last_used_at FROM api_tokens WHERE id = $1`
		if used := storedTime(t, f, q, tok.ID); !used.Equal(f.now) {
			t.Errorf("last_used_at %v, want %v", used, f.now)
		}
		first := f.now
		f.advance(30 * time.Second)
		_, _, _ = f.auth.ActorForToken(f.ctx, secret, "")
		if used := storedTime(t, f, q, tok.ID); !used.Equal(first) {
			t.Errorf("last_used_at %v written again within a minute", used)
		}

		for _, bad := range []string{"", secret[:46], secret + "x", "ata_" + strings.Repeat("A", 43), "xyz_" + secret[4:]} {
			_, _, err := f.auth.ActorForToken(f.ctx, bad, "")
			wantErr(t, err, ErrUnauthenticated)
		}
		f.advance(24 * time.Hour)
		_, _, err = f.auth.ActorForToken(f.ctx, secret, "")
		wantErr(t, err, ErrUnauthenticated)

		_, forever, _ := f.auth.CreateToken(f.ctx, analyst, "forever", []access.Scope{access.ScopeRead}, 0)
		f.advance(3 * 365 * 24 * time.Hour)
		if _, _, err := f.auth.ActorForToken(f.ctx, forever, ""); err != nil {
			t.Errorf("token without lifetime after three years: %v", err)
		}
	})
}

// TestTokensStayInTheirOrganisation checks who may list and revoke whose
// tokens: the owner, an admin of the same organisation, and nobody else,
// not even the secretariat.
func TestTokensStayInTheirOrganisation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		adminA := f.userActor(orgA, "admin-a@example.org", access.TeamAdmin)
		analystA := f.userActor(orgA, "analyst-a@example.org", access.Analyst)
		colleagueA := f.userActor(orgA, "colleague-a@example.org", access.Analyst)
		analystB := f.userActor(orgB, "analyst-b@example.org", access.Analyst)
		secAdmin := f.userActor(orgSec, "sec@example.org", access.SecretariatAdmin)
		tokens, secrets := map[string]Token{}, map[string]string{}
		for _, o := range []struct {
			name  string
			owner access.Actor
		}{{"a1", analystA}, {"a2", colleagueA}, {"b1", analystB}, {"s1", secAdmin}} {
			name := o.name
			tok, secret, err := f.auth.CreateToken(f.ctx, o.owner, name, []access.Scope{access.ScopeRead}, 0)
			if err != nil {
				t.Fatal(err)
			}
			tokens[name], secrets[name] = tok, secret
		}
		lists := []struct {
			name  string
			actor access.Actor
			f     Filter
			want  string
		}{
			{"owner", analystA, Filter{}, "a1"},
			{"team admin, own organisation", adminA, Filter{}, "a1,a2"},
			{"team admin, one person", adminA, Filter{UserID: colleagueA.UserID}, "a2"},
			{"team admin asking for another organisation", adminA, Filter{OrgID: orgB}, ""},
			{"team admin asking for another organisation's person", adminA, Filter{UserID: analystB.UserID}, ""},
			{"secretariat admin", secAdmin, Filter{}, "s1"},
			{"secretariat admin asking for a team", secAdmin, Filter{OrgID: orgB}, ""},
			{"command line", SystemActor(), Filter{}, ""},
		}
		for _, tc := range lists {
			t.Run("list/"+tc.name, func(t *testing.T) {
				list, err := f.auth.ListTokens(f.ctx, tc.actor, tc.f)
				var got []string
				for _, tok := range list {
					got = append(got, tok.Name)
				}
				slices.Sort(got) // IDs made in the same millisecond are in random order
				if err != nil || strings.Join(got, ",") != tc.want {
					t.Errorf("listed %v, %v; want %q", got, err, tc.want)
				}
			})
		}
		revokes := []struct {
			name  string
			actor access.Actor
			token string
			want  error
		}{
			{"team admin, another organisation", adminA, "b1", store.ErrNotFound},
			{"secretariat admin, a team", secAdmin, "b1", store.ErrNotFound},
			{"analyst, a colleague", analystA, "a2", access.ErrDenied},
			{"unknown token", adminA, "nope", store.ErrNotFound},
			{"owner", analystA, "a1", nil},
			{"owner again", analystA, "a1", nil},
			{"team admin, own organisation", adminA, "a2", nil},
		}
		for _, tc := range revokes {
			t.Run("revoke/"+tc.name, func(t *testing.T) {
				id := tc.token
				if tok, ok := tokens[tc.token]; ok {
					id = tok.ID
				}
				wantErr(t, f.auth.RevokeToken(f.ctx, tc.actor, id), tc.want)
			})
		}
		for name, want := range map[string]error{"a1": ErrUnauthenticated, "a2": ErrUnauthenticated, "b1": nil, "s1": nil} {
			_, _, err := f.auth.ActorForToken(f.ctx, secrets[name], "")
			if want == nil && err != nil || want != nil && err != want {
				t.Errorf("token %s after the revocations: %v, want %v", name, err, want)
			}
		}
		list, _ := f.auth.ListTokens(f.ctx, adminA, Filter{})
		for _, tok := range list {
			if tok.RevokedAt.IsZero() || tok.Usable(f.now) {
				t.Errorf("token %s not revoked", tok.Name)
			}
		}
		if n := f.count("audit_log WHERE action = 'token.revoke'"); n != 2 {
			t.Errorf("%d token.revoke entries, want 2 (revoking twice changes nothing)", n)
		}
	})
}
