package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/auth"
)

// feedCmd works with the feeds the secretariat set up, as the system
// (audited as system:cli).
type feedCmd struct {
	Run  feedRunCmd  `cmd:"" help:"Pull a feed now (HTTP, directory, TAXII or MISP source) and print its run."`
	List feedListCmd `cmd:"" help:"List the feeds with their counts and last run."`
}

type feedRunCmd struct {
	storeFlags
	earlyWarningFlags
	Name string `arg:"" help:"The feed's name."`
}

func (c *feedRunCmd) Run(e *env) error {
	return withPipeline(e, c.storeFlags, c.earlyWarningFlags, func(ctx context.Context, a *app.App, sys access.Actor) error {
		run, err := a.Feeds.RunFeed(ctx, sys, c.Name)
		printRun(e.stdout, c.Name, run)
		if err != nil {
			return fmt.Errorf("feed %s: %s", c.Name, describeError(err))
		}
		return nil
	})
}

type feedListCmd struct {
	storeFlags
}

func (c *feedListCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.Feeds.Feeds(e.ctx, auth.SystemActor())
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFORMAT\tSOURCE\tENABLED\tEVENTS\tQUARANTINED\tLAST RUN\tNEXT RUN")
	for _, f := range list {
		last, next := "never", "by hand"
		if r := f.LastRun; r != nil {
			last = fmt.Sprintf("%s %s (%d new, %d repeats)", r.Started.Local().Format(time.DateTime), r.State, r.Accepted, r.Duplicates)
		}
		if !f.NextRun.IsZero() {
			next = f.NextRun.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%t\t%d\t%d\t%s\t%s\n", f.Name, f.Format, f.Source, f.Enabled, f.Events, f.Quarantined, last, next)
	}
	return tw.Flush()
}
