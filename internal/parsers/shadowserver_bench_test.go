package parsers

import (
	"bytes"
	"encoding/csv"
	"os"
	"runtime"
	"strconv"
	"testing"

	"atalaya/internal/event"
	"atalaya/internal/sharedtest"
)

// syntheticShadowserverCSV writes n lines of report rep as Shadowserver
// would: every column the schema knows for it, in its order, plus "sic",
// a column no mapping names. Values depend on the line number, so that no
// two lines are the same event.
func syntheticShadowserverCSV(tb testing.TB, rep *ssReport, n int) []byte {
	tb.Helper()
	var cols []ssMapping
	seen := map[string]bool{}
	for _, m := range append(append([]ssMapping(nil), rep.required...), rep.optional...) {
		if !seen[m.column] {
			seen[m.column] = true
			cols = append(cols, m)
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		header = append(header, c.column)
	}
	if err := w.Write(append(header, "sic")); err != nil {
		tb.Fatal(err)
	}
	row := make([]string, len(header)+1)
	for i := range n {
		for j, c := range cols {
			row[j] = syntheticValue(c, i)
		}
		row[len(cols)] = "0"
		if err := w.Write(row); err != nil {
			tb.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

func syntheticValue(m ssMapping, i int) string {
	switch m.column {
	case "timestamp":
		return "2024-03-01 10:" + strconv.Itoa(10+i/60%50) + ":" + strconv.Itoa(10+i%50)
	case "ip":
		return strconv.Itoa(1+i%223) + "." + strconv.Itoa(i/223%256) + "." + strconv.Itoa(i/57000%256) + "." + strconv.Itoa(1+i%254)
	case "port":
		return []string{"80", "8080", "443"}[i%3]
	case "protocol":
		return "tcp"
	case "hostname":
		return "node" + strconv.Itoa(i) + ".example.net"
	case "tag":
		return "basic-auth,http"
	case "asn":
		return strconv.Itoa(64496 + i%100)
	case "geo":
		return "UY"
	case "region", "city":
		return "MONTEVIDEO"
	case "sector":
		return "Communications, Service Provider, and Hosting Service"
	case "severity":
		return "medium"
	}
	switch m.conv {
	case "convert_int", "invalidate_zero":
		return strconv.Itoa(200 + i%300)
	case "convert_date":
		return "Wed, 10 Feb 2010 00:00:00 GMT"
	case "convert_bool":
		return "Y"
	}
	return m.column + " value " + strconv.Itoa(i%7)
}

func loadSchemaForTest(tb testing.TB) *ShadowserverSchema {
	tb.Helper()
	f, err := os.Open(sharedtest.Path(tb, "feeds", "shadowserver-schema", "intelmq.json"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	s, err := LoadShadowserverSchema(f)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// BenchmarkShadowserver parses a synthetic scan_http_vulnerable report of
// 10,000 lines (the throughput case) and reports the cost per
// event; the consumer only counts, as the pipeline copies what it keeps.
func BenchmarkShadowserver(b *testing.B) {
	schema := loadSchemaForTest(b)
	rep, _ := schema.report("scan_http_vulnerable")
	const lines = 10000
	input := syntheticShadowserverCSV(b, rep, lines)
	p, err := New("shadowserver", Config{Shadowserver: schema, Report: "scan_http_vulnerable"})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(input)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	runs := 0
	for b.Loop() {
		n := 0
		err := p.Parse(bytes.NewReader(input), func(int, *event.Event) error { n++; return nil },
			func(r event.Rejected) { b.Fatalf("line %d refused: %s", r.Line, r.Message) })
		if err != nil || n != lines {
			b.Fatalf("parsed %d of %d lines: %v", n, lines, err)
		}
		runs++
	}
	runtime.ReadMemStats(&after)
	events := float64(runs * lines)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/events, "ns/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/events, "allocs/event")
}
