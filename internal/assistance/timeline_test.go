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
			kind  string
			state State
		}
		want := []entry{
			{"transition", Draft}, {"transition", Submitted}, {"transition", UnderConsideration}, {"proposal", UnderConsideration},
			{"transition", Design}, {"analysis", Design}, {"transition", Implementation}, {"monitoring", Implementation},
			{"activity", Implementation}, {"transition", FollowUp}, {"mission", FollowUp}, {"evaluation", FollowUp},
		}
		var have []entry
		for i, e := range got {
			have = append(have, entry{e.Kind, e.State})
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
