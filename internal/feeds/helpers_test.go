package feeds

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/event"
	"atalaya/internal/parsers"
	"atalaya/internal/routing"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

var ctx = context.Background()

// sets are the migrations a feeds test database needs.
func sets() []store.Migrations { return []store.Migrations{audit.Migrations(), Migrations()} }

// lineParser is the test format "lines": one event a line,
// "ip;taxonomy;type[;fqdn[;extra.tag[;malware.name]]]", blank lines and "#" comments
// skipped. A field that does not parse refuses the line with its reason,
// as real parsers do. It reuses one event and its Extra map, as parsers
// may, so the pipeline must copy.
type lineParser struct{ cfg parsers.Config }

func (p lineParser) Parse(r io.Reader, emit parsers.Emit, reject parsers.Reject) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var e event.Event
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		if strings.TrimSpace(raw) == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		extra := e.Extra
		clear(extra)
		e = event.Event{Extra: extra}
		for k, v := range p.cfg.Constants {
			_ = e.Set(k, v)
		}
		cols := strings.Split(raw, ";")
		names := []string{"source.ip", "classification.taxonomy", "classification.type", "source.fqdn", "extra.tag", "malware.name"}
		var bad error
		for i, c := range cols {
			if i >= len(names) {
				break
			}
			if err := e.Set(names[i], c); err != nil {
				bad = err
				break
			}
		}
		if bad == nil {
			bad = e.Set("raw", raw)
		}
		if bad != nil {
			reject(event.Reject(line, raw, bad))
			continue
		}
		if err := emit(line, &e); err != nil {
			return err
		}
	}
	return sc.Err()
}

// testParsers knows the "lines" format besides the real ones.
func testParsers(format string, cfg parsers.Config) (parsers.Parser, error) {
	if format == "lines" {
		return lineParser{cfg: cfg}, nil
	}
	return parsers.New(format, cfg)
}

// The organisations of the tests and the routing table between them:
// org-a holds 192.0.2.0/24, org-b 198.51.100.0/24 and example.org, org-c
// AS64500 (and so 203.0.113.0/24 through the test enricher); org-s is the
// secretariat.
const (
	orgA = "org-a"
	orgB = "org-b"
	orgC = "org-c"
	orgS = "org-s"
)

func testTable(t testing.TB) *routing.Table {
	t.Helper()
	tab, err := routing.Build([]routing.Entry{
		{OrgID: orgA, Kind: routing.KindPrefix, Value: "192.0.2.0/24"},
		{OrgID: orgB, Kind: routing.KindPrefix, Value: "198.51.100.0/24"},
		{OrgID: orgB, Kind: routing.KindDomain, Value: "example.org"},
		{OrgID: orgC, Kind: routing.KindASN, Value: "AS64500"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// testEnricher gives 203.0.113.0/24 the AS 64500 and drops 10.0.0.0/8 as
// a private range, like a warning list.
type testEnricher struct{}

func (testEnricher) Enrich(e *event.Event) string {
	if !e.SourceIP.IsValid() {
		return ""
	}
	b := e.SourceIP.As16()
	if e.SourceIP.Is4() && b[12] == 10 {
		return "private"
	}
	if e.SourceIP.Is4() && b[12] == 203 && b[13] == 0 && b[14] == 113 && e.SourceASN == 0 {
		e.SourceASN = 64500
	}
	return ""
}

func secretariat() access.Actor {
	return access.Actor{UserID: "sec-admin", Name: "admin@sec.example", OrgID: orgS, Secretariat: true,
		Roles: []access.Role{access.SecretariatAdmin}}
}

func analyst(org string) access.Actor {
	return access.Actor{UserID: "an-" + org, Name: "analyst@" + org, OrgID: org, Roles: []access.Role{access.Analyst}}
}

func observer(org string) access.Actor {
	return access.Actor{UserID: "obs-" + org, Name: "obs@" + org, OrgID: org, Roles: []access.Role{access.Observer}}
}

// fixture is a started service over a fresh store.
type fixture struct {
	s  *Service
	db *store.DB
}

// each runs fn on both engines with a started service.
func each(t *testing.T, opts Options, fn func(t *testing.T, fx fixture)) {
	t.Helper()
	storetest.Each(t, sets(), func(t *testing.T, db *store.DB) {
		fn(t, fixture{s: start(t, db, opts), db: db})
	})
}

// start builds the service with the test parsers and routing table and
// runs it until the test ends.
func start(t testing.TB, db *store.DB, opts Options) *Service {
	t.Helper()
	if opts.NewParser == nil {
		opts.NewParser = testParsers
	}
	if opts.Router == nil {
		opts.Router = routing.NewRouter(testTable(t))
	}
	s := New(db, opts)
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Start(runCtx); err != nil {
			t.Errorf("start: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("the service did not stop")
		}
	})
	return s
}

// mustFeed creates a feed of format "lines" taking uploads.
func mustFeed(t testing.TB, s *Service, name string, mod ...func(*Feed)) Feed {
	t.Helper()
	f := Feed{Name: name, Provider: "Test provider", Format: "lines", Source: SourceUpload, Enabled: true}
	for _, m := range mod {
		m(&f)
	}
	out, err := s.CreateFeed(ctx, secretariat(), f)
	if err != nil {
		t.Fatalf("creating feed %s: %v", name, err)
	}
	return out
}

// mustIngest uploads text to the feed and fails the test on error.
func mustIngest(t testing.TB, s *Service, feed, text string) Run {
	t.Helper()
	r, err := s.Ingest(ctx, secretariat(), feed, strings.NewReader(text), IngestOptions{Input: "test.txt"})
	if err != nil {
		t.Fatalf("ingest into %s: %v (run %+v)", feed, err, r)
	}
	return r
}

// count runs a COUNT query.
func count(t testing.TB, db *store.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.R().QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// lines makes n event lines with addresses in 192.0.2.0/24 and beyond
// (the i-th is unique).
func lines(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(lineAt(i))
	}
	return b.String()
}

// lineAt is the i-th line of lines.
func lineAt(i int) string {
	return fmt.Sprintf("192.0.%d.%d;malicious-code;infected-system;;n%d\n", 2+i/250%50, 1+i%250, i)
}
