package assistance

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
)

// boardColumns are the columns of the board's CSV.
var boardColumns = []string{"number", "country", "institution", "state", "state_since", "support", "due", "overdue", "updated_at"}

// safeCell keeps a spreadsheet from reading a cell as a formula.
func safeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *Service) writeBoardCSV(ctx context.Context, a access.Actor, f Filter, w io.Writer) error {
	if err := allow(a, access.ViewBoard, ""); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(boardColumns); err != nil {
		return fmt.Errorf("writing the board: %w", err)
	}
	f.After, f.Limit = "", maxLimit
	if s.csvPage > 0 {
		f.Limit = s.csvPage
	}
	for {
		page, next, err := s.page(ctx, f, "")
		if err != nil {
			return err
		}
		for _, r := range page {
			kinds := make([]string, len(r.Support))
			for i, k := range r.Support {
				kinds[i] = string(k)
			}
			row := []string{safeCell(r.Number), safeCell(r.Country), safeCell(r.Institution), safeCell(string(r.State)),
				csvTime(r.StateSince), safeCell(strings.Join(kinds, ";")), csvTime(r.Due), strconv.FormatBool(r.Overdue),
				csvTime(r.UpdatedAt)}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("writing the board: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("writing the board: %w", err)
		}
		if next == "" {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		f.After = next
	}
}

// overdueRequests returns the requests past due at now, most overdue
// first; extra narrows the WHERE clause (with arguments from $2 on).
func (s *Service) overdueRequests(ctx context.Context, q store.Querier, now time.Time, extra string, args ...any) ([]Overdue, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+requestColumns+` FROM assistance_requests
		WHERE due_at > 0 AND due_at < $1`+extra+` ORDER BY due_at, year, seq`, append([]any{now.UnixMilli()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("listing overdue requests: %w", err)
	}
	defer rows.Close()
	out := []Overdue{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("listing overdue requests: %w", err)
		}
		out = append(out, Overdue{Summary: summary(r, now), Days: int(now.Sub(r.due) / day)})
	}
	return out, rows.Err()
}

func (s *Service) overdue(ctx context.Context, a access.Actor) ([]Overdue, error) {
	if err := allow(a, access.ViewBoard, ""); err != nil {
		return nil, err
	}
	return s.overdueRequests(ctx, s.db.R(), s.now(), "")
}

// remindEvery is how often one overdue request is reminded of.
const remindEvery = 24 * time.Hour

// DueReminders returns the overdue requests not reminded of in the last
// 24 hours and marks them reminded now, for the job that mails the
// secretariat (see ReminderText). Marking and returning happen in one
// transaction: two runs at once do not both remind.
func (s *Service) DueReminders(ctx context.Context) ([]Overdue, error) {
	now := s.now()
	var out []Overdue
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.overdueRequests(ctx, tx, now, ` AND reminded_at <= $2`, now.Add(-remindEvery).UnixMilli())
		if err != nil {
			return err
		}
		for _, o := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE assistance_requests SET reminded_at = $1 WHERE id = $2`,
				now.UnixMilli(), o.ID); err != nil {
				return fmt.Errorf("marking request %s reminded: %w", o.Number, err)
			}
			if err := audit.Record(ctx, tx, audit.System("assistance-reminders"), audit.Change{
				Action: "assistance.remind", ObjectType: objRequest, ObjectID: o.ID,
				After: map[string]any{"state": o.State, "days_overdue": o.Days},
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReminderText is the e-mail of overdue steps: an English subject and a
// plain-text body with one line per request (number, country, state, days
// overdue).
func ReminderText(o []Overdue) (subject, body string) {
	if len(o) == 1 {
		subject = "Technical assistance: 1 request has an overdue step"
	} else {
		subject = fmt.Sprintf("Technical assistance: %d requests have an overdue step", len(o))
	}
	var b strings.Builder
	b.WriteString("These technical-assistance requests have stayed in their step longer than the program allows:\n\n")
	for _, r := range o {
		days := "days"
		if r.Days == 1 {
			days = "day"
		}
		fmt.Fprintf(&b, "%s  %s  %s  %d %s overdue\n", r.Number, r.Country, r.State, r.Days, days)
	}
	b.WriteString("\nThe board of technical assistance lists them with their due dates.\n")
	return subject, b.String()
}
