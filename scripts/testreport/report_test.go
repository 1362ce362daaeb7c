package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ev writes one go test -json line.
func ev(action, pkg, test, output string) string {
	s := `{"Action":"` + action + `","Package":"` + pkg + `"`
	if test != "" {
		s += `,"Test":"` + test + `"`
	}
	if output != "" {
		s += `,"Output":` + quote(output)
	}
	return s + "}\n"
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestReport(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    counts
		shows   []string // must be in the output
		hides   []string // must not be
		summary string
	}{
		{
			name: "passing package prints one line",
			in: ev("run", "a", "TestX", "") + ev("output", "a", "TestX", "=== RUN   TestX\n") +
				ev("output", "a", "TestX", "    x_test.go:9: chatty log\n") + ev("pass", "a", "TestX", "") + ev("pass", "a", "", ""),
			want:  counts{passed: 1},
			shows: []string{"ok    a "},
			hides: []string{"chatty log", "=== RUN"},
		},
		{
			name: "failing subtest counts once and shows its output",
			in: ev("output", "a", "TestP/case_one", "    p_test.go:3: got 1, want 2\n") +
				ev("fail", "a", "TestP/case_one", "") + ev("pass", "a", "TestP/case-two", "") +
				ev("fail", "a", "TestP", "") + ev("fail", "a", "", ""),
			want:  counts{passed: 1, failed: 1},
			shows: []string{"--- FAIL: TestP/case_one (a)", "got 1, want 2", "FAIL  a "},
		},
		{
			name: "nested subtest with dashed sibling",
			in: ev("pass", "a", "TestA/x/y", "") + ev("pass", "a", "TestA/x-1", "") +
				ev("pass", "a", "TestA/x", "") + ev("pass", "a", "TestA", "") + ev("pass", "a", "", ""),
			want: counts{passed: 2},
		},
		{
			name: "skips are listed with their reason",
			in: ev("output", "a", "TestPG", "    pg_test.go:5: PostgreSQL not configured\n") +
				ev("output", "a", "TestPG", "--- SKIP: TestPG (0.00s)\n") + ev("skip", "a", "TestPG", "") + ev("pass", "a", "", ""),
			want:  counts{skipped: 1},
			shows: []string{"skipped tests:", "a TestPG: pg_test.go:5: PostgreSQL not configured"},
		},
		{
			name: "package failing without a test counts once and shows why",
			in: ev("pass", "b", "TestOK", "") + ev("output", "b", "", "panic: test timed out after 20m0s\n") +
				ev("output", "b", "", "FAIL\tb\t1200.0s\n") + ev("fail", "b", "", ""),
			want:  counts{passed: 1, failed: 1},
			shows: []string{"FAIL  b ", "panic: test timed out"},
		},
		{
			name: "build failure",
			in: `{"ImportPath":"c [c.test]","Action":"build-output","Output":"c/c.go:3:1: syntax error\n"}` + "\n" +
				`{"ImportPath":"c [c.test]","Action":"build-fail"}` + "\n" +
				`{"Action":"fail","Package":"c","FailedBuild":"c [c.test]"}` + "\n",
			want:  counts{failed: 1},
			shows: []string{"c/c.go:3:1: syntax error", "FAIL  c 0.0s (build failed: c [c.test])"},
		},
		{
			name:  "fuzz seed corpus and no test files",
			in:    ev("pass", "d", "FuzzParse/seed#0", "") + ev("pass", "d", "FuzzParse", "") + ev("pass", "d", "", "") + ev("skip", "e", "", "?   \te\t[no test files]\n"),
			want:  counts{passed: 1, fuzz: 1},
			shows: []string{"1 packages (1 without tests)", "1 fuzz targets ran their seed corpus"},
		},
		{
			name:  "text that is not JSON is passed through",
			in:    "go: updates to go.mod needed; to update it:\n",
			want:  counts{},
			shows: []string{"go: updates to go.mod needed"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			r := newReport(&out)
			if err := r.read(strings.NewReader(tc.in)); err != nil {
				t.Fatal(err)
			}
			if got := r.finish("unit"); got != tc.want {
				t.Errorf("counts = %+v, want %+v", got, tc.want)
			}
			for _, s := range tc.shows {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range tc.hides {
				if strings.Contains(out.String(), s) {
					t.Errorf("output has %q:\n%s", s, out.String())
				}
			}
		})
	}
}

// TestReportOnRealGoTest runs go test -json on a throwaway module with one
// test of each kind, so that a change in the go command's output shows here.
func TestReportOnRealGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":           "module fake\n\ngo 1.24\n",
		"ok/ok_test.go":    "package ok\nimport \"testing\"\nfunc TestA(t *testing.T) { t.Run(\"x\", func(t *testing.T) {}); t.Run(\"y\", func(t *testing.T) {}) }\nfunc TestSkip(t *testing.T) { t.Skip(\"no server\") }\nfunc FuzzF(f *testing.F) { f.Add(1); f.Fuzz(func(t *testing.T, i int) {}) }\n",
		"bad/bad_test.go":  "package bad\nimport \"testing\"\nfunc TestB(t *testing.T) { t.Run(\"z\", func(t *testing.T) { t.Error(\"boom here\") }) }\n",
		"broken/b.go":      "package broken\nfunc F() int { return \"x\" }\n",
		"broken/b_test.go": "package broken\nimport \"testing\"\nfunc TestC(t *testing.T) {}\n",
		"none/n.go":        "package none\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-json", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local")
	in, _ := cmd.CombinedOutput() // fails: that is the point
	var out bytes.Buffer
	r := newReport(&out)
	if err := r.read(bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	// TestA/x, TestA/y, FuzzF (its seed is not a test of its own) pass;
	// TestB/z and the package that does not build fail.
	want := counts{passed: 3, failed: 2, skipped: 1, fuzz: 1}
	if got := r.finish("unit"); got != want {
		t.Errorf("counts = %+v, want %+v\n%s", got, want, out.String())
	}
	for _, s := range []string{"boom here", "--- FAIL: TestB/z", "FAIL  fake/broken", "ok    fake/ok", "TestSkip: ok_test.go"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
}
