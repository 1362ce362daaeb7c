package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"atalaya/internal/app/apptest"
)

func TestCreateToken(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		analyst := session(t, e, mxAnalyst)
		bad := []struct {
			name   string
			body   any
			fields []string
		}{
			{"no name, no scopes", map[string]any{"name": "", "scopes": []string{}}, []string{"name", "scopes"}},
			{"unknown scope", map[string]any{"name": "ci", "scopes": []string{"root"}}, []string{"scopes"}},
			{"admin scope for an analyst", map[string]any{"name": "ci", "scopes": []string{"admin"}}, []string{"scopes"}},
			{"negative lifetime", map[string]any{"name": "ci", "scopes": []string{"read"}, "ttl_days": -1}, []string{"ttl_days"}},
			{"lifetime too long", map[string]any{"name": "ci", "scopes": []string{"read"}, "ttl_days": 3651}, []string{"ttl_days"}},
			{"lifetime not a whole number", map[string]any{"name": "ci", "scopes": []string{"read"}, "ttl_days": 1.5}, []string{"ttl_days"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				a := post(t, e, analyst, "/api/v1/tokens", tc.body, http.StatusUnprocessableEntity, nil)
				if got := a.fields(t); !slices.Equal(got, tc.fields) {
					t.Errorf("fields %v, want %v", got, tc.fields)
				}
			})
		}
		if ids := tokenIDs(t, e, analyst); len(ids) != 0 {
			t.Fatalf("refused tokens were stored: %v", ids)
		}

		var nt struct {
			Token struct {
				ID        string    `json:"id"`
				Prefix    string    `json:"prefix"`
				Scopes    []string  `json:"scopes"`
				ExpiresAt time.Time `json:"expires_at"`
			} `json:"token"`
			Secret string `json:"secret"`
		}
		post(t, e, analyst, "/api/v1/tokens", map[string]any{"name": "ci", "scopes": []string{"write"}, "ttl_days": 30},
			http.StatusCreated, &nt)
		if nt.Token.Prefix != nt.Secret[:8] || !slices.Equal(nt.Token.Scopes, []string{"write"}) ||
			nt.Token.ExpiresAt.Sub(time.Now()) < 29*24*time.Hour {
			t.Errorf("created %+v", nt.Token)
		}
		var me struct {
			Auth   string   `json:"auth"`
			Scopes []string `json:"scopes"`
		}
		get(t, e, who{token: nt.Secret}, "/api/v1/me", http.StatusOK, &me)
		if me.Auth != "token" || !slices.Equal(me.Scopes, []string{"write"}) {
			t.Errorf("the new token is %+v", me)
		}
		// A write token may not create tokens: none outgrows the one that made it.
		post(t, e, who{token: nt.Secret}, "/api/v1/tokens", map[string]any{"name": "x", "scopes": []string{"write"}},
			http.StatusForbidden, nil)
		if ids := tokenIDs(t, e, analyst); !slices.Equal(ids, []string{nt.Token.ID}) {
			t.Errorf("tokens %v, want only %s", ids, nt.Token.ID)
		}
		// The analyst's own list never shows the team's other tokens.
		newestToken(t, e, mxAdmin)
		if ids := tokenIDs(t, e, analyst); len(ids) != 1 {
			t.Errorf("the analyst sees %d tokens", len(ids))
		}
	})
}

func TestAuditList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx := e.Org(t, mxTeam)
		w := bearer(t, e, mxAdmin)
		var added struct {
			Entry entry `json:"entry"`
		}
		post(t, e, w, "/api/v1/organizations/"+mx+"/constituency", map[string]string{"value": "AS64510"}, http.StatusCreated, &added)

		var l list[auditEntry]
		get(t, e, w, "/api/v1/audit?type=constituency&action=constituency.add&limit=1", http.StatusOK, &l)
		if len(l.Items) != 1 || l.Items[0].ObjectID != added.Entry.ID || l.Items[0].OrgID != mx {
			t.Fatalf("newest constituency.add: %+v", l.Items)
		}
		if l.NextCursor == "" {
			t.Fatal("no next page, but the demo added the team's constituency too")
		}
		var obj list[auditEntry]
		get(t, e, w, "/api/v1/audit?object="+added.Entry.ID, http.StatusOK, &obj)
		if len(obj.Items) != 1 || obj.Items[0].Seq != l.Items[0].Seq {
			t.Errorf("by object: %+v", obj.Items)
		}

		all := auditEntries(t, e, bearer(t, e, secAdmin), "/api/v1/audit?limit=13")
		for i := 1; i < len(all); i++ {
			if all[i].Seq >= all[i-1].Seq {
				t.Fatalf("entries not newest first at %d: %d then %d", i, all[i-1].Seq, all[i].Seq)
			}
		}
		if len(all) < 50 {
			t.Errorf("the secretariat admin walked only %d entries", len(all))
		}

		for _, cursor := range []string{"abc", "0", "-5"} {
			a := get(t, e, w, "/api/v1/audit?cursor="+cursor, http.StatusUnprocessableEntity, nil)
			if got := a.fields(t); !slices.Equal(got, []string{"cursor"}) {
				t.Errorf("cursor %s: fields %v", cursor, got)
			}
		}
		var oldest list[auditEntry]
		get(t, e, w, "/api/v1/audit?cursor="+strconv.FormatInt(all[len(all)-1].Seq, 10), http.StatusOK, &oldest)
		if len(oldest.Items) != 0 || oldest.NextCursor != "" {
			t.Errorf("before the first entry: %+v", oldest)
		}
		get(t, e, bearer(t, e, secOfficer), "/api/v1/audit", http.StatusForbidden, nil)
	})
}
