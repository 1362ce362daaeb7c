package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"atalaya/internal/sharedtest"
)

// TestImportAndExportCommands runs `atalaya import` and `atalaya export` as
// demo users of different organisations on one data directory, in order.
func TestImportAndExportCommands(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + dir
	if code, _, errOut := atalaya(t, "", "migrate", data); code != 0 {
		t.Fatal(errOut)
	}
	seedDemoInto(t, dir)
	csvFile := filepath.Join(dir, "list.csv")
	writeFile(t, csvFile, "value,type,name,tlp\n198.51.100.7,ip,C2,\nexample.org,domain,Phishing,green\nnot an ip,ip,Bad,\n")
	redFile := filepath.Join(dir, "red.csv")
	writeFile(t, redFile, "value\n203.0.113.9\n")
	bundle := sharedtest.Path(t, "stix", "examples", "oasis-cti-documentation", "indicator-for-malicious-url.json")
	feed := sharedtest.Path(t, "misp", "feed", "digitalside-misp-feed")
	stixOut := filepath.Join(dir, "out.json")
	feedOut := filepath.Join(dir, "feed-out")

	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // regexp the standard output must match
		wantErr  string // regexp standard error must match
	}{
		{"CSV with a bad line", []string{"import", data, "--as=analyst@csirt-mx.example", "--share=members", csvFile}, 1,
			`list.csv: 2 accepted, 0 already there, 1 refused\n  refused line 4, value: "not an ip" is not an IP address`, `not imported whole`},
		{"RED to a named organisation", []string{"import", data, "--as=analyst@csirt-mx.example", "--tlp=red", "--share=org:DEMO-MX-BANK", redFile}, 0,
			`red.csv: 1 accepted`, ``},
		{"STIX bundle, format inferred", []string{"import", data, "--as=analyst@csirt-mx.example", "--tlp=green", "--share=members", bundle}, 0,
			`indicator-for-malicious-url.json: \d+ accepted, 0 already there, 0 refused`, ``},
		{"the same bundle again", []string{"import", data, "--as=analyst@csirt-mx.example", "--tlp=green", "--share=members", bundle}, 0,
			`0 accepted, \d+ already there, 0 refused`, ``},
		{"MISP feed directory", []string{"import", data, "--as=analyst@cert-br.example", feed}, 0, `digitalside-misp-feed: \d+ accepted`, ``},
		{"unknown sharing group", []string{"import", data, "--as=analyst@csirt-mx.example", "--share=group:Nobody", redFile}, 1, `^$`, `no sharing group`},
		{"an observer may not share", []string{"import", data, "--as=observer@donor.example", redFile}, 1, `permission denied|refused`, ``},
		{"bad --share is a usage error", []string{"import", data, "--as=analyst@csirt-mx.example", "--share=everyone", redFile}, 2, ``, `--share`},
		{"bad --format is a usage error", []string{"import", data, "--as=analyst@csirt-mx.example", "--format=xml", redFile}, 2, ``, ``},
		{"CSV export by another member", []string{"export", data, "--as=analyst@cert-br.example", "--format=csv"}, 0,
			`(?s)^type,value,name,id,tlp,valid_from,created,org\n.*ip,198\.51\.100\.7,C2,indicator--`, `objects exported to standard output`},
		{"STIX export to a file", []string{"export", data, "--as=analyst@csirt-mx.example", "--format=stix", "--type=indicator", "--out=" + stixOut}, 0, `^$`, `objects exported to .*out\.json`},
		{"MISP feed export", []string{"export", data, "--as=analyst@cert-br.example", "--format=misp-feed", "--out=" + feedOut}, 0, `^$`, `objects exported`},
		{"feed export needs --out", []string{"export", data, "--as=analyst@cert-br.example", "--format=misp-feed"}, 2, ``, `--out`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, out, errOut := atalaya(t, "", s.args...)
			if code != s.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, s.wantCode, out, errOut)
			}
			if !regexp.MustCompile(s.wantOut).MatchString(out) {
				t.Errorf("stdout %q does not match %q", out, s.wantOut)
			}
			if !regexp.MustCompile(s.wantErr).MatchString(errOut) {
				t.Errorf("stderr %q does not match %q", errOut, s.wantErr)
			}
		})
	}

	t.Run("what each reader finds", func(t *testing.T) {
		tests := []struct {
			email         string
			want, notWant []string
		}{
			{"analyst@cert-br.example", []string{"198.51.100.7", "example.org"}, []string{"203.0.113.9"}},
			{"admin@csirt-bank.example", []string{"198.51.100.7", "203.0.113.9"}, nil},
			{"expert@university.example", nil, []string{"198.51.100.7", "203.0.113.9"}},
		}
		for _, tc := range tests {
			code, out, errOut := atalaya(t, "", "export", data, "--as="+tc.email, "--format=csv")
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", tc.email, code, errOut)
			}
			for _, v := range tc.want {
				if !strings.Contains(out, ","+v+",") {
					t.Errorf("%s does not find %s:\n%s", tc.email, v, out)
				}
			}
			for _, v := range tc.notWant {
				if strings.Contains(out, ","+v+",") {
					t.Errorf("%s finds %s, which was not shared with them:\n%s", tc.email, v, out)
				}
			}
		}
	})

	t.Run("the STIX file is a bundle of indicators", func(t *testing.T) {
		var b struct {
			Type    string `json:"type"`
			Objects []struct {
				Type string `json:"type"`
			} `json:"objects"`
		}
		if err := json.Unmarshal(readTestFile(t, stixOut), &b); err != nil || b.Type != "bundle" || len(b.Objects) == 0 {
			t.Fatalf("%s: %v %+v", stixOut, err, b)
		}
		for _, o := range b.Objects {
			if o.Type != "indicator" && o.Type != "marking-definition" {
				t.Errorf("--type=indicator exported a %s", o.Type)
			}
		}
		if _, err := os.Stat(filepath.Join(feedOut, "manifest.json")); err != nil {
			t.Errorf("the feed export has no manifest.json: %v", err)
		}
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readTestFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
