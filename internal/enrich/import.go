package enrich

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"atalaya/internal/valid"
)

// Dir is the folder of the data dir holding the tables.
const Dir = "ipdb"

// tableNames are the table files Load looks for, in Attribution order.
var tableNames = []string{"asn-ipv4", "asn-ipv6", "country-ipv4", "country-ipv6"}

// ImportReport says what Import wrote.
type ImportReport struct {
	Tables      []TableInfo // one per file, in the order given
	Attribution []string    // the licence notices of the tables written, once each
}

// Import reads ip-location-db CSV files (plain or gzip) and replaces the
// tables they are for in dataDir/ipdb. A file's kind comes from its columns
// (4: asn, 3: country) and its address family from its addresses, so the
// files may be named anything. Every file is read in full before anything
// is written: one bad line anywhere is an error naming FILE:LINE (a
// valid.Errors) and leaves the data dir as it was. Each table is written
// to a temporary file and renamed over the old one, so a running server
// never loads half a table.
//
// The licence notice stored with each table is read from the README.md
// beside the file (the ip-location-db package's licence column), else the
// known notice of an ip-location-db file name.
func Import(dataDir string, files []string) (ImportReport, error) {
	if len(files) == 0 {
		return ImportReport{}, errors.New("ipdb import: no files given")
	}
	tables := make([]*table, 0, len(files))
	seen := map[string]string{}
	for _, f := range files {
		t, err := readTable(f)
		if err != nil {
			return ImportReport{}, err
		}
		if other, dup := seen[t.name()]; dup {
			return ImportReport{}, valid.New(f, CodeDuplicate, "holds the same table ("+t.name()+") as "+other,
				map[string]any{"File": f, "Other": other, "Table": t.name()})
		}
		seen[t.name()] = f
		tables = append(tables, t)
	}
	if err := writeTables(filepath.Join(dataDir, Dir), tables); err != nil {
		return ImportReport{}, err
	}
	var rep ImportReport
	for _, t := range tables {
		rep.Tables = append(rep.Tables, t.info())
		if !slices.Contains(rep.Attribution, t.notice) {
			rep.Attribution = append(rep.Attribution, t.notice)
		}
	}
	return rep, nil
}

// readTable parses one file and attaches its notice.
func readTable(path string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, valid.New(path, CodeRead, "cannot be opened: "+err.Error(), map[string]any{"File": path})
	}
	defer f.Close()
	t, err := parseTable(f, path)
	if err != nil {
		return nil, err
	}
	t.source = filepath.Base(path)
	t.notice = noticeFor(path, t.kind)
	return t, nil
}

// writeTables writes every table beside its final name, then renames them
// all: a failure while writing leaves the old tables in place.
func writeTables(dir string, tables []*table) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ipdb import: %w", err)
	}
	temps := make([]string, 0, len(tables))
	defer func() {
		for _, tmp := range temps {
			os.Remove(tmp) // renamed ones are gone already
		}
	}()
	for _, t := range tables {
		tmp, err := writeTemp(dir, t)
		if err != nil {
			return err
		}
		temps = append(temps, tmp)
	}
	for i, t := range tables {
		if err := os.Rename(temps[i], filepath.Join(dir, t.name())); err != nil {
			return fmt.Errorf("ipdb import: replacing %s: %w", t.name(), err)
		}
	}
	if d, err := os.Open(dir); err == nil { // make the renames durable
		d.Sync()
		d.Close()
	}
	return nil
}

func writeTemp(dir string, t *table) (string, error) {
	f, err := os.CreateTemp(dir, t.name()+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("ipdb import: %w", err)
	}
	_, err = f.Write(encode(t))
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp makes it private; the tables are not secret
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("ipdb import: writing %s: %w", t.name(), err)
	}
	return f.Name(), nil
}

// Load reads the tables Import wrote to dataDir/ipdb. A missing folder or
// table is not an error (those lookups answer nothing): the server runs
// without enrichment until an import. A damaged table is an error.
func Load(dataDir string) (*IPDB, error) {
	d := &IPDB{}
	for _, name := range tableNames {
		path := filepath.Join(dataDir, Dir, name)
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("loading IP table %s: %w", name, err)
		}
		t, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("loading IP table %s: %w", path, err)
		}
		if t.name() != name {
			return nil, fmt.Errorf("loading IP table %s: it holds %s: %w", path, t.name(), errCorrupt)
		}
		d.set(t)
	}
	return d, nil
}

// knownNotices are the licences of the ip-location-db sets by file name
// prefix, for files downloaded without their README.
var knownNotices = []struct{ prefix, notice string }{
	{"asn-", "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/) by RouteViews (https://www.routeviews.org/routeviews/) and DB-IP (https://db-ip.com/) and NRO (https://www.nro.net/)"},
	{"geo-whois-asn-country-", "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/) by NRO (https://www.nro.net/)"},
	{"geo-asn-country-", "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/) by NRO (https://www.nro.net/)"},
	{"dbip-country-", "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/) by DB-IP (https://db-ip.com/)"},
}

// mdLink is a Markdown link, rewritten as "text (url)" in a notice.
var mdLink = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)\)`)

// noticeFor builds the attribution line of a table: what the data is,
// its licence and authors, and where it came from.
func noticeFor(path, kind string) string {
	what := "AS numbers and names"
	if kind == KindCountry {
		what = "Countries"
	}
	licence := readmeLicence(filepath.Join(filepath.Dir(path), "README.md"))
	if licence == "" {
		base := strings.ToLower(filepath.Base(path))
		for _, k := range knownNotices {
			if strings.HasPrefix(base, k.prefix) {
				licence = k.notice
				break
			}
		}
	}
	if licence == "" {
		return what + ": " + filepath.Base(path) + " (no licence notice found beside the file; check the licence of the data)"
	}
	// Without the file name, so the IPv4 and IPv6 tables of one set share
	// one line.
	notice := what + " from ip-location-db (https://github.com/sapics/ip-location-db): " + licence
	if strings.Contains(licence, "DB-IP") {
		// DB-IP's licence asks web applications for a link back.
		notice += "; IP Geolocation by DB-IP (https://db-ip.com/)"
	}
	return notice
}

// readmeLicence finds the licence cell of the download table of an
// ip-location-db README ("[CC BY 4.0](…) by [NRO](…)"); "" when absent.
func readmeLicence(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if !strings.HasPrefix(strings.TrimSpace(line), "|") {
			continue
		}
		for cell := range strings.SplitSeq(line, "|") {
			if c := strings.TrimSpace(cell); strings.HasPrefix(c, "[CC BY") || strings.HasPrefix(c, "CC BY") {
				return mdLink.ReplaceAllString(c, "$1 ($2)")
			}
		}
	}
	return ""
}
