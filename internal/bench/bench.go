// Package bench holds the scenarios of `atalaya bench`: whole requests
// through the real HTTP stack against a seeded temporary store, timed one
// by one, so the figures are what a user waits for (Go benchmarks in each
// package measure the parts).
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"atalaya/internal/app"
)

// Options choose the store and how many requests each scenario sends.
type Options struct {
	DatabaseURL string // "" = SQLite in a temporary directory
	Requests    int    // per scenario (logins: a tenth of it, at least 10)
}

// Result is one scenario's figures.
type Result struct {
	Name          string
	N             int
	P50, P90, P99 time.Duration
	Mean          time.Duration
	PerSecond     float64
}

// Run seeds a temporary Atalaya, serves it on a loopback port and times
// the scenarios, writing a table to out.
func Run(ctx context.Context, o Options, out io.Writer) ([]Result, error) {
	if o.Requests <= 0 {
		o.Requests = 500
	}
	dir, err := os.MkdirTemp("", "atalaya-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Open(ctx, app.Config{DataDir: dir, DatabaseURL: o.DatabaseURL}, logger)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	orgs, err := app.SeedDemo(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("seeding: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	s := &session{base: base}
	nat := orgs.ByShortName["DEMO-MX-NAT"]
	in, err := seedIntel(ctx, a, base, 1000)
	if err != nil {
		return nil, fmt.Errorf("seeding intel: %w", err)
	}
	logins := max(o.Requests/10, 10)
	var results []Result
	for _, sc := range []struct {
		name string
		n    int
		fn   func(i int) error
	}{
		{"login (password, argon2id m=19 MiB t=2)", logins, func(int) error { return s.login() }},
		{"team directory page (GET /teams)", o.Requests, func(int) error { return s.get("/teams") }},
		{"team profile page (GET /teams/{id})", o.Requests, func(int) error { return s.get("/teams/" + nat) }},
		{"member state page (GET /states/MX)", o.Requests, func(int) error { return s.get("/states/MX") }},
		{"constituency update (POST add prefix, audited)", o.Requests, func(i int) error { return s.add(nat, i) }},
		{"TAXII objects page (1,000 indicators)", max(o.Requests/10, 10), func(int) error { return in.taxiiPage(1000) }},
		{"TAXII manifest page (1,000 entries)", max(o.Requests/10, 10), func(int) error { return in.taxiiManifest(1000) }},
		{"correlation look-up (GET /api/v1/lookup)", o.Requests, func(i int) error { return in.lookup(i) }},
		{"intel search page (GET /intel?q=IP)", o.Requests, func(i int) error { return s.get(in.searchPath(i)) }},
		{"indicator page (versions, correlations, sightings)", o.Requests, func(i int) error { return s.get(in.objectPath(i)) }},
		{"STIX bundle upload (POST 100 indicators)", max(o.Requests/10, 10), func(i int) error { return in.upload(i, 100) }},
	} {
		r, err := measure(sc.name, sc.n, sc.fn)
		if err != nil {
			return results, fmt.Errorf("%s: %w", sc.name, err)
		}
		results = append(results, r)
	}
	print(out, a.DB.String(), results)
	return results, nil
}

func measure(name string, n int, fn func(int) error) (Result, error) {
	times := make([]time.Duration, n)
	start := time.Now()
	for i := range n {
		t := time.Now()
		if err := fn(i); err != nil {
			return Result{}, err
		}
		times[i] = time.Since(t)
	}
	total := time.Since(start)
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	pct := func(p float64) time.Duration { return times[min(n-1, int(float64(n)*p))] }
	return Result{Name: name, N: n, P50: pct(0.5), P90: pct(0.9), P99: pct(0.99), Mean: total / time.Duration(n),
		PerSecond: float64(n) / total.Seconds()}, nil
}

func print(out io.Writer, store string, rs []Result) {
	fmt.Fprintf(out, "store: %s\n", store)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tn\tp50\tp90\tp99\tmean\treq/s\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%.0f\t\n", r.Name, r.N, round(r.P50), round(r.P90), round(r.P99), round(r.Mean), r.PerSecond)
	}
	tw.Flush()
}

func round(d time.Duration) time.Duration {
	if d > time.Millisecond {
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// session is a browser-like client: a cookie jar, no redirects followed.
type session struct {
	base   string
	client *http.Client
}

func (s *session) login() error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(s.base+"/login", url.Values{"email": {"admin@csirt-mx.example"}, "password": {app.DemoPassword}})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		return fmt.Errorf("login answered %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	s.client = c
	return nil
}

func (s *session) get(path string) error {
	if s.client == nil {
		return errors.New("not signed in")
	}
	resp, err := s.client.Get(s.base + path)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s answered %d", path, resp.StatusCode)
	}
	return nil
}

// add posts a new /32 (or /128 past the IPv4 documentation block) each time.
func (s *session) add(orgID string, i int) error {
	value := fmt.Sprintf("2001:db8:ffff::%x/128", i)
	resp, err := s.client.PostForm(s.base+"/teams/"+orgID+"/constituency", url.Values{"value": {value}, "note": {"bench"}})
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("adding %s answered %d: %s", value, resp.StatusCode, strings.TrimSpace(string(body[:min(len(body), 200)])))
	}
	return nil
}
