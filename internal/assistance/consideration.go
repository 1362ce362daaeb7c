package assistance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// openStates are those in which the secretariat works on a request.
var openStates = []State{Submitted, UnderConsideration, Design, Implementation, FollowUp}

func normalizeConsideration(c Consideration) Consideration {
	staff := make([]string, 0, len(c.Staff))
	for _, id := range c.Staff {
		staff = append(staff, strings.TrimSpace(id))
	}
	c.Staff = staff
	c.WorkPlan, c.InKind = strings.TrimSpace(c.WorkPlan), strings.TrimSpace(c.InKind)
	c.Financial.Currency = strings.ToUpper(strings.TrimSpace(c.Financial.Currency))
	c.Budget.Currency = strings.ToUpper(strings.TrimSpace(c.Budget.Currency))
	return c
}

func checkConsideration(c Consideration) error {
	var ck checker
	seen := map[string]bool{}
	for i, id := range c.Staff {
		field := indexed("consideration.staff", i, "")
		if ck.required(field, id) && (len(id) > 100 || seen[id]) {
			ck.add(field, "user", fmt.Sprintf("%q is not a user id, or is listed twice", clip(id)), map[string]any{"Value": clip(id)})
		}
		seen[id] = true
	}
	ck.text("consideration.work_plan", c.WorkPlan, longText, false)
	ck.text("consideration.in_kind", c.InKind, longText, false)
	ck.money("consideration.financial", c.Financial, false)
	ck.money("consideration.budget", c.Budget, false)
	return ck.err()
}

func (s *Service) setConsideration(ctx context.Context, a access.Actor, id string, version int64, c Consideration) (Request, error) {
	c = normalizeConsideration(c)
	var out Request
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, id, access.ManageAssistance)
		if err != nil {
			return err
		}
		if err := inState(r, "consideration", openStates...); err != nil {
			return err
		}
		if r.Version != version {
			return ErrConflict
		}
		if err := checkConsideration(c); err != nil {
			return err
		}
		cJSON, err := toJSON(c)
		if err != nil {
			return err
		}
		now := s.stamp(store.Millis(r.UpdatedAt))
		res, err := tx.ExecContext(ctx, `UPDATE assistance_requests SET consideration_json = $1, updated_at = $2,
			version = version + 1 WHERE id = $3 AND version = $4`, cJSON, now, id, version)
		if err != nil {
			return fmt.Errorf("updating the consideration of %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrConflict
		}
		out = r.Request
		out.Consideration, out.UpdatedAt, out.Version = c, store.Time(now), version+1
		return record(ctx, tx, a, "assistance.consideration", objRequest, id, r.Consideration, c)
	})
	if err != nil {
		return Request{}, err
	}
	return out, nil
}

// proposalNext is the status graph of a funding proposal.
var proposalNext = map[ProposalStatus][]ProposalStatus{
	ProposalDrafted: {ProposalSent, ProposalDeclined},
	ProposalSent:    {ProposalPledged, ProposalDeclined},
	ProposalPledged: {ProposalReceived},
}

const proposalColumns = `id, request_id, donor_org_id, donor, status, requested_amount, requested_currency,
	pledged_amount, pledged_currency, received_amount, received_currency, note, updated_at, version`

func scanProposal(sc scanner) (Proposal, error) {
	var p Proposal
	var updated int64
	err := sc.Scan(&p.ID, &p.RequestID, &p.DonorOrgID, &p.Donor, &p.Status, &p.Requested.Amount, &p.Requested.Currency,
		&p.Pledged.Amount, &p.Pledged.Currency, &p.Received.Amount, &p.Received.Currency, &p.Note, &updated, &p.Version)
	p.UpdatedAt = store.Time(updated)
	return p, err
}

func listProposals(ctx context.Context, q store.Querier, requestID string) ([]Proposal, error) {
	return collect(ctx, q, `SELECT `+proposalColumns+` FROM assistance_proposals WHERE request_id = $1
		ORDER BY created_at, id`, []any{requestID}, scanProposal)
}

func normalizeProposal(p Proposal) Proposal {
	p.ID, p.DonorOrgID = strings.TrimSpace(p.ID), strings.TrimSpace(p.DonorOrgID)
	p.Donor, p.Note = strings.TrimSpace(p.Donor), strings.TrimSpace(p.Note)
	p.Status = ProposalStatus(strings.TrimSpace(string(p.Status)))
	for _, m := range []*Money{&p.Requested, &p.Pledged, &p.Received} {
		m.Currency = strings.ToUpper(strings.TrimSpace(m.Currency))
	}
	return p
}

// checkProposal checks p moving from status from ("" when new): the
// status graph, and the money each status needs.
func checkProposal(p Proposal, from ProposalStatus) error {
	var c checker
	c.text("proposals.donor", p.Donor, shortText, true)
	c.money("proposals.requested", p.Requested, false)
	c.text("proposals.note", p.Note, longText, false)
	okStatus := p.Status == from || (from == "" && p.Status == ProposalDrafted) ||
		slices.Contains(proposalNext[from], p.Status)
	if !okStatus {
		c.add("proposals.status", "proposal_status",
			fmt.Sprintf("a proposal cannot go from %q to %q", from, p.Status),
			map[string]any{"From": string(from), "To": string(p.Status)})
	}
	if p.Status == ProposalPledged || p.Status == ProposalReceived {
		c.money("proposals.pledged", p.Pledged, true)
	}
	if p.Status == ProposalReceived {
		c.money("proposals.received", p.Received, true)
	}
	return c.err()
}

func (s *Service) saveProposal(ctx context.Context, a access.Actor, requestID string, p Proposal) (Proposal, error) {
	p = normalizeProposal(p)
	if p.Status == "" && p.ID == "" {
		p.Status = ProposalDrafted
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, requestID, access.ManageAssistance)
		if err != nil {
			return err
		}
		if err := inState(r, "proposals", openStates...); err != nil {
			return err
		}
		if p.Donor == "" && p.DonorOrgID != "" && s.orgName != nil {
			name, err := s.orgName(ctx, p.DonorOrgID)
			if err != nil && !notFound(err) {
				return fmt.Errorf("looking up donor %s: %w", p.DonorOrgID, err)
			}
			p.Donor = name
		}
		var old *Proposal
		if p.ID != "" {
			o, err := scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalColumns+` FROM assistance_proposals
				WHERE id = $1 AND request_id = $2`, p.ID, requestID))
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("proposal %s: %w", p.ID, store.ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("reading proposal %s: %w", p.ID, err)
			}
			if o.Version != p.Version {
				return ErrConflict
			}
			if p.Status == "" {
				p.Status = o.Status
			}
			old = &o
		}
		from := ProposalStatus("")
		if old != nil {
			from = old.Status
		}
		if err := checkProposal(p, from); err != nil {
			return err
		}
		// Money not yet promised is not kept: the report counts it.
		if p.Status != ProposalPledged && p.Status != ProposalReceived {
			p.Pledged = Money{}
		}
		if p.Status != ProposalReceived {
			p.Received = Money{}
		}
		now := s.stamp(0)
		if old != nil {
			now = s.stamp(store.Millis(old.UpdatedAt))
		}
		if old == nil {
			p.ID = store.NewID()
		}
		p.RequestID, p.UpdatedAt = requestID, store.Time(now)
		if err := writeProposal(ctx, tx, p, old, now); err != nil {
			return err
		}
		if old == nil {
			p.Version = 1
		} else {
			p.Version = old.Version + 1
		}
		if err := s.touch(ctx, tx, r); err != nil {
			return err
		}
		var before any
		if old != nil {
			before = *old
		}
		return record(ctx, tx, a, "assistance.proposal.save", objProposal, p.ID, before, p)
	})
	if err != nil {
		return Proposal{}, err
	}
	return p, nil
}

// writeProposal inserts p (old nil, p.ID set here) or updates it from
// old, stamping when it reached pledged and received.
func writeProposal(ctx context.Context, tx *sql.Tx, p Proposal, old *Proposal, now int64) error {
	pledgedAt, receivedAt := int64(0), int64(0)
	if p.Status == ProposalPledged || p.Status == ProposalReceived {
		pledgedAt = now
	}
	if p.Status == ProposalReceived {
		receivedAt = now
	}
	if old == nil {
		_, err := tx.ExecContext(ctx, `INSERT INTO assistance_proposals (id, request_id, donor_org_id, donor, status,
			requested_amount, requested_currency, pledged_amount, pledged_currency, received_amount, received_currency,
			note, pledged_at, received_at, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)`,
			p.ID, p.RequestID, p.DonorOrgID, p.Donor, p.Status, p.Requested.Amount, p.Requested.Currency,
			p.Pledged.Amount, p.Pledged.Currency, p.Received.Amount, p.Received.Currency, p.Note, pledgedAt, receivedAt, now)
		if err != nil {
			return fmt.Errorf("inserting proposal: %w", err)
		}
		return nil
	}
	// Once stamped, the dates of pledge and receipt stay.
	res, err := tx.ExecContext(ctx, `UPDATE assistance_proposals SET donor_org_id = $1, donor = $2, status = $3,
		requested_amount = $4, requested_currency = $5, pledged_amount = $6, pledged_currency = $7,
		received_amount = $8, received_currency = $9, note = $10,
		pledged_at = CASE WHEN pledged_at = 0 THEN $11 ELSE pledged_at END,
		received_at = CASE WHEN received_at = 0 THEN $12 ELSE received_at END,
		updated_at = $13, version = version + 1 WHERE id = $14 AND version = $15`,
		p.DonorOrgID, p.Donor, p.Status, p.Requested.Amount, p.Requested.Currency, p.Pledged.Amount, p.Pledged.Currency,
		p.Received.Amount, p.Received.Currency, p.Note, pledgedAt, receivedAt, now, p.ID, old.Version)
	if err != nil {
		return fmt.Errorf("updating proposal %s: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrConflict
	}
	return nil
}
