package parsers

import (
	"io"
	"net/netip"
	"strings"
	"time"

	"atalaya/internal/event"
)

// dshieldParser reads DShield's recommended block list (block.txt): the
// top attacking /24 networks, one a line, tab separated (start, end,
// netmask, attacks, network name, country, contact), with the list's date
// in the "# updated:" comment, as IntelMQ's dshield_block parser does. It
// classifies them as IntelMQ does, "blacklist" (the RSIT's other).
type dshieldParser struct{ kit feedKit }

func newDShieldParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &dshieldParser{kit: k}, err
}

var dshieldDefaults = []kitField{
	{"classification.taxonomy", "other"}, {"classification.type", "other"},
	{"classification.identifier", "dshield-block"},
}

func (p *dshieldParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var updated time.Time
	var cols []string
	return kitEachLine(r, "", reject, func(e *event.Event, n int, line string) error {
		if kitIsComment(line, "#") {
			if _, v, ok := strings.Cut(line, "updated:"); ok {
				// "Tue Dec 15 15:33:38 2015 UTC"
				if t, err := time.Parse("Mon Jan _2 15:04:05 2006 MST", strings.TrimSpace(v)); err == nil {
					updated = t.UTC()
				}
			}
			return nil
		}
		cols = append(cols[:0], strings.Split(line, "\t")...)
		if strings.EqualFold(strings.TrimSpace(cols[0]), "start") {
			return nil // the column heading
		}
		if len(cols) < 3 {
			return kitLineError(kitCodeColumns, "a DShield block line has start, end and netmask separated by tabs",
				map[string]any{"Want": 3, "Got": len(cols)})
		}
		p.kit.start(e, dshieldDefaults)
		if !updated.IsZero() {
			e.TimeSource = updated
		}
		start, err := netip.ParseAddr(strings.TrimSpace(cols[0]))
		if err != nil {
			return kitLineError(kitCodeNetwork, "the start of the netblock is not an address: "+cols[0],
				map[string]any{"Value": cols[0]})
		}
		if err := kitSetNetwork(e, start.String()+"/"+strings.TrimSpace(cols[2])); err != nil {
			return err
		}
		extras := [...]string{3: "attacks", 4: "network_name", 6: "abuse_contact"}
		for i := 3; i < len(cols) && i < len(extras); i++ {
			if extras[i] != "" {
				kitPutExtra(e, extras[i], cols[i])
			}
		}
		if len(cols) > 5 {
			kitSetLoose(e, "source.geolocation.cc", cols[5])
		}
		if err := kitSetRaw(e, line); err != nil {
			return err
		}
		return kitEmit(emit, n, e)
	})
}
