package bench

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/audit"
	"atalaya/internal/auth"
	"atalaya/internal/enrich"
	"atalaya/internal/feeds"
	"atalaya/internal/parsers"
	"atalaya/internal/routing"
	"atalaya/internal/store"
)

// IngestOptions choose the size and the parser of `atalaya bench ingest`.
type IngestOptions struct {
	Events int // lines of the generated report; 0: 200,000
	// ShadowserverSchema is the path of Shadowserver's intelmq.json; ""
	// falls back to the generic csv format with an equivalent mapping.
	ShadowserverSchema string
	// IPDB are ip-location-db CSV files to enrich with; none: the lookups
	// find nothing (the warning ranges are still checked).
	IPDB []string
	// Prefixes is the size of the routing table; 0: 10,000.
	Prefixes int
	// Dir holds the generated report and the stores; "" a temporary
	// directory, removed afterwards.
	Dir string
}

// IngestResult is what the ingest benchmark measured.
type IngestResult struct {
	Format       string
	Events       int64 // stored (accepted)
	Deliveries   int64
	Bytes        int64 // size of the report
	Generate     time.Duration
	EndToEnd     time.Duration
	PerSecond    float64 // events per second, parse to durable store
	Raw          time.Duration
	RawRows      int64   // events and deliveries inserted by the bare loop
	RawPerSecond float64 // rows per second of the bare loop
	RawEventsPS  float64 // events (with their deliveries) per second of the bare loop
	Ratio        float64 // PerSecond / RawEventsPS
	PeakRSSMB    float64 // the process's peak resident memory (Linux), MiB
	PeakQueued   int64
	// CPU time the process used in each phase (all cores).
	EndToEndCPU, RawCPU time.Duration
}

// scanHTTPVulnerable is the report type generated.
const scanHTTPVulnerable = "scan_http_vulnerable"

// Ingest generates a Shadowserver scan_http_vulnerable report, ingests it
// through the whole pipeline (parse, enrich, route, durable store) into a
// fresh SQLite store, then inserts the same rows into another fresh store
// with a bare batched insert loop: the ratio of the two rates holds from
// machine to machine, where each rate alone does not.
func Ingest(ctx context.Context, o IngestOptions, out io.Writer) (IngestResult, error) {
	if o.Events <= 0 {
		o.Events = 200_000
	}
	if o.Prefixes <= 0 {
		o.Prefixes = 10_000
	}
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "atalaya-bench-ingest-")
		if err != nil {
			return IngestResult{}, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	var res IngestResult
	columns, cfg, mapping, err := reportSetup(o.ShadowserverSchema)
	if err != nil {
		return res, err
	}
	res.Format = cfg.format
	if cfg.format == "csv" {
		fmt.Fprintln(out, "no Shadowserver schema given (--shadowserver-schema or ATALAYA_SHADOWSERVER_SCHEMA):")
		fmt.Fprintln(out, "  the report goes through the generic csv format with an equivalent mapping instead.")
	}
	report := filepath.Join(dir, scanHTTPVulnerable+".csv")
	start := time.Now()
	if res.Bytes, err = writeReport(report, columns, o.Events); err != nil {
		return res, err
	}
	res.Generate = time.Since(start)
	fmt.Fprintf(out, "report: %d lines, %.1f MB of %s CSV (generated in %s)\n", o.Events, float64(res.Bytes)/1e6,
		scanHTTPVulnerable, res.Generate.Round(time.Millisecond))

	enricher, err := benchEnricher(dir, o.IPDB)
	if err != nil {
		return res, err
	}
	table, err := benchTable(o.Prefixes)
	if err != nil {
		return res, err
	}
	// Each phase starts with what the previous one wrote on disk, not
	// still being written back by the system, which would slow it.
	flush(report)
	if err := endToEnd(ctx, dir, report, cfg, mapping, enricher, table, &res); err != nil {
		return res, err
	}
	flush(filepath.Join(dir, "ingest.db"), filepath.Join(dir, "ingest.db-wal"))
	if err := rawInserts(ctx, dir, &res); err != nil {
		return res, err
	}
	res.PeakRSSMB = peakRSS()
	res.Ratio = res.PerSecond / res.RawEventsPS
	printIngest(out, res, o.Prefixes)
	return res, nil
}

// reportConfig is the feed the report goes through.
type reportConfig struct {
	format string
	schema *parsers.ShadowserverSchema
}

// reportSetup reads the report's columns from the schema (required, then
// optional fields, in order) or, without one, uses the columns of
// Shadowserver's published sample with a generic csv mapping.
func reportSetup(schemaPath string) ([]string, reportConfig, map[string]string, error) {
	if schemaPath == "" {
		return sampleColumns, reportConfig{format: "csv"}, csvMapping(sampleColumns), nil
	}
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, reportConfig{}, nil, fmt.Errorf("reading the Shadowserver schema: %w", err)
	}
	schema, err := parsers.LoadShadowserverSchema(strings.NewReader(string(b)))
	if err != nil {
		return nil, reportConfig{}, nil, err
	}
	var raw map[string]struct {
		Required [][]any `json:"required_fields"`
		Optional [][]any `json:"optional_fields"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, reportConfig{}, nil, fmt.Errorf("reading the Shadowserver schema: %w", err)
	}
	rep, ok := raw[scanHTTPVulnerable]
	if !ok {
		return nil, reportConfig{}, nil, fmt.Errorf("the Shadowserver schema has no report %s", scanHTTPVulnerable)
	}
	var cols []string
	seen := map[string]bool{}
	for _, f := range append(rep.Required, rep.Optional...) {
		if len(f) < 2 {
			continue
		}
		if c, ok := f[1].(string); ok && !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	return append(cols, "sic"), reportConfig{format: "shadowserver", schema: schema}, nil, nil
}

// sampleColumns are the columns of Shadowserver's scan_http_vulnerable
// sample report.
var sampleColumns = strings.Split("timestamp,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,sic,http,"+
	"http_code,http_reason,content_type,connection,www_authenticate,set_cookie,server,content_length,"+
	"transfer_encoding,http_date,version,build_date,detail", ",")

// csvMapping maps the sample's columns as the Shadowserver schema does;
// what the harmonisation has no name for goes to extra.
func csvMapping(cols []string) map[string]string {
	known := map[string]string{"timestamp": "time.source", "ip": "source.ip", "protocol": "protocol.transport",
		"port": "source.port", "hostname": "source.fqdn", "asn": "source.asn", "geo": "source.geolocation.cc"}
	m := map[string]string{}
	for _, c := range cols {
		if f, ok := known[c]; ok {
			m[c] = f
		} else {
			m[c] = "extra." + c
		}
	}
	return m
}

// firstOctets are public /8s the generated addresses live in (no private,
// shared, loopback, link-local, documentation or multicast space, which
// the warning ranges would drop).
var firstOctets = []int{24, 31, 37, 41, 45, 46, 62, 77, 78, 80, 81, 82, 85, 88, 89, 90, 91, 93, 94, 95,
	109, 151, 176, 177, 179, 181, 185, 186, 187, 189, 190, 191, 200, 201}

// benchIP is the address of line i: spread over firstOctets x 0-255 /16s.
func benchIP(i int) netip.Addr {
	a := firstOctets[i%len(firstOctets)]
	j := i / len(firstOctets)
	return netip.AddrFrom4([4]byte{byte(a), byte(j % 256), byte(j / 256 % 256), byte(1 + j/65536%254)})
}

// value is the generated value of column c on line i of n: every line is
// a distinct event (hostname, cookie), and the times rise through one day,
// as in a real daily report.
func value(c string, i, n int) string {
	switch c {
	case "timestamp":
		sec := i * 86400 / n
		return "2024-03-01 " + fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	case "ip":
		return benchIP(i).String()
	case "protocol":
		return "tcp"
	case "port":
		return [...]string{"80", "8080", "443"}[i%3]
	case "hostname":
		return "node" + strconv.Itoa(i) + ".example.net"
	case "tag":
		return "basic-auth,http"
	case "asn":
		return strconv.Itoa(3000 + i%5000)
	case "geo":
		return "UY"
	case "region", "city":
		return "MONTEVIDEO"
	case "naics":
		return "517311"
	case "sic":
		return "0"
	case "sector":
		return "Communications, Service Provider, and Hosting Service"
	case "severity":
		return "medium"
	case "http":
		return "HTTP/1.1"
	case "http_code":
		return "401"
	case "http_reason":
		return "Unauthorized"
	case "content_type":
		return "text/html; charset=utf-8"
	case "www_authenticate":
		return `Basic realm="OpenWebif"`
	case "set_cookie":
		return "TWISTED_SESSION=" + strconv.FormatUint(uint64(i)*0x9E3779B97F4A7C15, 16)
	case "server":
		return "TwistedWeb/19.7.0"
	case "content_length":
		return "149"
	case "http_date":
		return "Wed, 10 Feb 2010 00:00:00 GMT"
	}
	return ""
}

// writeReport writes the CSV report and returns its size.
func writeReport(path string, cols []string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	line := make([]byte, 0, 1024)
	line = appendCSVRow(line[:0], cols)
	w.Write(line)
	row := make([]string, len(cols))
	for i := range n {
		for j, c := range cols {
			row[j] = value(c, i, n)
		}
		line = appendCSVRow(line[:0], row)
		if _, err := w.Write(line); err != nil {
			return 0, err
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), f.Close()
}

// appendCSVRow quotes fields as Shadowserver does: those holding a comma,
// quote or space.
func appendCSVRow(b []byte, fields []string) []byte {
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		if strings.ContainsAny(f, ",\" ") {
			b = append(b, '"')
			b = append(b, strings.ReplaceAll(f, `"`, `""`)...)
			b = append(b, '"')
		} else {
			b = append(b, f...)
		}
	}
	return append(b, '\n')
}

// benchEnricher imports the IP tables given and builds the enricher with
// the built-in warning ranges.
func benchEnricher(dir string, files []string) (*enrich.Enricher, error) {
	if len(files) > 0 {
		if _, err := enrich.Import(dir, files); err != nil {
			return nil, err
		}
	}
	db, err := enrich.Load(dir)
	if err != nil {
		return nil, err
	}
	return enrich.New(db, nil), nil
}

// benchTable routes the generated space: n /24 prefixes among 100 teams,
// the national CSIRT of UY for the rest.
func benchTable(n int) (*routing.Table, error) {
	entries := make([]routing.Entry, 0, n)
	for i := range n {
		ip := benchIP(i * 251).As4()
		entries = append(entries, routing.Entry{OrgID: fmt.Sprintf("team-%02d", i%100), Kind: routing.KindPrefix,
			Value: netip.PrefixFrom(netip.AddrFrom4([4]byte{ip[0], ip[1], ip[2], 0}), 24).String()})
	}
	return routing.Build(entries, map[string]string{"UY": "csirt-uy"})
}

func openStore(ctx context.Context, path string) (*store.DB, error) {
	db, err := store.Open(ctx, "sqlite://"+path, "")
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, []store.Migrations{audit.Migrations(), feeds.Migrations()}); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// endToEnd ingests the report through a feeds.Service, as `atalaya
// ingest` does, and times it from the first byte read to the last commit.
func endToEnd(ctx context.Context, dir, report string, cfg reportConfig, mapping map[string]string,
	enricher *enrich.Enricher, table *routing.Table, res *IngestResult) error {
	db, err := openStore(ctx, filepath.Join(dir, "ingest.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	s := feeds.New(db, feeds.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Enricher: enricher,
		Router: routing.NewRouter(table), Shadowserver: cfg.schema})
	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- s.Start(runCtx) }()
	defer func() { stop(); <-stopped }()
	sys := auth.SystemActor()
	f := feeds.Feed{Name: "bench", Format: cfg.format, Source: feeds.SourceUpload, Enabled: true, Provider: "Shadowserver",
		Mapping: mapping}
	if cfg.format == "shadowserver" {
		f.Report = scanHTTPVulnerable
	} else {
		f.Constants = map[string]string{"classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system",
			"classification.identifier": "vulnerable-http", "protocol.application": "http"}
	}
	if _, err := s.CreateFeed(ctx, sys, f); err != nil {
		return fmt.Errorf("creating the bench feed: %w", err)
	}
	in, err := os.Open(report)
	if err != nil {
		return err
	}
	defer in.Close()
	runtime.GC()
	start, cpu := time.Now(), cpuTime()
	run, err := s.Ingest(ctx, sys, "bench", in, feeds.IngestOptions{Trigger: feeds.TriggerCLI, Input: report})
	res.EndToEnd, res.EndToEndCPU = time.Since(start), cpuTime()-cpu
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if run.Quarantined > 0 || run.Filtered > 0 {
		return fmt.Errorf("ingest: %d lines quarantined, %d filtered: the generated report is wrong", run.Quarantined, run.Filtered)
	}
	res.Events, res.Deliveries = run.Accepted, run.Delivered
	res.PerSecond = float64(run.Accepted) / res.EndToEnd.Seconds()
	res.PeakQueued = s.PeakQueued()
	return nil
}

// rawInserts copies the rows the pipeline stored (events and deliveries)
// into a fresh store with a bare loop of batched multi-row inserts in the
// same batches, timing only the inserts: the store's own rate for these
// very rows.
func rawInserts(ctx context.Context, dir string, res *IngestResult) error {
	src, err := openStore(ctx, filepath.Join(dir, "ingest.db"))
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openStore(ctx, filepath.Join(dir, "raw.db"))
	if err != nil {
		return err
	}
	defer dst.Close()
	const batch = 4096
	var after int64
	for {
		evs, dels, err := readRows(ctx, src, after, batch)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			break
		}
		after = evs[len(evs)-1][0].(int64)
		start, cpu := time.Now(), cpuTime()
		err = dst.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -16384`); err != nil { // as the writer
				return err
			}
			if _, err := tx.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 16384`); err != nil {
				return err
			}
			if err := insertRows(ctx, tx, "feed_events (id, feed_id, dk1, dk2, first_seen, last_seen, repeats, taxonomy, type, search, data)", evs); err != nil {
				return err
			}
			return insertRows(ctx, tx, "feed_deliveries (event_id, org_id, id, by_rule, match_key, first_seen)", dels)
		})
		res.Raw += time.Since(start)
		res.RawCPU += cpuTime() - cpu
		if err != nil {
			return fmt.Errorf("raw inserts: %w", err)
		}
		res.RawRows += int64(len(evs) + len(dels))
	}
	res.RawPerSecond = float64(res.RawRows) / res.Raw.Seconds()
	res.RawEventsPS = float64(res.Events) / res.Raw.Seconds()
	return nil
}

// readRows reads a batch of events after id, with their deliveries.
func readRows(ctx context.Context, db *store.DB, after int64, n int) (evs, dels [][]any, err error) {
	rows, err := db.R().QueryContext(ctx, `SELECT id, feed_id, dk1, dk2, first_seen, last_seen, repeats, taxonomy, type,
		search, data FROM feed_events WHERE id > $1 ORDER BY id LIMIT $2`, after, n)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id, dk1, dk2, first, last, repeats int64
		var feed, tax, typ, search, data string
		if err := rows.Scan(&id, &feed, &dk1, &dk2, &first, &last, &repeats, &tax, &typ, &search, &data); err != nil {
			rows.Close()
			return nil, nil, err
		}
		evs = append(evs, []any{id, feed, dk1, dk2, first, last, repeats, tax, typ, search, data})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(evs) == 0 {
		return evs, nil, err
	}
	rows, err = db.R().QueryContext(ctx, `SELECT event_id, org_id, id, by_rule, match_key, first_seen FROM feed_deliveries
		WHERE event_id > $1 AND event_id <= $2`, after, evs[len(evs)-1][0])
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev, id, first int64
		var org, by, key string
		if err := rows.Scan(&ev, &org, &id, &by, &key, &first); err != nil {
			return nil, nil, err
		}
		dels = append(dels, []any{ev, org, id, by, key, first})
	}
	return evs, dels, rows.Err()
}

// insertRows inserts rows in multi-row statements of 256 rows, the full
// one prepared once, as the writer does (with "?" placeholders: on SQLite
// they bind in linear time, where "$N" do not).
func insertRows(ctx context.Context, tx *sql.Tx, table string, rows [][]any) error {
	const per = 256
	var full *sql.Stmt
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " VALUES ")
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j := range r {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('?')
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		var err error
		if len(chunk) == per {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, b.String()); err != nil {
					return err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, b.String(), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// flush makes the files' written data durable.
func flush(paths ...string) {
	for _, p := range paths {
		if f, err := os.OpenFile(p, os.O_RDWR, 0); err == nil {
			_ = f.Sync()
			f.Close()
		}
	}
}

// peakRSS reads the process's peak resident set (VmHWM) on Linux; 0
// elsewhere.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}

func printIngest(out io.Writer, r IngestResult, prefixes int) {
	fmt.Fprintf(out, "store: sqlite (WAL, synchronous=NORMAL); format %s; %d routing prefixes\n", r.Format, prefixes)
	fmt.Fprintf(out, "end to end (parse, enrich, route, store): %d events, %d deliveries in %s: %.0f events/s\n",
		r.Events, r.Deliveries, r.EndToEnd.Round(time.Millisecond), r.PerSecond)
	fmt.Fprintf(out, "store alone (the same rows, bare batched inserts): %d rows in %s: %.0f rows/s = %.0f events/s\n",
		r.RawRows, r.Raw.Round(time.Millisecond), r.RawPerSecond, r.RawEventsPS)
	fmt.Fprintf(out, "ratio end to end / store alone: %.2f\n", r.Ratio)
	if r.Events > 0 && r.EndToEndCPU > 0 {
		fmt.Fprintf(out, "CPU an event: %.1f µs end to end (both cores), %.1f µs store alone\n",
			float64(r.EndToEndCPU.Microseconds())/float64(r.Events), float64(r.RawCPU.Microseconds())/float64(r.Events))
	}
	fmt.Fprintf(out, "peak resident memory: %.0f MiB; peak rows waiting for the writer: %d\n", r.PeakRSSMB, r.PeakQueued)
}
