package alerts

import (
	"context"
	"io"
	"net/mail"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"
)

// TestSendText sends one notice through a real SMTP exchange and reads it
// back; without a server configured it says so instead of trying.
func TestSendText(t *testing.T) {
	if err := SendText(context.Background(), Mail{}, []string{"a@example.org"}, "s", "b", time.Now()); err == nil {
		t.Fatal("no SMTP host: want an error")
	}
	srv := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true, MultipleRcptto: true})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Stop() }()
	cfg := Mail{Host: "127.0.0.1", Port: srv.PortNumber(), From: "program@atalaya.example", TLS: "none"}
	body := "TA-2026-0001 MX consideration: 3 days overdue\n"
	if err := SendText(context.Background(), cfg, []string{"officer@oas.example", "lead@oas.example"},
		"Atalaya: 1 overdue step", body, time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.WaitForMessagesAndPurge(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(msgs[0].RcpttoRequestResponse()); n != 2 {
		t.Errorf("%d recipients, want 2", n)
	}
	m, err := mail.ReadMessage(strings.NewReader(msgs[0].MsgRequest()))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(m.Body)
	if !strings.Contains(strings.ReplaceAll(string(got), "\r\n", "\n"), body) || m.Header.Get("Subject") != "Atalaya: 1 overdue step" {
		t.Errorf("subject %q body %q", m.Header.Get("Subject"), got)
	}
}
