// Package event holds the normalised event that every feed parser produces:
// one struct with field names after IntelMQ's harmonisation
// (time.source, source.ip, classification.type ...), the parsing and
// validation of each field, the check of a whole event and the content key
// used to deduplicate events per feed.
//
// Parsers map their columns onto harmonisation names and call Set; Set
// normalises the value (lower-cases a domain, upper-cases a country, turns
// TLP 1.0 "white" into "clear") so that two feeds saying the same thing in
// different spellings give the same event and the same Key.
package event

import (
	"net/netip"
	"time"
)

// Event is one normalised observation from a feed. Zero values mean "not
// given": an unset time is the zero time, an unset address is the zero
// netip.Addr, and a port, ASN or accuracy of 0 is treated as absent (port 0
// and AS 0 are reserved, and IntelMQ itself defaults accuracy to 100).
type Event struct {
	TimeSource      time.Time // time.source: when the feed says it happened
	TimeObservation time.Time // time.observation: when we collected it

	FeedName     string  // feed.name
	FeedProvider string  // feed.provider
	FeedAccuracy float64 // feed.accuracy, 0-100
	FeedURL      string  // feed.url

	SourceIP      netip.Addr   // source.ip
	SourcePort    uint16       // source.port
	SourceASN     uint32       // source.asn
	SourceASName  string       // source.as_name
	SourceCountry string       // source.geolocation.cc, ISO 3166-1 alpha-2, upper case
	SourceFQDN    string       // source.fqdn, lower case A-labels, no trailing dot
	SourceURL     string       // source.url
	SourceNetwork netip.Prefix // source.network, masked

	DestinationIP   netip.Addr // destination.ip
	DestinationPort uint16     // destination.port
	DestinationASN  uint32     // destination.asn
	DestinationFQDN string     // destination.fqdn
	DestinationURL  string     // destination.url

	ProtocolTransport   string // protocol.transport, lower case (tcp, udp ...)
	ProtocolApplication string // protocol.application, lower case (http, ssh ...)
	MalwareName         string // malware.name, lower case

	Taxonomy   string // classification.taxonomy, an RSIT taxonomy
	Type       string // classification.type, an RSIT type of that taxonomy
	Identifier string // classification.identifier, free text (e.g. "openresolver")

	Description string // event_description.text
	TLP         string // tlp: clear, green, amber, amber+strict or red
	Raw         string // raw: the original line, kept verbatim

	// Extra holds what the harmonisation has no name for, set as
	// "extra.KEY". Nil until the first extra field is set.
	Extra map[string]string
}

// ExtraPrefix is the prefix of field names that go to Event.Extra.
const ExtraPrefix = "extra."

// Fields returns every harmonisation name Set and Get accept, in a stable
// order (time, feed, source, destination, protocol, malware,
// classification, description, tlp, raw). Names starting with ExtraPrefix
// are accepted as well and are not listed.
func Fields() []string {
	names := make([]string, len(fieldTable))
	for i, f := range fieldTable {
		names[i] = f.name
	}
	return names
}

// Set parses value as the field named by its harmonisation name and stores
// it normalised. An empty (or all-blank) value clears the field, so a
// parser can pass empty CSV columns through. A bad value leaves e unchanged
// and returns a *valid.Error whose Field is the harmonisation name and
// whose Code starts with "event_".
func (e *Event) Set(field, value string) error {
	if f, ok := fieldIndex(field); ok {
		return f.set(e, value)
	}
	if key, ok := extraKey(field); ok {
		return e.setExtra(field, key, value)
	}
	return unknownField(field)
}

// Get returns the field's value in the form Set accepts, and false when the
// field is unset or unknown. Times are RFC 3339 in UTC.
func (e *Event) Get(field string) (string, bool) {
	if f, ok := fieldIndex(field); ok {
		v := f.get(e)
		return v, v != ""
	}
	if key, ok := extraKey(field); ok {
		v, found := e.Extra[key]
		return v, found
	}
	return "", false
}

func extraKey(field string) (string, bool) {
	if len(field) > len(ExtraPrefix) && field[:len(ExtraPrefix)] == ExtraPrefix {
		return field[len(ExtraPrefix):], true
	}
	return "", false
}

func (e *Event) setExtra(field, key, value string) error {
	v, err := parseText(field, value)
	if err != nil {
		return err
	}
	if v == "" {
		delete(e.Extra, key)
		return nil
	}
	if e.Extra == nil {
		e.Extra = make(map[string]string)
	}
	e.Extra[key] = v
	return nil
}
