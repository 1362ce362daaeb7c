package assistance

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const days = 24 * time.Hour

// summaryOf finds the board's summary of request id.
func (f *fx) summaryOf(t *testing.T, number string) Summary {
	t.Helper()
	got, _, err := f.s.List(ctx, sec, Filter{Query: number})
	must(t, "List", err)
	if len(got) != 1 {
		t.Fatalf("List(%s) = %d summaries", number, len(got))
	}
	return got[0]
}

// TestDue sets the due time of each step as the contract says.
func TestDue(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		// The activity of the fixtures ends on 9 April 2027.
		activityEnd := time.Date(2027, 4, 9, 0, 0, 0, 0, time.UTC)
		tests := []struct {
			state State
			want  func(since time.Time) time.Time
		}{
			{Draft, func(time.Time) time.Time { return time.Time{} }},
			{Submitted, func(s time.Time) time.Time { return s.Add(14 * days) }},
			{UnderConsideration, func(s time.Time) time.Time { return s.Add(60 * days) }},
			{Design, func(s time.Time) time.Time { return s.Add(90 * days) }},
			{Implementation, func(time.Time) time.Time { return activityEnd.Add(30 * days) }},
			{FollowUp, func(s time.Time) time.Time { return s.Add(180 * days) }},
			{Closed, func(time.Time) time.Time { return time.Time{} }},
			{Declined, func(time.Time) time.Time { return time.Time{} }},
			{Withdrawn, func(time.Time) time.Time { return time.Time{} }},
		}
		for _, tc := range tests {
			t.Run(string(tc.state), func(t *testing.T) {
				f.clock.add(time.Hour) // each step entered at a time of its own
				r := f.in(t, sec, "MX", tc.state)
				s := f.summaryOf(t, r.Number)
				if want := tc.want(r.StateSince); !s.Due.Equal(want) {
					t.Errorf("due = %v, want %v (since %v)", s.Due, want, r.StateSince)
				}
			})
		}
		t.Run("implementation follows the plan", func(t *testing.T) {
			r := f.in(t, sec, "MX", Implementation)
			act := f.details(t, r.ID).Activities[0]
			_, err := f.s.Adjust(ctx, sec, r.ID, Adjustment{ActivityID: act.ID, Source: ByMonitoring,
				Reason: "later", NewStart: "2027-06-01", NewEnd: "2027-06-20"})
			must(t, "Adjust", err)
			if got, want := f.summaryOf(t, r.Number).Due, time.Date(2027, 7, 20, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
				t.Errorf("due after new dates = %v, want %v", got, want)
			}
			_, err = f.s.Adjust(ctx, sec, r.ID, Adjustment{ActivityID: act.ID, Source: ByMonitoring, Reason: "dropped", Cancel: true})
			must(t, "Adjust", err)
			if got, want := f.summaryOf(t, r.Number).Due, r.StateSince.Add(365*days); !got.Equal(want) {
				t.Errorf("due without activities = %v, want %v", got, want)
			}
		})
	})
}

// TestOverdueAndReminders lists the steps past due, most overdue first,
// and reminds of each at most once a day.
func TestOverdueAndReminders(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		submitted := f.in(t, sec, "MX", Submitted)
		considered := f.in(t, sec, "CR", UnderConsideration)
		f.in(t, sec, "BR", Draft)

		f.clock.set(start.Add(20*days + time.Hour))
		got, err := f.s.Overdue(ctx, sec)
		must(t, "Overdue", err)
		if len(got) != 1 || got[0].Number != submitted.Number || got[0].Days != 6 || !got[0].Overdue {
			t.Fatalf("overdue at day 20 = %+v, want %s 6 days", got, submitted.Number)
		}

		f.clock.set(start.Add(70*days + time.Hour))
		got, err = f.s.Overdue(ctx, sec)
		must(t, "Overdue", err)
		if len(got) != 2 || got[0].Number != submitted.Number || got[0].Days != 56 ||
			got[1].Number != considered.Number || got[1].Days != 10 {
			t.Fatalf("overdue at day 70 = %+v", got)
		}

		rem, err := f.s.DueReminders(ctx)
		must(t, "DueReminders", err)
		if len(rem) != 2 {
			t.Fatalf("first reminders = %d, want 2", len(rem))
		}
		subject, body := ReminderText(rem)
		if !strings.Contains(subject, "2 requests") {
			t.Errorf("subject %q", subject)
		}
		for _, want := range []string{
			fmt.Sprintf("%s  MX  submitted  56 days overdue", submitted.Number),
			fmt.Sprintf("%s  CR  consideration  10 days overdue", considered.Number),
		} {
			if !strings.Contains(body, want+"\n") {
				t.Errorf("body lacks %q:\n%s", want, body)
			}
		}
		rem, err = f.s.DueReminders(ctx)
		must(t, "DueReminders", err)
		if len(rem) != 0 {
			t.Errorf("reminded again at once: %d", len(rem))
		}
		f.clock.add(25 * time.Hour)
		rem, err = f.s.DueReminders(ctx)
		must(t, "DueReminders", err)
		if len(rem) != 2 {
			t.Errorf("reminders a day later = %d, want 2", len(rem))
		}
		if n := f.count(t, "audit_log", "action = $1", "assistance.remind"); n != 4 {
			t.Errorf("%d reminders audited, want 4", n)
		}
		if subject, _ := ReminderText(rem[:1]); !strings.Contains(subject, "1 request ") {
			t.Errorf("subject of one = %q", subject)
		}
	})
}
