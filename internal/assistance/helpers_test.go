package assistance

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/directory"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

var ctx = context.Background()

func sets() []store.Migrations {
	return []store.Migrations{audit.Migrations(), directory.Migrations(), Migrations()}
}

// clock is the service's clock in tests: it stands still until moved.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

// start is when every test begins: 1 March 2027, 10:00 UTC.
var start = time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)

// The actors of the tests.
var (
	sec = access.Actor{UserID: "u-sec", Name: "officer@sec.example", OrgID: "org-sec", Secretariat: true,
		Roles: []access.Role{access.SecretariatOfficer}}
	mxGov = access.Actor{UserID: "u-mx-gov", Name: "contact@gob.mx", OrgID: "org-mx-min", Country: "MX",
		Roles: []access.Role{access.GovernmentContact}}
	crGov = access.Actor{UserID: "u-cr-gov", Name: "contact@gob.cr", OrgID: "org-cr-min", Country: "CR",
		Roles: []access.Role{access.GovernmentContact}}
	mxAnalyst = access.Actor{UserID: "u-mx-an", Name: "analyst@cert.mx", OrgID: "org-mx-cert", Country: "MX",
		Roles: []access.Role{access.Analyst}}
	expertUser = access.Actor{UserID: "u-expert", Name: "expert@uni.example", OrgID: "org-uni",
		Roles: []access.Role{access.Expert}}
)

// fx is a service over a fresh store with a clock the test moves.
type fx struct {
	s     *Service
	db    *store.DB
	clock *clock
	n     int // experts made so far, for unique names
}

// each runs fn on both engines with a fresh service.
func each(t *testing.T, fn func(t *testing.T, f *fx)) {
	t.Helper()
	storetest.Each(t, sets(), func(t *testing.T, db *store.DB) {
		c := &clock{t: start}
		fn(t, &fx{s: New(db, Options{Now: c.now}), db: db, clock: c})
	})
}

// form returns a complete form for country.
func form(country string) Form {
	return Form{
		Country: country,
		Institution: Institution{Name: "Agencia Digital " + country, Department: "Ciberseguridad",
			ContactPerson: "Ana Pérez", Email: "ana@gob.example", Phone: "+52 55 5555 0100"},
		Need: "Queremos modernizar el CSIRT nacional.",
		Support: []Support{{Kind: CSIRTDevelopment, Priority: 1, Details: "procesos"},
			{Kind: Training, Priority: 2, Details: "forense"}},
		Topics:    []Topic{IncidentResponse, Forensics},
		Partners:  []Partner{{Sector: Academia, Name: "UNAM", Engaged: true}},
		Timeframe: "2027-Q2/2027-Q4",
	}
}

// draft opens a complete draft of country, filed by a.
func (f *fx) draft(t *testing.T, a access.Actor, country string) Request {
	t.Helper()
	r, err := f.s.CreateDraft(ctx, a, form(country))
	if err != nil {
		t.Fatalf("CreateDraft(%s): %v", country, err)
	}
	return r
}

func (f *fx) get(t *testing.T, id string) Request {
	t.Helper()
	r, err := f.s.Get(ctx, sec, id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return r
}

func (f *fx) details(t *testing.T, id string) Details {
	t.Helper()
	d, err := f.s.Details(ctx, sec, id)
	if err != nil {
		t.Fatalf("Details(%s): %v", id, err)
	}
	return d
}

// move asks the secretariat for a move that must succeed.
func (f *fx) move(t *testing.T, id string, to State, reason string) Request {
	t.Helper()
	r := f.get(t, id)
	out, err := f.s.Move(ctx, sec, id, r.Version, to, reason)
	if err != nil {
		t.Fatalf("Move(%s: %s -> %s): %v", r.Number, r.State, to, err)
	}
	return out
}

// ready records what the forward move from the request's state needs:
// staff and work plan, an analysis and an activity, a delivery, the
// evaluation.
func (f *fx) ready(t *testing.T, id string) {
	t.Helper()
	r := f.get(t, id)
	switch r.State {
	case UnderConsideration:
		_, err := f.s.SetConsideration(ctx, sec, id, r.Version, Consideration{Staff: []string{"u-sec"},
			WorkPlan: "Two missions and a course.", Budget: Money{Amount: 5_000_000, Currency: "USD"}})
		must(t, "SetConsideration", err)
	case Design:
		_, err := f.s.SaveAnalysis(ctx, sec, id, Analysis{Kind: SiteVisit, Title: "Visita", Date: "2027-03-10",
			Participants: map[Sector]int{Government: 5}})
		must(t, "SaveAnalysis", err)
		_, err = f.s.SaveActivity(ctx, sec, id, Activity{Title: "Curso forense", Kind: Training,
			Start: "2027-04-05", End: "2027-04-09", Budget: Money{Amount: 1_000_000, Currency: "USD"}})
		must(t, "SaveActivity", err)
	case Implementation:
		d := f.details(t, id)
		for _, act := range d.Activities {
			if act.State == Planned {
				_, err := f.s.Deliver(ctx, sec, id, act.ID, act.End, 20, "20 analysts trained")
				must(t, "Deliver", err)
				return
			}
		}
		t.Fatalf("no planned activity to deliver in %s", r.Number)
	case FollowUp:
		_, err := f.s.SetEvaluation(ctx, sec, id, Evaluation{Evaluator: "Uni Evaluadora", Date: "2027-09-01",
			Results: "CSIRT operating", Challenges: []string{"staff turnover"}})
		must(t, "SetEvaluation", err)
	}
}

// pathTo is the way forward to each state, after the draft.
var pathTo = map[State][]State{
	Draft:              nil,
	Submitted:          {Submitted},
	UnderConsideration: {Submitted, UnderConsideration},
	Design:             {Submitted, UnderConsideration, Design},
	Implementation:     {Submitted, UnderConsideration, Design, Implementation},
	FollowUp:           {Submitted, UnderConsideration, Design, Implementation, FollowUp},
	Closed:             {Submitted, UnderConsideration, Design, Implementation, FollowUp, Closed},
	Declined:           {Submitted, Declined},
	Withdrawn:          {Submitted, Withdrawn},
}

// in returns a new request of country (filed by a) brought to state st.
func (f *fx) in(t *testing.T, a access.Actor, country string, st State) Request {
	t.Helper()
	r := f.draft(t, a, country)
	for _, next := range pathTo[st] {
		f.ready(t, r.ID)
		r = f.move(t, r.ID, next, "reason given")
	}
	return r
}

// expert adds an active expert available all of 2027 and 2028.
func (f *fx) expert(t *testing.T, mod func(*Expert)) Expert {
	t.Helper()
	f.n++
	e := Expert{Kind: Individual, Name: "Expert " + string(rune('A'+f.n%26)) + strings.Repeat("x", f.n/26), Sector: Academia,
		Fields: []Topic{Forensics}, Languages: []string{"es", "en"},
		Available: []Period{{From: "2027-01-01", To: "2028-12-31"}}, Active: true}
	if mod != nil {
		mod(&e)
	}
	out, err := f.s.SaveExpert(ctx, sec, e)
	if err != nil {
		t.Fatalf("SaveExpert: %v", err)
	}
	return out
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantInvalid fails unless err holds a valid error on field with code.
func wantInvalid(t *testing.T, err error, field, code string) *valid.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s on %s", code, field)
	}
	for _, e := range valid.List(err) {
		if e.Field == field && e.Code == code {
			return e
		}
	}
	t.Fatalf("err = %v, want %s on %s", err, code, field)
	return nil
}

func wantIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

// count returns the rows of a table matching where (a condition on $1).
func (f *fx) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	q := `SELECT COUNT(*) FROM ` + table
	if where != "" {
		q += ` WHERE ` + where
	}
	var n int
	if err := f.db.R().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// equalJSON compares two values as their JSON, so an empty list and a
// list built up from nothing compare by content.
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		t.Fatalf("marshalling: %v %v", err1, err2)
	}
	return string(ja) == string(jb)
}
