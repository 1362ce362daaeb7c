package assistance

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"atalaya/internal/store"
)

// day is 24 hours: due times count whole days from when a step began.
const day = 24 * time.Hour

// stepDays is how long each step may take before it is overdue. The
// implementation step is timed by its activities instead (see dueAt).
var stepDays = map[State]int{
	Submitted:          14,
	UnderConsideration: 60,
	Design:             90,
	FollowUp:           180,
}

// Implementation is overdue 30 days after its latest activity ends, or a
// year after it began when no activity is planned.
const (
	implementationAfterEnd = 30
	implementationNoPlan   = 365
)

// dueAt is when a request that entered st at since is overdue: zero for
// drafts and ended requests. latestEnd is the last end day of its
// activities not cancelled ("" when none).
func dueAt(st State, since time.Time, latestEnd string) time.Time {
	if st == Implementation {
		if end := dayTime(latestEnd); !end.IsZero() {
			return end.Add(implementationAfterEnd * day)
		}
		return since.Add(implementationNoPlan * day)
	}
	if n, ok := stepDays[st]; ok {
		return since.Add(time.Duration(n) * day)
	}
	return time.Time{}
}

// setDue recomputes the due time of request id after a change of its
// state or its activities.
func setDue(ctx context.Context, tx *sql.Tx, id string) error {
	var (
		st        State
		since     int64
		latestEnd sql.NullString
	)
	err := tx.QueryRowContext(ctx, `SELECT state, state_since,
		(SELECT MAX(end_day) FROM assistance_activities WHERE request_id = $1 AND state <> $2)
		FROM assistance_requests WHERE id = $1`, id, Cancelled).Scan(&st, &since, &latestEnd)
	if err != nil {
		return fmt.Errorf("reading the step of request %s: %w", id, err)
	}
	due := store.Millis(dueAt(st, store.Time(since), latestEnd.String))
	if _, err := tx.ExecContext(ctx, `UPDATE assistance_requests SET due_at = $1 WHERE id = $2`, due, id); err != nil {
		return fmt.Errorf("setting the due time of request %s: %w", id, err)
	}
	return nil
}
