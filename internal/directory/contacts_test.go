package directory_test

import (
	"errors"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/directory"
	"atalaya/internal/store"
)

func mustPerson(t *testing.T, d *directory.Directory, orgID, name string) directory.Person {
	t.Helper()
	p, err := d.AddPerson(ctx, secAdmin, directory.Person{OrgID: orgID, Name: name, Email: strings.ToLower(name) + "@example.gob.mx"})
	if err != nil {
		t.Fatalf("adding %s: %v", name, err)
	}
	return p
}

func mustNominate(t *testing.T, d *directory.Directory, n directory.Nomination) directory.Contact {
	t.Helper()
	c, err := d.NominateContact(ctx, secAdmin, n)
	if err != nil {
		t.Fatalf("nominating %+v: %v", n, err)
	}
	return c
}

// summary shows contacts as "kind:name:from..to" for comparisons.
func summary(cs []directory.Contact) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, string(c.Kind)+":"+c.Person.Name+":"+c.NominatedOn+".."+c.EndedOn)
	}
	return strings.Join(parts, " ")
}

func TestContactsCurrentAndHistory(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		team := newTeam(t, d, "DEMO-MX", "MX")
		ana, jorge, maria := mustPerson(t, d, team.ID, "Ana"), mustPerson(t, d, team.ID, "Jorge"), mustPerson(t, d, team.ID, "Maria")
		mustNominate(t, d, directory.Nomination{Country: "MX", Kind: directory.IncidentResponse, PersonID: jorge.ID, NominatedOn: "2018-02-01"})
		mustNominate(t, d, directory.Nomination{Country: "mex", Kind: directory.Policy, PersonID: maria.ID, NominatedOn: "2019-03-15"})
		got := mustNominate(t, d, directory.Nomination{Country: "MX", Kind: directory.IncidentResponse, PersonID: ana.ID,
			NominatedOn: "2022-07-01", Note: "Replaces Jorge"})
		if got.Person.Name != "Ana" || got.OrgShortName != "DEMO-MX" || !got.Current() || got.Note != "Replaces Jorge" {
			t.Errorf("nomination returned %+v", got)
		}
		viewer := member(team.ID, access.Observer)

		cur, err := d.CurrentContacts(ctx, viewer, "MX")
		if want := "incident_response:Ana:2022-07-01.. policy:Maria:2019-03-15.."; err != nil || summary(cur) != want {
			t.Errorf("current = %s, %v; want %s", summary(cur), err, want)
		}
		hist, err := d.ContactHistory(ctx, viewer, "MX", directory.IncidentResponse)
		if want := "incident_response:Ana:2022-07-01.. incident_response:Jorge:2018-02-01..2022-07-01"; err != nil || summary(hist) != want {
			t.Errorf("history = %s, %v; want %s", summary(hist), err, want)
		}

		ended, err := d.EndContact(ctx, secAdmin, got.ID, "2023-01-31")
		if err != nil || ended.EndedOn != "2023-01-31" || ended.Current() {
			t.Fatalf("EndContact = %+v, %v", ended, err)
		}
		cur, _ = d.CurrentContacts(ctx, viewer, "MX")
		if want := "policy:Maria:2019-03-15.."; summary(cur) != want {
			t.Errorf("current after ending = %s, want %s", summary(cur), want)
		}
		all, _ := d.ContactHistory(ctx, viewer, "MX", "")
		if len(all) != 3 {
			t.Errorf("history of every kind has %d contacts, want 3", len(all))
		}
		if others, _ := d.CurrentContacts(ctx, viewer, "CR"); len(others) != 0 {
			t.Errorf("Costa Rica has contacts: %s", summary(others))
		}
		if every, _ := d.CurrentContacts(ctx, viewer, ""); len(every) != 1 {
			t.Errorf("current contacts of every state: %s", summary(every))
		}
		// The team, three people, two nominations, a nomination that ends
		// the previous contact (two entries), and the end.
		if n := auditOK(t, db); n != 1+3+2+2+1 {
			t.Errorf("%d audit entries, want 9", n)
		}
	})
}

func TestNominateContactRefusals(t *testing.T) {
	cases := []struct {
		name  string
		n     func(current, other string) directory.Nomination
		field string
		code  string
	}{
		{"not a member state", func(_, o string) directory.Nomination {
			return directory.Nomination{Country: "ES", Kind: directory.Policy, PersonID: o}
		}, "country", "directory.country_member"},
		{"no country", func(_, o string) directory.Nomination {
			return directory.Nomination{Kind: directory.Policy, PersonID: o}
		}, "country", "directory.required"},
		{"unknown kind", func(_, o string) directory.Nomination {
			return directory.Nomination{Country: "MX", Kind: "press", PersonID: o}
		}, "kind", "contact.kind"},
		{"unknown person", func(_, _ string) directory.Nomination {
			return directory.Nomination{Country: "MX", Kind: directory.Policy, PersonID: "nobody"}
		}, "person_id", "contact.person_unknown"},
		{"bad date", func(_, o string) directory.Nomination {
			return directory.Nomination{Country: "MX", Kind: directory.Policy, PersonID: o, NominatedOn: "2020-13-01"}
		}, "nominated_on", "directory.date"},
		{"future date", func(_, o string) directory.Nomination {
			return directory.Nomination{Country: "MX", Kind: directory.Policy, PersonID: o, NominatedOn: "2999-01-01"}
		}, "nominated_on", "directory.date_future"},
		{"before the current contact", func(_, o string) directory.Nomination {
			return directory.Nomination{Country: "MX", Kind: directory.IncidentResponse, PersonID: o, NominatedOn: "2019-12-31"}
		}, "nominated_on", "contact.before_current"},
		{"already the current contact", func(c, _ string) directory.Nomination {
			return directory.Nomination{Country: "MX", Kind: directory.IncidentResponse, PersonID: c}
		}, "person_id", "contact.already_current"},
		{"note too long", func(_, o string) directory.Nomination {
			return directory.Nomination{Country: "MX", Kind: directory.Policy, PersonID: o, Note: strings.Repeat("x", 1001)}
		}, "note", "directory.too_long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
				team := newTeam(t, d, "DEMO-MX", "MX")
				cur, other := mustPerson(t, d, team.ID, "Ana"), mustPerson(t, d, team.ID, "Jorge")
				mustNominate(t, d, directory.Nomination{Country: "MX", Kind: directory.IncidentResponse, PersonID: cur.ID, NominatedOn: "2020-01-01"})
				rows, entries := count(t, db, "contacts"), auditOK(t, db)

				_, err := d.NominateContact(ctx, secAdmin, tc.n(cur.ID, other.ID))
				wantCode(t, err, tc.field, tc.code)
				if count(t, db, "contacts") != rows || auditOK(t, db) != entries {
					t.Error("a refused nomination changed the database")
				}
				now, _ := d.CurrentContacts(ctx, secAdmin, "MX")
				if summary(now) != "incident_response:Ana:2020-01-01.." {
					t.Errorf("current contacts became %s", summary(now))
				}
			})
		})
	}
}

func TestEndContactRefusals(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		team := newTeam(t, d, "DEMO-MX", "MX")
		p := mustPerson(t, d, team.ID, "Ana")
		c := mustNominate(t, d, directory.Nomination{Country: "MX", Kind: directory.Policy, PersonID: p.ID, NominatedOn: "2020-01-01"})
		cases := []struct{ name, on, field, code string }{
			{"before the nomination", "2019-12-31", "ended_on", "contact.end_before_start"},
			{"not a date", "yesterday", "ended_on", "directory.date"},
			{"in the future", "2999-01-01", "ended_on", "directory.date_future"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := d.EndContact(ctx, secAdmin, c.ID, tc.on)
				wantCode(t, err, tc.field, tc.code)
			})
		}
		if _, err := d.EndContact(ctx, secAdmin, c.ID, ""); err != nil {
			t.Fatalf("ending today: %v", err)
		}
		_, err := d.EndContact(ctx, secAdmin, c.ID, "")
		wantCode(t, err, "ended_on", "contact.already_ended")
		if _, err := d.EndContact(ctx, secAdmin, "missing", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ending a missing contact: %v", err)
		}
	})
}

func TestContactsAccess(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		team := newTeam(t, d, "DEMO-MX", "MX")
		p := mustPerson(t, d, team.ID, "Ana")
		n := directory.Nomination{Country: "MX", Kind: directory.Policy, PersonID: p.ID}
		for _, a := range []access.Actor{member(team.ID, access.TeamAdmin), member(team.ID, access.GovernmentContact), access.Anonymous} {
			_, err := d.NominateContact(ctx, a, n)
			wantDenied(t, err)
		}
		if count(t, db, "contacts") != 0 {
			t.Fatal("a denied nomination was stored")
		}
		c, err := d.NominateContact(ctx, secOfficer, n)
		if err != nil {
			t.Fatalf("secretariat officer nominating: %v", err)
		}
		_, err = d.EndContact(ctx, member(team.ID, access.TeamAdmin), c.ID, "")
		wantDenied(t, err)
		_, err = d.CurrentContacts(ctx, access.Anonymous, "MX")
		wantDenied(t, err)
	})
}

func TestPeople(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, d *directory.Directory) {
		a, b := newTeam(t, d, "DEMO-A", "MX"), newTeam(t, d, "DEMO-B", "CR")
		admin := member(a.ID, access.TeamAdmin)
		p, err := d.AddPerson(ctx, admin, directory.Person{OrgID: a.ID, Name: " Ana Torres ", Title: "Head", Email: "ana@example.gob.mx"})
		if err != nil || p.Name != "Ana Torres" {
			t.Fatalf("team admin adding a person to the own team: %+v, %v", p, err)
		}
		_, err = d.AddPerson(ctx, admin, directory.Person{OrgID: b.ID, Name: "Intruder"})
		wantDenied(t, err)
		_, err = d.AddPerson(ctx, secAdmin, directory.Person{OrgID: "missing", Name: "X", Email: "bad"})
		if es := fieldsOf(err); es != "email org_id" {
			t.Errorf("adding to a missing organization with a bad e-mail: fields %q (%v)", es, err)
		}
		p.Title, p.Phone = "Director", "+52 55 5555 0101"
		if _, err := d.UpdatePerson(ctx, admin, p); err != nil {
			t.Fatalf("UpdatePerson: %v", err)
		}
		moved := p
		moved.OrgID = b.ID
		_, err = d.UpdatePerson(ctx, secAdmin, moved)
		wantCode(t, err, "org_id", "person.org_fixed")
		_, err = d.UpdatePerson(ctx, member(b.ID, access.TeamAdmin), p)
		wantDenied(t, err)
		people, err := d.People(ctx, member(b.ID, access.Observer), a.ID)
		if err != nil || len(people) != 1 || people[0].Title != "Director" || people[0].OrgID != a.ID {
			t.Errorf("People = %+v, %v", people, err)
		}
		if acts := auditActions(t, db, p.ID); strings.Join(acts, " ") != "person.add person.update" {
			t.Errorf("audit actions %v", acts)
		}
	})
}
