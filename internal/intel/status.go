package intel

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// Status is a TAXII status resource: what became of the objects of a POST.
type Status struct {
	ID                               string
	Status                           string // "complete" | "pending"
	RequestTimestamp                 time.Time
	Total, Success, Failure, Pending int
	Successes, Failures              []StatusDetail
	OwnerID                          string // user who POSTed: only they (and their org's admins) can read it
}

// StatusDetail is one object of a status.
type StatusDetail struct{ ID, Version, Message string }

// statusBody is what intel_statuses.body holds.
type statusBody struct {
	Status           string         `json:"status"`
	RequestTimestamp int64          `json:"request_timestamp_us"`
	Total            int            `json:"total"`
	Success          int            `json:"success"`
	Failure          int            `json:"failure"`
	Pending          int            `json:"pending"`
	Successes        []StatusDetail `json:"successes,omitempty"`
	Failures         []StatusDetail `json:"failures,omitempty"`
}

// SaveStatus stores the status of a POST whose Put answered r; total is how
// many objects the request held. Statuses are kept for 7 days; older ones
// are removed here. A status is a receipt of a Put, which is audited
// itself, so the status is not.
func (s *Store) SaveStatus(ctx context.Context, a access.Actor, r Report, total int) (Status, error) {
	if !access.Can(a, access.CreateIntel, access.Target{OrgID: a.OrgID}) {
		return Status{}, access.ErrDenied
	}
	now := s.now().UTC()
	st := Status{ID: newUUID4(), Status: "complete", RequestTimestamp: now, Total: total, OwnerID: a.UserID,
		Success: len(r.Accepted) + len(r.Existing), Failure: len(r.Refused)}
	st.Pending = max(0, total-st.Success-st.Failure)
	if st.Pending > 0 {
		st.Status = "pending"
	}
	for _, refs := range [][]Ref{r.Accepted, r.Existing} {
		for _, ref := range refs {
			st.Successes = append(st.Successes, StatusDetail{ID: ref.ID, Version: ref.Version})
		}
	}
	for _, f := range r.Refused {
		st.Failures = append(st.Failures, StatusDetail{ID: f.ID, Version: f.Version, Message: f.Field + ": " + f.Message})
	}
	body, err := json.Marshal(statusBody{Status: st.Status, RequestTimestamp: now.UnixMicro(), Total: st.Total,
		Success: st.Success, Failure: st.Failure, Pending: st.Pending, Successes: st.Successes, Failures: st.Failures})
	if err != nil {
		return Status{}, fmt.Errorf("writing status: %w", err)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM intel_statuses WHERE created_at < $1`, store.Millis(now.Add(-statusTTL))); err != nil {
			return fmt.Errorf("removing old statuses: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO intel_statuses (id, owner_id, org_id, created_at, body) VALUES ($1, $2, $3, $4, $5)`,
			st.ID, a.UserID, a.OrgID, store.Millis(now), string(body))
		if err != nil {
			return fmt.Errorf("storing status: %w", err)
		}
		return nil
	})
	st.RequestTimestamp = microTime(now.UnixMicro())
	return st, err
}

// Status returns a status its owner, or an admin of the owner's
// organisation, may read (access.ViewStatus); anyone else gets ErrNotFound.
func (s *Store) Status(ctx context.Context, a access.Actor, id string) (Status, error) {
	var st Status
	var org, body string
	var created int64
	err := s.db.R().QueryRowContext(ctx, `SELECT id, owner_id, org_id, created_at, body FROM intel_statuses WHERE id = $1`, id).
		Scan(&st.ID, &st.OwnerID, &org, &created, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Status{}, ErrNotFound
	}
	if err != nil {
		return Status{}, fmt.Errorf("reading status: %w", err)
	}
	if !access.Can(a, access.ViewStatus, access.Target{OrgID: org, OwnerID: st.OwnerID}) {
		return Status{}, ErrNotFound
	}
	if s.now().Sub(store.Time(created)) > statusTTL {
		return Status{}, ErrNotFound
	}
	var b statusBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return Status{}, fmt.Errorf("reading status: %w", err)
	}
	st.Status, st.RequestTimestamp = b.Status, microTime(b.RequestTimestamp)
	st.Total, st.Success, st.Failure, st.Pending = b.Total, b.Success, b.Failure, b.Pending
	st.Successes, st.Failures = b.Successes, b.Failures
	return st, nil
}
