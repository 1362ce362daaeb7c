// Package app wires Atalaya together: configuration -> store -> domain
// services -> HTTP servers. It holds no logic of its own.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"atalaya/internal/alerts"
	"atalaya/internal/assistance"
	"atalaya/internal/audit"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
	"atalaya/internal/enrich"
	"atalaya/internal/feeds"
	"atalaya/internal/i18n"
	"atalaya/internal/intel"
	"atalaya/internal/misp"
	"atalaya/internal/routing"
	"atalaya/internal/store"
	"atalaya/internal/web"
)

// Config is what the command line gives the app.
type Config struct {
	DataDir     string
	DatabaseURL string
	Addr        string
	TLSCert     string
	TLSKey      string
	TrustProxy  bool
	// WarningLists is a directory of MISP warning lists (lists/*/list.json);
	// values on them are shown with a note and not correlated.
	WarningLists string
	// ShadowserverSchema is Shadowserver's report schema (intelmq.json) for
	// feeds of format shadowserver.
	ShadowserverSchema string
	// Mail is the SMTP server alert digests go through; Host "" keeps
	// digests unsent.
	Mail alerts.Mail
	// Demo keeps events on documentation ranges (the demo network lives
	// there) instead of dropping them as false positives.
	Demo bool
	// AuthOptions lets tests and the demo use cheaper password hashing.
	AuthOptions auth.Options
}

// TLS reports whether the server serves HTTPS itself.
func (c Config) TLS() bool { return c.TLSCert != "" && c.TLSKey != "" }

// App is a running Atalaya: its store and services.
type App struct {
	Config    Config
	Logger    *slog.Logger
	DB        *store.DB
	Directory *directory.Directory
	Auth      *auth.Auth
	I18n      *i18n.Bundle
	Metrics   *web.Metrics
	Intel     *intel.Store
	// Early warning: the matcher of events to teams (rebuilt when a
	// constituency or a shared indicator changes), feeds and alerts.
	Router *routing.Router
	IPDB   *enrich.IPDB // IP -> AS, country; empty until `atalaya ipdb import`
	Feeds  *feeds.Service
	Alerts *alerts.Service
	// Technical assistance to member states.
	Assistance *assistance.Service

	stopBackground context.CancelFunc // set by Start
	background     sync.WaitGroup     // what Start runs
}

// Migrations lists every domain's schema in dependency order.
func Migrations() []store.Migrations {
	return []store.Migrations{audit.Migrations(), directory.Migrations(), auth.Migrations(), intel.Migrations(),
		feeds.Migrations(), alerts.Migrations(), assistance.Migrations()}
}

// Open opens the store, applies pending migrations and builds the services.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, Migrations()); err != nil {
		db.Close()
		return nil, err
	}
	a, err := New(db, cfg, logger)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// New builds the services over an open, migrated store (tests hand in one
// made by storetest, on either engine).
func New(db *store.DB, cfg Config, logger *slog.Logger) (*App, error) {
	bundle, err := i18n.New()
	if err != nil {
		return nil, fmt.Errorf("loading message catalogs: %w", err)
	}
	intelOpts := intel.Options{}
	var warnings intel.WarningMatcher // stays a nil interface without lists
	if cfg.WarningLists != "" {
		lists, err := misp.LoadWarningLists(os.DirFS(cfg.WarningLists))
		if err != nil {
			return nil, fmt.Errorf("loading warning lists from %s: %w", cfg.WarningLists, err)
		}
		if len(lists.Lists()) == 0 {
			// A wrong path would otherwise silently correlate everything.
			return nil, fmt.Errorf("loading warning lists: no lists/*/list.json under %s", cfg.WarningLists)
		}
		intelOpts.Warnings = lists
		warnings = lists
	}
	a := &App{
		Config:    cfg,
		Logger:    logger,
		DB:        db,
		Directory: directory.New(db),
		Auth:      auth.New(db, cfg.AuthOptions),
		I18n:      bundle,
		Metrics:   web.NewMetrics(),
		Intel:     intel.New(db, intelOpts),
	}
	if err := a.newEarlyWarning(warnings); err != nil {
		return nil, err
	}
	a.newAssistance()
	return a, nil
}

// Close releases the store.
func (a *App) Close() error {
	a.Stop()
	return a.DB.Close()
}

// Serve runs the HTTP server until ctx is cancelled, then shuts down
// gracefully. Background work (feeds, alerts) is Start's: a serving
// process calls both.
func (a *App) Serve(ctx context.Context) error {
	srv := &http.Server{
		Addr:              a.Config.Addr,
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	a.Logger.Info("serving", "addr", a.Config.Addr, "tls", a.Config.TLS(), "store", a.DB.String())
	return web.Serve(ctx, srv, a.Config.TLSCert, a.Config.TLSKey, a.Logger)
}
