package event

import "encoding/json"

// numericFields are written as JSON numbers by Flat.
var numericFields = map[string]bool{"source.port": true, "source.asn": true, "destination.port": true,
	"destination.asn": true, "feed.accuracy": true}

// Flat is the event as IntelMQ writes events: one object of harmonisation
// names, ports, AS numbers and accuracy as numbers, everything else as
// text, unset fields left out, extras as "extra.KEY". The API, exports,
// alerts, webhooks and the stream all use this one form.
func (e *Event) Flat() map[string]any {
	m := make(map[string]any, 16+len(e.Extra))
	for _, name := range Fields() {
		v, ok := e.Get(name)
		if !ok {
			continue
		}
		if numericFields[name] {
			m[name] = json.Number(v)
		} else {
			m[name] = v
		}
	}
	for k, v := range e.Extra {
		m[ExtraPrefix+k] = v
	}
	return m
}
