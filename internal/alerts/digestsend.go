package alerts

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"atalaya/internal/event"
	"atalaya/internal/store"
)

const (
	digestMax    = 10_000 // alerts in one digest; the rest go in the next
	digestListed = 20     // alerts listed in the text
	mailTimeout  = 30 * time.Second
)

// sendDigests sends every digest that is due: the alerts after the last
// one it covered. A digest with nothing new sends no mail. A failed send
// is retried at the next tick.
func (s *Service) sendDigests(ctx context.Context) error {
	if s.opts.Mail.Host == "" {
		return nil
	}
	ds, err := s.queryDigests(ctx, selectDigests+` ORDER BY id`)
	if err != nil {
		return err
	}
	now := s.now().UTC().Truncate(timeUnit)
	for _, d := range ds {
		if now.Before(d.LastSent.Add(period(d.Every))) {
			continue
		}
		if err := s.sendDigest(ctx, d, now); err != nil {
			s.metrics.digestErrors.Add(1)
			s.log.Warn("digest not sent", "digest", d.ID, "org", d.OrgID, "err", err)
		}
	}
	return nil
}

// sendDigest claims the digest (so another process does not send it too),
// sends it and records the last alert it covered; a failed send gives the
// claim back.
func (s *Service) sendDigest(ctx context.Context, d storedDigest, now time.Time) error {
	n, err := s.exec(ctx, `UPDATE alert_digests SET last_sent = $1 WHERE id = $2 AND last_sent = $3`,
		store.Millis(now), d.ID, store.Millis(d.LastSent))
	if err != nil || n == 0 {
		return err
	}
	alerts, err := s.queryAlerts(ctx, selectAlerts+` WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		d.OrgID, d.lastAlert, digestMax+1)
	if err == nil && len(alerts) > 0 {
		more := len(alerts) > digestMax
		alerts = alerts[:min(len(alerts), digestMax)]
		err = s.mailDigest(ctx, d, alerts, more, now)
		if err == nil {
			s.metrics.digestsSent.Add(1)
			_, err = s.exec(ctx, `UPDATE alert_digests SET last_alert_id = $1 WHERE id = $2`, alerts[len(alerts)-1].ID, d.ID)
			return err
		}
	}
	if err != nil {
		_, _ = s.exec(context.WithoutCancel(ctx), `UPDATE alert_digests SET last_sent = $1 WHERE id = $2 AND last_sent = $3`,
			store.Millis(d.LastSent), d.ID, store.Millis(now))
	}
	return err
}

func (s *Service) mailDigest(ctx context.Context, d storedDigest, alerts []Alert, more bool, now time.Time) error {
	span := "hour"
	if d.Every == Daily {
		span = "day"
	}
	subject := fmt.Sprintf("Atalaya: %d %s in the last %s", len(alerts), plural(len(alerts), "alert", "alerts"), span)
	m, err := newMessage(s.opts.Mail, []string{d.Email}, subject, digestText(d, alerts, more), now)
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	var att bytes.Buffer
	if err := writeCSV(&att, alerts); err != nil {
		return err
	}
	name := "alerts-" + now.Format("20060102-1504") + ".csv"
	if err := m.AttachReader(name, &att, gomail.WithFileContentType("text/csv")); err != nil {
		return fmt.Errorf("attaching the CSV: %w", err)
	}
	if err := send(ctx, s.opts.Mail, m); err != nil {
		return fmt.Errorf("sending digest to %s: %w", d.Email, err)
	}
	return nil
}

// newMessage is a plain-text message from the configured sender.
func newMessage(cfg Mail, to []string, subject, body string, now time.Time) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	from := cfg.From
	if from == "" {
		from = "atalaya@localhost"
	}
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("sender %q: %w", from, err)
	}
	if err := m.To(to...); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	m.Subject(subject)
	m.SetDateWithValue(now)
	m.SetMessageID()
	m.SetBodyString(gomail.TypeTextPlain, body)
	return m, nil
}

// send hands m to the SMTP server of cfg.
func send(ctx context.Context, cfg Mail, m *gomail.Msg) error {
	client, err := gomail.NewClient(cfg.Host, mailOptions(cfg)...)
	if err != nil {
		return fmt.Errorf("mail client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("via %s: %w", cfg.Host, err)
	}
	return nil
}

func mailOptions(cfg Mail) []gomail.Option {
	port := cfg.Port
	var opts []gomail.Option
	switch cfg.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		port = positive(port, 25)
	case "tls":
		opts = append(opts, gomail.WithSSL())
		port = positive(port, 465)
	default: // "starttls", and anything unknown errs on the safe side
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		port = positive(port, 587)
	}
	opts = append(opts, gomail.WithPort(port), gomail.WithTimeout(mailTimeout), gomail.WithHELO(helo(cfg)))
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return opts
}

// helo is the EHLO name: the configured one, else the domain of From.
func helo(cfg Mail) string {
	if cfg.HELO != "" {
		return cfg.HELO
	}
	if at := strings.LastIndexByte(cfg.From, '@'); at >= 0 {
		if d := strings.Trim(cfg.From[at+1:], "<> "); d != "" {
			return d
		}
	}
	return "localhost"
}

// digestText is the message's text: counts by rule, then the first alerts.
// (English: a digest goes to a team's address, not to one reader whose
// language is known.)
func digestText(d storedDigest, alerts []Alert, more bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s for your team since %s.\n\n", len(alerts), plural(len(alerts), "alert", "alerts"),
		d.LastSent.UTC().Format("2006-01-02 15:04 UTC"))
	if more {
		fmt.Fprintf(&b, "There were more: this digest holds the first %d; the next one has the rest.\n\n", len(alerts))
	}
	b.WriteString("By rule:\n")
	var names []string
	count := map[string]int{}
	for _, a := range alerts {
		if count[a.RuleName] == 0 {
			names = append(names, a.RuleName)
		}
		count[a.RuleName]++
	}
	for _, n := range names {
		fmt.Fprintf(&b, "  %6d  %s\n", count[n], n)
	}
	fmt.Fprintf(&b, "\nThe first %d:\n", min(len(alerts), digestListed))
	for _, a := range alerts[:min(len(alerts), digestListed)] {
		e := &a.Event.Event
		what := e.SourceFQDN
		if e.SourceIP.IsValid() {
			what = e.SourceIP.String()
		} else if what == "" {
			what = e.SourceURL
		}
		fmt.Fprintf(&b, "  %s  %s  %s  %s\n", a.At.UTC().Format("2006-01-02 15:04"), a.RuleName, e.Type, what)
	}
	b.WriteString("\nThe attached CSV has every alert with all the event's fields.\n")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// csvHead are the digest CSV's first columns; the event's harmonisation
// fields and "extra" (a JSON object) follow.
var csvHead = []string{"alert.id", "alert.at", "alert.rule", "delivery.feed", "delivery.by", "delivery.key",
	"delivery.repeats", "delivery.first_seen", "delivery.last_seen"}

// writeCSV writes one row per alert. Text from feeds that a spreadsheet
// would take for a formula (=, +, -, @ first) is prefixed with ', as
// OWASP advises against CSV injection.
func writeCSV(w *bytes.Buffer, alerts []Alert) error {
	cw := csv.NewWriter(w)
	fields := event.Fields()
	if err := cw.Write(append(append(append([]string{}, csvHead...), fields...), "extra")); err != nil {
		return err
	}
	row := make([]string, 0, len(csvHead)+len(fields)+1)
	for _, a := range alerts {
		d := &a.Event
		row = append(row[:0], strconv.FormatInt(a.ID, 10), a.At.UTC().Format(time.RFC3339), safeCell(a.RuleName),
			safeCell(d.FeedName), d.By, safeCell(d.Key), strconv.FormatInt(d.Repeats, 10),
			timeCell(d.FirstSeen), timeCell(d.LastSeen))
		for _, f := range fields {
			v, _ := d.Event.Get(f)
			row = append(row, safeCell(v))
		}
		extra := ""
		if len(d.Event.Extra) > 0 {
			b, err := json.Marshal(d.Event.Extra)
			if err != nil {
				return err
			}
			extra = string(b)
		}
		row = append(row, safeCell(extra))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func timeCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func safeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// SendText sends a plain-text message through the SMTP server of cfg:
// the one mail path of the program, shared with other domains' notices
// (technical-assistance reminders).
func SendText(ctx context.Context, cfg Mail, to []string, subject, body string, now time.Time) error {
	if cfg.Host == "" {
		return errors.New("no SMTP server configured")
	}
	m, err := newMessage(cfg, to, subject, body, now)
	if err != nil {
		return err
	}
	if err := send(ctx, cfg, m); err != nil {
		return fmt.Errorf("sending %q: %w", subject, err)
	}
	return nil
}
