package routing_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"

	"atalaya/internal/routing"
)

// TestRouterSwap routes from several goroutines while another swaps between
// two tables; every answer must come whole from one table or the other.
// Run with -race.
func TestRouterSwap(t *testing.T) {
	one, err := routing.Build([]routing.Entry{{OrgID: "ONE", Kind: "prefix", Value: "10.0.0.0/8"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	two, err := routing.Build([]routing.Entry{{OrgID: "TWO", Kind: "prefix", Value: "10.1.0.0/16"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ONE": "10.0.0.0/8", "TWO": "10.1.0.0/16"}
	r := routing.NewRouter(nil)
	if m := r.Route(routing.Query{IP: netip.MustParseAddr("10.1.2.3")}); m.By != "" {
		t.Fatalf("empty router routed %+v", m)
	}
	r.Swap(one)
	var stop atomic.Bool
	var wg sync.WaitGroup
	seen := make([]map[string]int, 4)
	for g := range seen {
		seen[g] = map[string]int{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := routing.Query{IP: netip.MustParseAddr("10.1.2.3")}
			for !stop.Load() {
				m := r.Route(q)
				if len(m.OrgIDs) != 1 || want[m.OrgIDs[0]] != m.Key {
					t.Errorf("torn or empty answer %+v", m)
					return
				}
				seen[g][m.OrgIDs[0]]++
			}
		}()
	}
	for i := range 2000 {
		if i%2 == 0 {
			r.Swap(two)
		} else {
			r.Swap(one)
		}
	}
	r.Swap(two)
	stop.Store(true)
	wg.Wait()
	if m := r.Route(routing.Query{IP: netip.MustParseAddr("10.1.2.3")}); len(m.OrgIDs) != 1 || m.OrgIDs[0] != "TWO" {
		t.Errorf("after the last Swap got %+v, want TWO", m)
	}
	if r.Table() != two {
		t.Error("Table() is not the last table swapped in")
	}
}

// randomTable builds n random IPv4 prefixes (/8 to /28) over 1,000 teams
// from a fixed seed, so runs compare.
func randomTable(b *testing.B, n int) *routing.Table {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	entries := make([]routing.Entry, n)
	for i := range entries {
		a := netip.AddrFrom4([4]byte{byte(rng.UintN(224)), byte(rng.UintN(256)), byte(rng.UintN(256)), byte(rng.UintN(256))})
		p := netip.PrefixFrom(a, 8+rng.IntN(21)).Masked()
		entries[i] = routing.Entry{OrgID: fmt.Sprintf("org%04d", i%1000), Kind: "prefix", Value: p.String()}
	}
	t, err := routing.Build(entries, nil)
	if err != nil {
		b.Fatal(err)
	}
	return t
}

func BenchmarkRouteIPv4_100k(b *testing.B) {
	tab := randomTable(b, 100_000)
	rng := rand.New(rand.NewPCG(3, 4))
	qs := make([]routing.Query, 4096)
	for i := range qs {
		qs[i].IP = netip.AddrFrom4([4]byte{byte(rng.UintN(256)), byte(rng.UintN(256)), byte(rng.UintN(256)), byte(rng.UintN(256))})
	}
	r := routing.NewRouter(tab)
	hits := 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if r.Route(qs[i&4095]).By != "" {
			hits++
		}
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hit/op")
}

func BenchmarkRouteDomain(b *testing.B) {
	entries := make([]routing.Entry, 10_000)
	for i := range entries {
		entries[i] = routing.Entry{OrgID: fmt.Sprintf("org%04d", i%1000), Kind: "domain", Value: fmt.Sprintf("d%d.gob.example", i)}
	}
	tab, err := routing.Build(entries, map[string]string{"MX": "MX-CSIRT"})
	if err != nil {
		b.Fatal(err)
	}
	qs := make([]routing.Query, 1024)
	for i := range qs {
		// half hit a registered domain three labels down, half fall to the country
		qs[i] = routing.Query{Domain: fmt.Sprintf("www.mail.d%d.gob.example", i*37%20_000), Country: "MX"}
	}
	r := routing.NewRouter(tab)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if r.Route(qs[i&1023]).By == "" {
			b.Fatal("no route")
		}
	}
}
