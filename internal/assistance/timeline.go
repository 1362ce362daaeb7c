package assistance

import (
	"context"
	"slices"
	"time"

	"atalaya/internal/access"
)

// The events of a timeline entry without a vocabulary value. The others
// are a record's kind and its status, state, source or kind:
// "proposal.pledged", "activity.delivered", "adjustment.member",
// "mission.follow_up" (see TimelineEvents).
const (
	EventTransition = "transition"
	EventAnalysis   = "analysis"
	EventMonitoring = "monitoring"
	EventEvaluation = "evaluation"
	EventAttachment = "attachment"
)

// TimelineEvents lists every Event a timeline entry may carry, so that a
// page can word each one in its reader's language and a test can check
// that none is left unworded.
func TimelineEvents() []string {
	out := []string{EventTransition, EventAnalysis, EventMonitoring, EventEvaluation, EventAttachment}
	for _, s := range ProposalStatuses {
		out = append(out, proposalEvent(s))
	}
	for _, s := range []ActivityState{Planned, Delivered, Cancelled} {
		out = append(out, activityEvent(s))
	}
	for _, s := range []AdjustmentSource{ByMember, ByMonitoring} {
		out = append(out, adjustmentEvent(s))
	}
	for _, k := range MissionKinds {
		out = append(out, missionEvent(k))
	}
	return out
}

func proposalEvent(s ProposalStatus) string     { return "proposal." + string(s) }
func activityEvent(s ActivityState) string      { return "activity." + string(s) }
func adjustmentEvent(s AdjustmentSource) string { return "adjustment." + string(s) }
func missionEvent(k MissionKind) string         { return "mission." + string(k) }

// timeline merges the moves and the dated things of d, oldest first; each
// entry carries the state the request was in at its time. Event, From, To
// and Subject say what happened for a page to word; Title says it in
// English, as the API always has.
func timeline(d Details) []TimelineEntry {
	out := []TimelineEntry{}
	add := func(e TimelineEntry) {
		if !e.At.IsZero() {
			out = append(out, e)
		}
	}
	for _, t := range d.Transitions {
		add(TimelineEntry{At: t.At, Kind: "transition", Event: EventTransition, From: t.From, To: t.To,
			Subject: t.Reason, Title: transitionTitle(t), ByName: t.ByName})
	}
	for _, p := range d.Proposals {
		add(TimelineEntry{At: p.UpdatedAt, Kind: "proposal", Event: proposalEvent(p.Status), Subject: p.Donor,
			Title: p.Donor + " (" + string(p.Status) + ")"})
	}
	for _, an := range d.Analyses {
		add(TimelineEntry{At: dayTime(an.Date), Kind: "analysis", Event: EventAnalysis, Subject: an.Title, Title: an.Title})
	}
	for _, act := range d.Activities {
		day := act.Start
		if act.State == Delivered {
			day = act.DeliveredOn
		}
		add(TimelineEntry{At: dayTime(day), Kind: "activity", Event: activityEvent(act.State), Subject: act.Title,
			Title: act.Title + " (" + string(act.State) + ")"})
	}
	for _, m := range d.Monitoring {
		add(TimelineEntry{At: dayTime(m.Date), Kind: "monitoring", Event: EventMonitoring, Subject: clip(m.Note),
			Title: clip(m.Note)})
	}
	for _, adj := range d.Adjustments {
		add(TimelineEntry{At: adj.At, Kind: "adjustment", Event: adjustmentEvent(adj.Source), Subject: clip(adj.Reason),
			Title: clip(adj.Reason)})
	}
	for _, m := range d.Missions {
		add(TimelineEntry{At: dayTime(m.Start), Kind: "mission", Event: missionEvent(m.Kind), Subject: m.Places,
			Title: string(m.Kind) + " " + m.Places})
	}
	if e := d.Evaluation; e != nil {
		add(TimelineEntry{At: dayTime(e.Date), Kind: "evaluation", Event: EventEvaluation, Subject: e.Evaluator,
			Title: e.Evaluator})
	}
	for _, at := range d.Attachments {
		add(TimelineEntry{At: at.At, Kind: "attachment", Event: EventAttachment, Subject: at.Name, Title: at.Name})
	}
	// Stable: moves stay in their order, and come first at equal times.
	slices.SortStableFunc(out, func(a, b TimelineEntry) int { return a.At.Compare(b.At) })
	for i := range out {
		out[i].State = stateAt(d.Transitions, out[i].At)
	}
	return out
}

// transitionTitle is a move in the English of the API's Title:
// "draft → submitted: reason".
func transitionTitle(t Transition) string {
	title := string(t.To)
	if t.From != "" {
		title = string(t.From) + " → " + string(t.To)
	}
	if t.Reason != "" {
		title += ": " + t.Reason
	}
	return title
}

// stateAt is the state the request was in at t, after the moves up to t.
func stateAt(ts []Transition, t time.Time) State {
	st := Draft
	for _, tr := range ts {
		if tr.At.After(t) {
			break
		}
		st = tr.To
	}
	return st
}

func (s *Service) timeline(ctx context.Context, a access.Actor, id string) ([]TimelineEntry, error) {
	q := s.db.R()
	r, err := s.visible(ctx, q, a, id)
	if err != nil {
		return nil, err
	}
	d, err := loadDetails(ctx, q, r)
	if err != nil {
		return nil, err
	}
	return timeline(d), nil
}
