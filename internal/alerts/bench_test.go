package alerts

import (
	"fmt"
	"testing"

	"atalaya/internal/feeds"
	"atalaya/internal/store/storetest"
)

// benchRules are ten rules of the kinds teams write.
var benchRules = []string{
	`classification.type == "phishing"`,
	`classification.type == "infected-system" && malware.name in ["emotet", "qakbot", "trickbot"]`,
	`source.port in [23, 2323, 3389]`,
	`source.fqdn.endsWith(".gov.uy")`,
	`source.asn == 64496 && delivery.repeats > 3`,
	`feed.name == "shadowserver" && classification.identifier == "open-rdp"`,
	`source.ip.startsWith("198.51.100.")`,
	`delivery.by == "watch"`,
	`"botnet_id" in extra && extra["botnet_id"] == "X9"`,
	`time.source > timestamp("2030-01-01T00:00:00Z")`,
}

// BenchmarkDeliver: 10 teams with 10 rules each, 10,000 deliveries to
// them per call (a few percent match); ns/delivery is the cost Deliver
// adds to the ingest writer per delivery.
func BenchmarkDeliver(b *testing.B) {
	s := New(storetest.SQLite(b, sets()), Options{Queue: 1 << 20})
	const orgs = 10
	for o := range orgs {
		a := analyst(fmt.Sprint("org-", o))
		for i, expr := range benchRules {
			if _, err := s.SaveRule(ctx, a, Rule{Name: fmt.Sprint("r", i), Expr: expr, Enabled: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
	ds := make([]feeds.StoredEvent, 10_000)
	for i := range ds {
		org := fmt.Sprint("org-", i%orgs)
		switch i % 20 {
		case 0:
			ds[i] = phishing(b, int64(i), org)
		default:
			ds[i] = delivery(b, int64(i), org, map[string]string{
				"time.source": "2024-05-01T09:30:00Z", "feed.name": "shadowserver",
				"source.ip": fmt.Sprintf("192.0.2.%d", i%250+1), "source.port": fmt.Sprint(1024 + i%5000),
				"source.asn": "64500", "classification.taxonomy": "vulnerable",
				"classification.type": "vulnerable-system", "classification.identifier": "open-redis",
			})
		}
	}
	var buf []pending
	b.ResetTimer()
	for b.Loop() {
		s.Deliver(ds)
		buf = s.queue.take(buf) // the recorder's part, not measured here
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ds)), "ns/delivery")
	st := s.Stats()
	b.ReportMetric(float64(st.Matched)/float64(b.N*len(ds)), "matches/delivery")
}
