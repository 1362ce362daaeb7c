// Command testreport turns the `go test -json` stream into what a person
// reading CI output needs: one line per package, the output of each failing
// test and nothing of the passing ones, a list of skips with their reasons,
// and the counts. scripts/test pipes each phase of the suite through it:
//
//	go test -json ./... 2>&1 | go run ./scripts/testreport -label unit -counts unit.counts
//
// It counts leaf tests (a test with subtests counts through its subtests),
// so one failing subtest is one failure, not two. A package that fails
// without a failing test (it does not build, a test binary panics or times
// out) counts as one failure. Lines that are not JSON, such as errors of the
// go command itself, are printed as they come.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	label := flag.String("label", "tests", "name of this phase in the summary line")
	counts := flag.String("counts", "", "file to write \"passed failed skipped fuzz\" to, for totals across phases")
	flag.Parse()
	r := newReport(os.Stdout)
	if err := r.read(os.Stdin); err != nil {
		fmt.Fprintf(os.Stderr, "testreport: reading go test output: %v\n", err)
		os.Exit(2)
	}
	c := r.finish(*label)
	if *counts != "" {
		line := fmt.Sprintf("%d %d %d %d\n", c.passed, c.failed, c.skipped, c.fuzz)
		if err := os.WriteFile(*counts, []byte(line), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "testreport: %v\n", err)
			os.Exit(2)
		}
	}
	if c.failed > 0 {
		os.Exit(1)
	}
}

// read feeds every line of in to the report. Lines are long when a test
// logs a lot, so the scanner's buffer grows to 16 MiB.
func (r *report) read(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		r.line(sc.Bytes())
	}
	return sc.Err()
}
