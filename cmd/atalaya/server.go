package main

import (
	"fmt"
	"log/slog"
	"os"

	"atalaya/internal/alerts"
	"atalaya/internal/app"
	"atalaya/internal/audit"
)

// httpFlags configure the server's listener.
type httpFlags struct {
	Addr       string `help:"Address to listen on (HOST:PORT)." env:"ATALAYA_ADDR" default:"127.0.0.1:8080"`
	TLSCert    string `help:"TLS certificate file (PEM); with --tls-key serves HTTPS." env:"ATALAYA_TLS_CERT" type:"path"`
	TLSKey     string `help:"TLS private key file (PEM)." env:"ATALAYA_TLS_KEY" type:"path"`
	TrustProxy bool   `help:"Trust X-Forwarded-For from a reverse proxy for client addresses." env:"ATALAYA_TRUST_PROXY"`
	// Intel settings ride with the server flags: only a serving process
	// shows correlations.
	WarningLists string `help:"Directory of MISP warning lists (holding lists/*/list.json): values on them are not correlated." env:"ATALAYA_WARNING_LISTS" type:"path"`
	// Early warning.
	ShadowserverSchema string `help:"Shadowserver's report schema (intelmq.json) for feeds of format shadowserver." env:"ATALAYA_SHADOWSERVER_SCHEMA" type:"path"`
	SMTPHost           string `help:"SMTP server for alert digests (none: digests are not sent)." env:"ATALAYA_SMTP_HOST"`
	SMTPPort           int    `help:"SMTP port." env:"ATALAYA_SMTP_PORT" default:"587"`
	SMTPFrom           string `help:"Sender address of alert digests." env:"ATALAYA_SMTP_FROM" default:"atalaya@localhost"`
	SMTPUser           string `help:"SMTP user name." env:"ATALAYA_SMTP_USER"`
	SMTPPassword       string `help:"SMTP password." env:"ATALAYA_SMTP_PASSWORD"`
	SMTPTLS            string `help:"SMTP transport security: starttls, tls or none." env:"ATALAYA_SMTP_TLS" default:"starttls" enum:"starttls,tls,none"`
}

// mail is the SMTP configuration for alerts.
func (f httpFlags) mail() alerts.Mail {
	return alerts.Mail{Host: f.SMTPHost, Port: f.SMTPPort, From: f.SMTPFrom, Username: f.SMTPUser,
		Password: f.SMTPPassword, TLS: f.SMTPTLS}
}

type serveCmd struct {
	storeFlags
	httpFlags
}

func (c *serveCmd) Run(e *env) error {
	logger := newLogger(e)
	a, err := app.Open(e.ctx, c.config(), logger)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Start(e.ctx); err != nil {
		return err
	}
	return a.Serve(e.ctx)
}

func (c *serveCmd) config() app.Config {
	return app.Config{DataDir: c.DataDir, DatabaseURL: c.DatabaseURL, Addr: c.Addr,
		TLSCert: c.TLSCert, TLSKey: c.TLSKey, TrustProxy: c.TrustProxy, WarningLists: c.WarningLists,
		ShadowserverSchema: c.ShadowserverSchema, Mail: c.mail()}
}

type migrateCmd struct {
	storeFlags
}

func (c *migrateCmd) Run(e *env) error {
	a, err := app.Open(e.ctx, app.Config{DataDir: c.DataDir, DatabaseURL: c.DatabaseURL}, newLogger(e))
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(e.stdout, "migrations applied to", a.DB)
	return nil
}

type auditCmd struct {
	Verify auditVerifyCmd `cmd:"" help:"Check the hash chain of the audit log; exits 1 at the first tampered or missing entry."`
}

type auditVerifyCmd struct {
	storeFlags
}

func (c *auditVerifyCmd) Run(e *env) error {
	a, err := app.Open(e.ctx, app.Config{DataDir: c.DataDir, DatabaseURL: c.DatabaseURL}, newLogger(e))
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := audit.Verify(e.ctx, a.DB)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d entries verified\n", n)
	return nil
}

// newLogger builds the slog logger: JSON when stderr is not a terminal (or
// asked for), text otherwise.
func newLogger(e *env) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(e.cli.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	format := e.cli.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := e.stderr.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(e.stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(e.stderr, opts))
}
