package alerts

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"atalaya/internal/feeds"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

// digestMail is a received digest, parsed.
type digestMail struct {
	to, subject, text, csvName string
	rows                       []map[string]string // the CSV, by column name
}

func parseDigest(t *testing.T, m smtpmock.Message) digestMail {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(m.MsgRequest()))
	if err != nil {
		t.Fatalf("reading message: %v\n%s", err, m.MsgRequest())
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	d := digestMail{to: msg.Header.Get("To"), subject: subject}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		if p.Header.Get("Content-Transfer-Encoding") == "base64" {
			body, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
			if err != nil {
				t.Fatal(err)
			}
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch {
		case p.FileName() != "":
			if ct != "text/csv" {
				t.Errorf("attachment type %q", ct)
			}
			d.csvName = p.FileName()
			recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil || len(recs) == 0 {
				t.Fatalf("CSV: %v\n%s", err, body)
			}
			for _, r := range recs[1:] {
				row := map[string]string{}
				for i, col := range recs[0] {
					row[col] = r[i]
				}
				d.rows = append(d.rows, row)
			}
		case ct == "text/plain":
			d.text = string(body)
		}
	}
	return d
}

// column lists one CSV column of the digest.
func (d digestMail) column(name string) []string {
	var out []string
	for _, r := range d.rows {
		out = append(out, r[name])
	}
	return out
}

func TestDigests(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		srv := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true,
			MultipleRcptto: true})
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = srv.Stop() }()
		clk := newClock(t0)
		s := started(t, db, Options{Now: clk.Now, Tick: time.Hour,
			Mail: Mail{Host: "127.0.0.1", Port: srv.PortNumber(), From: "alerts@atalaya.example", TLS: "none"}})
		a, b := analyst("org-a"), analyst("org-b")
		mustRule(t, s, a, "Phishing", `classification.type == "phishing"`)
		mustRule(t, s, a, "Emotet", `malware.name == "emotet"`)
		mustRule(t, s, b, "All", `true`)
		deliver := func(ds ...feeds.StoredEvent) {
			t.Helper()
			want := s.Stats().Recorded + int64(len(ds))
			s.Deliver(ds)
			waitFor(t, "alerts recorded", func() bool { return s.Stats().Recorded == want })
		}
		// Before the subscription: not in any digest.
		deliver(phishing(t, 100, "org-a"))

		hourly, err := s.CreateDigest(ctx, a, Digest{Email: "soc@org-a.example", Every: Hourly})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateDigest(ctx, a, Digest{Email: "head@org-a.example", Every: Daily}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateDigest(ctx, b, Digest{Email: "soc@org-b.example", Every: Hourly}); err != nil {
			t.Fatal(err)
		}
		ev := botnet(t, 2, "org-a")
		ev.Event.Raw = "=HYPERLINK(\"http://evil.example\")"
		deliver(phishing(t, 1, "org-a"), ev, phishing(t, 3, "org-a"), botnet(t, 4, "org-b"))

		send := func(at time.Time, want int) map[string]digestMail {
			t.Helper()
			clk.Set(at)
			if err := s.sendDigests(ctx); err != nil {
				t.Fatal(err)
			}
			got := map[string]digestMail{}
			if want > 0 {
				msgs, err := srv.WaitForMessagesAndPurge(want, 5*time.Second)
				if err != nil {
					t.Fatalf("waiting for %d digests: %v", want, err)
				}
				for _, m := range msgs {
					d := parseDigest(t, m)
					got[d.to] = d
				}
			}
			if extra := srv.MessagesAndPurge(); len(extra) != 0 || len(got) != want {
				t.Fatalf("at %v: %d digests and %d more, want %d", at, len(got), len(extra), want)
			}
			return got
		}

		send(t0.Add(30*time.Minute), 0) // not due yet
		got := send(t0.Add(time.Hour), 2)

		da := got["<soc@org-a.example>"]
		if da.subject != "Atalaya: 3 alerts in the last hour" {
			t.Errorf("subject %q", da.subject)
		}
		var ids []int
		for _, v := range da.column("alert.id") {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				t.Errorf("alert id %q", v)
			}
			ids = append(ids, n)
		}
		if len(ids) != 3 || !slices.IsSorted(ids) || ids[0] == ids[2] {
			t.Errorf("alert ids %v, want three increasing", ids)
		}
		if got, want := da.column("source.url"), []string{"http://login.example.uy/x", "", "http://login.example.uy/x"}; !slices.Equal(got, want) {
			t.Errorf("source.url column %q, want %q", got, want)
		}
		if got, want := da.column("alert.rule"), []string{"Phishing", "Emotet", "Phishing"}; !slices.Equal(got, want) {
			t.Errorf("rules %q, want %q", got, want)
		}
		if r := da.rows[1]; r["source.ip"] != "192.0.2.7" || r["source.port"] != "443" ||
			r["raw"] != "'=HYPERLINK(\"http://evil.example\")" || r["extra"] != `{"botnet_id":"E4"}` {
			t.Errorf("second row %v", r)
		}
		if !strings.Contains(da.text, "3 alerts for your team since 2024-05-01 10:00 UTC") ||
			!strings.Contains(da.text, "2  Phishing") || !strings.Contains(da.text, "login.example.uy") {
			t.Errorf("text:\n%s", da.text)
		}
		if da.csvName != "alerts-20240501-1100.csv" {
			t.Errorf("attachment %q", da.csvName)
		}
		db_ := got["<soc@org-b.example>"]
		if len(db_.rows) != 1 || db_.rows[0]["source.ip"] != "192.0.2.7" || db_.subject != "Atalaya: 1 alert in the last hour" {
			t.Errorf("org-b's digest %+v", db_)
		}

		send(t0.Add(2*time.Hour), 0) // nothing new: no mail
		deliver(botnet(t, 5, "org-a"))
		got = send(t0.Add(3*time.Hour), 1)
		if ids := got["<soc@org-a.example>"].column("source.asn"); len(ids) != 1 || ids[0] != "64496" {
			t.Errorf("third hour's digest %v", ids)
		}
		// The daily one has the whole day.
		got = send(t0.Add(24*time.Hour), 1)
		if rows := got["<head@org-a.example>"].rows; len(rows) != 4 {
			t.Errorf("daily digest with %d rows, want 4", len(rows))
		}

		// A send that fails is kept for the next tick.
		deliver(botnet(t, 6, "org-a"))
		if err := srv.Stop(); err != nil {
			t.Fatal(err)
		}
		clk.Set(t0.Add(26 * time.Hour))
		if err := s.sendDigests(ctx); err != nil {
			t.Fatal(err)
		}
		if n := s.Stats().DigestErrors; n != 1 {
			t.Errorf("digest errors %d, want 1", n)
		}
		ds, err := s.Digests(ctx, a, "org-a")
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			// At 24 h the hourly digest had nothing new: no mail, but sent.
			if d.ID == hourly.ID && !d.LastSent.Equal(t0.Add(24*time.Hour)) {
				t.Errorf("after a failed send LastSent is %v, want %v", d.LastSent, t0.Add(24*time.Hour))
			}
		}
		if n := s.Stats().DigestsSent; n != 4 {
			t.Errorf("digests sent %d, want 4", n)
		}
	})
}

func TestDigestRefusesAndDeletes(t *testing.T) {
	s := New(storetest.SQLite(t, sets()), Options{})
	a := analyst("org-a")
	cases := []struct{ name, email, every, field, code string }{
		{"not an address", "soc", Hourly, "email", "alert_digest_email"},
		{"with a display name", "SOC <soc@example.org>", Hourly, "email", "alert_digest_email"},
		{"weekly", "soc@example.org", "weekly", "every", "alert_digest_every"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateDigest(ctx, a, Digest{Email: tc.email, Every: tc.every})
			es := valid.List(err)
			if len(es) != 1 || es[0].Field != tc.field || es[0].Code != tc.code {
				t.Errorf("got %v, want %s on %s", err, tc.code, tc.field)
			}
		})
	}
	d, err := s.CreateDigest(ctx, a, Digest{Email: " soc@example.org ", Every: Daily})
	if err != nil || d.Email != "soc@example.org" || d.OrgID != "org-a" {
		t.Fatalf("CreateDigest = %+v, %v", d, err)
	}
	if err := s.DeleteDigest(ctx, a, d.ID); err != nil {
		t.Fatal(err)
	}
	if ds, _ := s.Digests(ctx, a, "org-a"); len(ds) != 0 {
		t.Errorf("left %+v", ds)
	}
}
