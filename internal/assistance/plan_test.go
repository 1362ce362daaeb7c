package assistance

import (
	"testing"

	"atalaya/internal/access"
)

// TestAdjust changes the plan with a reason, in one transaction with the
// adjustment, by the secretariat or (during implementation) the member.
func TestAdjust(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.in(t, mxGov, "MX", Implementation)
		act := f.details(t, r.ID).Activities[0] // 5 to 9 April, USD 10,000.00
		april := f.expert(t, func(e *Expert) { e.Available = []Period{{From: "2027-04-01", To: "2027-04-30"}} })
		_, err := f.s.AssignExpert(ctx, sec, r.ID, act.ID, april.ID)
		must(t, "AssignExpert", err)

		unchanged := func(t *testing.T) {
			t.Helper()
			d := f.details(t, r.ID)
			if got := d.Activities[0]; got.Start != act.Start || got.End != act.End || got.Budget != act.Budget || got.State != Planned {
				t.Errorf("activity changed by a refused adjustment: %+v", got)
			}
			if len(d.Adjustments) != 0 {
				t.Errorf("%d adjustments stored", len(d.Adjustments))
			}
		}
		refusals := []struct {
			name  string
			a     access.Actor
			adj   Adjustment
			field string
			code  string
		}{
			{"no reason", sec, Adjustment{Source: ByMonitoring, NewEnd: "2027-04-10"}, "adjustments.reason", "assistance.required"},
			{"nothing to change", sec, Adjustment{Source: ByMonitoring, Reason: "r"}, "adjustments", "assistance.adjust_empty"},
			{"no source", sec, Adjustment{Reason: "r", NewEnd: "2027-04-10"}, "adjustments.source", "assistance.source"},
			{"end before start", sec, Adjustment{Source: ByMember, Reason: "r", NewEnd: "2027-04-01"}, "adjustments.new_end", "assistance.date_order"},
			{"not a date", sec, Adjustment{Source: ByMember, Reason: "r", NewStart: "5 April"}, "adjustments.new_start", "assistance.date"},
			{"bad currency", sec, Adjustment{Source: ByMember, Reason: "r", NewBudget: &Money{Amount: 5, Currency: "dollars"}}, "adjustments.new_budget.currency", "assistance.currency"},
			{"expert not available", sec, Adjustment{Source: ByMember, Reason: "r", NewStart: "2027-06-01", NewEnd: "2027-06-03"}, "expert_id", "assistance.expert.unavailable"},
			{"unknown activity", mxGov, Adjustment{ActivityID: "nope", Reason: "r", NewEnd: "2027-04-10"}, "adjustments.activity_id", "assistance.activity_unknown"},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				if tc.adj.ActivityID == "" {
					tc.adj.ActivityID = act.ID
				}
				_, err := f.s.Adjust(ctx, tc.a, r.ID, tc.adj)
				wantInvalid(t, err, tc.field, tc.code)
				unchanged(t)
			})
		}
		t.Run("member may not speak for monitoring", func(t *testing.T) {
			_, err := f.s.Adjust(ctx, mxGov, r.ID, Adjustment{ActivityID: act.ID, Source: ByMonitoring, Reason: "r", NewEnd: "2027-04-10"})
			wantIs(t, err, access.ErrDenied)
			unchanged(t)
		})

		adj, err := f.s.Adjust(ctx, mxGov, r.ID, Adjustment{ActivityID: act.ID, Reason: "Semana Santa",
			NewStart: "2027-04-12", NewEnd: "2027-04-16", NewBudget: &Money{Amount: 1_200_000, Currency: "usd"}})
		must(t, "Adjust by the member", err)
		if adj.Source != ByMember || adj.ByUserID != mxGov.UserID || adj.ID == "" {
			t.Errorf("adjustment %+v", adj)
		}
		d := f.details(t, r.ID)
		got := d.Activities[0]
		if got.Start != "2027-04-12" || got.End != "2027-04-16" || got.Budget != (Money{Amount: 1_200_000, Currency: "USD"}) || got.Version != act.Version+1 {
			t.Errorf("adjusted activity %+v", got)
		}
		if len(d.Adjustments) != 1 || d.Adjustments[0].NewBudget == nil || d.Adjustments[0].Reason != "Semana Santa" {
			t.Errorf("adjustments %+v", d.Adjustments)
		}
		if n := f.count(t, "audit_log", "object_id = $1 AND action = $2", act.ID, "assistance.activity.adjust"); n != 1 {
			t.Errorf("activity change audited %d times", n)
		}

		_, err = f.s.SaveActivity(ctx, sec, r.ID, Activity{ID: got.ID, Version: got.Version, Title: got.Title, Kind: got.Kind,
			Start: "2027-04-13", End: got.End, Budget: got.Budget})
		wantInvalid(t, err, "activities.start", "assistance.activity_adjust")
		renamed, err := f.s.SaveActivity(ctx, sec, r.ID, Activity{ID: got.ID, Version: got.Version, Title: "Curso avanzado",
			Kind: got.Kind, Start: got.Start, End: got.End, Budget: got.Budget})
		must(t, "renaming during implementation", err)
		if renamed.Title != "Curso avanzado" || len(renamed.ExpertIDs) != 1 {
			t.Errorf("renamed %+v", renamed)
		}

		_, err = f.s.Adjust(ctx, sec, r.ID, Adjustment{ActivityID: act.ID, Source: ByMonitoring, Reason: "no trainer", Cancel: true})
		must(t, "cancelling", err)
		if st := f.details(t, r.ID).Activities[0].State; st != Cancelled {
			t.Errorf("state after cancel = %s", st)
		}
		_, err = f.s.Adjust(ctx, sec, r.ID, Adjustment{ActivityID: act.ID, Source: ByMonitoring, Reason: "again", Cancel: true})
		wantInvalid(t, err, "activities.state", "assistance.activity_closed")

		for _, st := range []State{Design, FollowUp} {
			other := f.in(t, mxGov, "MX", st)
			f.ready(t, other.ID)
			var planned string
			for _, a := range f.details(t, other.ID).Activities {
				planned = a.ID
			}
			_, err = f.s.Adjust(ctx, mxGov, other.ID, Adjustment{ActivityID: planned, Reason: "r", NewEnd: "2027-04-20"})
			wantInvalid(t, err, "state", "assistance.adjust_member")
		}
	})
}

// TestPlanChecks refuses bad analyses, activities, deliveries, monitoring
// and evaluations with the field named, and changes outside their step.
func TestPlanChecks(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		design := f.in(t, sec, "MX", Design)
		impl := f.in(t, sec, "MX", Implementation)
		follow := f.in(t, sec, "MX", FollowUp)
		planned := f.details(t, impl.ID).Activities[0]
		tests := []struct {
			name  string
			call  func() error
			field string
			code  string
		}{
			{"analysis kind", func() error {
				_, err := f.s.SaveAnalysis(ctx, sec, design.ID, Analysis{Kind: "party", Title: "x", Date: "2027-03-01"})
				return err
			}, "analyses.kind", "assistance.kind"},
			{"analysis date", func() error {
				_, err := f.s.SaveAnalysis(ctx, sec, design.ID, Analysis{Kind: Survey, Title: "x", Date: "2027-13-01"})
				return err
			}, "analyses.date", "assistance.date"},
			{"analysis participants", func() error {
				_, err := f.s.SaveAnalysis(ctx, sec, design.ID, Analysis{Kind: Survey, Title: "x", Date: "2027-03-01",
					Participants: map[Sector]int{Academia: -2}})
				return err
			}, "analyses.participants.academia", "assistance.participants"},
			{"analysis sector", func() error {
				_, err := f.s.SaveAnalysis(ctx, sec, design.ID, Analysis{Kind: Survey, Title: "x", Date: "2027-03-01",
					Participants: map[Sector]int{"press": 2}})
				return err
			}, "analyses.participants.press", "assistance.sector"},
			{"analysis before design", func() error {
				_, err := f.s.SaveAnalysis(ctx, sec, f.in(t, sec, "MX", Submitted).ID, Analysis{Kind: Survey, Title: "x", Date: "2027-03-01"})
				return err
			}, "analyses", "assistance.not_editable"},
			{"activity end", func() error {
				_, err := f.s.SaveActivity(ctx, sec, design.ID, Activity{Title: "x", Kind: Training, Start: "2027-05-02", End: "2027-05-01"})
				return err
			}, "activities.end", "assistance.date_order"},
			{"activity kind", func() error {
				_, err := f.s.SaveActivity(ctx, sec, design.ID, Activity{Title: "x", Start: "2027-05-02", End: "2027-05-03"})
				return err
			}, "activities.kind", "assistance.kind"},
			{"activity budget", func() error {
				_, err := f.s.SaveActivity(ctx, sec, design.ID, Activity{Title: "x", Kind: Training, Start: "2027-05-02", End: "2027-05-03",
					Budget: Money{Amount: 10}})
				return err
			}, "activities.budget.currency", "assistance.currency"},
			{"new activity during implementation", func() error {
				_, err := f.s.SaveActivity(ctx, sec, impl.ID, Activity{Title: "x", Kind: Training, Start: "2027-05-02", End: "2027-05-03"})
				return err
			}, "activities", "assistance.not_editable"},
			{"delivery date", func() error {
				_, err := f.s.Deliver(ctx, sec, impl.ID, planned.ID, "yesterday", 1, "")
				return err
			}, "activities.delivered_on", "assistance.date"},
			{"people trained", func() error {
				_, err := f.s.Deliver(ctx, sec, impl.ID, planned.ID, "2027-04-09", -1, "")
				return err
			}, "activities.people_trained", "assistance.people"},
			{"monitoring note", func() error {
				_, err := f.s.AddMonitoring(ctx, sec, impl.ID, Monitoring{Date: "2027-04-01"})
				return err
			}, "monitoring.note", "assistance.required"},
			{"monitoring before implementation", func() error {
				_, err := f.s.AddMonitoring(ctx, sec, design.ID, Monitoring{Date: "2027-04-01", Note: "n"})
				return err
			}, "monitoring", "assistance.not_editable"},
			{"evaluator", func() error {
				_, err := f.s.SetEvaluation(ctx, sec, follow.ID, Evaluation{Date: "2027-10-01"})
				return err
			}, "evaluation.evaluator", "assistance.required"},
			{"evaluation before follow-up", func() error {
				_, err := f.s.SetEvaluation(ctx, sec, impl.ID, Evaluation{Evaluator: "E", Date: "2027-10-01"})
				return err
			}, "evaluation", "assistance.not_editable"},
			{"staff", func() error {
				r := f.in(t, sec, "MX", UnderConsideration)
				_, err := f.s.SetConsideration(ctx, sec, r.ID, r.Version, Consideration{Staff: []string{"u-1", "u-1"}})
				return err
			}, "consideration.staff[1]", "assistance.user"},
			{"consideration budget", func() error {
				r := f.in(t, sec, "MX", UnderConsideration)
				_, err := f.s.SetConsideration(ctx, sec, r.ID, r.Version, Consideration{Budget: Money{Amount: -5, Currency: "USD"}})
				return err
			}, "consideration.budget.amount", "assistance.amount"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) { wantInvalid(t, tc.call(), tc.field, tc.code) })
		}
		got, err := f.s.Deliver(ctx, sec, impl.ID, planned.ID, "2027-04-09", 12, "Twelve trained")
		must(t, "Deliver", err)
		if got.State != Delivered || got.PeopleTrained != 12 || got.DeliveredOn != "2027-04-09" {
			t.Errorf("delivered %+v", got)
		}
		_, err = f.s.Deliver(ctx, sec, impl.ID, planned.ID, "2027-04-10", 1, "")
		wantInvalid(t, err, "activities.state", "assistance.activity_closed")
		_, err = f.s.Deliver(ctx, sec, impl.ID, "another-requests-activity", "2027-04-10", 1, "")
		if outcome(err) != unseen {
			t.Errorf("unknown activity: %v", err)
		}
	})
}
