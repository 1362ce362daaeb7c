package exchange

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"atalaya/internal/valid"
)

// FuzzImportCSV feeds the CSV parse step anything: it must never panic,
// and whatever it says must hold: a document error names line 1, every
// refusal names its line, every indicator it makes is JSON with a pattern.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("value,type,name\n198.51.100.7,ip,C2\n"))
	f.Add([]byte("value\nexample.org\n\"x\ny\"\n"))
	f.Add([]byte("value,valid_from,valid_until,confidence,tlp,labels\nexample.org,2025-01-01,2024-01-01,101,purple,a;;b\n"))
	f.Add([]byte("\uFEFFvalue,type\n'=1+1,url\n"))
	f.Add([]byte("type,value\nasn,AS4294967295\nprefix,::/0\n"))
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseCSV(data, "org-a", now)
		if err != nil {
			if es := valid.List(err); len(es) != 1 || es[0].Field != "line 1" {
				t.Fatalf("document error %v does not name line 1", err)
			}
			return
		}
		for _, r := range res.Refused {
			if !strings.HasPrefix(r.Field, "line ") || r.Code == "" {
				t.Fatalf("refusal %+v names no line or code", r)
			}
		}
		for _, l := range res.Lines {
			var ind struct {
				ID      string `json:"id"`
				Pattern string `json:"pattern"`
			}
			if json.Unmarshal(l.Object, &ind) != nil || ind.Pattern == "" || ind.ID != l.ID {
				t.Fatalf("line %d made %s", l.Line, l.Object)
			}
		}
	})
}
