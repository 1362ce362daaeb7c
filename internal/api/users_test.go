package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

type user struct {
	ID       string   `json:"id"`
	OrgID    string   `json:"org_id"`
	Email    string   `json:"email"`
	Roles    []string `json:"roles"`
	Disabled bool     `json:"disabled"`
}

func TestListUsers(t *testing.T) {
	e := apptest.New(t)
	mx := e.Org(t, mxTeam)
	cases := []struct {
		name, query string
		w           who
		emails      []string // sorted; nil with want != 200
		want        int
	}{
		{"team admin: own organisation by default", "", bearer(t, e, mxAdmin), []string{mxAdmin, mxAnalyst}, http.StatusOK},
		{"team admin: own organisation named", "?org=" + mx + "&q=ANALYST", bearer(t, e, mxAdmin), []string{mxAnalyst}, http.StatusOK},
		{"secretariat admin: one organisation", "?org=" + mx, bearer(t, e, secAdmin), []string{mxAdmin, mxAnalyst}, http.StatusOK},
		{"analyst", "", bearer(t, e, mxAnalyst, access.ScopeWrite), nil, http.StatusForbidden},
		{"write token of an admin", "", bearer(t, e, mxAdmin, access.ScopeWrite), nil, http.StatusForbidden},
		{"bad limit", "?limit=-1", bearer(t, e, mxAdmin), nil, http.StatusUnprocessableEntity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var l list[user]
			a := get(t, e, tc.w, "/api/v1/users"+tc.query, tc.want, nil)
			if tc.want != http.StatusOK {
				a.problem(t)
				return
			}
			a.decode(t, &l)
			var got []string
			for _, u := range l.Items {
				got = append(got, u.Email)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.emails) {
				t.Errorf("got %v, want %v", got, tc.emails)
			}
		})
	}

	t.Run("secretariat admin walks every account", func(t *testing.T) {
		var seen []string
		for _, body := range walk(t, e, bearer(t, e, secAdmin), "/api/v1/users?limit=2") {
			var l list[user]
			answer{body: body}.decode(t, &l)
			for _, u := range l.Items {
				if slices.Contains(seen, u.ID) {
					t.Errorf("%s listed twice", u.Email)
				}
				seen = append(seen, u.ID)
			}
		}
		if len(seen) != 9 {
			t.Errorf("walked %d accounts, want the 9 demo accounts", len(seen))
		}
	})
}

func TestCreateUser(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := bearer(t, e, mxAdmin)
		good := map[string]any{"email": "nuevo@csirt-mx.example", "name": "Nuevo Analista",
			"roles": []string{"analyst"}, "password": "correct horse battery staple 2026", "language": "es"}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for x, y := range good {
				m[x] = y
			}
			m[k] = v
			return m
		}
		bad := []struct {
			name   string
			body   any
			fields []string
		}{
			{"e-mail taken", with("email", mxAnalyst), []string{"email"}},
			{"not an e-mail", with("email", "nuevo"), []string{"email"}},
			{"short password", with("password", "short"), []string{"password"}},
			{"secretariat role in a team", with("roles", []string{"secretariat_admin"}), []string{"roles"}},
			{"unknown role", with("roles", []string{"king"}), []string{"roles"}},
			{"unknown language", with("language", "de"), []string{"language"}},
			{"roles not a list", with("roles", "analyst"), []string{"roles"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				a := post(t, e, w, "/api/v1/users", tc.body, http.StatusUnprocessableEntity, nil)
				if got := a.fields(t); !slices.Equal(got, tc.fields) {
					t.Errorf("fields %v, want %v", got, tc.fields)
				}
			})
		}
		var l list[user]
		get(t, e, w, "/api/v1/users", http.StatusOK, &l)
		if len(l.Items) != 2 {
			t.Fatalf("%d accounts after refused creations, want 2", len(l.Items))
		}
		var u user
		post(t, e, w, "/api/v1/users", good, http.StatusCreated, &u)
		if u.OrgID != e.Org(t, mxTeam) || !slices.Equal(u.Roles, []string{"analyst"}) || u.Disabled {
			t.Errorf("created %+v", u)
		}
		if strings.Contains(string(call(t, e, w, request{method: "GET", path: "/api/v1/users"}).body), "password") {
			t.Error("a password field reaches the client")
		}
	})
}

func TestDisableAndEnableUser(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := bearer(t, e, mxAdmin)
		analystToken := bearer(t, e, mxAnalyst, access.ScopeRead)
		analyst := userID(t, e, admin, mxAnalyst)
		self := userID(t, e, admin, mxAdmin)

		var u user
		post(t, e, admin, "/api/v1/users/"+analyst+"/disable", nil, http.StatusOK, &u)
		if !u.Disabled {
			t.Error("not disabled")
		}
		if a := call(t, e, analystToken, request{method: "GET", path: "/api/v1/me"}); a.status != http.StatusUnauthorized {
			t.Errorf("a disabled account's token: status %d, want 401", a.status)
		}
		post(t, e, admin, "/api/v1/users/"+analyst+"/disable", nil, http.StatusOK, &u) // twice changes nothing
		post(t, e, admin, "/api/v1/users/"+analyst+"/enable", nil, http.StatusOK, &u)
		if u.Disabled {
			t.Error("not enabled")
		}
		get(t, e, analystToken, "/api/v1/me", http.StatusOK, nil)

		a := post(t, e, admin, "/api/v1/users/"+self+"/disable", nil, http.StatusUnprocessableEntity, nil)
		if got := a.fields(t); !slices.Equal(got, []string{"disabled"}) {
			t.Errorf("disabling oneself: fields %v", got)
		}
		get(t, e, admin, "/api/v1/me", http.StatusOK, nil)
		post(t, e, admin, "/api/v1/users/nobody/enable", nil, http.StatusNotFound, nil)
	})
}
