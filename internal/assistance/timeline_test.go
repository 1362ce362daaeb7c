package assistance

import (
	"slices"
	"testing"
	"time"
)

// TestTimeline merges the moves and the dated things of a request, oldest
// first, each with the state the request was in.
func TestTimeline(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		on := func(day string, hour int) { f.clock.set(dayTime(day).Add(time.Duration(hour) * time.Hour)) }
		on("2027-03-01", 10)
		r := f.draft(t, mxGov, "MX")
		on("2027-03-02", 10)
		r, err := f.s.Submit(ctx, mxGov, r.ID, r.Version)
		must(t, "Submit", err)
		on("2027-03-03", 10)
		f.move(t, r.ID, UnderConsideration, "")
		on("2027-03-03", 12)
		_, err = f.s.SaveProposal(ctx, sec, r.ID, Proposal{Donor: "Fondo", Requested: Money{Amount: 1, Currency: "USD"}})
		must(t, "SaveProposal", err)
		f.ready(t, r.ID)
		on("2027-03-04", 10)
		f.move(t, r.ID, Design, "")
		_, err = f.s.SaveAnalysis(ctx, sec, r.ID, Analysis{Kind: SiteVisit, Title: "Visita", Date: "2027-03-06"})
		must(t, "SaveAnalysis", err)
		_, err = f.s.SaveActivity(ctx, sec, r.ID, Activity{Title: "Curso", Kind: Training, Start: "2027-04-05", End: "2027-04-09"})
		must(t, "SaveActivity", err)
		on("2027-03-08", 10)
		f.move(t, r.ID, Implementation, "")
		_, err = f.s.AddMonitoring(ctx, sec, r.ID, Monitoring{Date: "2027-04-01", Note: "on track"})
		must(t, "AddMonitoring", err)
		f.ready(t, r.ID) // delivered on 9 April
		on("2027-04-10", 10)
		f.move(t, r.ID, FollowUp, "")
		_, err = f.s.SaveMission(ctx, sec, r.ID, Mission{Kind: FollowUpMission, Start: "2027-05-01", End: "2027-05-02"})
		must(t, "SaveMission", err)
		f.ready(t, r.ID) // evaluation of 1 September

		got, err := f.s.Timeline(ctx, mxGov, r.ID)
		must(t, "Timeline", err)
		type entry struct {
			kind, event string
			state       State
			subject     string
		}
		want := []entry{
			{"transition", "transition", Draft, ""}, {"transition", "transition", Submitted, ""},
			{"transition", "transition", UnderConsideration, ""}, {"proposal", "proposal.drafted", UnderConsideration, "Fondo"},
			{"transition", "transition", Design, ""}, {"analysis", "analysis", Design, "Visita"},
			{"transition", "transition", Implementation, ""}, {"monitoring", "monitoring", Implementation, "on track"},
			{"activity", "activity.delivered", Implementation, "Curso"}, {"transition", "transition", FollowUp, ""},
			{"mission", "mission.follow_up", FollowUp, ""}, {"evaluation", "evaluation", FollowUp, "Uni Evaluadora"},
		}
		var have []entry
		for i, e := range got {
			have = append(have, entry{e.Kind, e.Event, e.State, e.Subject})
			if e.Kind == "transition" && (e.To != e.State || (i > 0) != (e.From != "")) {
				t.Errorf("move %d: from %q to %q, in state %s", i, e.From, e.To, e.State)
			}
			if i > 0 && e.At.Before(got[i-1].At) {
				t.Errorf("entry %d (%v) before entry %d (%v)", i, e.At, i-1, got[i-1].At)
			}
		}
		if !slices.Equal(have, want) {
			t.Errorf("timeline =\n%v\nwant\n%v", have, want)
		}
		if got[1].ByName != mxGov.Name || got[2].ByName != sec.Name {
			t.Errorf("moved by %q and %q", got[1].ByName, got[2].ByName)
		}
		if _, err := f.s.Timeline(ctx, crGov, r.ID); outcome(err) != unseen {
			t.Errorf("CR reads MX's timeline: %v", err)
		}
	})
}

// TestTimelineEvents builds the timeline of one record of every kind, in
// every status, state, source and kind it may have: each entry carries an
// Event of TimelineEvents (which pages word in every language), the
// subject in the users' words and, for moves, the states; and every event
// of the list is one some record gives, so the list names no dead code.
func TestTimelineEvents(t *testing.T) {
	type timelineCase struct {
		name string
		d    Details
		want TimelineEntry // At, State and Title are not compared
	}
	at := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	day := "2027-03-01"
	tests := []timelineCase{
		{"opening move", Details{Transitions: []Transition{{To: Draft, At: at, ByName: "Ana"}}},
			TimelineEntry{Kind: "transition", Event: EventTransition, To: Draft, ByName: "Ana"}},
		{"move with a reason", Details{Transitions: []Transition{{From: Design, To: Declined, At: at, Reason: "Sin fondos"}}},
			TimelineEntry{Kind: "transition", Event: EventTransition, From: Design, To: Declined, Subject: "Sin fondos"}},
		{"analysis", Details{Analyses: []Analysis{{Title: "Visita", Date: day}}},
			TimelineEntry{Kind: "analysis", Event: EventAnalysis, Subject: "Visita"}},
		{"monitoring", Details{Monitoring: []Monitoring{{Note: "Buen avance", Date: day}}},
			TimelineEntry{Kind: "monitoring", Event: EventMonitoring, Subject: "Buen avance"}},
		{"evaluation", Details{Evaluation: &Evaluation{Evaluator: "Evaluadora", Date: day}},
			TimelineEntry{Kind: "evaluation", Event: EventEvaluation, Subject: "Evaluadora"}},
		{"attachment", Details{Attachments: []Attachment{{Name: "informe.pdf", At: at}}},
			TimelineEntry{Kind: "attachment", Event: EventAttachment, Subject: "informe.pdf"}},
	}
	for _, s := range ProposalStatuses {
		tests = append(tests, timelineCase{"proposal " + string(s), Details{Proposals: []Proposal{{Donor: "Fondo", Status: s, UpdatedAt: at}}},
			TimelineEntry{Kind: "proposal", Event: "proposal." + string(s), Subject: "Fondo"}})
	}
	for _, s := range []ActivityState{Planned, Delivered, Cancelled} {
		tests = append(tests, timelineCase{"activity " + string(s), Details{Activities: []Activity{{Title: "Curso", State: s, Start: day, DeliveredOn: day}}},
			TimelineEntry{Kind: "activity", Event: "activity." + string(s), Subject: "Curso"}})
	}
	for _, s := range []AdjustmentSource{ByMember, ByMonitoring} {
		tests = append(tests, timelineCase{"adjustment " + string(s), Details{Adjustments: []Adjustment{{Source: s, Reason: "Un día más", At: at}}},
			TimelineEntry{Kind: "adjustment", Event: "adjustment." + string(s), Subject: "Un día más"}})
	}
	for _, k := range MissionKinds {
		tests = append(tests, timelineCase{"mission " + string(k), Details{Missions: []Mission{{Kind: k, Places: "San José", Start: day}}},
			TimelineEntry{Kind: "mission", Event: "mission." + string(k), Subject: "San José"}})
	}

	known := TimelineEvents()
	given := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := timeline(tc.d)
			if len(got) != 1 {
				t.Fatalf("%d entries, want 1: %+v", len(got), got)
			}
			e := got[0]
			if e.Event == "" || !slices.Contains(known, e.Event) {
				t.Errorf("event %q is not one of TimelineEvents %v", e.Event, known)
			}
			if e.Title == "" {
				t.Error("no English title")
			}
			e.At, e.State, e.Title = time.Time{}, "", ""
			if e != tc.want {
				t.Errorf("entry =\n%+v\nwant\n%+v", e, tc.want)
			}
			given[e.Event] = true
		})
	}
	for _, ev := range known {
		if !given[ev] {
			t.Errorf("TimelineEvents lists %q, which no record gives here", ev)
		}
	}
	if n := len(known); n != len(distinct(known)) {
		t.Errorf("TimelineEvents lists an event twice: %v", known)
	}
}

// distinct is list without repeated values, in order.
func distinct(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
