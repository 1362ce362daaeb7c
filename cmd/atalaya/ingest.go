package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/auth"
	"atalaya/internal/feeds"
	"atalaya/internal/store"
)

// earlyWarningFlags are the settings of the pipeline that commands
// running it (serve, ingest, feed run) share.
type earlyWarningFlags struct {
	ShadowserverSchema string `help:"Shadowserver's report schema (intelmq.json) for feeds of format shadowserver." env:"ATALAYA_SHADOWSERVER_SCHEMA" type:"path"`
	WarningLists       string `help:"Directory of MISP warning lists (holding lists/*/list.json)." env:"ATALAYA_WARNING_LISTS" type:"path"`
}

// ingestCmd loads files into a feed: the pipeline of the server (parse,
// enrich, route, store, deliver), run by the command line as the system
// (audited as system:cli). An interrupted load of a file continues where
// its last durable line was when the same file is ingested again.
type ingestCmd struct {
	storeFlags
	earlyWarningFlags
	Feed     string   `help:"The feed's name." required:""`
	Format   string   `help:"Format of the files (a parser name: shadowserver, csv, json, ...); empty: the feed's."`
	Create   bool     `help:"Create the feed (taking uploads) if it does not exist; needs --format."`
	Map      []string `help:"With --create: COLUMN=FIELD, how the csv and json formats fill events (repeat)." placeholder:"COLUMN=FIELD" sep:"none"`
	Set      []string `help:"With --create: FIELD=VALUE, a field every event gets unless its line says otherwise (repeat)." placeholder:"FIELD=VALUE" sep:"none"`
	Report   string   `help:"With --create and format shadowserver: the report type (empty: from the file's header)."`
	Provider string   `help:"With --create: feed.provider of the events."`
	TLP      string   `help:"With --create: tlp of events that carry none." enum:",clear,green,amber,amber+strict,red" default:""`
	Quiet    bool     `help:"Print no progress on standard error."`
	Files    []string `arg:"" help:"Files to ingest, one run each." type:"existingfile"`
}

func (c *ingestCmd) Run(e *env) error {
	create, err := c.newFeed()
	if err != nil {
		return err
	}
	return withPipeline(e, c.storeFlags, c.earlyWarningFlags, func(ctx context.Context, a *app.App, sys access.Actor) error {
		if err := c.ensureFeed(ctx, a, sys, create); err != nil {
			return err
		}
		failed := 0
		for _, path := range c.Files {
			run, err := c.ingestFile(ctx, e, a, sys, path)
			printRun(e.stdout, path, run)
			if err != nil {
				fmt.Fprintf(e.stdout, "%s: %s\n", path, describeError(err))
				failed++
			}
			if ctx.Err() != nil {
				break
			}
		}
		if failed > 0 {
			return fmt.Errorf("%d of %d files were not ingested whole (run the command again to go on)", failed, len(c.Files))
		}
		return nil
	})
}

// newFeed is the feed --create makes, or an error for flags that need it.
func (c *ingestCmd) newFeed() (*feeds.Feed, error) {
	if !c.Create {
		if len(c.Map) > 0 || len(c.Set) > 0 || c.Report != "" || c.Provider != "" || c.TLP != "" {
			return nil, errors.New("--map, --set, --report, --provider and --tlp set up a new feed: add --create")
		}
		return nil, nil
	}
	if c.Format == "" {
		return nil, errors.New("--create needs --format")
	}
	mapping, err := pairs("--map", c.Map)
	if err != nil {
		return nil, err
	}
	constants, err := pairs("--set", c.Set)
	if err != nil {
		return nil, err
	}
	return &feeds.Feed{Name: c.Feed, Format: c.Format, Source: feeds.SourceUpload, Enabled: true, Mapping: mapping,
		Constants: constants, Report: c.Report, Provider: c.Provider, TLP: c.TLP}, nil
}

// pairs reads KEY=VALUE flags.
func pairs(flag string, list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(list))
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("%s %q: write KEY=VALUE", flag, kv)
		}
		m[strings.TrimSpace(k)] = v
	}
	return m, nil
}

// ensureFeed checks the feed exists, creating it with --create.
func (c *ingestCmd) ensureFeed(ctx context.Context, a *app.App, sys access.Actor, create *feeds.Feed) error {
	_, err := a.Feeds.Feed(ctx, sys, c.Feed)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, store.ErrNotFound):
		return err
	case create == nil:
		return fmt.Errorf("feed %q does not exist (add --create and --format to make it)", c.Feed)
	}
	if _, err := a.Feeds.CreateFeed(ctx, sys, *create); err != nil {
		return fmt.Errorf("creating feed %q: %s", c.Feed, describeError(err))
	}
	return nil
}

func (c *ingestCmd) ingestFile(ctx context.Context, e *env, a *app.App, sys access.Actor, path string) (feeds.Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return feeds.Run{}, err
	}
	defer f.Close()
	began := time.Now()
	p := progress{out: e.stderr, path: path, began: began, quiet: c.Quiet, last: began}
	run, err := a.Feeds.Ingest(ctx, sys, c.Feed, f, feeds.IngestOptions{Format: c.Format, Trigger: feeds.TriggerCLI,
		Input: path, Resume: true, Progress: p.show})
	// A run begun before this command is one an interrupted ingest left.
	if run.ID != "" && run.Started.Before(began.Truncate(time.Millisecond)) {
		fmt.Fprintf(e.stdout, "%s: resumed run %s, interrupted before\n", path, run.ID)
	}
	return run, err
}

// progress prints a run's counters on standard error once a second from
// the first (it is called from the writer after each batch).
type progress struct {
	out   io.Writer
	path  string
	began time.Time
	quiet bool
	mu    sync.Mutex
	last  time.Time
}

func (p *progress) show(r feeds.Run) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < time.Second {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.out, "%s: %d lines, %d new, %d repeats, %d quarantined, %d filtered (%.0f s)\n", p.path, r.Lines,
		r.Accepted, r.Duplicates, r.Quarantined, r.Filtered, time.Since(p.began).Seconds())
}

// printRun prints the outcome of a run.
func printRun(out io.Writer, what string, r feeds.Run) {
	if r.ID == "" {
		return
	}
	took := r.Finished.Sub(r.Started)
	fmt.Fprintf(out, "%s: run %s %s: %d lines, %d new events, %d repeats, %d quarantined, %d filtered, %d deliveries",
		what, r.ID, r.State, r.Lines, r.Accepted, r.Duplicates, r.Quarantined, r.Filtered, r.Delivered)
	if took > 0 {
		fmt.Fprintf(out, " in %s", took.Round(time.Millisecond))
	}
	if r.Err != "" {
		fmt.Fprintf(out, " (%s)", r.Err)
	}
	fmt.Fprintln(out)
}

// withPipeline opens the app, loads the routing table, runs the feeds
// service (its writer) while fn runs, and stops it after: fn's ingests
// are durable when they return.
func withPipeline(e *env, s storeFlags, w earlyWarningFlags, fn func(ctx context.Context, a *app.App, sys access.Actor) error) error {
	a, err := app.Open(e.ctx, app.Config{DataDir: s.DataDir, DatabaseURL: s.DatabaseURL,
		ShadowserverSchema: w.ShadowserverSchema, WarningLists: w.WarningLists}, newLogger(e))
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.RefreshRouting(e.ctx); err != nil {
		return err
	}
	ctx, stop := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- a.Feeds.Start(ctx) }()
	defer func() {
		stop()
		<-done
	}()
	return fn(e.ctx, a, auth.SystemActor())
}
