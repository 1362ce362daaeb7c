package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"atalaya/internal/alerts"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
	"atalaya/internal/enrich"
	"atalaya/internal/feeds"
	"atalaya/internal/intel"
	"atalaya/internal/parsers"
	"atalaya/internal/routing"
	"atalaya/internal/sources"
)

// newEarlyWarning builds the router, feeds and alerts. The routing table
// starts empty; Open fills it (RefreshRouting) and Start keeps it current.
func (a *App) newEarlyWarning(warnings intel.WarningMatcher) error {
	a.Router = routing.NewRouter(nil)
	var ipdb *enrich.IPDB // nil looks nothing up
	if a.Config.DataDir != "" {
		var err error
		if ipdb, err = enrich.Load(a.Config.DataDir); err != nil {
			return fmt.Errorf("loading the IP tables of `atalaya ipdb import`: %w", err)
		}
	}
	a.IPDB = ipdb
	var warn enrich.WarningMatcher // nil: the built-in special-purpose ranges
	switch {
	case warnings != nil:
		warn = warnings
	case a.Config.Demo:
		// The demo network lives on documentation ranges.
		warn = enrich.SpecialRanges("documentation")
	}
	var schema *parsers.ShadowserverSchema
	if a.Config.ShadowserverSchema != "" {
		f, err := os.Open(a.Config.ShadowserverSchema)
		if err != nil {
			return fmt.Errorf("shadowserver schema: %w", err)
		}
		schema, err = parsers.LoadShadowserverSchema(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("shadowserver schema %s: %w", a.Config.ShadowserverSchema, err)
		}
	}
	// Alerts read feeds' deliveries (rule try-out) and feeds hand alerts
	// each committed batch: build feeds first with a hook that finds
	// alerts once both exist.
	dirRoot := "" // tests over a store without a data dir: any absolute path
	if a.Config.DataDir != "" {
		dirRoot = filepath.Join(a.Config.DataDir, "incoming")
	}
	a.Feeds = feeds.New(a.DB, feeds.Options{Logger: a.Logger, Router: a.Router, DirRoot: dirRoot,
		Enricher: enrich.New(ipdb, warn), Shadowserver: schema, Fetcher: sources.New(nil),
		OnCommit: func(ds []feeds.StoredEvent) { a.Alerts.Deliver(ds) }})
	a.Alerts = alerts.New(a.DB, alerts.Options{Logger: a.Logger, Mail: a.Config.Mail, Events: a.Feeds})
	for _, c := range a.Alerts.Collectors() {
		if err := a.Metrics.Registry.Register(c); err != nil {
			return fmt.Errorf("registering alert metrics: %w", err)
		}
	}
	return nil
}

// RefreshRouting rebuilds the routing table from every team's
// constituency, the national CSIRT of each country and the indicators
// shared in intel, and swaps it in; ingest goes on with the old table
// meanwhile.
func (a *App) RefreshRouting(ctx context.Context) error {
	sys := auth.SystemActor()
	entries, err := a.Directory.AllConstituency(ctx, sys)
	if err != nil {
		return fmt.Errorf("routing: reading constituencies: %w", err)
	}
	teams, err := a.Directory.ListTeams(ctx, sys, "")
	if err != nil {
		return fmt.Errorf("routing: reading teams: %w", err)
	}
	// One national CSIRT per country is the fallback; with two (a new
	// team forming beside an old one) the first created wins, always the
	// same.
	slices.SortFunc(teams, func(x, y directory.Organization) int { return x.CreatedAt.Compare(y.CreatedAt) })
	national := make(map[string]string)
	for _, t := range teams {
		if t.Team != nil && t.Team.Status == directory.Inactive {
			continue
		}
		if t.Kind == directory.NationalCSIRT && t.Country != "" && national[t.Country] == "" {
			national[t.Country] = t.ID
		}
	}
	rs := make([]routing.Entry, len(entries))
	for i, e := range entries {
		rs[i] = routing.Entry{OrgID: e.OrgID, Kind: string(e.Kind), Value: e.Value}
	}
	watches, err := a.Intel.Watches(ctx)
	if err != nil {
		return fmt.Errorf("routing: reading shared indicators: %w", err)
	}
	t, err := routing.BuildWatched(rs, national, watches)
	if err != nil {
		return fmt.Errorf("routing: %w", err)
	}
	// An indicator too broad to watch (a /8, a public suffix) is left out
	// rather than stopping routing for every team.
	for _, w := range t.SkippedWatches() {
		a.Logger.Info("indicator not watched", "intel_id", w.Watch.IntelID, "value", w.Watch.Value, "reason", w.Err)
	}
	a.Router.Swap(t)
	return nil
}

// routingPoll is how often Start looks for a change that needs a new
// routing table. Every change to a constituency, a team or a shared
// indicator is audited, so the audit head's sequence number is the cheap
// "something changed" signal (one indexed row read).
const routingPoll = 2 * time.Second

func (a *App) auditSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := a.DB.R().QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq)
	return seq, err
}

// keepRoutingCurrent rebuilds the routing table whenever the audit log
// moved, until ctx ends. A failed rebuild keeps the old table (ingest
// never waits for routing) and is retried at the next tick.
func (a *App) keepRoutingCurrent(ctx context.Context, seen int64) {
	tick := time.NewTicker(routingPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		seq, err := a.auditSeq(ctx)
		if err != nil || seq == seen {
			continue
		}
		if err := a.RefreshRouting(ctx); err != nil {
			a.Logger.Warn("routing table not rebuilt", "err", err)
			continue
		}
		seen = seq
	}
}

// Start runs the background work of a serving process until ctx ends:
// feeds (writer, schedule, retention), alerts (webhook retries, digests)
// and the routing table's upkeep. It returns at once; the goroutines
// end with ctx.
func (a *App) Start(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	a.stopBackground = cancel
	seq, err := a.auditSeq(ctx)
	if err != nil {
		return fmt.Errorf("reading the audit head: %w", err)
	}
	if err := a.RefreshRouting(ctx); err != nil {
		return err
	}
	// Rules first, so no delivery of the first batches slips past them.
	if err := a.Alerts.LoadRules(ctx); err != nil {
		return err
	}
	a.background.Go(func() { a.keepRoutingCurrent(ctx, seq) })
	a.background.Go(func() { a.remindOverdue(ctx) })
	for name, start := range map[string]func(context.Context) error{"feeds": a.Feeds.Start, "alerts": a.Alerts.Start} {
		a.background.Go(func() {
			if err := start(ctx); err != nil && !errors.Is(err, context.Canceled) {
				a.Logger.Error("background work stopped", "part", name, "err", err)
			}
		})
	}
	return nil
}

// Stop ends what Start started and waits for it, so the store can close
// under no writer. Close calls it; so do tests.
func (a *App) Stop() {
	if a.stopBackground != nil {
		a.stopBackground()
	}
	a.background.Wait()
}
