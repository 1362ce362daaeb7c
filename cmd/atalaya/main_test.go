package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// atalaya runs the command line in-process and returns exit code and output.
func atalaya(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if stdin != "" {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		w.WriteString(stdin)
		w.Close()
		old := os.Stdin
		os.Stdin = r
		defer func() { os.Stdin = old }()
	}
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + dir
	steps := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantOut  string // regexp the standard output must match
	}{
		{"version", "", []string{"version"}, 0, `^atalaya \S+\n$`},
		{"migrate", "", []string{"migrate", data}, 0, `migrations applied`},
		{"audit of an empty log", "", []string{"audit", "verify", data}, 0, `intact: 0 entries`},
		{"user add needs an existing organisation", "", []string{"user", "add", data, "--org=NOPE", "--email=a@b.example", "--name=A", "--role=analyst", "--password-stdin"}, 1, `^$`},
		{"unknown flag is a usage error", "", []string{"user", "list", "--frobnicate"}, 2, ``},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, out, errOut := atalaya(t, s.stdin, s.args...)
			if code != s.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, s.wantCode, errOut)
			}
			if !regexp.MustCompile(s.wantOut).MatchString(out) {
				t.Errorf("stdout %q does not match %q", out, s.wantOut)
			}
		})
	}
}

func TestUsersTokensAndAuditVerify(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + dir
	// The demo seed gives organisations to attach accounts to.
	if code, _, errOut := atalaya(t, "", "migrate", data); code != 0 {
		t.Fatal(errOut)
	}
	seedDemoInto(t, dir)
	code, out, errOut := atalaya(t, "a-long-enough-password\n", "user", "add", data, "--org=DEMO-JM-NAT",
		"--email=lead@jm.example", "--name=Lead", "--role=team_admin", "--password-stdin")
	if code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("user add: %d %q %s", code, out, errOut)
	}
	code, out, _ = atalaya(t, "", "user", "list", data, "--org=DEMO-JM-NAT")
	if code != 0 || !strings.Contains(out, "lead@jm.example") {
		t.Fatalf("user list: %d\n%s", code, out)
	}
	code, out, errOut = atalaya(t, "", "token", "create", data, "--user=lead@jm.example", "--name=ci", "--scope=read")
	if code != 0 || !regexp.MustCompile(`^ata_[A-Za-z0-9_-]+\n$`).MatchString(out) {
		t.Fatalf("token create must print the token alone: %d %q %s", code, out, errOut)
	}
	code, out, _ = atalaya(t, "", "token", "list", data, "--user=lead@jm.example")
	if code != 0 || !strings.Contains(out, "ci") {
		t.Fatalf("token list: %d\n%s", code, out)
	}
	if code, out, _ = atalaya(t, "", "audit", "verify", data); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify on an intact log: %d %s", code, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "atalaya.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = atalaya(t, "", "audit", "verify", data)
	if code != 1 || !strings.Contains(errOut, "entry 3") {
		t.Fatalf("audit verify after tampering: exit %d, stderr %q", code, errOut)
	}
}

func TestHelpDoesNotRunTheCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"demo", "-h"}} {
		code, out, _ := atalaya(t, "", args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "atalaya.toml")
	if err := os.WriteFile(cfg, []byte("[migrate]\ndata-dir = \""+dir+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := atalaya(t, "", "--config", cfg, "migrate"); code != 0 {
		t.Fatalf("migrate with a config file: %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "atalaya.db")); err != nil {
		t.Errorf("the config file's data-dir was not used: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("addr = = 1"), 0o600)
	if code, _, errOut := atalaya(t, "", "--config", bad, "migrate", "--data-dir", dir); code != 2 || !strings.Contains(errOut, "config") {
		t.Errorf("a broken config file: exit %d, stderr %q", code, errOut)
	}
}
