package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// csvFlags set up a generic csv feed over the files writeEvents makes.
var csvFlags = []string{"--format=csv", "--create", "--map=timestamp=time.source", "--map=ip=source.ip",
	"--map=port=source.port", "--map=hostname=source.fqdn", "--set=classification.taxonomy=vulnerable",
	"--set=classification.type=vulnerable-system"}

// publicOctets are /8s of public unicast space: no warning range (private,
// shared, loopback, documentation ...) drops their addresses.
var publicOctets = []int{24, 31, 37, 41, 45, 46, 62, 77, 78, 80, 81, 82, 85, 88, 89, 90, 91, 93, 94, 95}

// writeEvents writes a CSV report of n distinct events (and bad lines at
// the given line numbers, counting the header as line 1, as the run's
// line count does).
func writeEvents(t *testing.T, path string, n int, bad ...int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "timestamp,ip,port,hostname")
	line := 1
	isBad := map[int]bool{}
	for _, b := range bad {
		isBad[b] = true
	}
	for i := 0; i < n; {
		line++
		if isBad[line] {
			fmt.Fprintf(w, "2024-03-01 10:00:00,not-an-address,80,bad%d.example.net\n", line)
			continue
		}
		fmt.Fprintf(w, "2024-03-01 10:%02d:%02d,%d.%d.%d.%d,80,node%d.example.net\n", i/60%60, i%60,
			publicOctets[i%len(publicOctets)], i/20%256, i/5120%256, 1+i%250, i)
		i++
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestIngestAndFeedCommands(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + filepath.Join(dir, "data")
	report := filepath.Join(dir, "report.csv")
	writeEvents(t, report, 50, 3, 20)
	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // regexp the standard output must match
	}{
		{"a missing feed needs --create", []string{"ingest", data, "--feed=scan", report}, 1, `^$`},
		{"--map needs --create", []string{"ingest", data, "--feed=scan", "--map=a=b", report}, 1, `^$`},
		{"--create needs --format", []string{"ingest", data, "--feed=scan", "--create", report}, 1, `^$`},
		{"a bad mapping is refused", []string{"ingest", data, "--feed=scan", "--format=csv", "--create", "--map=ip=source.address", report}, 1, `^$`},
		{"first load", append([]string{"ingest", data, "--feed=scan", "--quiet", report}, csvFlags...), 0,
			`run \S+ ok: 53 lines, 50 new events, 0 repeats, 2 quarantined`},
		{"the same file again: repeats", []string{"ingest", data, "--feed=scan", report}, 0,
			`run \S+ ok: 53 lines, 0 new events, 50 repeats, 2 quarantined`},
		{"list", []string{"feed", "list", data}, 0, `(?m)^scan\s+csv\s+upload\s+true\s+50\s+4\s+.* ok \(0 new, 50 repeats\)\s+by hand$`},
		{"an upload feed cannot be pulled", []string{"feed", "run", data, "scan"}, 1, `^$`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, out, errOut := atalaya(t, "", s.args...)
			if code != s.wantCode {
				t.Fatalf("exit %d, want %d; stdout %s; stderr: %s", code, s.wantCode, out, errOut)
			}
			if !regexp.MustCompile(s.wantOut).MatchString(out) {
				t.Errorf("stdout %q does not match %q (stderr %s)", out, s.wantOut, errOut)
			}
		})
	}
}

// TestIngestSurvivesSIGKILL kills `atalaya ingest` in the middle of a
// 200,000-line file and runs it again: every line's event is stored
// exactly once (none lost, none counted twice) and the run, resumed, adds
// up to the file.
func TestIngestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and ingests 400,000 lines")
	}
	bin := filepath.Join(t.TempDir(), "atalaya")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const n = 200_000
	report := filepath.Join(t.TempDir(), "report.csv")
	writeEvents(t, report, n, 1000, 150_000) // two bad lines, one on each side of the kill, likely
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			databaseURL := ""
			if engine == "postgres" {
				databaseURL = freshPostgres(t)
			}
			args := append([]string{"ingest", "--data-dir=" + dir, "--database-url=" + databaseURL, "--feed=scan",
				"--log-format=text", report}, csvFlags...)
			killed := ingestUntilKilled(t, bin, args)
			db, err := store.Open(context.Background(), databaseURL, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			stored := count(t, db, `SELECT COUNT(*) FROM feed_events`)
			t.Logf("killed after %s of progress; %d events durable", killed, stored)
			if stored == 0 || stored >= n {
				t.Fatalf("%d events stored when killed: the kill was not in the middle", stored)
			}
			again := exec.Command(bin, args...)
			out, err := again.CombinedOutput()
			if err != nil {
				t.Fatalf("second ingest: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "resumed run") ||
				!regexp.MustCompile(fmt.Sprintf(`run \S+ ok: %d lines, %d new events, 0 repeats, 2 quarantined`, n+3, n)).Match(out) {
				t.Errorf("second ingest said:\n%s", out)
			}
			checks := []struct {
				what  string
				query string
				want  int64
			}{
				{"events", `SELECT COUNT(*) FROM feed_events`, n},
				{"events seen more than once", `SELECT COUNT(*) FROM feed_events WHERE repeats <> 1`, 0},
				{"distinct hosts", `SELECT COUNT(DISTINCT search) FROM feed_events`, n},
				{"quarantined lines", `SELECT COUNT(*) FROM feed_quarantine`, 2},
				{"quarantined line numbers", `SELECT SUM(line) FROM feed_quarantine`, 1000 + 150_000},
				{"runs", `SELECT COUNT(*) FROM feed_runs`, 1},
				{"run consistent", `SELECT COUNT(*) FROM feed_runs WHERE state = 'ok' AND lines = ` + strconv.Itoa(n+3) +
					` AND accepted = ` + strconv.Itoa(n) + ` AND duplicates = 0 AND quarantined = 2`, 1},
				{"counted events", `SELECT events FROM feed_stats`, n},
				{"input positions left", `SELECT COUNT(*) FROM feed_inputs`, 0},
			}
			for _, c := range checks {
				if got := count(t, db, c.query); got != c.want {
					t.Errorf("%s: %d, want %d", c.what, got, c.want)
				}
			}
			if t.Failed() {
				var state string
				var lines, accepted, dups, quarantined int64
				_ = db.R().QueryRow(`SELECT state, lines, accepted, duplicates, quarantined FROM feed_runs`).Scan(&state,
					&lines, &accepted, &dups, &quarantined)
				t.Logf("the run: %s, %d lines, %d accepted, %d duplicates, %d quarantined", state, lines, accepted, dups, quarantined)
			}
		})
	}
}

// ingestUntilKilled starts the command and SIGKILLs it once its progress
// shows 20,000 events stored, returning the progress it had reported.
func ingestUntilKilled(t *testing.T, bin string, args []string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	progress := regexp.MustCompile(`: (\d+) lines, (\d+) new`)
	lines := bufio.NewScanner(stderr)
	last := ""
	for lines.Scan() {
		m := progress.FindStringSubmatch(lines.Text())
		if m == nil {
			continue
		}
		if stored, _ := strconv.Atoi(m[2]); stored >= 20_000 {
			last = m[0]
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			break
		}
	}
	go io.Copy(io.Discard, stderr)
	err = cmd.Wait()
	if last == "" {
		t.Fatalf("the ingest ended (%v) before it reported progress", err)
	}
	return last
}

// freshPostgres creates a database on the test server and returns its URL
// (skipping without one, as storetest does), dropped when the test ends.
func freshPostgres(t *testing.T) string {
	t.Helper()
	admin := os.Getenv(storetest.EnvPostgres)
	if admin == "" {
		if os.Getenv("ATALAYA_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("%s is not set but ATALAYA_REQUIRE_POSTGRES=1", storetest.EnvPostgres)
		}
		t.Skipf("PostgreSQL not configured: set %s", storetest.EnvPostgres)
	}
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "atalaya_ingest_" + hex.EncodeToString(b[:])
	if _, err := adm.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if adm, err := sql.Open("pgx", admin); err == nil {
			_, _ = adm.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			adm.Close()
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func count(t *testing.T, db *store.DB, query string) int64 {
	t.Helper()
	var n int64
	if err := db.R().QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
