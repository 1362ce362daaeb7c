package enrich

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atalaya/internal/valid"
)

func TestImportRefusesBadLine(t *testing.T) {
	cases := []struct {
		name    string
		content string
		field   string // FILE:LINE or FILE the first error names
		code    string
	}{
		{"five columns", "1.0.0.0,1.0.0.255,13335,A,B\n", "f.csv:1", CodeColumns},
		{"two columns", "1.0.0.0,1.0.0.255\n", "f.csv:1", CodeColumns},
		{"columns change", "1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.255,13335,X\n", "f.csv:2", CodeColumns},
		{"header line", "ip_range_start,ip_range_end,country_code\n1.0.0.0,1.0.0.255,AU\n", "f.csv:1", CodeAddress},
		{"bad end", "1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.256,AU\n", "f.csv:2", CodeAddress},
		{"zone", "fe80::1%eth0,fe80::2,AU\n", "f.csv:1", CodeAddress},
		{"families mixed in a range", "1.0.0.0,::1,AU\n", "f.csv:1", CodeFamily},
		{"families mixed in a file", "1.0.0.0,1.0.0.255,AU\n2001:db8::,2001:db8::ff,AU\n", "f.csv:2", CodeFamily},
		{"end before start", "1.0.0.9,1.0.0.1,AU\n", "f.csv:1", CodeRange},
		{"bad ASN", "1.0.0.0,1.0.0.255,AS-X,Name\n", "f.csv:1", CodeASN},
		{"ASN too large", "1.0.0.0,1.0.0.255,4294967296,Name\n", "f.csv:1", CodeASN},
		{"bad country", "1.0.0.0,1.0.0.255,AUS\n", "f.csv:1", CodeCountry},
		{"digits as country", "1.0.0.0,1.0.0.255,12\n", "f.csv:1", CodeCountry},
		{"bad quoting", "1.0.0.0,1.0.0.255,1,\"open\n", "f.csv:1", CodeRead},
		{"empty file", "", "f.csv", CodeEmpty},
		{"bad line after good ones", fixCC4 + "8.8.9.0,8.8.9.255,U\n", "f.csv:4", CodeCountry},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, data := t.TempDir(), t.TempDir()
			f := writeFile(t, src, "f.csv", c.content)
			_, err := Import(data, []string{f})
			es := valid.List(err)
			if len(es) == 0 {
				t.Fatalf("Import = %v; want a valid error", err)
			}
			want := filepath.Join(src, c.field)
			if es[0].Field != want || es[0].Code != c.code {
				t.Errorf("first error %s %s (%v); want %s %s", es[0].Field, es[0].Code, err, want, c.code)
			}
			if !strings.HasPrefix(err.Error(), want+": ") {
				t.Errorf("message %q does not start with %s", err, want)
			}
			if _, serr := os.Stat(filepath.Join(data, Dir)); serr == nil {
				entries, _ := os.ReadDir(filepath.Join(data, Dir))
				if len(entries) > 0 {
					t.Errorf("a failed import wrote %d files", len(entries))
				}
			}
		})
	}
}

// TestImportReportsManyLines: the user fixing a file sees more than the
// first problem, but not thousands.
func TestImportReportsManyLines(t *testing.T) {
	var b strings.Builder
	for range 100 {
		b.WriteString("1.0.0.0,x,AU\n")
	}
	f := writeFile(t, t.TempDir(), "f.csv", b.String())
	_, err := Import(t.TempDir(), []string{f})
	es := valid.List(err)
	if len(es) != maxErrors {
		t.Fatalf("%d errors, want %d", len(es), maxErrors)
	}
	if !strings.HasSuffix(es[1].Field, "f.csv:2") {
		t.Errorf("second error names %s", es[1].Field)
	}
}

// TestFailedImportKeepsOldTables: a bad file among good ones replaces
// nothing, and leaves no temporary file behind.
func TestFailedImportKeepsOldTables(t *testing.T) {
	db, data := fixtureDB(t)
	before := db.Ranges()
	src := t.TempDir()
	good := writeFile(t, src, "good.csv", "9.9.9.0,9.9.9.255,19281,Quad9\n")
	bad := writeFile(t, src, "bad.csv", "1.0.0.0,1.0.0.255,AU\nnot,an,address\n")
	if _, err := Import(data, []string{good, bad}); err == nil {
		t.Fatal("Import accepted a bad file")
	}
	db2, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if asn, _, _ := db2.Lookup(netip.MustParseAddr("9.9.9.9")); asn != 0 {
		t.Error("the good file of a failed import was written")
	}
	if asn, _, _ := db2.Lookup(netip.MustParseAddr("8.8.8.8")); asn != 15169 || db2.Ranges() != before {
		t.Errorf("old tables changed: AS %d, %d ranges (was %d)", asn, db2.Ranges(), before)
	}
	entries, _ := os.ReadDir(filepath.Join(data, Dir))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestImportReplacesOnlyItsTables(t *testing.T) {
	_, data := fixtureDB(t)
	f := writeFile(t, t.TempDir(), "new.csv", "9.9.9.0,9.9.9.255,19281,Quad9\n")
	rep, err := Import(data, []string{f})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tables) != 1 || rep.Tables[0].Kind != KindASN || rep.Tables[0].Family != FamilyIPv4 || rep.Tables[0].Ranges != 1 {
		t.Errorf("report %+v", rep.Tables)
	}
	db, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ip  string
		asn uint32
		cc  string
	}{
		{"9.9.9.9", 19281, ""},      // the new AS table
		{"8.8.8.8", 0, "US"},        // old AS table gone, country table kept
		{"2001:200::1", 2500, "JP"}, // IPv6 tables kept
	}
	for _, c := range cases {
		if asn, _, cc := db.Lookup(netip.MustParseAddr(c.ip)); asn != c.asn || cc != c.cc {
			t.Errorf("Lookup(%s) = %d %q, want %d %q", c.ip, asn, cc, c.asn, c.cc)
		}
	}
}

func TestImportRefusesTwoFilesForOneTable(t *testing.T) {
	src := t.TempDir()
	a := writeFile(t, src, "a.csv", fixCC4)
	b := writeFile(t, src, "b.csv", "9.9.9.0,9.9.9.255,CH\n")
	_, err := Import(t.TempDir(), []string{a, b})
	if es := valid.List(err); len(es) != 1 || es[0].Code != CodeDuplicate || es[0].Field != b {
		t.Errorf("Import = %v; want %s on %s", err, CodeDuplicate, b)
	}
	if _, err := Import(t.TempDir(), nil); err == nil {
		t.Error("Import of no files succeeded")
	}
	if _, err := Import(t.TempDir(), []string{filepath.Join(src, "missing.csv")}); valid.List(err) == nil {
		t.Errorf("Import of a missing file = %v; want a valid error naming it", err)
	}
}
