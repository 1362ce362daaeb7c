package main

import "atalaya/internal/bench"

// benchCmd times whole requests (the default, as before) or an ingest.
type benchCmd struct {
	Requests benchRequestsCmd `cmd:"" default:"withargs" help:"Time login, directory pages, intel and TAXII requests on a temporary store (the default)."`
	Ingest   benchIngestCmd   `cmd:"" help:"Time a Shadowserver report through parse, enrich, route and durable store, beside the store's own insert rate for the same rows."`
}

type benchRequestsCmd struct {
	DatabaseURL string `help:"postgres://… to measure PostgreSQL; empty means SQLite in a temporary directory." env:"ATALAYA_DATABASE_URL"`
	Requests    int    `help:"Requests per scenario (logins: a tenth)." default:"500"`
}

func (c *benchRequestsCmd) Run(e *env) error {
	_, err := bench.Run(e.ctx, bench.Options{DatabaseURL: c.DatabaseURL, Requests: c.Requests}, e.stdout)
	return err
}

type benchIngestCmd struct {
	Events             int      `help:"Lines of the generated scan_http_vulnerable report." default:"200000"`
	ShadowserverSchema string   `help:"Shadowserver's report schema (intelmq.json); without it the report goes through the generic csv format." env:"ATALAYA_SHADOWSERVER_SCHEMA" type:"path"`
	IPDB               []string `name:"ipdb" help:"ip-location-db CSV files to enrich with (repeat); none: lookups find nothing." type:"existingfile"`
	Prefixes           int      `help:"Prefixes in the routing table." default:"10000"`
	Dir                string   `help:"Directory for the report and the two stores (kept); empty: a temporary one, removed." type:"path"`
}

func (c *benchIngestCmd) Run(e *env) error {
	_, err := bench.Ingest(e.ctx, bench.IngestOptions{Events: c.Events, ShadowserverSchema: c.ShadowserverSchema,
		IPDB: c.IPDB, Prefixes: c.Prefixes, Dir: c.Dir}, e.stdout)
	return err
}
