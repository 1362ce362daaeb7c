package exchange

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/stix"
)

// fixtureRefused is, for testdata/indicators.csv, the Field of each line
// that must be refused: the line and the column at fault.
var fixtureRefused = []string{
	"line 13, value",       // 198.51.100.300
	"line 14, value",       // no dot in the domain
	"line 15, valid_from",  // "last tuesday"
	"line 16, valid_until", // before valid_from
	"line 17, confidence",  // 150
	"line 18, tlp",         // purple
	"line 19, type",        // "zzz" is nothing we know
	"line 20, value",       // same value as line 2
	"line 21",              // a stray quote: not CSV
	"line 22",              // more fields than columns
	"line 23, value",       // host bits set in a prefix
}

// fixtureValues are the values the good lines of the fixture name, as
// kind and canonical value.
var fixtureValues = []string{
	"asn AS64496",
	"domain malicious.example",
	"email phish@malicious.example",
	"filename invoice.pdf.exe",
	"ip 198.51.100.7",
	"ip 2001:db8::5",
	"md5 d41d8cd98f00b204e9800998ecf8427f",
	"prefix 203.0.113.0/24",
	"sha1 da39a3ee5e6b4b0d3255bfef95601890afd80708",
	"sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856",
	"url https://malicious.example/login.php?id=1",
}

func TestImportCSVReportsBadLines(t *testing.T) {
	data := readFile(t, "testdata/indicators.csv")
	eachStore(t, func(t *testing.T, st *intel.Store) {
		a := member("org-a")
		rep := importBytes(t, st, a, data, ImportOptions{Format: CSV})
		if len(rep.Accepted) != len(fixtureValues) || len(rep.Existing) != 0 {
			t.Errorf("accepted %d, existing %d; want %d, 0", len(rep.Accepted), len(rep.Existing), len(fixtureValues))
		}
		var got []string
		for _, r := range rep.Refused {
			got = append(got, r.Field)
			if r.Code == "" || r.Message == "" {
				t.Errorf("%s: refused without code or message: %+v", r.Field, r)
			}
		}
		if !slices.Equal(got, fixtureRefused) {
			t.Errorf("refused lines:\n got %q\nwant %q", got, fixtureRefused)
			for _, r := range rep.Refused {
				t.Logf("  %s: %s (%s)", r.Field, r.Message, r.Code)
			}
		}
		if got := csvValues(t, exportBytes(t, st, a, CSV, intel.Filter{})); !slices.Equal(got, fixtureValues) {
			t.Errorf("exported values:\n got %q\nwant %q", got, fixtureValues)
		}
		again := importBytes(t, st, a, data, ImportOptions{Format: CSV})
		if len(again.Accepted) != len(fixtureValues) {
			t.Errorf("a second import accepted %d new versions, want %d", len(again.Accepted), len(fixtureValues))
		}
		if got := csvValues(t, exportBytes(t, st, a, CSV, intel.Filter{})); !slices.Equal(got, fixtureValues) {
			t.Errorf("a second import duplicated indicators: %q", got)
		}
	})
}

func TestCSVExportImportsTheSameValues(t *testing.T) {
	data := readFile(t, "testdata/indicators.csv")
	eachEngine(t, func(t *testing.T, fresh func(t *testing.T) *intel.Store) {
		a, b := member("org-a"), member("org-b")
		first := fresh(t)
		rep := importBytes(t, first, a, data, ImportOptions{Format: CSV, Sharing: intel.Sharing{TLP: access.TLPGreen, Members: true}})
		// Line 10 is TLP:RED, which never goes to all members: intel
		// refuses it, and the refusal names the line.
		if i := slices.IndexFunc(rep.Refused, func(r intel.Refusal) bool { return strings.HasPrefix(r.Field, "line 10") }); i < 0 || rep.Refused[i].Index != 10 {
			t.Errorf("the RED line shared with all members is not refused by its line: %+v", rep.Refused)
		}
		exported := exportBytes(t, first, a, CSV, intel.Filter{})
		want := csvValues(t, exported)
		if len(want) != len(fixtureValues)-1 {
			t.Fatalf("first export: %q", want)
		}

		second := fresh(t)
		rep = importBytes(t, second, b, exported, ImportOptions{Format: CSV})
		if len(rep.Refused) > 0 || len(rep.Notes) > 0 {
			t.Fatalf("re-import of our own export: refused %+v, notes %+v", rep.Refused, rep.Notes)
		}
		if got := csvValues(t, exportBytes(t, second, b, CSV, intel.Filter{})); !slices.Equal(got, want) {
			t.Errorf("values after export and import:\n got %q\nwant %q", got, want)
		}
	})
}

// csvValues reads "kind value" of each line of a CSV export, sorted, and
// checks every line names an id, a TLP and an organisation.
func csvValues(t *testing.T, data []byte) []string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], csvHeader) {
		t.Fatalf("export header %q, want %q", recs, csvHeader)
	}
	var out []string
	for _, r := range recs[1:] {
		if r[3] == "" || !access.ValidTLP(access.TLP(r[4])) || r[7] == "" || r[6] == "" {
			t.Errorf("line %q lacks id, tlp, created or org", r)
		}
		out = append(out, r[0]+" "+r[1])
	}
	sort.Strings(out)
	return out
}

func TestParseCSVLines(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		doc         string
		wantPattern string // pattern of the one indicator; "" when the line is refused
		wantField   string // Field of the refusal
		check       func(t *testing.T, ind map[string]any)
	}{
		{"ipv4 inferred", "value\n198.51.100.7\n", "[ipv4-addr:value = '198.51.100.7']", "", nil},
		{"ipv6 canonical", "value,type\n2001:DB8:0:0::1,ip\n", "[ipv6-addr:value = '2001:db8::1']", "", nil},
		{"ipv6 prefix", "value,type\n2001:db8::/32,prefix\n", "[ipv6-addr:value = '2001:db8::/32']", "", nil},
		{"domain lower, final dot", "value,type\nEXAMPLE.org.,hostname\n", "[domain-name:value = 'example.org']", "", nil},
		{"domain in unicode", "value,type\nmünchen.example,domain\n", "[domain-name:value = 'xn--mnchen-3ya.example']", "", nil},
		{"quote escaped in pattern", "value,type\nhttp://x.example/it's,url\n", `[url:value = 'http://x.example/it\'s']`, "", nil},
		{"sha512", "value,type\n" + strings.Repeat("ab", 64) + ",sha512\n", "[file:hashes.'SHA-512' = '" + strings.Repeat("ab", 64) + "']", "", nil},
		{"asn number", "value,type\n64496,asn\n", "[autonomous-system:number = 64496]", "", nil},
		{"formula escape undone", "value,type,name\n198.51.100.7,ip,'=SUM(A1)\n", "[ipv4-addr:value = '198.51.100.7']", "", func(t *testing.T, ind map[string]any) {
			if ind["name"] != "=SUM(A1)" {
				t.Errorf("name %q", ind["name"])
			}
		}},
		{"all columns", "value,type,name,description,labels,valid_from,valid_until,confidence,tlp\n198.51.100.7,ip,N,D, a ;b;,2025-01-01T00:00:00+02:00,2025-02-01,70,tlp:white\n",
			"[ipv4-addr:value = '198.51.100.7']", "", func(t *testing.T, ind map[string]any) {
				want := map[string]any{"name": "N", "description": "D", "valid_from": "2024-12-31T22:00:00.000Z",
					"valid_until": "2025-02-01T00:00:00.000Z", "confidence": float64(70),
					"labels":              []any{"a", "b"},
					"object_marking_refs": []any{stix.TLPMarkingID("clear")}}
				for k, v := range want {
					if got, _ := json.Marshal(ind[k]); string(got) != mustJSON(v) {
						t.Errorf("%s = %s, want %s", k, got, mustJSON(v))
					}
				}
			}},
		{"defaults", "value\nexample.org\n", "[domain-name:value = 'example.org']", "", func(t *testing.T, ind map[string]any) {
			if ind["name"] != "example.org" || ind["valid_from"] != "2025-03-01T12:00:00.000Z" || ind["created"] != ind["modified"] {
				t.Errorf("defaults: %v", ind)
			}
			if ind["created_by_ref"] != intel.IdentityID("org-a") {
				t.Errorf("created_by_ref %v", ind["created_by_ref"])
			}
		}},
		{"short line is fine", "value,type,name\n198.51.100.7\n", "[ipv4-addr:value = '198.51.100.7']", "", nil},
		{"empty value", "value,type\n,ip\n", "", "line 2, value", nil},
		{"ip with a prefix", "value,type\n198.51.100.0/24,ip\n", "", "line 2, value", nil},
		{"md5 too short", "value,type\nabc,md5\n", "", "line 2, value", nil},
		{"hash not hex", "value,type\n" + strings.Repeat("z", 32) + ",md5\n", "", "line 2, value", nil},
		{"asn too large", "value,type\nAS99999999999,asn\n", "", "line 2, value", nil},
		{"url without scheme", "value,type\nexample.org/x,url\n", "", "line 2, value", nil},
		{"email with a name", "value,type\nA <a@example.org>,email\n", "", "line 2, value", nil},
		{"unknown type", "value,type\nx,colour\n", "", "line 2, type", nil},
		{"not UTF-8", "value,type,name\n198.51.100.7,ip,\xff\n", "", "line 2, name", nil},
		{"quoted newline counts lines", "value,name\n198.51.100.7,\"two\nlines\"\n198.51.100.8,x,y\n", "", "line 4", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parseCSV([]byte(tc.doc), "org-a", now)
			if err != nil {
				t.Fatalf("document error: %v", err)
			}
			if tc.wantPattern == "" {
				if len(res.Refused) != 1 || res.Refused[len(res.Refused)-1].Field != tc.wantField {
					t.Fatalf("refused %+v, want one at %q", res.Refused, tc.wantField)
				}
				return
			}
			if len(res.Lines) != 1 || len(res.Refused) != 0 {
				t.Fatalf("lines %d, refused %+v; want one indicator", len(res.Lines), res.Refused)
			}
			var ind map[string]any
			if err := json.Unmarshal(res.Lines[0].Object, &ind); err != nil {
				t.Fatal(err)
			}
			if ind["pattern"] != tc.wantPattern {
				t.Errorf("pattern %v, want %s", ind["pattern"], tc.wantPattern)
			}
			if _, err := stix.ParsePattern(tc.wantPattern); err != nil {
				t.Errorf("the pattern we write does not parse: %v", err)
			}
			if tc.check != nil {
				tc.check(t, ind)
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestParseCSVDocumentErrors(t *testing.T) {
	tests := []struct {
		name, doc, wantCode string
	}{
		{"empty", "", CodeCSVHeader},
		{"no value column", "type,name\nip,x\n", CodeCSVHeader},
		{"data instead of a header", "198.51.100.7,ip\n", CodeCSVHeader},
		{"column twice", "value,value\n", CodeCSVHeader},
		{"header not CSV", "va\"lue\n", CodeCSVSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseCSV([]byte(tc.doc), "org-a", time.Now())
			checkValidError(t, err, "line 1", tc.wantCode)
		})
	}
}

func TestParseCSVNotesUnknownColumns(t *testing.T) {
	res, err := parseCSV([]byte("value,comment,type\n198.51.100.7,seen twice,ip\n"), "org-a", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lines) != 1 || len(res.Notes) != 1 || res.Notes[0].Code != NoteColumnIgnored || res.Notes[0].Args["Column"] != "comment" {
		t.Errorf("lines %d, notes %+v: want the line read and a note on \"comment\"", len(res.Lines), res.Notes)
	}
}

func TestCSVExportEscapesFormulas(t *testing.T) {
	eachStore(t, func(t *testing.T, st *intel.Store) {
		a := member("org-a")
		doc := "value,type,name\nhttps://x.example/,url,\"=HYPERLINK(\"\"http://evil.example\"\")\"\n"
		importBytes(t, st, a, []byte(doc), ImportOptions{Format: CSV})
		out := exportBytes(t, st, a, CSV, intel.Filter{})
		if !strings.Contains(string(out), `'=HYPERLINK`) {
			t.Errorf("a name starting with = is exported as is:\n%s", out)
		}
		fresh, err := parseCSV(out, "org-b", time.Now())
		if err != nil || len(fresh.Lines) != 1 || !bytes.Contains(fresh.Lines[0].Object, []byte(`"name":"=HYPERLINK`)) {
			t.Errorf("the escaped name does not read back: %v %+v", err, fresh)
		}
	})
}

func TestExportCSVOfOtherTypesIsEmpty(t *testing.T) {
	eachStore(t, func(t *testing.T, st *intel.Store) {
		a := member("org-a")
		importBytes(t, st, a, []byte("value\n198.51.100.7\n"), ImportOptions{Format: CSV})
		n, err := Export(context.Background(), st, a, &bytes.Buffer{}, ExportOptions{Format: CSV, Filter: intel.Filter{Types: []string{"malware"}}})
		if err != nil || n != 0 {
			t.Errorf("CSV export of malware only: %d, %v; want 0 lines", n, err)
		}
	})
}
