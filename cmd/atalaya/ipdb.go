package main

import (
	"errors"
	"fmt"
	"net/netip"
	"text/tabwriter"

	"atalaya/internal/enrich"
	"atalaya/internal/valid"
)

// ipdbCmd manages the IP-range tables early warning enriches events with.
type ipdbCmd struct {
	Import ipdbImportCmd `cmd:"" help:"Import ip-location-db CSV files (asn or country, IPv4 or IPv6, plain or .gz) into the data dir."`
	Lookup ipdbLookupCmd `cmd:"" help:"Show the AS and country the imported tables give addresses."`
}

// ipdbFlags locate the tables: they are files in the data dir, not rows of
// the database.
type ipdbFlags struct {
	DataDir string `help:"Directory for the SQLite database and files." env:"ATALAYA_DATA_DIR" default:"./data" type:"path"`
}

type ipdbImportCmd struct {
	ipdbFlags
	Files []string `arg:"" help:"CSV files of ip-location-db (e.g. asn-ipv4.csv.gz geo-whois-asn-country-ipv4.csv.gz)." type:"existingfile"`
}

func (c *ipdbImportCmd) Run(e *env) error {
	rep, err := enrich.Import(c.DataDir, c.Files)
	if es := valid.List(err); len(es) > 0 {
		for _, v := range es {
			fmt.Fprintln(e.stderr, v.Error())
		}
		return errors.New("ipdb import: nothing imported; fix the lines above and run it again")
	}
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	for _, t := range rep.Tables {
		fmt.Fprintf(tw, "%s-%s\t%d ranges\t\n", t.Kind, t.Family, t.Ranges)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "Attribution (show it where enriched data appears):")
	for _, a := range rep.Attribution {
		fmt.Fprintln(e.stdout, "  "+a)
	}
	return nil
}

type ipdbLookupCmd struct {
	ipdbFlags
	Addrs []string `arg:"" help:"IPv4 or IPv6 addresses."`
}

func (c *ipdbLookupCmd) Run(e *env) error {
	db, err := enrich.Load(c.DataDir)
	if err != nil {
		return err
	}
	if db.Ranges() == 0 {
		return fmt.Errorf("no IP tables in %s: run atalaya ipdb import first", c.DataDir)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, s := range c.Addrs {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return fmt.Errorf("%q is not an IP address", s)
		}
		asn, name, cc := db.Lookup(a)
		as := "-"
		if asn != 0 {
			as = fmt.Sprintf("AS%d", asn)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a, as, orDash(cc), orDash(name))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
