package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/exchange"
	"atalaya/internal/intel"
	"atalaya/internal/valid"
)

// importCmd stores STIX bundles, MISP events and feeds, and CSV lists of
// indicators as an account's organisation, with the account's rights: the
// command line is a client like the pages and the API, not a back door.
type importCmd struct {
	storeFlags
	As     string   `help:"E-mail address of the account to import as; its organisation becomes the creator." required:""`
	Format string   `help:"Format: stix, misp, misp-feed or csv; inferred from each file when empty." enum:",stix,misp,misp-feed,csv" default:""`
	TLP    string   `help:"TLP for what carries none (a stricter marking in the data wins): clear, green, amber, amber+strict, red." enum:"clear,green,amber,amber+strict,red" default:"amber"`
	Share  []string `help:"Who receives the objects (repeat): members, group:NAME (a sharing group of yours), org:SHORTNAME. None: your organisation only (MISP events follow their own distribution)."`
	Paths  []string `arg:"" help:"Files, or MISP feed directories." type:"path"`
}

// Validate checks the form of --share before anything is opened, so a
// mistyped flag is a usage error (exit 2).
func (c *importCmd) Validate() error {
	for _, s := range c.Share {
		kind, name, _ := strings.Cut(s, ":")
		switch {
		case s == "members":
		case (kind == "group" || kind == "org") && name != "":
		default:
			return fmt.Errorf("--share %q: use members, group:NAME or org:SHORTNAME", s)
		}
	}
	return nil
}

func (c *importCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	actor, err := actorForEmail(e.ctx, a, c.As)
	if err != nil {
		return err
	}
	actor.Name = strings.TrimSuffix(actor.Name, " (via cli)") + " (atalaya import)"
	sharing, err := c.sharing(e.ctx, a, actor)
	if err != nil {
		return err
	}
	failed := 0
	for _, path := range c.Paths {
		rep, err := c.importPath(e.ctx, a, actor, path, sharing)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: not imported: %s\n", path, describeError(err))
			failed++
			continue
		}
		printReport(e.stdout, path, rep)
		if len(rep.Refused) > 0 {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files were not imported whole (see above)", failed, len(c.Paths))
	}
	return nil
}

// sharing turns --tlp and --share into the distribution of what carries
// none: group names are the actor's sharing groups, org names short names.
func (c *importCmd) sharing(ctx context.Context, a *app.App, actor access.Actor) (intel.Sharing, error) {
	sh := intel.Sharing{TLP: access.TLP(c.TLP)}
	var groups []intel.Group
	for _, s := range c.Share {
		kind, name, _ := strings.Cut(s, ":")
		switch kind {
		case "members":
			sh.Members = true
		case "org":
			id, err := findOrg(ctx, a, name)
			if err != nil {
				return sh, err
			}
			sh.Orgs = append(sh.Orgs, id)
		case "group":
			if groups == nil {
				var err error
				if groups, err = a.Intel.Groups(ctx, actor); err != nil {
					return sh, err
				}
			}
			id, err := groupNamed(groups, name)
			if err != nil {
				return sh, err
			}
			sh.Groups = append(sh.Groups, id)
		}
	}
	return sh, nil
}

// groupNamed finds a sharing group by name (or id) among the actor's.
func groupNamed(groups []intel.Group, name string) (string, error) {
	for _, g := range groups {
		if strings.EqualFold(g.Name, name) || g.ID == name {
			return g.ID, nil
		}
	}
	return "", fmt.Errorf("sharing group %q: your organisation is in no sharing group of this name", name)
}

// importPath imports one file or feed directory.
func (c *importCmd) importPath(ctx context.Context, a *app.App, actor access.Actor, path string, sh intel.Sharing) (exchange.Report, error) {
	opt := exchange.ImportOptions{Format: exchange.Format(c.Format), Sharing: sh, Source: "cli"}
	info, err := os.Stat(path)
	if err != nil {
		return exchange.Report{}, err
	}
	if info.IsDir() {
		if opt.Format != "" && opt.Format != exchange.MISPFeed {
			return exchange.Report{}, fmt.Errorf("is a directory: only a MISP feed (--format misp-feed) is a directory")
		}
		return exchange.ImportFeedWithNotes(ctx, a.Intel, actor, os.DirFS(path), opt)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return exchange.Report{}, err
	}
	if opt.Format == "" {
		f, ok := exchange.DetectFormat(filepath.Base(path), data)
		if !ok {
			return exchange.Report{}, fmt.Errorf("cannot tell the format: give --format stix, misp or csv")
		}
		opt.Format = f
	}
	return exchange.ImportWithNotes(ctx, a.Intel, actor, bytes.NewReader(data), opt)
}

// describeError writes a validation error with the line or field it names.
func describeError(err error) string {
	if errors.Is(err, access.ErrDenied) {
		return "permission denied: this account may not share intel"
	}
	if es := valid.List(err); es != nil {
		parts := make([]string, len(es))
		for i, e := range es {
			parts[i] = e.Field + ": " + e.Message
		}
		return strings.Join(parts, "; ")
	}
	return err.Error()
}

// printReport writes what an import did with one file: counts, then each
// refused object or line with its reason, then the notes.
func printReport(w io.Writer, path string, rep exchange.Report) {
	fmt.Fprintf(w, "%s: %d accepted, %d already there, %d refused\n", path, len(rep.Accepted), len(rep.Existing), len(rep.Refused))
	for _, r := range rep.Refused {
		where := r.Field
		if !strings.HasPrefix(where, "line ") {
			where = fmt.Sprintf("object %d", r.Index)
			if r.ID != "" {
				where += " " + r.ID
			}
			if r.Field != "" && !strings.HasPrefix(r.Message, r.Field+":") {
				where += ", " + r.Field
			}
		}
		fmt.Fprintf(w, "  refused %s: %s\n", where, r.Message)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "  note %s: %s\n", n.Where, n.Message)
	}
}
