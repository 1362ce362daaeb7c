package event

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"slices"

	"atalaya/internal/valid"
)

// Validate checks that the event can be stored and routed: it has
// time.observation, feed.name, classification.taxonomy and
// classification.type, a type that belongs to its taxonomy in the RSIT,
// and something to route on (source.ip, source.fqdn, source.url or
// source.network: block lists name whole networks, routed by their first
// address). It
// returns every problem at once as valid.Errors.
func (e Event) Validate() error {
	var es valid.Errors
	required := func(field string, missing bool) {
		if missing {
			es.Add(field, "event_required", "is required", map[string]any{"Field": field})
		}
	}
	required("time.observation", e.TimeObservation.IsZero())
	required("feed.name", e.FeedName == "")
	required("classification.taxonomy", e.Taxonomy == "")
	required("classification.type", e.Type == "")
	if e.Taxonomy != "" && e.Type != "" && !TypeBelongs(e.Taxonomy, e.Type) {
		es.Add("classification.type", "event_type_taxonomy",
			"is not a type of taxonomy "+e.Taxonomy,
			map[string]any{"Type": e.Type, "Taxonomy": e.Taxonomy})
	}
	if !e.SourceIP.IsValid() && e.SourceFQDN == "" && e.SourceURL == "" && !e.SourceNetwork.IsValid() {
		es.Add("source.ip", "event_source_required",
			"one of source.ip, source.fqdn, source.url or source.network is required", nil)
	}
	return es.Err()
}

// Key is the event's content key for deduplication within a feed: the
// first 16 bytes of a SHA-256 over feed.name and every other field except
// time.observation (when we saw it again) and raw (the same event may be
// spelt differently from line to line), extra fields included, in sorted
// order. Two events with the same Key are one event seen again; the store
// counts repeats instead of keeping copies. Each value is written with its
// length in front, so no two different events can share an encoding.
func (e Event) Key() [16]byte {
	// On the stack for a typical line (a Shadowserver scan event with its
	// extra columns takes about 1.2 KB and 20 keys): this runs for every
	// line a feed brings.
	var buf [2048]byte
	b := buf[:0]
	for i := range fieldTable {
		f := &fieldTable[i]
		if f.name == "time.observation" || f.name == "raw" {
			continue
		}
		b = appendItem(b, f.get(&e))
	}
	var stack [48]string
	keys := stack[:0]
	for k := range e.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = appendItem(appendItem(b, k), e.Extra[k])
	}
	sum := sha256.Sum256(b)
	var key [16]byte
	copy(key[:], sum[:16])
	return key
}

func appendItem(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Rejected is one line a feed could not turn into an event, kept in the
// feed's quarantine with the reason, so nothing is dropped silently.
type Rejected struct {
	Line    int    // 1-based line (or record) number in the feed's input
	Field   string // harmonisation name at fault, "" when the line itself is bad
	Code    string // catalog code (shown as "invalid.<Code>")
	Message string // English reason, complete on its own
	Raw     string // the line as read
}

// Reject builds the quarantine entry for line number line, read as raw,
// from err. A validation error gives its first problem's field and code
// and all problems' messages; any other error gives code "event_line".
func Reject(line int, raw string, err error) Rejected {
	r := Rejected{Line: line, Raw: raw, Code: "event_line"}
	if err == nil {
		err = errors.New("rejected")
	}
	r.Message = err.Error()
	if es := valid.List(err); len(es) > 0 {
		r.Field, r.Code = es[0].Field, es[0].Code
	}
	return r
}
