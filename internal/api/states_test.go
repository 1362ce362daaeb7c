package api_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app/apptest"
)

type contact struct {
	ID          string `json:"id"`
	Country     string `json:"country"`
	Kind        string `json:"kind"`
	NominatedOn string `json:"nominated_on"`
	EndedOn     string `json:"ended_on"`
	Person      struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"person"`
}

func TestMe(t *testing.T) {
	e := apptest.New(t)
	type me struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Organization org      `json:"organization"`
		Roles        []string `json:"roles"`
		Secretariat  bool     `json:"secretariat"`
		Auth         string   `json:"auth"`
		Scopes       []string `json:"scopes"`
	}
	cases := []struct {
		name        string
		w           who
		email, org  string
		auth        string
		scopes      []string
		secretariat bool
	}{
		{"read token", bearer(t, e, mxAnalyst, access.ScopeRead), mxAnalyst, mxTeam, "token", []string{"read"}, false},
		{"admin token", bearer(t, e, secAdmin), secAdmin, "CICTE", "token", []string{"admin"}, true},
		{"session", session(t, e, bankAdmin), bankAdmin, bankTeam, "session", []string{"read", "write", "admin"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m me
			a := get(t, e, tc.w, "/api/v1/me", http.StatusOK, &m)
			if cc := a.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q: a private answer must not be cached", cc)
			}
			if m.User.Email != tc.email || m.Organization.ShortName != tc.org || m.Auth != tc.auth ||
				!slices.Equal(m.Scopes, tc.scopes) || m.Secretariat != tc.secretariat || len(m.Roles) != 1 {
				t.Errorf("got %+v", m)
			}
		})
	}
}

func TestMemberStates(t *testing.T) {
	e := apptest.New(t)
	w := bearer(t, e, brAnalyst, access.ScopeRead)
	var states list[struct {
		Code string `json:"code"`
	}]
	get(t, e, w, "/api/v1/member-states", http.StatusOK, &states)
	if len(states.Items) != 35 || states.Items[0].Code != "AG" {
		t.Errorf("%d states, first %+v", len(states.Items), states.Items[0])
	}
	cases := []struct {
		name, path string
		want       int
		contacts   []string // person names, in order
	}{
		{"alpha-2", "/api/v1/member-states/MX", http.StatusOK, []string{"Ana Lucía Torres", "María Fernanda Ortiz"}},
		{"alpha-3 in lower case", "/api/v1/member-states/mex", http.StatusOK, []string{"Ana Lucía Torres", "María Fernanda Ortiz"}},
		{"no contacts", "/api/v1/member-states/AG", http.StatusOK, nil},
		{"not a member state", "/api/v1/member-states/FR", http.StatusNotFound, nil},
		{"garbage", "/api/v1/member-states/%00", http.StatusNotFound, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var s struct {
				Code     string    `json:"code"`
				Contacts []contact `json:"contacts"`
			}
			a := get(t, e, w, tc.path, tc.want, nil)
			if tc.want != http.StatusOK {
				a.problem(t)
				return
			}
			a.decode(t, &s)
			if got := names(s.Contacts); !slices.Equal(got, tc.contacts) {
				t.Errorf("contacts %v, want %v", got, tc.contacts)
			}
		})
	}
}

func names(cs []contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Person.Name)
	}
	return out
}

func TestContactLists(t *testing.T) {
	e := apptest.New(t)
	w := bearer(t, e, mxAnalyst, access.ScopeRead)
	cases := []struct {
		name, query string
		want        int
		names       []string
		field       string
	}{
		{"current", "", http.StatusOK, []string{"Ana Lucía Torres", "María Fernanda Ortiz"}, ""},
		{"current of one kind", "?kind=policy", http.StatusOK, []string{"María Fernanda Ortiz"}, ""},
		{"history", "?history=1", http.StatusOK, []string{"Ana Lucía Torres", "María Fernanda Ortiz", "Jorge Ramírez"}, ""},
		{"history of one kind", "?history=true&kind=incident_response", http.StatusOK, []string{"Ana Lucía Torres", "Jorge Ramírez"}, ""},
		{"unknown kind", "?kind=spies", http.StatusUnprocessableEntity, nil, "kind"},
		{"bad history flag", "?history=maybe", http.StatusUnprocessableEntity, nil, "history"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, e, w, "/api/v1/member-states/MX/contacts"+tc.query, tc.want, nil)
			if tc.field != "" {
				if got := a.fields(t); !slices.Equal(got, []string{tc.field}) {
					t.Errorf("fields %v, want %s", got, tc.field)
				}
				return
			}
			var l list[contact]
			a.decode(t, &l)
			if got := names(l.Items); !slices.Equal(got, tc.names) {
				t.Errorf("contacts %v, want %v", got, tc.names)
			}
		})
	}
}

func TestNominateAndEndContact(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		sec := bearer(t, e, secOfficer, access.ScopeWrite)
		var people list[struct {
			ID string `json:"id"`
		}]
		get(t, e, sec, "/api/v1/organizations/"+e.Org(t, crMinistry)+"/people", http.StatusOK, &people)
		laura := people.Items[0].ID
		path := "/api/v1/member-states/CRI/contacts"

		bad := []struct {
			name   string
			body   map[string]string
			fields []string
		}{
			{"missing person", map[string]string{"kind": "cybercrime"}, []string{"person_id"}},
			{"unknown person and kind", map[string]string{"kind": "spies", "person_id": "nobody"}, []string{"kind", "person_id"}},
			{"future date", map[string]string{"kind": "cybercrime", "person_id": laura, "nominated_on": "2999-01-01"}, []string{"nominated_on"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				a := post(t, e, sec, path, tc.body, http.StatusUnprocessableEntity, nil)
				if got := a.fields(t); !slices.Equal(got, tc.fields) {
					t.Errorf("fields %v, want %v", got, tc.fields)
				}
			})
		}
		var cur list[contact]
		get(t, e, sec, path+"?kind=cybercrime", http.StatusOK, &cur)
		if len(cur.Items) != 0 {
			t.Fatalf("a refused nomination was stored: %+v", cur.Items)
		}

		var c contact
		post(t, e, sec, path, map[string]string{"kind": "cybercrime", "person_id": laura, "nominated_on": "2024-02-01"},
			http.StatusCreated, &c)
		if c.Country != "CR" || c.Kind != "cybercrime" || c.Person.ID != laura || c.EndedOn != "" {
			t.Errorf("nominated %+v", c)
		}
		var ended contact
		post(t, e, sec, "/api/v1/contacts/"+c.ID+"/end", nil, http.StatusOK, &ended)
		if today := time.Now().UTC().Format("2006-01-02"); ended.EndedOn != today {
			t.Errorf("ended on %q, want today %s", ended.EndedOn, today)
		}
		a := post(t, e, sec, "/api/v1/contacts/"+c.ID+"/end", map[string]string{"ended_on": "2024-03-01"},
			http.StatusUnprocessableEntity, nil)
		if got := a.fields(t); !slices.Equal(got, []string{"ended_on"}) {
			t.Errorf("ending twice: fields %v", got)
		}
		post(t, e, sec, "/api/v1/contacts/nope/end", nil, http.StatusNotFound, nil)
	})
}
