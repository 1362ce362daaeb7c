package assistance

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// The outcomes of a call as the access table expects them.
const (
	ok     = "ok"        // done
	denied = "denied"    // access.ErrDenied: the actor sees the request but may not do this
	unseen = "not found" // store.ErrNotFound: the request is not the actor's to see
	hidden = "hidden"    // a list without the request
)

var errHidden = errors.New("request not in the list")

func outcome(err error) string {
	switch {
	case err == nil:
		return ok
	case errors.Is(err, errHidden):
		return hidden
	case errors.Is(err, access.ErrDenied):
		return denied
	case errors.Is(err, store.ErrNotFound):
		return unseen
	}
	return "error: " + err.Error()
}

// actors are the columns of the table, in the order of each row's want.
var actors = []struct {
	name string
	a    access.Actor
}{{"secretariat officer", sec}, {"MX government contact", mxGov}, {"CR government contact", crGov},
	{"MX analyst", mxAnalyst}, {"expert", expertUser}}

// The rows' expectations for the five actors.
var (
	memberFiles  = []string{ok, ok, unseen, unseen, unseen}
	secretariat  = []string{ok, denied, unseen, unseen, unseen}
	secretariatG = []string{ok, denied, denied, denied, denied} // not about one request
	filing       = []string{ok, ok, denied, denied, denied}
	listing      = []string{ok, ok, hidden, denied, denied}
)

// TestAccess calls every exported function of the service as each actor on
// a Mexican request prepared anew for the call, and checks who may: the
// member's government contacts see and file their country's requests,
// the secretariat runs everything, the others see nothing (a request of
// another country is not found, never denied).
func TestAccess(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		// inState returns a fresh MX request in st, filed by the member.
		inState := func(t *testing.T, st State) Request { return f.in(t, mxGov, "MX", st) }
		activityOf := func(t *testing.T, id string) Activity {
			for _, act := range f.details(t, id).Activities {
				if act.State == Planned {
					return act
				}
			}
			t.Fatalf("no planned activity")
			return Activity{}
		}
		attachAs := func(t *testing.T, a access.Actor, id string) Attachment {
			at, err := f.s.Attach(ctx, a, id, "plan.txt", "text/plain", strings.NewReader("plan"))
			must(t, "Attach", err)
			return at
		}
		tests := []struct {
			name string
			want []string
			call func(t *testing.T, a access.Actor) error
		}{
			{"CreateDraft", filing, func(t *testing.T, a access.Actor) error {
				_, err := f.s.CreateDraft(ctx, a, form("MX"))
				return err
			}},
			{"UpdateDraft of a draft", memberFiles, func(t *testing.T, a access.Actor) error {
				r := inState(t, Draft)
				_, err := f.s.UpdateDraft(ctx, a, r.ID, r.Version, form("MX"))
				return err
			}},
			{"UpdateDraft of a submitted request", secretariat, func(t *testing.T, a access.Actor) error {
				r := inState(t, Submitted)
				_, err := f.s.UpdateDraft(ctx, a, r.ID, r.Version, form("MX"))
				return err
			}},
			{"Submit", memberFiles, func(t *testing.T, a access.Actor) error {
				r := inState(t, Draft)
				_, err := f.s.Submit(ctx, a, r.ID, r.Version)
				return err
			}},
			{"Get", memberFiles, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Get(ctx, a, inState(t, Submitted).ID)
				return err
			}},
			{"Details", memberFiles, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Details(ctx, a, inState(t, Design).ID)
				return err
			}},
			{"Timeline", memberFiles, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Timeline(ctx, a, inState(t, Design).ID)
				return err
			}},
			{"List", listing, func(t *testing.T, a access.Actor) error {
				r := inState(t, Submitted)
				got, _, err := f.s.List(ctx, a, Filter{Limit: 500})
				if err != nil {
					return err
				}
				if !slices.ContainsFunc(got, func(s Summary) bool { return s.ID == r.ID }) {
					return errHidden
				}
				for _, s := range got {
					if a.Country != "" && s.Country != a.Country {
						t.Errorf("%s sees %s of %s", a.Name, s.Number, s.Country)
					}
				}
				return nil
			}},
			{"List filtered by another country", []string{ok, hidden, hidden, denied, denied}, func(t *testing.T, a access.Actor) error {
				r := inState(t, Submitted)
				got, _, err := f.s.List(ctx, a, Filter{Country: "MX", Limit: 500})
				if a.Country == "MX" {
					// The own country's filter for a member; "CR" as a
					// filter asks for what it may not see.
					got, _, err = f.s.List(ctx, a, Filter{Country: "CR", Limit: 500})
				}
				if err != nil {
					return err
				}
				if !slices.ContainsFunc(got, func(s Summary) bool { return s.ID == r.ID }) {
					return errHidden
				}
				return nil
			}},
			{"Move to consideration", secretariat, func(t *testing.T, a access.Actor) error {
				r := inState(t, Submitted)
				_, err := f.s.Move(ctx, a, r.ID, r.Version, UnderConsideration, "")
				return err
			}},
			{"Move to withdrawn", memberFiles, func(t *testing.T, a access.Actor) error {
				r := inState(t, Design)
				_, err := f.s.Move(ctx, a, r.ID, r.Version, Withdrawn, "no longer needed")
				return err
			}},
			{"Attach", memberFiles, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Attach(ctx, a, inState(t, Draft).ID, "a.txt", "", strings.NewReader("x"))
				return err
			}},
			{"AttachmentContent", memberFiles, func(t *testing.T, a access.Actor) error {
				r := inState(t, Submitted)
				at := attachAs(t, sec, r.ID)
				_, _, err := f.s.AttachmentContent(ctx, a, r.ID, at.ID)
				return err
			}},
			{"DeleteAttachment of one's own", memberFiles, func(t *testing.T, a access.Actor) error {
				r := inState(t, Submitted)
				by := sec
				if access.Can(a, access.FileAssistance, access.Target{Country: "MX"}) {
					by = a
				}
				return f.s.DeleteAttachment(ctx, a, r.ID, attachAs(t, by, r.ID).ID)
			}},
			{"DeleteAttachment of another's", secretariat, func(t *testing.T, a access.Actor) error {
				r := inState(t, Submitted)
				by := mxGov
				if a.UserID == mxGov.UserID {
					by = sec
				}
				return f.s.DeleteAttachment(ctx, a, r.ID, attachAs(t, by, r.ID).ID)
			}},
			{"SetConsideration", secretariat, func(t *testing.T, a access.Actor) error {
				r := inState(t, UnderConsideration)
				_, err := f.s.SetConsideration(ctx, a, r.ID, r.Version, Consideration{Staff: []string{"u-1"}, WorkPlan: "p"})
				return err
			}},
			{"SaveProposal", secretariat, func(t *testing.T, a access.Actor) error {
				_, err := f.s.SaveProposal(ctx, a, inState(t, UnderConsideration).ID,
					Proposal{Donor: "Donor", Requested: Money{Amount: 100, Currency: "USD"}})
				return err
			}},
			{"SaveAnalysis", secretariat, func(t *testing.T, a access.Actor) error {
				_, err := f.s.SaveAnalysis(ctx, a, inState(t, Design).ID, Analysis{Kind: Survey, Title: "S", Date: "2027-03-03"})
				return err
			}},
			{"SaveActivity", secretariat, func(t *testing.T, a access.Actor) error {
				_, err := f.s.SaveActivity(ctx, a, inState(t, Design).ID,
					Activity{Title: "T", Kind: Training, Start: "2027-06-01", End: "2027-06-02"})
				return err
			}},
			{"AssignExpert", secretariat, func(t *testing.T, a access.Actor) error {
				r := inState(t, Implementation)
				_, err := f.s.AssignExpert(ctx, a, r.ID, activityOf(t, r.ID).ID, f.expert(t, nil).ID)
				return err
			}},
			{"UnassignExpert", secretariat, func(t *testing.T, a access.Actor) error {
				r := inState(t, Implementation)
				act := activityOf(t, r.ID)
				e := f.expert(t, nil)
				_, err := f.s.AssignExpert(ctx, sec, r.ID, act.ID, e.ID)
				must(t, "AssignExpert", err)
				_, err = f.s.UnassignExpert(ctx, a, r.ID, act.ID, e.ID)
				return err
			}},
			{"Deliver", secretariat, func(t *testing.T, a access.Actor) error {
				r := inState(t, Implementation)
				_, err := f.s.Deliver(ctx, a, r.ID, activityOf(t, r.ID).ID, "2027-04-09", 3, "done")
				return err
			}},
			{"AddMonitoring", secretariat, func(t *testing.T, a access.Actor) error {
				_, err := f.s.AddMonitoring(ctx, a, inState(t, Implementation).ID, Monitoring{Date: "2027-04-01", Note: "on track"})
				return err
			}},
			{"Adjust asked by the member", memberFiles, func(t *testing.T, a access.Actor) error {
				r := inState(t, Implementation)
				_, err := f.s.Adjust(ctx, a, r.ID, Adjustment{ActivityID: activityOf(t, r.ID).ID, Source: ByMember,
					Reason: "holiday week", NewStart: "2027-04-12", NewEnd: "2027-04-16"})
				return err
			}},
			{"Adjust found by monitoring", secretariat, func(t *testing.T, a access.Actor) error {
				r := inState(t, Implementation)
				_, err := f.s.Adjust(ctx, a, r.ID, Adjustment{ActivityID: activityOf(t, r.ID).ID, Source: ByMonitoring,
					Reason: "budget overrun", NewBudget: &Money{Amount: 2_000_000, Currency: "USD"}})
				return err
			}},
			{"SaveMission", secretariat, func(t *testing.T, a access.Actor) error {
				_, err := f.s.SaveMission(ctx, a, inState(t, FollowUp).ID,
					Mission{Kind: FollowUpMission, Start: "2027-10-01", End: "2027-10-03", Places: "CDMX"})
				return err
			}},
			{"SetEvaluation", secretariat, func(t *testing.T, a access.Actor) error {
				_, err := f.s.SetEvaluation(ctx, a, inState(t, FollowUp).ID, Evaluation{Evaluator: "E", Date: "2027-10-10"})
				return err
			}},
			{"Board", secretariatG, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Board(ctx, a, Filter{})
				return err
			}},
			{"WriteBoardCSV", secretariatG, func(t *testing.T, a access.Actor) error {
				return f.s.WriteBoardCSV(ctx, a, Filter{}, io.Discard)
			}},
			{"Overdue", secretariatG, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Overdue(ctx, a)
				return err
			}},
			{"Report", secretariatG, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Report(ctx, a, 2027)
				return err
			}},
			{"SaveExpert", secretariatG, func(t *testing.T, a access.Actor) error {
				_, err := f.s.SaveExpert(ctx, a, Expert{Kind: Individual, Name: "New", Active: true})
				return err
			}},
			{"Expert", secretariatG, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Expert(ctx, a, f.expert(t, nil).ID)
				return err
			}},
			{"Experts", secretariatG, func(t *testing.T, a access.Actor) error {
				_, err := f.s.Experts(ctx, a, ExpertFilter{})
				return err
			}},
		}
		for _, tc := range tests {
			for i, ac := range actors {
				t.Run(tc.name+"/"+ac.name, func(t *testing.T) {
					if got := outcome(tc.call(t, ac.a)); got != tc.want[i] {
						t.Errorf("%s as %s: %s, want %s", tc.name, ac.name, got, tc.want[i])
					}
				})
			}
		}
	})
}
