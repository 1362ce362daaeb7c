package assistance

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// allowedMoves is the workflow as the contract writes it, typed again here
// so the table in workflow.go is checked against it, not against itself.
var allowedMoves = map[[2]State]bool{
	{Draft, Submitted}:              true,
	{Submitted, UnderConsideration}: true,
	{UnderConsideration, Design}:    true,
	{Design, Implementation}:        true,
	{Implementation, FollowUp}:      true,
	{FollowUp, Closed}:              true,
	{Submitted, Declined}:           true,
	{UnderConsideration, Declined}:  true,
	{Design, Declined}:              true,
	{Draft, Withdrawn}:              true,
	{Submitted, Withdrawn}:          true,
	{UnderConsideration, Withdrawn}: true,
	{Design, Withdrawn}:             true,
	{Implementation, Withdrawn}:     true,
}

// forward is the next step the refusal message must name.
var forward = map[State]State{Draft: Submitted, Submitted: UnderConsideration, UnderConsideration: Design,
	Design: Implementation, Implementation: FollowUp, FollowUp: Closed}

// TestMoveEveryPair asks for every (from, to) pair of states with every
// guard satisfied: the contract's moves happen and are recorded with who,
// when and why; every other is refused on field "to", naming the next
// step, and changes nothing.
func TestMoveEveryPair(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		for _, from := range States {
			for _, to := range States {
				t.Run(fmt.Sprintf("%s->%s", from, to), func(t *testing.T) {
					r := f.in(t, mxGov, "MX", from)
					f.ready(t, r.ID)
					r = f.get(t, r.ID)
					f.clock.add(time.Hour)
					got, err := f.s.Move(ctx, sec, r.ID, r.Version, to, "a reason")
					after := f.details(t, r.ID)
					if !allowedMoves[[2]State{from, to}] {
						e := wantInvalid(t, err, "to", "assistance.transition.invalid")
						if next, ok := forward[from]; ok && !strings.Contains(e.Message, "the next step is "+string(next)) {
							t.Errorf("message %q does not name the next step %s", e.Message, next)
						}
						if !strings.Contains(e.Message, string(from)) || !strings.Contains(e.Message, string(to)) {
							t.Errorf("message %q does not name both states", e.Message)
						}
						if after.Request.State != from || after.Request.Version != r.Version {
							t.Errorf("refused move changed the request: %s v%d", after.Request.State, after.Request.Version)
						}
						return
					}
					must(t, "Move", err)
					if got.State != to || after.Request.State != to || !after.Request.StateSince.Equal(f.clock.now()) {
						t.Errorf("state = %s/%s since %v, want %s since %v", got.State, after.Request.State,
							after.Request.StateSince, to, f.clock.now())
					}
					last := after.Transitions[len(after.Transitions)-1]
					if last.From != from || last.To != to || last.ByUserID != sec.UserID || last.ByName != sec.Name ||
						last.Reason != "a reason" || !last.At.Equal(f.clock.now()) {
						t.Errorf("last transition = %+v", last)
					}
				})
			}
		}
	})
}

// TestGuards refuses each forward move while its guard does not hold,
// with the guard's own code, and lets it through once it holds.
func TestGuards(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		tests := []struct {
			name   string
			from   State
			to     State
			code   string
			reason string
			setup  func(t *testing.T, id string) // makes the guard hold
		}{
			{"staff", UnderConsideration, Design, "staff", "", func(t *testing.T, id string) {
				r := f.get(t, id)
				_, err := f.s.SetConsideration(ctx, sec, id, r.Version, Consideration{Staff: []string{"u-1"}, WorkPlan: "plan"})
				must(t, "SetConsideration", err)
			}},
			{"analysis", Design, Implementation, "analysis", "", func(t *testing.T, id string) {
				_, err := f.s.SaveAnalysis(ctx, sec, id, Analysis{Kind: Survey, Title: "Encuesta", Date: "2027-03-02"})
				must(t, "SaveAnalysis", err)
				_, err = f.s.SaveActivity(ctx, sec, id, Activity{Title: "Taller", Kind: Training, Start: "2027-05-01", End: "2027-05-01"})
				must(t, "SaveActivity", err)
			}},
			{"delivered", Implementation, FollowUp, "delivered", "", func(t *testing.T, id string) { f.ready(t, id) }},
			{"evaluation", FollowUp, Closed, "evaluation", "", func(t *testing.T, id string) { f.ready(t, id) }},
			{"reason to decline", Submitted, Declined, "reason", "  ", nil},
			{"reason to withdraw", Implementation, Withdrawn, "reason", "", nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := f.in(t, mxGov, "MX", tc.from)
				_, err := f.s.Move(ctx, sec, r.ID, r.Version, tc.to, tc.reason)
				wantInvalid(t, err, "to", "assistance.transition.guard."+tc.code)
				d := f.details(t, r.ID)
				i := slices.IndexFunc(d.Next, func(m Move) bool { return m.To == tc.to })
				if i < 0 {
					t.Fatalf("Next = %+v, want a move to %s", d.Next, tc.to)
				}
				if tc.code != "reason" && d.Next[i].Blocked != "assistance.transition.guard."+tc.code {
					t.Errorf("Next[%s].Blocked = %q, want guard %s", tc.to, d.Next[i].Blocked, tc.code)
				}
				if tc.setup == nil {
					return
				}
				tc.setup(t, r.ID)
				if d := f.details(t, r.ID); d.Next[i].Blocked != "" {
					t.Errorf("after setup Next[%s].Blocked = %q", tc.to, d.Next[i].Blocked)
				}
				f.move(t, r.ID, tc.to, "")
			})
		}
		t.Run("work plan", func(t *testing.T) {
			r := f.in(t, mxGov, "MX", UnderConsideration)
			r, err := f.s.SetConsideration(ctx, sec, r.ID, r.Version, Consideration{Staff: []string{"u-1"}})
			must(t, "SetConsideration", err)
			_, err = f.s.Move(ctx, sec, r.ID, r.Version, Design, "")
			wantInvalid(t, err, "to", "assistance.transition.guard.work_plan")
		})
		t.Run("planned activity", func(t *testing.T) {
			r := f.in(t, mxGov, "MX", Design)
			_, err := f.s.SaveAnalysis(ctx, sec, r.ID, Analysis{Kind: Roundtable, Title: "Mesa", Date: "2027-03-02"})
			must(t, "SaveAnalysis", err)
			_, err = f.s.Move(ctx, sec, r.ID, f.get(t, r.ID).Version, Implementation, "")
			wantInvalid(t, err, "to", "assistance.transition.guard.activity")
		})
		t.Run("incomplete form", func(t *testing.T) {
			fm := form("MX")
			fm.Institution.Email, fm.Support = "", nil
			r, err := f.s.CreateDraft(ctx, mxGov, fm)
			must(t, "CreateDraft", err)
			_, err = f.s.Submit(ctx, mxGov, r.ID, r.Version)
			wantInvalid(t, err, "to", "assistance.transition.guard.form")
			wantInvalid(t, err, "institution.email", "assistance.required")
			wantInvalid(t, err, "support", "assistance.required")
			if got := f.get(t, r.ID); got.State != Draft {
				t.Errorf("state = %s after a refused submission", got.State)
			}
			d, err := f.s.Details(ctx, mxGov, r.ID)
			must(t, "Details", err)
			if len(d.Next) == 0 || d.Next[0].To != Submitted || d.Next[0].Blocked != "assistance.transition.guard.form" {
				t.Errorf("Next = %+v, want submitted blocked by the form", d.Next)
			}
		})
	})
}

// TestMoveVersion refuses a move given a version changed meanwhile.
func TestMoveVersion(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.draft(t, mxGov, "MX")
		_, err := f.s.Submit(ctx, mxGov, r.ID, r.Version+1)
		wantIs(t, err, ErrConflict)
		r2, err := f.s.UpdateDraft(ctx, mxGov, r.ID, r.Version, form("MX"))
		must(t, "UpdateDraft", err)
		_, err = f.s.Submit(ctx, mxGov, r.ID, r.Version)
		wantIs(t, err, ErrConflict)
		if _, err := f.s.Submit(ctx, mxGov, r.ID, r2.Version); err != nil {
			t.Fatalf("Submit with the current version: %v", err)
		}
	})
}

// TestNextMovesByActor offers the member only what it may do.
func TestNextMovesByActor(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.in(t, mxGov, "MX", Submitted)
		dm, err := f.s.Details(ctx, mxGov, r.ID)
		must(t, "Details", err)
		ds := f.details(t, r.ID)
		got := func(ms []Move) []State {
			var out []State
			for _, m := range ms {
				out = append(out, m.To)
			}
			return out
		}
		if want := []State{Withdrawn}; !slices.Equal(got(dm.Next), want) {
			t.Errorf("member's Next = %v, want %v", got(dm.Next), want)
		}
		if want := []State{UnderConsideration, Declined, Withdrawn}; !slices.Equal(got(ds.Next), want) {
			t.Errorf("secretariat's Next = %v, want %v", got(ds.Next), want)
		}
	})
}

// TestDetailFactsMatchStore: the guards' facts counted from a request's
// details (its page) equal those counted in the store (a move), in every
// state and before and after each step's data is recorded.
func TestDetailFactsMatchStore(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		for _, st := range States {
			r := f.in(t, sec, "MX", st)
			for _, when := range []string{"entered", "ready"} {
				if when == "ready" {
					f.ready(t, r.ID)
				}
				s, err := loadRequest(ctx, f.db.R(), r.ID)
				must(t, "loadRequest", err)
				stored, err := loadFacts(ctx, f.db.R(), s)
				must(t, "loadFacts", err)
				fromDetails := detailFacts(s, f.details(t, r.ID))
				if fmt.Sprint(stored) != fmt.Sprint(fromDetails) {
					t.Errorf("%s (%s): store %+v, details %+v", st, when, stored, fromDetails)
				}
			}
		}
	})
}
