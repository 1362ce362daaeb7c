package assistance

import (
	"strings"
	"testing"
	"time"

	"atalaya/internal/audit"
)

// TestAudited records every change in the audit log, under the object
// type of what changed, and refused changes not at all.
func TestAudited(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.draft(t, mxGov, "MX")
		r, err := f.s.UpdateDraft(ctx, mxGov, r.ID, r.Version, form("MX"))
		must(t, "UpdateDraft", err)
		at, err := f.s.Attach(ctx, mxGov, r.ID, "a.txt", "", strings.NewReader("a"))
		must(t, "Attach", err)
		must(t, "DeleteAttachment", f.s.DeleteAttachment(ctx, mxGov, r.ID, at.ID))
		_, err = f.s.Submit(ctx, mxGov, r.ID, r.Version)
		must(t, "Submit", err)
		f.move(t, r.ID, UnderConsideration, "")
		f.ready(t, r.ID)
		_, err = f.s.SaveProposal(ctx, sec, r.ID, Proposal{Donor: "Fondo"})
		must(t, "SaveProposal", err)
		f.move(t, r.ID, Design, "")
		f.ready(t, r.ID)
		act := f.details(t, r.ID).Activities[0]
		act.Title = "Renamed"
		_, err = f.s.SaveActivity(ctx, sec, r.ID, act)
		must(t, "SaveActivity", err)
		e := f.expert(t, nil)
		e.Email = "e@example.org"
		_, err = f.s.SaveExpert(ctx, sec, e)
		must(t, "SaveExpert", err)
		_, err = f.s.AssignExpert(ctx, sec, r.ID, act.ID, e.ID)
		must(t, "AssignExpert", err)
		_, err = f.s.UnassignExpert(ctx, sec, r.ID, act.ID, e.ID)
		must(t, "UnassignExpert", err)
		f.move(t, r.ID, Implementation, "")
		_, err = f.s.AddMonitoring(ctx, sec, r.ID, Monitoring{Date: "2027-04-01", Note: "ok"})
		must(t, "AddMonitoring", err)
		_, err = f.s.Adjust(ctx, mxGov, r.ID, Adjustment{ActivityID: act.ID, Reason: "later", NewEnd: "2027-04-10"})
		must(t, "Adjust", err)
		f.ready(t, r.ID)
		f.move(t, r.ID, FollowUp, "")
		_, err = f.s.SaveMission(ctx, sec, r.ID, Mission{Kind: FollowUpMission, Start: "2027-10-01", End: "2027-10-01"})
		must(t, "SaveMission", err)
		f.ready(t, r.ID)
		f.move(t, r.ID, Closed, "")
		other := f.in(t, sec, "CR", Submitted)
		f.clock.add(30 * 24 * time.Hour)
		_, err = f.s.DueReminders(ctx)
		must(t, "DueReminders", err)

		want := map[string]string{
			"assistance.create": objRequest, "assistance.update": objRequest, "assistance.move": objRequest,
			"assistance.consideration": objRequest, "assistance.remind": objRequest,
			"assistance.attach": objAttachment, "assistance.attachment.delete": objAttachment,
			"assistance.proposal.save": objProposal, "assistance.analysis.save": objAnalysis,
			"assistance.activity.create": objActivity, "assistance.activity.update": objActivity,
			"assistance.activity.assign": objActivity, "assistance.activity.unassign": objActivity,
			"assistance.activity.deliver": objActivity, "assistance.activity.adjust": objActivity,
			"assistance.monitoring.add": objMonitoring, "assistance.adjustment.add": objAdjustment,
			"assistance.mission.save": objMission, "assistance.evaluation.set": objEvaluation,
			"assistance.expert.create": objExpert, "assistance.expert.update": objExpert,
		}
		for action, objType := range want {
			if n := f.count(t, "audit_log", "action = $1 AND object_type = $2", action, objType); n == 0 {
				t.Errorf("no %s entry on %s", action, objType)
			}
		}
		if n := f.count(t, "audit_log", "action = $1 AND object_id = $2", "assistance.move", r.ID); n != 6 {
			t.Errorf("%d moves audited, want 6", n)
		}
		before := f.count(t, "audit_log", "")
		_, err = f.s.Move(ctx, sec, other.ID, f.get(t, other.ID).Version, Implementation, "")
		wantInvalid(t, err, "to", "assistance.transition.invalid")
		_, err = f.s.SaveExpert(ctx, sec, Expert{})
		if err == nil {
			t.Fatal("empty expert saved")
		}
		if after := f.count(t, "audit_log", ""); after != before {
			t.Errorf("refused changes wrote %d audit entries", after-before)
		}
		if _, err := audit.Verify(ctx, f.db); err != nil {
			t.Errorf("audit chain: %v", err)
		}
	})
}
