package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"atalaya/internal/alerts"
	"atalaya/internal/app"
	"atalaya/internal/assistance"
	"atalaya/internal/auth"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// TestRemindersMailed: a request left in its step past the program's
// limit is mailed to the secretariat's staff through a real SMTP exchange,
// once a day, not on every run.
func TestRemindersMailed(t *testing.T) {
	storetest.Each(t, app.Migrations(), func(t *testing.T, db *store.DB) {
		srv := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true,
			MultipleRcptto: true})
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = srv.Stop() }()
		cfg := app.Config{Demo: true, AuthOptions: auth.Options{Argon2: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}},
			Mail: alerts.Mail{Host: "127.0.0.1", Port: srv.PortNumber(), From: "program@atalaya.example", TLS: "none"}}
		a, err := app.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := app.SeedDemo(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := a.SendReminders(ctx); err != nil {
			t.Fatal(err)
		}
		if got := srv.MessagesAndPurge(); len(got) != 0 {
			t.Fatalf("nothing is overdue in the fresh demo, yet %d messages were sent", len(got))
		}
		// Costa Rica's request was submitted today: due for consideration
		// within 14 days. Put its step 20 days back, and its due date 6.
		officer, err := app.ActorForEmail(ctx, a, "officer@secretariat.example")
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := a.Assistance.List(ctx, officer, assistance.Filter{Country: "CR"})
		if err != nil || len(list) != 1 {
			t.Fatalf("Costa Rica's demo request: %v, %v", list, err)
		}
		since, due := store.Millis(time.Now().AddDate(0, 0, -20)), store.Millis(time.Now().AddDate(0, 0, -6))
		if _, err := db.R().ExecContext(ctx, `UPDATE assistance_requests SET state_since = $1, due_at = $2 WHERE id = $3`,
			since, due, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := a.SendReminders(ctx); err != nil {
			t.Fatal(err)
		}
		msgs, err := srv.WaitForMessagesAndPurge(1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var rcpt []string
		for _, r := range msgs[0].RcpttoRequestResponse() {
			rcpt = append(rcpt, strings.ToLower(r[0]))
		}
		for _, want := range []string{"admin@secretariat.example", "officer@secretariat.example"} {
			if !slices.ContainsFunc(rcpt, func(r string) bool { return strings.Contains(r, want) }) {
				t.Errorf("reminder not sent to %s: %v", want, rcpt)
			}
		}
		m, err := mail.ReadMessage(strings.NewReader(msgs[0].MsgRequest()))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(m.Body)
		if !strings.Contains(string(body), list[0].Number) || !strings.Contains(string(body), "CR") {
			t.Errorf("the reminder does not name %s of CR:\n%s", list[0].Number, body)
		}
		// Reminded today: the next run sends nothing.
		if err := a.SendReminders(ctx); err != nil {
			t.Fatal(err)
		}
		if got := srv.MessagesAndPurge(); len(got) != 0 {
			t.Errorf("a second run within the day sent %d more messages", len(got))
		}
	})
}
