package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"atalaya/internal/app"
)

type demoCmd struct {
	DataDir string `help:"Keep the demo's data here; a new temporary directory when empty." env:"ATALAYA_DATA_DIR" type:"path"`
	httpFlags
}

func (c *demoCmd) Run(e *env) error {
	dataDir := c.DataDir
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "atalaya-demo-")
		if err != nil {
			return fmt.Errorf("creating a temporary data dir: %w", err)
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}
	logger := newLogger(e)
	a, err := app.Open(e.ctx, app.Config{DataDir: dataDir, Addr: c.Addr, TLSCert: c.TLSCert, TLSKey: c.TLSKey,
		TrustProxy: c.TrustProxy, WarningLists: c.WarningLists, ShadowserverSchema: c.ShadowserverSchema,
		Mail: c.mail(), Demo: true}, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := app.SeedDemo(e.ctx, a); err != nil {
		return fmt.Errorf("seeding demo data: %w", err)
	}
	if err := a.Start(e.ctx); err != nil {
		return err
	}
	// The demo's feed: a day of observations now, a few more every
	// quarter minute while it runs (live alerts to watch).
	if err := app.SeedDemoFeeds(e.ctx, a); err != nil {
		return fmt.Errorf("loading the demo feed: %w", err)
	}
	go app.DemoTrickle(e.ctx, a, 15*time.Second)
	scheme := "http"
	if a.Config.TLS() {
		scheme = "https"
	}
	fmt.Fprintf(e.stdout, "Atalaya demo: %s://%s/  (data in %s)\n\n", scheme, c.Addr, dataDir)
	printDemoLogins(e.stdout)
	return a.Serve(e.ctx)
}

func printDemoLogins(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Demo logins (password %q for all):\n", app.DemoPassword)
	for _, u := range app.DemoUsers {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.Email, u.Role, u.Org)
	}
	tw.Flush()
	fmt.Fprintln(w)
}
