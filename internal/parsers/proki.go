package parsers

import (
	"fmt"
	"io"
	"strings"

	"atalaya/internal/event"
)

// prokiParser reads CZ.NIC's PROKI feed: an API answer {"status": ...,
// "data": [ ... ]} (or just the array) whose records use IntelMQ's field
// names already, as IntelMQ's cznic parser_proki does. The feed's own
// feed.* and time.observation are kept as extra.original_feed_name ... and
// extra.original_time_observation: the pipeline sets ours. Names the
// event has no field for are kept as extra.<name>.
type prokiParser struct{ tmpl template }

func newProkiParser(cfg Config) (Parser, error) {
	tmpl, err := newTemplate(cfg.Constants)
	if err != nil {
		return nil, err
	}
	return &prokiParser{tmpl: tmpl}, nil
}

// prokiKeyFields refuse the record when their value is bad: the event is
// routed and dated by them.
var prokiKeyFields = map[string]bool{"source.ip": true, "source.fqdn": true, "source.url": true, "time.source": true}

// Parse reads one input. An object without a data array is not a PROKI
// answer and fails the input.
func (p *prokiParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	noData, err := eachJSONObject(r, maxRecord, "data", reject, func(line int, raw string, obj map[string]any) error {
		p.tmpl.reset(&e, len(obj))
		if bad := p.record(&e, line, raw, obj); bad != nil {
			reject(*bad)
			return nil
		}
		return emit(line, &e)
	})
	if err != nil {
		return err
	}
	if noData {
		return fmt.Errorf("cznic-proki: the answer has no data array")
	}
	return nil
}

func (p *prokiParser) record(e *event.Event, line int, raw string, obj map[string]any) *event.Rejected {
	for _, k := range sortedAnyKeys(obj) {
		v := jsonText(obj[k])
		switch {
		case k == "raw":
			continue
		case strings.HasPrefix(k, "feed."):
			putExtra(e, "original_feed_"+strings.TrimPrefix(k, "feed."), v)
		case k == "time.observation":
			putExtra(e, "original_time_observation", v)
		case prokiKeyFields[k]:
			if err := setField(e, k, v); err != nil {
				rej := event.Reject(line, raw, err)
				return &rej
			}
		case knownField(k):
			fallback := k
			if strings.HasPrefix(k, event.ExtraPrefix) {
				fallback = k[len(event.ExtraPrefix):]
			}
			setOrExtra(e, k, v, fallback)
		default:
			putExtra(e, k, v)
		}
	}
	e.Raw = raw
	fixTaxonomy(e)
	return nil
}
