package assistance

import (
	"context"
	"fmt"
	"testing"
)

// proposalMoves is the status graph of the contract, typed again here.
var proposalMoves = map[ProposalStatus][]ProposalStatus{
	ProposalDrafted:  {ProposalSent, ProposalDeclined},
	ProposalSent:     {ProposalPledged, ProposalDeclined},
	ProposalPledged:  {ProposalReceived},
	ProposalDeclined: nil,
	ProposalReceived: nil,
}

// proposalPath reaches each status from drafted.
var proposalPath = map[ProposalStatus][]ProposalStatus{
	ProposalDrafted:  nil,
	ProposalSent:     {ProposalSent},
	ProposalPledged:  {ProposalSent, ProposalPledged},
	ProposalDeclined: {ProposalDeclined},
	ProposalReceived: {ProposalSent, ProposalPledged, ProposalReceived},
}

// withMoney gives p the amounts status st needs.
func withMoney(p Proposal, st ProposalStatus) Proposal {
	p.Status = st
	if st == ProposalPledged || st == ProposalReceived {
		p.Pledged = Money{Amount: 300_00, Currency: "USD"}
	}
	if st == ProposalReceived {
		p.Received = Money{Amount: 250_00, Currency: "USD"}
	}
	return p
}

// TestProposalStatuses tries every (from, to) pair of statuses.
func TestProposalStatuses(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.in(t, sec, "MX", UnderConsideration)
		for _, from := range ProposalStatuses {
			for _, to := range ProposalStatuses {
				t.Run(fmt.Sprintf("%s->%s", from, to), func(t *testing.T) {
					p, err := f.s.SaveProposal(ctx, sec, r.ID, Proposal{Donor: "Fondo", Requested: Money{Amount: 500_00, Currency: "usd"}})
					must(t, "SaveProposal", err)
					if p.Status != ProposalDrafted || p.Requested.Currency != "USD" || p.Version != 1 {
						t.Fatalf("new proposal %+v", p)
					}
					for _, st := range proposalPath[from] {
						p, err = f.s.SaveProposal(ctx, sec, r.ID, withMoney(p, st))
						must(t, "SaveProposal to "+string(st), err)
					}
					got, err := f.s.SaveProposal(ctx, sec, r.ID, withMoney(p, to))
					allowed := from == to
					for _, n := range proposalMoves[from] {
						allowed = allowed || n == to
					}
					if !allowed {
						wantInvalid(t, err, "proposals.status", "assistance.proposal_status")
						return
					}
					must(t, "SaveProposal", err)
					if got.Status != to || got.Version != p.Version+1 {
						t.Errorf("saved %+v", got)
					}
				})
			}
		}
		t.Run("new proposals start drafted", func(t *testing.T) {
			_, err := f.s.SaveProposal(ctx, sec, r.ID, withMoney(Proposal{Donor: "Fondo"}, ProposalPledged))
			wantInvalid(t, err, "proposals.status", "assistance.proposal_status")
		})
	})
}

// TestProposalMoney needs the amounts of each step and checks currencies.
func TestProposalMoney(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.in(t, sec, "MX", UnderConsideration)
		p, err := f.s.SaveProposal(ctx, sec, r.ID, Proposal{Donor: "Fondo", Status: ProposalSent})
		wantInvalid(t, err, "proposals.status", "assistance.proposal_status")
		p, err = f.s.SaveProposal(ctx, sec, r.ID, Proposal{Donor: "Fondo"})
		must(t, "SaveProposal", err)
		p.Status = ProposalSent
		p, err = f.s.SaveProposal(ctx, sec, r.ID, p)
		must(t, "SaveProposal sent", err)

		tests := []struct {
			name  string
			p     Proposal
			field string
			code  string
		}{
			{"pledge without amount", Proposal{Status: ProposalPledged, Pledged: Money{Currency: "USD"}}, "proposals.pledged.amount", "assistance.amount_required"},
			{"pledge without currency", Proposal{Status: ProposalPledged, Pledged: Money{Amount: 10}}, "proposals.pledged.currency", "assistance.currency"},
			{"bad currency", Proposal{Status: ProposalSent, Requested: Money{Amount: 10, Currency: "US$"}}, "proposals.requested.currency", "assistance.currency"},
			{"negative request", Proposal{Status: ProposalSent, Requested: Money{Amount: -1, Currency: "USD"}}, "proposals.requested.amount", "assistance.amount"},
			{"no donor", Proposal{Status: ProposalSent, Donor: " "}, "proposals.donor", "assistance.required"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				q := tc.p
				q.ID, q.Version = p.ID, p.Version
				if q.Donor == "" {
					q.Donor = "Fondo"
				}
				_, err := f.s.SaveProposal(ctx, sec, r.ID, q)
				wantInvalid(t, err, tc.field, tc.code)
			})
		}
		pledged := withMoney(p, ProposalPledged)
		pledged.Received = Money{Amount: 1, Currency: "USD"} // not kept before receipt
		got, err := f.s.SaveProposal(ctx, sec, r.ID, pledged)
		must(t, "pledge", err)
		if got.Pledged.Amount != 300_00 || got.Received.Amount != 0 {
			t.Errorf("pledged %+v", got)
		}
		received := withMoney(got, ProposalReceived)
		received.Received = Money{}
		_, err = f.s.SaveProposal(ctx, sec, r.ID, received)
		wantInvalid(t, err, "proposals.received.amount", "assistance.amount_required")
		_, err = f.s.SaveProposal(ctx, sec, r.ID, withMoney(p, ProposalPledged)) // an old version
		wantIs(t, err, ErrConflict)
	})
}

// TestProposalDonorByID names a donor given as an organisation.
func TestProposalDonorByID(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		f.s.orgName = func(_ context.Context, id string) (string, error) {
			if id == "org-donor" {
				return "Fondo Regional", nil
			}
			return "", fmt.Errorf("org %s: not found", id)
		}
		r := f.in(t, sec, "MX", UnderConsideration)
		p, err := f.s.SaveProposal(ctx, sec, r.ID, Proposal{DonorOrgID: "org-donor"})
		must(t, "SaveProposal", err)
		if p.Donor != "Fondo Regional" {
			t.Errorf("donor = %q", p.Donor)
		}
		if d := f.details(t, r.ID); len(d.Proposals) != 1 || d.Proposals[0].Donor != "Fondo Regional" || d.Proposals[0].DonorOrgID != "org-donor" {
			t.Errorf("stored %+v", d.Proposals)
		}
		_, err = f.s.SaveProposal(ctx, sec, r.ID, Proposal{DonorOrgID: "org-unknown"})
		if err == nil {
			t.Error("an organisation that cannot be looked up was taken")
		}
	})
}
