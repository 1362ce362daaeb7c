package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/alerts"
	"atalaya/internal/feeds"
)

// DemoFeed is the demo's early-warning feed: generated observations in the
// demo teams' networks, loaded when the demo starts and trickling in while
// it runs, so the inbox, the feeds' status and live alerts have something
// to show.
const DemoFeed = "demo-sensors"

// demoMapping maps the generated CSV's columns to harmonisation fields,
// the way a secretariat officer sets up a generic CSV feed.
var demoMapping = map[string]string{
	"timestamp": "time.source", "ip": "source.ip", "port": "source.port", "asn": "source.asn",
	"hostname": "source.fqdn", "url": "source.url", "cc": "source.geolocation.cc",
	"taxonomy": "classification.taxonomy", "type": "classification.type",
	"identifier": "classification.identifier", "malware": "malware.name", "protocol": "protocol.transport",
}

var demoColumns = []string{"timestamp", "ip", "port", "asn", "hostname", "url", "cc", "taxonomy", "type",
	"identifier", "malware", "protocol"}

// demoKinds are the observations the generator draws from.
var demoKinds = []struct{ taxonomy, typ, identifier, malware, protocol string }{
	{"malicious-code", "infected-system", "botnet-drone", "mirai", "tcp"},
	{"malicious-code", "infected-system", "sinkhole", "emotet", "tcp"},
	{"malicious-code", "c2-server", "c2-server", "qakbot", "tcp"},
	{"vulnerable", "ddos-amplifier", "open-dns", "", "udp"},
	{"vulnerable", "vulnerable-system", "vulnerable-rdp", "", "tcp"},
	{"information-gathering", "scanner", "ssh-scanner", "", "tcp"},
}

// demoNetworks are addresses of the demo constituencies (see
// directory's demo data), with the AS and country a feed would report.
var demoNetworks = []struct {
	prefix string // first three octets or an IPv6 /48 with a trailing ":"
	asn    int
	cc     string
	v6     bool
}{
	{"198.51.100.", 64496, "MX", false}, // national CSIRT of Mexico; .128/25 the bank
	{"192.0.2.", 64498, "BR", false},    // Brazil, its energy sector, Costa Rica, Jamaica, Trinidad
	{"203.0.113.", 64501, "CL", false},  // Chile and its sector teams, Colombia
	{"2001:db8:100::", 64496, "MX", true},
	{"2001:db8:200::", 64498, "BR", true},
}

// demoFeedCSV generates n observations spread evenly over span before
// now. The generator is seeded: the same seed gives the same lines.
func demoFeedCSV(now time.Time, span time.Duration, n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 2026))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(demoColumns)
	for i := range n {
		k := demoKinds[r.IntN(len(demoKinds))]
		nw := demoNetworks[r.IntN(len(demoNetworks))]
		ip := nw.prefix + strconv.Itoa(1+r.IntN(254))
		if nw.v6 {
			ip = nw.prefix + strconv.FormatInt(int64(1+r.IntN(0xfffe)), 16)
		}
		at := now.Add(-time.Duration(n-i) * span / time.Duration(n+1))
		port := []int{23, 443, 53, 3389, 22, 8080}[r.IntN(6)]
		host, url := "", ""
		if k.typ == "c2-server" && !nw.v6 {
			host = fmt.Sprintf("c2-%d.example.net", r.IntN(90))
			url = "http://" + host + "/gate.php"
		}
		_ = w.Write([]string{at.UTC().Format(time.RFC3339), ip, strconv.Itoa(port), strconv.Itoa(nw.asn), host, url,
			nw.cc, k.taxonomy, k.typ, k.identifier, k.malware, k.protocol})
	}
	w.Flush()
	return buf.Bytes()
}

// demoRules are alert rules of the demo teams, in CEL.
var demoRules = []struct{ user, name, expr string }{
	{"analyst@csirt-mx.example", "Malicious code in our network",
		`classification.taxonomy == "malicious-code"`},
	{"analyst@cert-br.example", "Everything from the feeds", `true`},
	{"admin@csirt-bank.example", "Anything on the bank's hosts", `true`},
}

// SeedDemoFeeds sets up the demo feed and the demo teams' alert rules, then
// loads a day of generated observations. On a store that already has the
// feed it only loads a few new observations.
func SeedDemoFeeds(ctx context.Context, a *App) error {
	sec, err := ActorForEmail(ctx, a, "admin@secretariat.example")
	if err != nil {
		return err
	}
	if _, err := a.Feeds.Feed(ctx, sec, DemoFeed); err != nil {
		if _, err := a.Feeds.CreateFeed(ctx, sec, feeds.Feed{Name: DemoFeed, Title: "Demo sensors (generated)",
			Provider: "Atalaya demo", Format: "csv", Source: feeds.SourcePush, Mapping: demoMapping,
			TLP: string(access.TLPAmber), Enabled: true}); err != nil {
			return fmt.Errorf("demo feed: %w", err)
		}
		for _, r := range demoRules {
			actor, err := ActorForEmail(ctx, a, r.user)
			if err != nil {
				return err
			}
			if _, err := a.Alerts.SaveRule(ctx, actor, alerts.Rule{OrgID: actor.OrgID, Name: r.name, Expr: r.expr,
				Enabled: true}); err != nil {
				return fmt.Errorf("demo rule %q: %w", r.name, err)
			}
		}
	}
	now := time.Now()
	_, err = a.Feeds.Ingest(ctx, sec, DemoFeed, bytes.NewReader(demoFeedCSV(now, 24*time.Hour, 400, uint64(now.Unix()))),
		feeds.IngestOptions{Trigger: feeds.TriggerUpload, Input: "demo-sensors.csv"})
	return err
}

// DemoTrickle pushes a few generated observations every interval until ctx
// ends, as a live feed would, so an open alerts page shows them arrive.
func DemoTrickle(ctx context.Context, a *App, interval time.Duration) {
	sec, err := ActorForEmail(ctx, a, "admin@secretariat.example")
	if err != nil {
		a.Logger.Warn("demo trickle not started", "err", err)
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			body := demoFeedCSV(now, time.Second, 3, uint64(now.UnixNano()))
			if _, err := a.Feeds.Ingest(ctx, sec, DemoFeed, bytes.NewReader(body),
				feeds.IngestOptions{Trigger: feeds.TriggerPush, Input: "demo trickle"}); err != nil && ctx.Err() == nil {
				a.Logger.Warn("demo trickle", "err", err)
			}
		}
	}
}
