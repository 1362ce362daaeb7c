package exchange

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"atalaya/internal/intel"
	"atalaya/internal/sharedtest"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// checkValidError fails unless err is one *valid.Error with this field
// (a prefix: "line " matches any line) and code.
func checkValidError(t *testing.T, err error, field, code string) {
	t.Helper()
	es := valid.List(err)
	if len(es) != 1 {
		t.Fatalf("error %v (%T), want one valid.Error %s at %q", err, err, code, field)
	}
	if !strings.HasPrefix(es[0].Field, field) || es[0].Code != code || es[0].Message == "" {
		t.Errorf("error at %q code %q (%s), want at %q code %q", es[0].Field, es[0].Code, es[0].Message, field, code)
	}
}

func TestImportRefusesUnreadableDocuments(t *testing.T) {
	sample := readFile(t, sharedtest.Path(t, "stix", "examples", "oasis-cti-documentation", "indicator-for-malicious-url.json"))
	truncated := sample[:len(sample)*2/3]
	tests := []struct {
		name      string
		format    Format
		doc       []byte
		max       int64
		wantField string
		wantCode  string
	}{
		{"STIX: not JSON", STIX, []byte("this is not JSON\n"), 0, "line 1", CodeJSONSyntax},
		{"STIX: syntax error on line 3", STIX, []byte("{\n\"type\": \"bundle\",\n\"id\" \"bundle--x\"}\n"), 0, "line 3", CodeJSONSyntax},
		{"STIX: truncated", STIX, truncated, 0, "line ", CodeJSONSyntax},
		{"STIX: two documents", STIX, []byte("{}\n{}\n"), 0, "line 2", CodeJSONSyntax},
		{"STIX: JSON of something else", STIX, []byte(`{"name":"x","value":1}`), 0, "type", stix.CodeBundle},
		{"STIX: an object whose id is not its type", STIX, []byte(`{"type":"indicator","id":"malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}`), 0, "type", stix.CodeBundle},
		{"STIX: an envelope with a string", STIX, []byte(`{"objects":["x"]}`), 0, "objects[0]", stix.CodeJSONType},
		{"STIX: an array", STIX, []byte(`[{"type":"bundle"}]`), 0, "bundle", stix.CodeBundle},
		{"STIX: objects not objects", STIX, []byte(`{"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","objects":[1]}`), 0, "objects[0]", stix.CodeJSONType},
		{"STIX: empty file", STIX, []byte(" \n"), 0, "file", CodeEmpty},
		{"STIX: over the limit", STIX, sample, 100, "file", CodeTooLarge},
		{"MISP: not JSON", MISP, []byte("<html>"), 0, "line 1", CodeJSONSyntax},
		{"MISP: truncated", MISP, []byte("{\"Event\": {\"info\": \"x\",\n\"Attribute\": ["), 0, "line 2", CodeJSONSyntax},
		{"CSV: no header", CSV, []byte("198.51.100.7,ip,C2\n"), 0, "line 1", CodeCSVHeader},
		{"CSV: empty", CSV, []byte(""), 0, "file", CodeEmpty},
		{"unknown format", Format("xml"), []byte("<x/>"), 0, "format", CodeFormat},
		{"feed given as a file", MISPFeed, []byte("{}"), 0, "format", CodeFormat},
	}
	eachStore(t, func(t *testing.T, st *intel.Store) {
		a := member("org-a")
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := Import(context.Background(), st, a, bytes.NewReader(tc.doc), ImportOptions{Format: tc.format, MaxBytes: tc.max})
				checkValidError(t, err, tc.wantField, tc.wantCode)
				page, err := st.List(context.Background(), a, intel.Filter{Versions: []string{"all"}})
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Objects) != 0 {
					t.Errorf("%d objects stored after a refused document", len(page.Objects))
				}
			})
		}
	})
}

func TestImportMISPThatIsNoEvent(t *testing.T) {
	eachStore(t, func(t *testing.T, st *intel.Store) {
		_, err := Import(context.Background(), st, member("org-a"), strings.NewReader(`{"colour": "blue"}`), ImportOptions{Format: MISP})
		if es := valid.List(err); len(es) == 0 || es[0].Field == "" || es[0].Code == "" {
			t.Fatalf("error %v, want a validation error naming where", err)
		}
	})
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, file, head string
		want             Format
		ok               bool
	}{
		{"csv by name", "x.CSV", `{"type":"bundle"}`, CSV, true},
		{"bundle", "x.json", `{"id":"bundle--1","type":"bundle","objects":[]}`, STIX, true},
		{"bundle type after objects", "x", `{"objects":[{"type":"indicator"}],"type":"bundle"}`, STIX, true},
		{"MISP event", "x.json", `{"Event":{"info":"x"}}`, MISP, true},
		{"MISP list", "x.json", `{"response":[]}`, MISP, true},
		{"MISP array", "x.json", ` [{"Event":{}}]`, MISP, true},
		{"bare MISP event", "x.json", `{"uuid":"x","info":"y"}`, MISP, true},
		{"JSON of something else", "x.json", `{"type":"indicator"}`, "", false},
		{"text without a name", "upload", "value,type\n", CSV, true},
		{"empty", "x.json", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := DetectFormat(tc.file, []byte(tc.head))
			if got != tc.want || ok != tc.ok {
				t.Errorf("DetectFormat(%q, %q) = %q, %v; want %q, %v", tc.file, tc.head, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"stix", "misp", "misp-feed", "csv"} {
		f, ok := ParseFormat(s)
		if !ok || string(f) != s || (f != MISPFeed && f.Extension() == "") || f.ContentType() == "" {
			t.Errorf("ParseFormat(%q) = %q, %v (ext %q, type %q)", s, f, ok, f.Extension(), f.ContentType())
		}
	}
	if _, ok := ParseFormat("STIX2"); ok {
		t.Error("ParseFormat accepts STIX2")
	}
}

func TestImportReadsEveryFormOfSTIXDocument(t *testing.T) {
	const obj = `{"type":"malware","spec_version":"2.1","id":"malware--%s","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","name":"x","is_family":false}`
	tests := []struct{ name, doc string }{
		{"bundle after a byte-order mark", "\uFEFF" + `{"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","objects":[` + obj + `]}`},
		{"TAXII envelope", `{"more":false,"objects":[` + obj + `]}`},
		{"one object alone", obj},
	}
	eachStore(t, func(t *testing.T, st *intel.Store) {
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				doc := strings.ReplaceAll(tc.doc, "%s", fmt.Sprintf("0c7b5b88-8ff7-4a4d-aa9d-feb398cd00%02d", i))
				rep := importBytes(t, st, member("org-a"), []byte(doc), ImportOptions{Format: STIX})
				if len(rep.Accepted) != 1 || len(rep.Refused) != 0 {
					t.Errorf("accepted %d, refused %+v; want the one object", len(rep.Accepted), rep.Refused)
				}
			})
		}
	})
}
