package assistance

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// rule is one transition of the workflow: who may ask for it and what must
// hold first.
type rule struct {
	from, to State
	act      access.Action
	guards   []guard
}

// guard is a condition of a transition, with the catalog code (under
// "assistance.transition.guard.") and the English message when it fails.
type guard struct {
	what    string
	message string
	holds   func(f facts) bool
}

// facts are what the guards look at.
type facts struct {
	form       error // the form's problems as a submission
	staff      int
	workPlan   bool
	analyses   int
	planned    int // activities planned (not delivered, not cancelled)
	delivered  int
	evaluation bool
	reason     string
}

var (
	guardForm = guard{"form", "the request form is not complete: correct the fields named",
		func(f facts) bool { return f.form == nil }}
	guardStaff = guard{"staff", "before design, assign at least one staff member in the consideration",
		func(f facts) bool { return f.staff > 0 }}
	guardWorkPlan = guard{"work_plan", "before design, write the work plan in the consideration",
		func(f facts) bool { return f.workPlan }}
	guardAnalysis = guard{"analysis", "before implementation, record at least one situational analysis",
		func(f facts) bool { return f.analyses > 0 }}
	guardActivity = guard{"activity", "before implementation, plan at least one activity",
		func(f facts) bool { return f.planned > 0 }}
	guardDelivered = guard{"delivered", "before follow-up, deliver at least one activity",
		func(f facts) bool { return f.delivered > 0 }}
	guardEvaluation = guard{"evaluation", "before closing, record the external evaluation",
		func(f facts) bool { return f.evaluation }}
	guardReason = guard{"reason", "give the reason for declining or withdrawing the request",
		func(f facts) bool { return strings.TrimSpace(f.reason) != "" }}
)

// workflow is the one table of transitions: the five steps forward, then
// declining (by the secretariat, before implementation) and withdrawing
// (by the member or the secretariat, before follow-up). Per state, the
// forward step comes first.
var workflow = []rule{
	{Draft, Submitted, access.FileAssistance, []guard{guardForm}},
	{Submitted, UnderConsideration, access.ManageAssistance, nil},
	{UnderConsideration, Design, access.ManageAssistance, []guard{guardStaff, guardWorkPlan}},
	{Design, Implementation, access.ManageAssistance, []guard{guardAnalysis, guardActivity}},
	{Implementation, FollowUp, access.ManageAssistance, []guard{guardDelivered}},
	{FollowUp, Closed, access.ManageAssistance, []guard{guardEvaluation}},
	{Submitted, Declined, access.ManageAssistance, []guard{guardReason}},
	{UnderConsideration, Declined, access.ManageAssistance, []guard{guardReason}},
	{Design, Declined, access.ManageAssistance, []guard{guardReason}},
	{Draft, Withdrawn, access.FileAssistance, []guard{guardReason}},
	{Submitted, Withdrawn, access.FileAssistance, []guard{guardReason}},
	{UnderConsideration, Withdrawn, access.FileAssistance, []guard{guardReason}},
	{Design, Withdrawn, access.FileAssistance, []guard{guardReason}},
	{Implementation, Withdrawn, access.FileAssistance, []guard{guardReason}},
}

// ended reports whether st ends a request.
func ended(st State) bool { return st == Closed || st == Declined || st == Withdrawn }

func findRule(from, to State) (rule, bool) {
	for _, r := range workflow {
		if r.from == from && r.to == to {
			return r, true
		}
	}
	return rule{}, false
}

// nextStates lists the states the workflow allows from st, forward first.
func nextStates(st State) []State {
	var out []State
	for _, r := range workflow {
		if r.from == st {
			out = append(out, r.to)
		}
	}
	return out
}

// invalidMove is the error of a transition the workflow does not have; the
// message names the allowed next step(s).
func invalidMove(from, to State) error {
	next := nextStates(from)
	names := make([]string, len(next))
	for i, st := range next {
		names[i] = string(st)
	}
	msg := fmt.Sprintf("A request in state %s cannot move to %s: ", from, to)
	nextArg := strings.Join(names, ", ")
	switch len(next) {
	case 0:
		msg += "it has ended."
		nextArg = "—"
	case 1:
		msg += "the next step is " + names[0] + "."
	default:
		msg += "the next step is " + names[0] + " (or " + strings.Join(names[1:], ", ") + ")."
	}
	return valid.New("to", "assistance.transition.invalid", msg,
		map[string]any{"From": string(from), "To": string(to), "Next": nextArg})
}

func guardError(g guard) error {
	return valid.New("to", "assistance.transition.guard."+g.what, strings.ToUpper(g.message[:1])+g.message[1:]+".", nil)
}

// failing returns the first guard of r that does not hold, skipping the
// reason when skipReason (a move offered, whose reason comes with it).
func (r rule) failing(f facts, skipReason bool) (guard, bool) {
	for _, g := range r.guards {
		if skipReason && g.what == guardReason.what {
			continue
		}
		if !g.holds(f) {
			return g, true
		}
	}
	return guard{}, false
}

// requestFacts is what the guards read from the request itself.
func requestFacts(r stored) facts {
	return facts{form: checkForm(r.Form, true), staff: len(r.Consideration.Staff),
		workPlan: strings.TrimSpace(r.Consideration.WorkPlan) != ""}
}

// loadFacts counts what the guards of request r look at.
func loadFacts(ctx context.Context, q store.Querier, r stored) (facts, error) {
	f := requestFacts(r)
	var evaluations int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM assistance_analyses WHERE request_id = $1),
		(SELECT COUNT(*) FROM assistance_activities WHERE request_id = $1 AND state = $2),
		(SELECT COUNT(*) FROM assistance_activities WHERE request_id = $1 AND state = $3),
		(SELECT COUNT(*) FROM assistance_evaluations WHERE request_id = $1)`,
		r.ID, Planned, Delivered).Scan(&f.analyses, &f.planned, &f.delivered, &evaluations)
	if err != nil {
		return facts{}, fmt.Errorf("counting the guards of request %s: %w", r.ID, err)
	}
	f.evaluation = evaluations > 0
	return f, nil
}

// detailFacts are the same facts counted from what Details already read,
// so the request page does not count them again.
func detailFacts(r stored, d Details) facts {
	f := requestFacts(r)
	f.analyses, f.evaluation = len(d.Analyses), d.Evaluation != nil
	for _, a := range d.Activities {
		switch a.State {
		case Planned:
			f.planned++
		case Delivered:
			f.delivered++
		}
	}
	return f
}

func (s *Service) move(ctx context.Context, a access.Actor, id string, version int64, to State, reason string) (Request, error) {
	reason = strings.TrimSpace(reason)
	var out Request
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.visible(ctx, tx, a, id)
		if err != nil {
			return err
		}
		ru, ok := findRule(r.State, to)
		if !ok {
			return invalidMove(r.State, to)
		}
		if err := allow(a, ru.act, r.Country); err != nil {
			return err
		}
		if r.Version != version {
			return ErrConflict
		}
		var c checker
		if c.maxLen("reason", reason, longText); c.err() != nil {
			return c.err()
		}
		f, err := loadFacts(ctx, tx, r)
		if err != nil {
			return err
		}
		f.reason = reason
		if g, failed := ru.failing(f, false); failed {
			if g.what == guardForm.what {
				// Name every field that is missing, besides the move.
				return append(valid.Errors{guardError(g).(*valid.Error)}, valid.List(f.form)...)
			}
			return guardError(g)
		}
		now := s.stamp(store.Millis(r.UpdatedAt))
		out, err = s.setState(ctx, tx, r, to, now)
		if err != nil {
			return err
		}
		if err := s.addTransition(ctx, tx, a, id, r.State, to, reason, now); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.move", objRequest, id,
			map[string]any{"state": r.State}, map[string]any{"state": to, "reason": reason})
	})
	if err != nil {
		return Request{}, err
	}
	return out, nil
}

// setState writes the new state of r, entered at now, and its due time.
func (s *Service) setState(ctx context.Context, tx *sql.Tx, r stored, to State, now int64) (Request, error) {
	submitted, endedAt := store.Millis(r.SubmittedAt), store.Millis(r.ended)
	if to == Submitted {
		submitted = now
	}
	if ended(to) {
		endedAt = now
	}
	res, err := tx.ExecContext(ctx, `UPDATE assistance_requests SET state = $1, state_since = $2, submitted_at = $3,
		ended_at = $4, updated_at = $2, version = version + 1 WHERE id = $5 AND version = $6`,
		to, now, submitted, endedAt, r.ID, r.Version)
	if err != nil {
		return Request{}, fmt.Errorf("moving request %s: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Request{}, ErrConflict
	}
	if err := setDue(ctx, tx, r.ID); err != nil {
		return Request{}, err
	}
	out := r.Request
	out.State, out.StateSince, out.SubmittedAt = to, store.Time(now), store.Time(submitted)
	out.UpdatedAt, out.Version = store.Time(now), r.Version+1
	return out, nil
}

func (s *Service) addTransition(ctx context.Context, tx *sql.Tx, a access.Actor, id string, from, to State, reason string, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO assistance_transitions (id, request_id, n, from_state, to_state,
		by_user_id, by_name, at, reason)
		VALUES ($1, $2, (SELECT COUNT(*) + 1 FROM assistance_transitions WHERE request_id = $2), $3, $4, $5, $6, $7, $8)`,
		store.NewID(), id, from, to, a.UserID, a.Name, at, reason)
	if err != nil {
		return fmt.Errorf("recording the move of request %s: %w", id, err)
	}
	return nil
}

// nextMoves lists the moves the actor may ask for from r's state, each
// with the code of the guard that would refuse it now.
func nextMoves(a access.Actor, r stored, f facts) []Move {
	moves := []Move{}
	for _, ru := range workflow {
		if ru.from != r.State || !access.Can(a, ru.act, access.Target{Country: r.Country}) {
			continue
		}
		m := Move{To: ru.to}
		if g, failed := ru.failing(f, true); failed {
			m.Blocked = "assistance.transition.guard." + g.what
		}
		moves = append(moves, m)
	}
	return moves
}
