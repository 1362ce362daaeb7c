package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// recorder stands in for a test so that New's helpers can skip or fail it
// without ending the real test: it records instead of stopping.
type recorder struct {
	testing.TB
	skipped, fatal string
	deadline       time.Time
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skip(args ...any)                  { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recorder) Deadline() (time.Time, bool)       { return r.deadline, !r.deadline.IsZero() }

func TestChromiumPath(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "absent")
	tests := []struct {
		name, env, require string
		want, skip, fatal  string
	}{
		{name: "found", env: fake, want: fake},
		{name: "missing skips", env: missing, skip: "apt-get install chromium"},
		{name: "missing with require fails", env: missing, require: "1", fatal: EnvRequire + "=1 requires it"},
		{name: "require other than 1 still skips", env: missing, require: "yes", skip: missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvChromium, tc.env)
			t.Setenv(EnvRequire, tc.require)
			r := &recorder{TB: t}
			got := chromiumPath(r)
			if got != tc.want {
				t.Errorf("path = %q, want %q", got, tc.want)
			}
			check(t, "skip", r.skipped, tc.skip)
			check(t, "fatal", r.fatal, tc.fatal)
		})
	}
}

func TestSessionTimeout(t *testing.T) {
	soon := time.Now().Add(time.Minute)
	tests := []struct {
		name     string
		env      string
		deadline time.Time
		want     time.Duration
		fatal    string
	}{
		{name: "default", want: DefaultTimeout},
		{name: "from env", env: "90s", want: 90 * time.Second},
		{name: "bad env", env: "soon", want: DefaultTimeout, fatal: EnvTimeout},
		{name: "negative env", env: "-1s", want: DefaultTimeout, fatal: "positive"},
		{name: "go test deadline is shorter", deadline: soon, want: time.Minute - grace - 5*time.Second},
		{name: "go test deadline is further", deadline: time.Now().Add(time.Hour), want: DefaultTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvTimeout, tc.env)
			r := &recorder{TB: t, deadline: tc.deadline}
			got := sessionTimeout(r)
			if diff := got - tc.want; diff > time.Second || diff < -time.Second {
				t.Errorf("timeout = %v, want %v", got, tc.want)
			}
			check(t, "fatal", r.fatal, tc.fatal)
		})
	}
}

func TestArtifactPath(t *testing.T) {
	tests := []struct {
		name, env, test, want string
	}{
		{"env dir", "/srv/artifacts", "TestBrowserLogin/bad password", "/srv/artifacts/TestBrowserLogin_bad_password.png"},
		{"default dir", "", "TestX", filepath.Join(os.TempDir(), "atalaya-browsertest", "TestX.png")},
		{"no path escape", "/a", "../../etc/passwd", "/a/______etc_passwd.png"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvArtifacts, tc.env)
			if got := ArtifactPath(tc.test); got != tc.want {
				t.Errorf("ArtifactPath(%q) = %q, want %q", tc.test, got, tc.want)
			}
		})
	}
}

func TestTailBuffer(t *testing.T) {
	tests := []struct {
		name   string
		max    int
		writes []string
		want   string
	}{
		{"under the limit", 10, []string{"abc", "def"}, "abcdef"},
		{"keeps the end", 5, []string{"abc", "defgh"}, "defgh"},
		{"one long write", 3, []string{"abcdefg"}, "efg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &tailBuffer{max: tc.max}
			for _, w := range tc.writes {
				if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if got := b.String(); got != tc.want {
				t.Errorf("kept %q, want %q", got, tc.want)
			}
		})
	}
}

// check fails unless got contains want, or both are empty.
func check(t *testing.T, what, got, want string) {
	t.Helper()
	if (want == "") != (got == "") || !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}

func TestTailBufferQuiet(t *testing.T) {
	dbus := "[1:2:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n"
	tests := []struct {
		name  string
		out   string
		limit int
		want  string
	}{
		{"drops noise", "/usr/bin/chromium: 9: [: 1: unexpected operator\n" + dbus + "FATAL: out of memory\n", 100, "FATAL: out of memory"},
		{"keeps last lines within limit", "one\ntwo\nthree\n", 10, "two\nthree"},
		{"only noise", dbus + dbus, 100, ""},
		{"no trailing newline", "a\nb", 100, "a\nb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &tailBuffer{max: 1 << 10}
			_, _ = b.Write([]byte(tc.out))
			if got := b.Quiet(tc.limit); got != tc.want {
				t.Errorf("Quiet(%d) = %q, want %q", tc.limit, got, tc.want)
			}
		})
	}
}
