package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	ImportPath  string // build-output and build-fail events
	FailedBuild string // package fail events caused by a build failure
}

// testKey names one test of one package.
type testKey struct{ pkg, test string }

// result is how a test ended.
type result struct {
	action string // pass, fail or skip
	reason string // first line the test logged, for skips
}

// counts are the totals of one phase.
type counts struct {
	passed, failed, skipped, fuzz int
}

// report reads events and prints as it goes; it is used by one goroutine.
type report struct {
	w         io.Writer
	output    map[testKey][]string // output of tests still running
	results   map[testKey]result
	pkgOutput map[string][]string // package-level output, printed if the package fails
	badPkgs   []string            // packages that failed
	noTests   int                 // packages without test files
	packages  int                 // packages whose tests ran
}

func newReport(w io.Writer) *report {
	return &report{
		w:         w,
		output:    make(map[testKey][]string),
		results:   make(map[testKey]result),
		pkgOutput: make(map[string][]string),
	}
}

// line handles one line of input.
func (r *report) line(b []byte) {
	var ev event
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &ev) != nil {
		fmt.Fprintf(r.w, "%s\n", b)
		return
	}
	switch {
	case ev.Action == "build-output":
		fmt.Fprint(r.w, ev.Output)
	case ev.Test != "":
		r.testEvent(ev)
	default:
		r.packageEvent(ev)
	}
}

// testEvent buffers a test's output and, when it fails, prints it.
func (r *report) testEvent(ev event) {
	k := testKey{ev.Package, ev.Test}
	switch ev.Action {
	case "output":
		if !noise(ev.Output) {
			r.output[k] = append(r.output[k], ev.Output)
		}
	case "pass", "skip":
		r.results[k] = result{action: ev.Action, reason: skipReason(r.output[k])}
		delete(r.output, k)
	case "fail":
		r.results[k] = result{action: "fail"}
		fmt.Fprintf(r.w, "--- FAIL: %s (%s)\n", ev.Test, ev.Package)
		for _, l := range r.output[k] {
			if !strings.HasPrefix(l, "--- FAIL: ") {
				fmt.Fprint(r.w, l)
			}
		}
		delete(r.output, k)
	}
}

// packageEvent prints a line when a package ends; the package's own output
// (a panic, a timeout, a TestMain error) only when it failed.
func (r *report) packageEvent(ev event) {
	switch ev.Action {
	case "output":
		if !noise(ev.Output) {
			r.pkgOutput[ev.Package] = append(r.pkgOutput[ev.Package], ev.Output)
		}
	case "pass":
		r.packages++
		fmt.Fprintf(r.w, "ok    %s %.1fs\n", ev.Package, ev.Elapsed)
	case "skip":
		r.noTests++
	case "fail":
		r.packages++
		r.badPkgs = append(r.badPkgs, ev.Package)
		why := ""
		if ev.FailedBuild != "" {
			why = " (build failed: " + ev.FailedBuild + ")"
		}
		fmt.Fprintf(r.w, "FAIL  %s %.1fs%s\n", ev.Package, ev.Elapsed, why)
		for _, l := range r.pkgOutput[ev.Package] {
			if !strings.HasPrefix(l, "FAIL") {
				fmt.Fprint(r.w, "      "+l)
			}
		}
	}
	if ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip" {
		delete(r.pkgOutput, ev.Package)
	}
}

// noise reports lines that say nothing a reader of a failure needs.
func noise(s string) bool {
	for _, p := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// skipReason is the first line a skipped test logged (its t.Skip message).
func skipReason(lines []string) string {
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "--- ") {
			return l
		}
	}
	return ""
}

// finish prints the skips and the phase's summary, and returns its counts.
func (r *report) finish(label string) counts {
	var c counts
	failedPkgs := map[string]bool{}
	var skips []string
	for _, k := range r.leaves() {
		res := r.results[k]
		switch res.action {
		case "pass":
			c.passed++
		case "fail":
			c.failed++
			failedPkgs[k.pkg] = true
		case "skip":
			c.skipped++
			skips = append(skips, fmt.Sprintf("      %s %s: %s", k.pkg, k.test, res.reason))
		}
	}
	for k, res := range r.results {
		if !strings.Contains(k.test, "/") && strings.HasPrefix(k.test, "Fuzz") && res.action == "pass" {
			c.fuzz++
		}
	}
	for _, p := range r.badPkgs {
		if !failedPkgs[p] {
			c.failed++ // it failed without a failing test: count the package
		}
	}
	r.printSkips(skips)
	fmt.Fprintf(r.w, "%s: %d packages (%d without tests), %d tests passed, %d failed, %d skipped; %d fuzz targets ran their seed corpus\n",
		label, r.packages, r.noTests, c.passed, c.failed, c.skipped, c.fuzz)
	return c
}

// leaves returns the tests that have no subtests, sorted.
func (r *report) leaves() []testKey {
	parents := make(map[testKey]bool)
	for k := range r.results {
		for i := range len(k.test) {
			if k.test[i] == '/' {
				parents[testKey{k.pkg, k.test[:i]}] = true
			}
		}
	}
	var leaves []testKey
	for k := range r.results {
		if !parents[k] {
			leaves = append(leaves, k)
		}
	}
	slices.SortFunc(leaves, func(a, b testKey) int {
		if c := strings.Compare(a.pkg, b.pkg); c != 0 {
			return c
		}
		return strings.Compare(a.test, b.test)
	})
	return leaves
}

// printSkips lists skipped tests, so that a skip hiding a missing service is
// seen; a long list is cut.
func (r *report) printSkips(skips []string) {
	const show = 25
	if len(skips) == 0 {
		return
	}
	fmt.Fprintf(r.w, "skipped tests:\n")
	for i, s := range skips {
		if i == show {
			fmt.Fprintf(r.w, "      … and %d more\n", len(skips)-show)
			break
		}
		fmt.Fprintln(r.w, s)
	}
}
