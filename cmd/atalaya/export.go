package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/exchange"
	"atalaya/internal/intel"
)

// exportCmd writes what an account may see, in one of the exchange
// formats: the export holds exactly what the account would see on the
// pages, never more.
type exportCmd struct {
	storeFlags
	As          string    `help:"E-mail address of the account to export as: only what it may see is exported." required:""`
	Format      string    `help:"Format: stix, misp, misp-feed (a directory: needs --out) or csv." enum:"stix,misp,misp-feed,csv" default:"stix"`
	Type        []string  `help:"Only objects of this STIX type (repeat), e.g. indicator."`
	TLP         []string  `help:"Only objects with this TLP (repeat): clear, green, amber, amber+strict, red."`
	Org         string    `help:"Only objects created by this organisation (short name or id)."`
	AddedAfter  time.Time `help:"Only objects added after this instant (RFC 3339)." format:"2006-01-02T15:04:05Z07:00"`
	AllVersions bool      `help:"Every stored version of each object, not only the latest."`
	Out         string    `help:"File to write (a directory for misp-feed); standard output when empty." type:"path"`
}

// Validate catches what can be told from the flags alone (exit 2).
func (c *exportCmd) Validate() error {
	if c.Format == string(exchange.MISPFeed) && c.Out == "" {
		return fmt.Errorf("--format misp-feed writes a directory: give it with --out")
	}
	for _, t := range c.TLP {
		if !access.ValidTLP(access.TLP(t)) {
			return fmt.Errorf("--tlp %q: use clear, green, amber, amber+strict or red", t)
		}
	}
	return nil
}

func (c *exportCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	actor, err := actorForEmail(e.ctx, a, c.As)
	if err != nil {
		return err
	}
	actor.Name = strings.TrimSuffix(actor.Name, " (via cli)") + " (atalaya export)"
	f := intel.Filter{Types: c.Type, AddedAfter: c.AddedAfter}
	for _, t := range c.TLP {
		f.TLPs = append(f.TLPs, access.TLP(t))
	}
	if c.AllVersions {
		f.Versions = []string{"all"}
	}
	if c.Org != "" {
		if f.OrgID, err = findOrg(e.ctx, a, c.Org); err != nil {
			return err
		}
	}
	var n int
	switch {
	case c.Format == string(exchange.MISPFeed):
		n, err = exchange.ExportFeed(e.ctx, a.Intel, actor, c.Out, f)
	case c.Out == "":
		n, err = exchange.Export(e.ctx, a.Intel, actor, e.stdout, exchange.ExportOptions{Format: exchange.Format(c.Format), Filter: f})
	default:
		n, err = exportToFile(c.Out, func(w io.Writer) (int, error) {
			return exchange.Export(e.ctx, a.Intel, actor, w, exchange.ExportOptions{Format: exchange.Format(c.Format), Filter: f})
		})
	}
	if err != nil {
		return fmt.Errorf("export: %s", describeError(err))
	}
	where := c.Out
	if where == "" {
		where = "standard output"
	}
	fmt.Fprintf(e.stderr, "%d objects exported to %s\n", n, where)
	return nil
}

// exportToFile writes through a temporary file renamed into place at the
// end, so an export that fails leaves no half-written file behind.
func exportToFile(path string, write func(io.Writer) (int, error)) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	n, err := write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), path)
}
