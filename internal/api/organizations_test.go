package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

// allOrgIDs returns every organisation's id in one page, as listed.
func allOrgIDs(t *testing.T, e *apptest.Env, w who) []string {
	t.Helper()
	var l list[org]
	get(t, e, w, "/api/v1/organizations?limit=500", http.StatusOK, &l)
	if l.NextCursor != "" {
		t.Fatal("more than 500 demo organisations")
	}
	var ids []string
	for _, o := range l.Items {
		ids = append(ids, o.ID)
	}
	return ids
}

func TestOrganizationPagination(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := bearer(t, e, mxAnalyst, access.ScopeRead)
		all := allOrgIDs(t, e, w)
		if len(all) < 10 {
			t.Fatalf("only %d organisations", len(all))
		}
		for _, limit := range []string{"1", "3", "7"} {
			t.Run("limit "+limit, func(t *testing.T) {
				var seen []string
				pages := walk(t, e, w, "/api/v1/organizations?limit="+limit)
				for i, body := range pages {
					var l list[org]
					answer{body: body}.decode(t, &l)
					if last := i == len(pages)-1; (l.NextCursor == "") != last {
						t.Errorf("page %d: next_cursor %q on the last page = %v", i, l.NextCursor, last)
					}
					for _, o := range l.Items {
						if slices.Contains(seen, o.ID) {
							t.Errorf("%s listed twice", o.ID)
						}
						seen = append(seen, o.ID)
					}
				}
				if !slices.Equal(seen, all) {
					t.Errorf("walked %d organisations, want the %d of one page, in the same order", len(seen), len(all))
				}
			})
		}
	})
}

func TestOrganizationFilters(t *testing.T) {
	e := apptest.New(t)
	w := bearer(t, e, mxAnalyst, access.ScopeRead)
	cases := []struct {
		name, query string
		want        []string // short names, in order; nil with field
		field       string
	}{
		{"by kind", "kind=sector_csirt", []string{"DEMO-MX-BANK", "DEMO-BR-ENERGY"}, ""},
		{"by country", "country=CL", []string{"DEMO-CL-NAT", "DEMO-CL-GOV", "DEMO-CL-DEF"}, ""},
		{"by alpha-3 country and kind", "country=col&kind=police_csirt", []string{"DEMO-CO-POL"}, ""},
		{"by name without accents", "q=eletrico", []string{"DEMO-BR-ENERGY"}, ""},
		{"nothing matches", "q=zzzz", []string{}, ""},
		{"unknown kind", "kind=club", nil, "kind"},
		{"bad country", "country=Mexico", nil, "country"},
		{"zero limit", "limit=0", nil, "limit"},
		{"limit too large", "limit=501", nil, "limit"},
		{"limit not a number", "limit=ten", nil, "limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, e, w, request{method: "GET", path: "/api/v1/organizations?" + tc.query})
			if tc.field != "" {
				if a.status != http.StatusUnprocessableEntity || !slices.Equal(a.fields(t), []string{tc.field}) {
					t.Fatalf("status %d, body %s; want 422 on %s", a.status, a.body, tc.field)
				}
				return
			}
			var l list[org]
			expect(t, a, tc.query, http.StatusOK, &l)
			got := []string{}
			for _, o := range l.Items {
				got = append(got, o.ShortName)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCreateOrganization(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		sec := bearer(t, e, secOfficer, access.ScopeWrite)
		before := len(allOrgIDs(t, e, sec))
		bad := []struct {
			name   string
			w      who
			body   any
			want   int
			fields []string
		}{
			{"team admin", bearer(t, e, mxAdmin), map[string]string{"kind": "donor", "name": "Fund"}, http.StatusForbidden, nil},
			{"missing name, team without country", sec, map[string]string{"kind": "national_csirt"}, http.StatusUnprocessableEntity, []string{"name", "country"}},
			{"bad nested field", sec, map[string]any{"kind": "national_csirt", "name": "X", "country": "HN",
				"team": map[string]string{"email": "nope", "time_zone": "Mars/Olympus"}}, http.StatusUnprocessableEntity, []string{"team.email", "team.time_zone"}},
			{"short name taken", sec, map[string]string{"kind": "donor", "name": "X", "short_name": "demo-uni"}, http.StatusUnprocessableEntity, []string{"short_name"}},
			{"unknown field", sec, map[string]string{"kind": "donor", "name": "X", "budget": "1M"}, http.StatusUnprocessableEntity, []string{"budget"}},
			{"wrong type", sec, map[string]any{"kind": "donor", "name": 42}, http.StatusUnprocessableEntity, []string{"name"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				a := post(t, e, tc.w, "/api/v1/organizations", tc.body, tc.want, nil)
				if got := a.fields(t); !slices.Equal(got, tc.fields) {
					t.Errorf("fields %v, want %v", got, tc.fields)
				}
			})
		}
		if after := len(allOrgIDs(t, e, sec)); after != before {
			t.Fatalf("%d organisations after refused creations, %d before", after, before)
		}

		var created org
		a := post(t, e, sec, "/api/v1/organizations", map[string]any{"kind": "national_csirt", "name": "CSIRT de Honduras (test)",
			"short_name": "HN-TEST", "country": "hnd", "team": map[string]string{"email": "cert@example.hn"}}, http.StatusCreated, &created)
		if created.Country != "HN" || created.Team["email"] != "cert@example.hn" || created.Team["status"] != "active" {
			t.Errorf("created %+v", created)
		}
		var got org
		get(t, e, sec, a.header.Get("Location"), http.StatusOK, &got)
		if got.ID != created.ID || got.ShortName != "HN-TEST" {
			t.Errorf("Location %s gives %+v", a.header.Get("Location"), got)
		}
	})
}

func TestPatchOrganization(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx := e.Org(t, mxTeam)
		path := "/api/v1/organizations/" + mx
		w := bearer(t, e, mxAdmin)
		var before org
		get(t, e, w, path, http.StatusOK, &before)

		var after org
		patch := func(body any, ct string, want int, out any) answer {
			t.Helper()
			return expect(t, callPatch(t, e, w, path, body, ct), "PATCH", want, out)
		}
		patch(map[string]any{"email": "cert@example.gob.mx", "team": map[string]string{"emergency_phone": "+52 55 5555 0000"}},
			"application/merge-patch+json", http.StatusOK, &after)
		if after.Email != "cert@example.gob.mx" || after.Team["emergency_phone"] != "+52 55 5555 0000" {
			t.Errorf("the fields given did not change: %+v", after)
		}
		if after.Name != before.Name || after.Team["phone"] != before.Team["phone"] ||
			after.Team["pgp_fingerprint"] != before.Team["pgp_fingerprint"] || after.Kind != before.Kind {
			t.Errorf("fields left out changed:\nbefore %+v\nafter  %+v", before, after)
		}

		bad := []struct {
			name   string
			body   any
			want   int
			fields []string
		}{
			{"stale updated_at", map[string]string{"name": "Stale", "updated_at": before.UpdatedAt}, http.StatusConflict, nil},
			{"other id", map[string]string{"id": e.Org(t, bankTeam), "name": "Hijack"}, http.StatusUnprocessableEntity, []string{"id"}},
			{"bad nested value", map[string]any{"name": "Renamed", "team": map[string]string{"pgp_key": "-----BEGIN PGP PRIVATE KEY BLOCK-----"}},
				http.StatusUnprocessableEntity, []string{"team.pgp_key"}},
			// encoding/json names an unknown field without its path
			// (web.DecodeJSON passes on what it gets).
			{"unknown nested field", map[string]any{"name": "Renamed", "team": map[string]string{"motto": "x"}},
				http.StatusUnprocessableEntity, []string{"motto"}},
			{"empty name", map[string]string{"name": " "}, http.StatusUnprocessableEntity, []string{"name"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				a := patch(tc.body, "", tc.want, nil)
				if got := a.fields(t); !slices.Equal(got, tc.fields) {
					t.Errorf("fields %v, want %v", got, tc.fields)
				}
				var now org
				get(t, e, w, path, http.StatusOK, &now)
				if now.Name != before.Name || now.UpdatedAt != after.UpdatedAt {
					t.Errorf("refused patch changed the organisation: %+v", now)
				}
			})
		}
		callPatchExpect(t, e, w, "/api/v1/organizations/nope", http.StatusNotFound)
	})
}

func callPatch(t *testing.T, e *apptest.Env, w who, path string, body any, ct string) answer {
	t.Helper()
	return call(t, e, w, request{method: "PATCH", path: path, body: body, contentType: ct})
}

func callPatchExpect(t *testing.T, e *apptest.Env, w who, path string, want int) {
	t.Helper()
	if a := callPatch(t, e, w, path, map[string]string{"name": "x"}, ""); a.status != want {
		t.Errorf("PATCH %s: status %d, want %d", path, a.status, want)
	}
}

func TestPeople(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx := e.Org(t, mxTeam)
		path := "/api/v1/organizations/" + mx + "/people"
		w := bearer(t, e, mxAdmin)
		type person struct {
			Name  string `json:"name"`
			OrgID string `json:"org_id"`
		}
		var l list[person]
		get(t, e, w, path, http.StatusOK, &l)
		if len(l.Items) != 2 || l.Items[0].Name != "Ana Lucía Torres" {
			t.Fatalf("people %+v", l.Items)
		}
		a := post(t, e, w, path, map[string]string{"name": "", "email": "not-mail"}, http.StatusUnprocessableEntity, nil)
		if got := a.fields(t); !slices.Equal(got, []string{"name", "email"}) {
			t.Errorf("fields %v", got)
		}
		post(t, e, w, path, map[string]string{"name": "X", "org_id": e.Org(t, bankTeam)}, http.StatusUnprocessableEntity, nil)
		var p person
		post(t, e, w, path, map[string]string{"name": "Beatriz Núñez", "title": "Analyst", "email": "b.nunez@example.gob.mx"},
			http.StatusCreated, &p)
		if p.OrgID != mx {
			t.Errorf("added to %s", p.OrgID)
		}
		get(t, e, w, path, http.StatusOK, &l)
		if len(l.Items) != 3 {
			t.Errorf("%d people after one refused and one added, want 3", len(l.Items))
		}
		get(t, e, w, "/api/v1/organizations/nope/people", http.StatusNotFound, nil)
		post(t, e, w, "/api/v1/organizations/nope/people", map[string]string{"name": "X"}, http.StatusNotFound, nil)
	})
}

func TestConstituency(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mx, donor := e.Org(t, mxTeam), e.Org(t, "DEMO-DONOR")
		path := "/api/v1/organizations/" + mx + "/constituency"
		w := bearer(t, e, mxAnalyst, access.ScopeWrite)
		before := constituency(t, e, mx)
		if !slices.Equal(before, []string{"198.51.100.0/24", "2001:db8:100::/40", "AS64496", "example.gob.mx"}) {
			t.Fatalf("demo constituency %v", before)
		}
		bad := []struct {
			name, path string
			body       any
			want       int
			field      string
		}{
			{"not canonical", path, map[string]string{"value": "198.51.100.1/24"}, http.StatusUnprocessableEntity, "value"},
			{"not a value", path, map[string]string{"value": "hello world"}, http.StatusUnprocessableEntity, "value"},
			{"already held", path, map[string]string{"value": "as64496"}, http.StatusUnprocessableEntity, "value"},
			{"note too long", path, map[string]string{"value": "AS64511", "note": strings.Repeat("n", 501)}, http.StatusUnprocessableEntity, "note"},
			{"unknown organisation", "/api/v1/organizations/nope/constituency", map[string]string{"value": "AS64511"}, http.StatusNotFound, ""},
			{"another organisation", "/api/v1/organizations/" + donor + "/constituency", map[string]string{"value": "AS64511"}, http.StatusForbidden, ""},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				a := post(t, e, w, tc.path, tc.body, tc.want, nil)
				if tc.field != "" && !slices.Equal(a.fields(t), []string{tc.field}) {
					t.Errorf("fields %v, want %s", a.fields(t), tc.field)
				}
			})
		}
		if now := constituency(t, e, mx); !slices.Equal(now, before) {
			t.Fatalf("refused additions changed the constituency: %v", now)
		}

		var added struct {
			Entry    entry `json:"entry"`
			Overlaps []struct {
				OtherOrg struct {
					ShortName string `json:"short_name"`
				} `json:"other_org"`
				Relation string `json:"relation"`
			} `json:"overlaps"`
		}
		post(t, e, w, path, map[string]string{"value": "198.51.100.192/26", "note": "new office"}, http.StatusCreated, &added)
		if added.Entry.Value != "198.51.100.192/26" || len(added.Overlaps) != 1 ||
			added.Overlaps[0].OtherOrg.ShortName != bankTeam || added.Overlaps[0].Relation != "within" {
			t.Errorf("added %+v", added)
		}
		a := call(t, e, w, request{method: "DELETE", path: path + "/" + added.Entry.ID})
		if a.status != http.StatusNoContent || len(a.body) != 0 {
			t.Fatalf("DELETE: status %d, body %q", a.status, a.body)
		}
		if now := constituency(t, e, mx); !slices.Equal(now, before) {
			t.Errorf("after add and remove: %v", now)
		}
		if a := call(t, e, w, request{method: "DELETE", path: path + "/" + added.Entry.ID}); a.status != http.StatusNotFound {
			t.Errorf("DELETE twice: status %d", a.status)
		}
	})
}

func TestOverlaps(t *testing.T) {
	e := apptest.New(t)
	w := bearer(t, e, mxAnalyst, access.ScopeRead)
	var l list[struct {
		Entry    entry  `json:"entry"`
		Other    entry  `json:"other"`
		Relation string `json:"relation"`
	}]
	get(t, e, w, "/api/v1/organizations/"+e.Org(t, mxTeam)+"/overlaps", http.StatusOK, &l)
	found := false
	for _, o := range l.Items {
		found = found || (o.Entry.Value == "198.51.100.0/24" && o.Other.Value == "198.51.100.128/25" &&
			o.Other.OrgID == e.Org(t, bankTeam) && o.Relation == "contains")
	}
	if !found {
		t.Errorf("the demo's overlap with the bank is missing: %+v", l.Items)
	}
	get(t, e, w, "/api/v1/organizations/"+url.PathEscape("no such")+"/overlaps", http.StatusNotFound, nil)
	var none list[entry]
	get(t, e, w, "/api/v1/organizations/"+e.Org(t, "DEMO-DONOR")+"/overlaps", http.StatusOK, &none)
	if len(none.Items) != 0 {
		t.Errorf("a donor has overlaps: %+v", none.Items)
	}
}
