package assistance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

const adjustmentColumns = `id, request_id, activity_id, source, reason, new_start, new_end, new_budget_set,
	new_budget_amount, new_budget_currency, cancel, by_user_id, at`

func scanAdjustment(sc scanner) (Adjustment, error) {
	var adj Adjustment
	var budgetSet bool
	var budget Money
	var at int64
	err := sc.Scan(&adj.ID, &adj.RequestID, &adj.ActivityID, &adj.Source, &adj.Reason, &adj.NewStart, &adj.NewEnd,
		&budgetSet, &budget.Amount, &budget.Currency, &adj.Cancel, &adj.ByUserID, &at)
	if budgetSet {
		adj.NewBudget = &budget
	}
	adj.At = store.Time(at)
	return adj, err
}

func listAdjustments(ctx context.Context, q store.Querier, requestID string) ([]Adjustment, error) {
	return collect(ctx, q, `SELECT `+adjustmentColumns+` FROM assistance_adjustments WHERE request_id = $1
		ORDER BY at, id`, []any{requestID}, scanAdjustment)
}

func normalizeAdjustment(adj Adjustment) Adjustment {
	adj.ActivityID, adj.Reason = strings.TrimSpace(adj.ActivityID), strings.TrimSpace(adj.Reason)
	adj.Source = AdjustmentSource(strings.TrimSpace(string(adj.Source)))
	adj.NewStart, adj.NewEnd = strings.TrimSpace(adj.NewStart), strings.TrimSpace(adj.NewEnd)
	if adj.NewBudget != nil {
		b := *adj.NewBudget
		b.Currency = strings.ToUpper(strings.TrimSpace(b.Currency))
		adj.NewBudget = &b
	}
	return adj
}

// adjustAllowed decides who asks: the secretariat, with either source,
// during implementation and follow-up; the member's government contact,
// as the member, during implementation only.
func adjustAllowed(a access.Actor, r stored, adj *Adjustment) error {
	if access.Can(a, access.ManageAssistance, access.Target{Country: r.Country}) {
		if adj.Source != ByMember && adj.Source != ByMonitoring {
			return newInvalid("adjustments.source", "source", "choose who asked for the adjustment: member or monitoring", nil)
		}
		return inState(r, "state", Implementation, FollowUp)
	}
	if !access.Can(a, access.FileAssistance, access.Target{Country: r.Country}) {
		return access.ErrDenied
	}
	if adj.Source == "" {
		adj.Source = ByMember
	}
	if adj.Source != ByMember {
		return access.ErrDenied
	}
	if r.State != Implementation {
		return newInvalid("state", "adjust_member", "a member state asks for adjustments only during implementation", nil)
	}
	return nil
}

// checkAdjustment checks adj against the activity it changes and returns
// the activity as it will be.
func checkAdjustment(adj Adjustment, old Activity) (Activity, error) {
	var c checker
	c.text("adjustments.reason", adj.Reason, longText, true)
	if adj.NewStart == "" && adj.NewEnd == "" && adj.NewBudget == nil && !adj.Cancel {
		c.add("adjustments", "adjust_empty", "an adjustment changes something: new dates, a new budget or the cancellation", nil)
	}
	next := old
	if adj.NewStart != "" && c.day("adjustments.new_start", adj.NewStart, false) {
		next.Start = adj.NewStart
	}
	if adj.NewEnd != "" && c.day("adjustments.new_end", adj.NewEnd, false) {
		next.End = adj.NewEnd
	}
	if next.End < next.Start {
		c.add("adjustments.new_end", "date_order", "the end cannot be before the start", nil)
	}
	if adj.NewBudget != nil {
		c.money("adjustments.new_budget", *adj.NewBudget, false)
		next.Budget = *adj.NewBudget
	}
	if adj.Cancel {
		next.State = Cancelled
	}
	return next, c.err()
}

func (s *Service) adjust(ctx context.Context, a access.Actor, requestID string, adj Adjustment) (Adjustment, error) {
	adj = normalizeAdjustment(adj)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.visible(ctx, tx, a, requestID)
		if err != nil {
			return err
		}
		if err := adjustAllowed(a, r, &adj); err != nil {
			return err
		}
		old, err := loadActivity(ctx, tx, requestID, adj.ActivityID)
		if errors.Is(err, store.ErrNotFound) {
			return newInvalid("adjustments.activity_id", "activity_unknown", "this activity is not part of the request", nil)
		}
		if err != nil {
			return err
		}
		if old.State != Planned {
			return activityClosed(old.State)
		}
		next, err := checkAdjustment(adj, old)
		if err != nil {
			return err
		}
		if next.State == Planned && (next.Start != old.Start || next.End != old.End) {
			for _, id := range old.ExpertIDs {
				if err := s.expertFits(ctx, tx, "expert_id", id, r, next.Start, next.End, old.ID, ""); err != nil {
					return err
				}
			}
		}
		return s.applyAdjustment(ctx, tx, a, r, &adj, old, next)
	})
	if err != nil {
		return Adjustment{}, err
	}
	return adj, nil
}

// applyAdjustment changes the activity and records the adjustment, in the
// same transaction.
func (s *Service) applyAdjustment(ctx context.Context, tx *sql.Tx, a access.Actor, r stored, adj *Adjustment, old, next Activity) error {
	_, err := tx.ExecContext(ctx, `UPDATE assistance_activities SET start_day = $1, end_day = $2, budget_amount = $3,
		budget_currency = $4, state = $5, version = version + 1 WHERE id = $6`,
		next.Start, next.End, next.Budget.Amount, next.Budget.Currency, next.State, old.ID)
	if err != nil {
		return fmt.Errorf("adjusting activity %s: %w", old.ID, err)
	}
	next.Version = old.Version + 1
	now := s.stamp(0)
	adj.ID, adj.RequestID, adj.ByUserID, adj.At = store.NewID(), r.ID, a.UserID, store.Time(now)
	var budget Money
	if adj.NewBudget != nil {
		budget = *adj.NewBudget
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO assistance_adjustments (id, request_id, activity_id, source, reason,
		new_start, new_end, new_budget_set, new_budget_amount, new_budget_currency, cancel, by_user_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		adj.ID, r.ID, old.ID, adj.Source, adj.Reason, adj.NewStart, adj.NewEnd, adj.NewBudget != nil,
		budget.Amount, budget.Currency, adj.Cancel, adj.ByUserID, now)
	if err != nil {
		return fmt.Errorf("recording adjustment: %w", err)
	}
	if err := record(ctx, tx, a, "assistance.adjustment.add", objAdjustment, adj.ID, nil, *adj); err != nil {
		return err
	}
	if err := record(ctx, tx, a, "assistance.activity.adjust", objActivity, old.ID, old, next); err != nil {
		return err
	}
	if err := setDue(ctx, tx, r.ID); err != nil {
		return err
	}
	return s.touch(ctx, tx, r)
}
