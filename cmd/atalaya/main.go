// Command atalaya is the one binary of the Atalaya platform: the server, the
// demo, migrations and the administration commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/BurntSushi/toml"
	"github.com/alecthomas/kong"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// cli is the whole command line. Flags have ATALAYA_* environment overrides
// and may come from a TOML file named by --config.
type cli struct {
	Config    string `help:"TOML configuration file; its keys are the flag names (addr, data-dir, database-url, …)." env:"ATALAYA_CONFIG" type:"path"`
	LogFormat string `help:"Log format: auto (JSON when not on a terminal), json or text." env:"ATALAYA_LOG_FORMAT" default:"auto" enum:"auto,json,text"`
	LogLevel  string `help:"Log level: debug, info, warn, error." env:"ATALAYA_LOG_LEVEL" default:"info" enum:"debug,info,warn,error"`

	Serve   serveCmd   `cmd:"" help:"Run the server."`
	Demo    demoCmd    `cmd:"" help:"Run the server with demo data (a temporary data dir unless --data-dir is given)."`
	Migrate migrateCmd `cmd:"" help:"Apply pending database migrations and exit."`
	User    userCmd    `cmd:"" help:"Manage accounts."`
	Token   tokenCmd   `cmd:"" help:"Manage API tokens."`
	Audit   auditCmd   `cmd:"" help:"Work with the audit log."`
	Import  importCmd  `cmd:"" help:"Import STIX bundles, MISP events or feeds, or CSV lists of indicators as an account's organisation."`
	Export  exportCmd  `cmd:"" help:"Export what an account may see as a STIX bundle, MISP events, a MISP feed or CSV."`
	Ingest  ingestCmd  `cmd:"" help:"Load files into a feed through the early-warning pipeline (parse, enrich, route, store)."`
	Feed    feedCmd    `cmd:"" help:"Run or list the feeds."`
	Bench   benchCmd   `cmd:"" help:"Measure on a temporary store: requests (login, pages, intel, TAXII; the default) or ingest (events/s end to end against the store's raw insert rate)."`
	Ipdb    ipdbCmd    `cmd:"" help:"Import and query the IP tables (AS, country) that enrich early-warning events."`
	Version versionCmd `cmd:"" help:"Print the version."`
}

// storeFlags select the database; every command that touches data has them.
type storeFlags struct {
	DataDir     string `help:"Directory for the SQLite database and files." env:"ATALAYA_DATA_DIR" default:"./data" type:"path"`
	DatabaseURL string `help:"postgres://… selects PostgreSQL; empty means SQLite in the data dir." env:"ATALAYA_DATABASE_URL"`
}

// env is what commands get besides their flags.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	cli    *cli
}

func main() {
	gcDefault()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// gcPercent is the collector's target when GOGC is not set. Ingest
// allocates an event per line and keeps little: with the default 100 the
// collector took about a tenth of the CPU of `atalaya bench ingest`; at
// 200 the pipeline's CPU an event falls from 30–34 to 27–29 µs and its
// rate rises about 8 % (docs/benchmarks.md), for 200 instead of 150 MiB
// of peak memory. GOGC and GOMEMLIMIT set by the operator win.
const gcPercent = 200

func gcDefault() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// run parses args and runs the command; it returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c cli
	// kong calls Exit after --help or a usage error; the command must then
	// not run, so remember the code and stop after Parse.
	exited := -1
	opts := []kong.Option{
		kong.Name("atalaya"),
		kong.Description("Atalaya: the platform of a regional cyber security program and its network of CSIRTs."),
		kong.UsageOnError(),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exited = code }),
	}
	if path := configPath(args); path != "" {
		opts = append(opts, kong.Configuration(tomlResolver, path))
	}
	parser, err := kong.New(&c, opts...)
	if err != nil {
		fmt.Fprintln(stderr, "atalaya:", err)
		return 2
	}
	kctx, err := parser.Parse(args)
	if exited >= 0 {
		return exited
	}
	if err != nil {
		fmt.Fprintln(stderr, "atalaya:", err)
		return 2
	}
	if err := kctx.Run(&env{ctx: ctx, stdout: stdout, stderr: stderr, cli: &c}); err != nil {
		fmt.Fprintln(stderr, "atalaya:", err)
		return 1
	}
	return 0
}

// configPath finds --config before parsing, since the file supplies defaults
// for the parse itself.
func configPath(args []string) string {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			return v
		}
		if a == "--config" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return os.Getenv("ATALAYA_CONFIG")
}

// tomlResolver reads a TOML file whose keys are flag names, at the top level
// or in a table named after the command ([serve] addr = "…").
func tomlResolver(r io.Reader) (kong.Resolver, error) {
	values := map[string]any{}
	if _, err := toml.NewDecoder(r).Decode(&values); err != nil {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	return kong.ResolverFunc(func(kctx *kong.Context, parent *kong.Path, flag *kong.Flag) (any, error) {
		if parent != nil && parent.Command != nil {
			if table, ok := values[parent.Command.Name].(map[string]any); ok {
				if v, ok := table[flag.Name]; ok {
					return v, nil
				}
			}
		}
		return values[flag.Name], nil
	}), nil
}

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	fmt.Fprintln(e.stdout, "atalaya", version)
	return nil
}
