package assistance

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
)

// Object types of the audit log.
const (
	objRequest    = "assistance_request"
	objAttachment = "assistance_attachment"
	objProposal   = "assistance_proposal"
	objAnalysis   = "assistance_analysis"
	objActivity   = "assistance_activity"
	objMonitoring = "assistance_monitoring"
	objAdjustment = "assistance_adjustment"
	objMission    = "assistance_mission"
	objEvaluation = "assistance_evaluation"
	objExpert     = "assistance_expert"
)

// allow returns access.ErrDenied unless a may do act for country.
func allow(a access.Actor, act access.Action, country string) error {
	if !access.Can(a, act, access.Target{Country: country}) {
		return access.ErrDenied
	}
	return nil
}

// record writes one audit entry for a change made by a inside tx. Requests
// belong to member states, not organisations: entries carry no org, so
// only the secretariat's auditors read them.
func record(ctx context.Context, tx *sql.Tx, a access.Actor, action, objType, objID string, before, after any) error {
	return audit.Record(ctx, tx, audit.By(a), audit.Change{
		Action: action, ObjectType: objType, ObjectID: objID, Before: before, After: after,
	})
}

// stamp returns the current time as stored, strictly after prev, so a
// change within the millisecond of the previous one still moves updated_at.
func (s *Service) stamp(prev int64) int64 {
	ms := store.Millis(s.now())
	if ms <= prev {
		ms = prev + 1
	}
	return ms
}

// visible loads a request the actor may see; any other is not found, so
// that whether it exists is not told.
func (s *Service) visible(ctx context.Context, q store.Querier, a access.Actor, id string) (stored, error) {
	r, err := loadRequest(ctx, q, id)
	if err != nil {
		return stored{}, err
	}
	if !access.Can(a, access.ViewAssistance, access.Target{Country: r.Country}) {
		return stored{}, fmt.Errorf("request %s: %w", id, store.ErrNotFound)
	}
	return r, nil
}

// forChange loads a request inside tx for a change needing act: not found
// when the actor cannot see it, denied when seeing is all it may do.
func (s *Service) forChange(ctx context.Context, tx *sql.Tx, a access.Actor, id string, act access.Action) (stored, error) {
	r, err := s.visible(ctx, tx, a, id)
	if err != nil {
		return stored{}, err
	}
	if err := allow(a, act, r.Country); err != nil {
		return stored{}, err
	}
	return r, nil
}

// touch moves a request's updated_at after a change of something of it.
func (s *Service) touch(ctx context.Context, tx *sql.Tx, r stored) error {
	_, err := tx.ExecContext(ctx, `UPDATE assistance_requests SET updated_at = $1 WHERE id = $2`,
		s.stamp(store.Millis(r.UpdatedAt)), r.ID)
	if err != nil {
		return fmt.Errorf("touching request %s: %w", r.ID, err)
	}
	return nil
}

// inState refuses a change the request's state does not allow.
func inState(r stored, field string, states ...State) error {
	for _, st := range states {
		if r.State == st {
			return nil
		}
	}
	return notEditable(field, r.State)
}

func notEditable(field string, st State) error {
	return newInvalid(field, "not_editable", fmt.Sprintf("this cannot be changed while the request is in state %s", st),
		map[string]any{"State": string(st)})
}

func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encoding %T: %w", v, err)
	}
	return string(b), nil
}

func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decoding %T: %w", v, err)
	}
	return nil
}

// notFound reports whether err means the row is not there.
func notFound(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, store.ErrNotFound)
}
