package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestIpdbCommands(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	data := "--data-dir=" + dir
	write := func(name, content string) string {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	asn := write("asn-ipv4.csv", "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n8.8.8.0,8.8.8.255,15169,Google LLC\n")
	cc := write("geo-whois-asn-country-ipv4.csv", "1.0.0.0,1.0.0.255,AU\n8.8.8.0,8.8.8.255,US\n9.9.9.0,9.9.9.255,CH\n")
	bad := write("bad.csv", "1.0.0.0,1.0.0.255,AU\n2.0.0.0,2.0.0.x,AU\n")
	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // regexp on stdout
		wantErr  string // regexp on stderr
	}{
		{"lookup before any import", []string{"ipdb", "lookup", data, "8.8.8.8"}, 1, `^$`, `no IP tables`},
		{"import", []string{"ipdb", "import", data, asn, cc}, 0,
			`(?s)asn-ipv4\s+2 ranges.*country-ipv4\s+3 ranges.*Attribution.*RouteViews.*NRO`, `^$`},
		{"lookup", []string{"ipdb", "lookup", data, "8.8.8.8", "9.9.9.9", "2001:db8::1"}, 0,
			`(?m)^8\.8\.8\.8\s+AS15169\s+US\s+Google LLC\n9\.9\.9\.9\s+-\s+CH\s+-\n2001:db8::1\s+-\s+-\s+-\n$`, `^$`},
		{"bad line names file and line", []string{"ipdb", "import", data, bad}, 1, `^$`, regexp.QuoteMeta(bad) + `:2: .*not an IP address`},
		{"the failed import changed nothing", []string{"ipdb", "lookup", data, "1.0.0.1"}, 0, `AS13335\s+AU`, `^$`},
		{"missing file is a usage error", []string{"ipdb", "import", data, filepath.Join(src, "nope.csv")}, 2, `^$`, ``},
		{"bad address", []string{"ipdb", "lookup", data, "nope"}, 1, `^$`, `not an IP address`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, out, errOut := atalaya(t, "", s.args...)
			if code != s.wantCode {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, s.wantCode, out, errOut)
			}
			if !regexp.MustCompile(s.wantOut).MatchString(out) {
				t.Errorf("stdout %q does not match %q", out, s.wantOut)
			}
			if s.wantErr != "" && !regexp.MustCompile(s.wantErr).MatchString(strings.TrimSpace(errOut)) {
				t.Errorf("stderr %q does not match %q", errOut, s.wantErr)
			}
		})
	}
}
