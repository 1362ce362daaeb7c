package parsers

import (
	"strings"
	"testing"

	"atalaya/internal/event"
)

// BenchmarkLineFormats parses 10,000 lines of a few line formats (lines of
// the samples, repeated) and reports the cost per line.
func BenchmarkLineFormats(b *testing.B) {
	lines := map[string]string{
		"cymru-cap":     "bot|172.16.0.21|64496|2019-03-25 03:44:22|family: nivdort;dest_addr: 172.16.0.22; dest_port: 80;protocol: 6;|Example AS Name, AT\n",
		"spamhaus-cert": "109.90.233.19,AS6830,AT,1441008351,patcher,dxxt.sinkhole.dk,212.227.20.19,80,1036,tcp\n",
		"blocklistde":   "198.51.100.34\n",
		"feodo":         "\"2021-01-17 07:30:05\",\"10.213.75.205\",\"443\",\"online\",\"2021-02-10\",\"Dridex\"\n",
	}
	const n = 10000
	for format, line := range lines {
		input := strings.Repeat(line, n)
		p, err := New(format, Config{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(input)))
			for b.Loop() {
				count := 0
				err := p.Parse(strings.NewReader(input), func(int, *event.Event) error { count++; return nil },
					func(r event.Rejected) { b.Fatalf("refused %+v", r) })
				if err != nil || count != n {
					b.Fatalf("Parse: %v, %d events", err, count)
				}
			}
		})
	}
}
