package event

import (
	"net/netip"
	"strconv"
	"time"
)

// field is one harmonisation name with its parser and printer. Every setter
// parses first and assigns only on success, so a bad value never leaves a
// half-changed event.
type field struct {
	name string
	set  func(e *Event, value string) error
	get  func(e *Event) string
}

// fieldTable lists the supported harmonisation names in the order Fields
// returns them and Key hashes them. It is never modified.
var fieldTable = [...]field{
	timeField("time.source", func(e *Event) *time.Time { return &e.TimeSource }),
	timeField("time.observation", func(e *Event) *time.Time { return &e.TimeObservation }),
	textField("feed.name", parseText, func(e *Event) *string { return &e.FeedName }),
	textField("feed.provider", parseText, func(e *Event) *string { return &e.FeedProvider }),
	accuracyField("feed.accuracy"),
	textField("feed.url", parseURL, func(e *Event) *string { return &e.FeedURL }),
	ipField("source.ip", func(e *Event) *netip.Addr { return &e.SourceIP }),
	portField("source.port", func(e *Event) *uint16 { return &e.SourcePort }),
	asnField("source.asn", func(e *Event) *uint32 { return &e.SourceASN }),
	textField("source.as_name", parseText, func(e *Event) *string { return &e.SourceASName }),
	textField("source.geolocation.cc", parseCountry, func(e *Event) *string { return &e.SourceCountry }),
	textField("source.fqdn", parseFQDN, func(e *Event) *string { return &e.SourceFQDN }),
	textField("source.url", parseURL, func(e *Event) *string { return &e.SourceURL }),
	networkField("source.network"),
	ipField("destination.ip", func(e *Event) *netip.Addr { return &e.DestinationIP }),
	portField("destination.port", func(e *Event) *uint16 { return &e.DestinationPort }),
	asnField("destination.asn", func(e *Event) *uint32 { return &e.DestinationASN }),
	textField("destination.fqdn", parseFQDN, func(e *Event) *string { return &e.DestinationFQDN }),
	textField("destination.url", parseURL, func(e *Event) *string { return &e.DestinationURL }),
	textField("protocol.transport", parseTransport, func(e *Event) *string { return &e.ProtocolTransport }),
	textField("protocol.application", parseLowerASCII, func(e *Event) *string { return &e.ProtocolApplication }),
	textField("malware.name", parseLowerASCII, func(e *Event) *string { return &e.MalwareName }),
	textField("classification.taxonomy", parseTaxonomy, func(e *Event) *string { return &e.Taxonomy }),
	textField("classification.type", parseType, func(e *Event) *string { return &e.Type }),
	textField("classification.identifier", parseText, func(e *Event) *string { return &e.Identifier }),
	textField("event_description.text", parseText, func(e *Event) *string { return &e.Description }),
	textField("tlp", parseTLP, func(e *Event) *string { return &e.TLP }),
	textField("raw", parseRaw, func(e *Event) *string { return &e.Raw }),
}

// fieldIndex finds a field by name. A linear scan over 28 names is as fast
// as a map here (most compares fail on the length) and needs no second
// table to keep in step.
func fieldIndex(name string) (*field, bool) {
	for i := range fieldTable {
		if fieldTable[i].name == name {
			return &fieldTable[i], true
		}
	}
	return nil, false
}

func textField(name string, parse func(field, value string) (string, error), ptr func(*Event) *string) field {
	return field{
		name: name,
		set: func(e *Event, value string) error {
			v, err := parse(name, value)
			if err == nil {
				*ptr(e) = v
			}
			return err
		},
		get: func(e *Event) string { return *ptr(e) },
	}
}

func timeField(name string, ptr func(*Event) *time.Time) field {
	return field{
		name: name,
		set: func(e *Event, value string) error {
			v, err := parseTime(name, value)
			if err == nil {
				*ptr(e) = v
			}
			return err
		},
		get: func(e *Event) string {
			if t := *ptr(e); !t.IsZero() {
				return t.Format(time.RFC3339Nano)
			}
			return ""
		},
	}
}

func ipField(name string, ptr func(*Event) *netip.Addr) field {
	return field{
		name: name,
		set: func(e *Event, value string) error {
			v, err := parseIP(name, value)
			if err == nil {
				*ptr(e) = v
			}
			return err
		},
		get: func(e *Event) string {
			if a := *ptr(e); a.IsValid() {
				return a.String()
			}
			return ""
		},
	}
}

func portField(name string, ptr func(*Event) *uint16) field {
	return field{
		name: name,
		set: func(e *Event, value string) error {
			v, err := parsePort(name, value)
			if err == nil {
				*ptr(e) = v
			}
			return err
		},
		get: func(e *Event) string { return uintText(uint64(*ptr(e))) },
	}
}

func asnField(name string, ptr func(*Event) *uint32) field {
	return field{
		name: name,
		set: func(e *Event, value string) error {
			v, err := parseASN(name, value)
			if err == nil {
				*ptr(e) = v
			}
			return err
		},
		get: func(e *Event) string { return uintText(uint64(*ptr(e))) },
	}
}

func networkField(name string) field {
	return field{
		name: name,
		set: func(e *Event, value string) error {
			v, err := parseNetwork(name, value)
			if err == nil {
				e.SourceNetwork = v
			}
			return err
		},
		get: func(e *Event) string {
			if e.SourceNetwork.IsValid() {
				return e.SourceNetwork.String()
			}
			return ""
		},
	}
}

func accuracyField(name string) field {
	return field{
		name: name,
		set: func(e *Event, value string) error {
			v, err := parseAccuracy(name, value)
			if err == nil {
				e.FeedAccuracy = v
			}
			return err
		},
		get: func(e *Event) string {
			if e.FeedAccuracy == 0 {
				return ""
			}
			return strconv.FormatFloat(e.FeedAccuracy, 'g', -1, 64)
		},
	}
}

// uintText prints n, or "" for 0, the "not given" of ports and ASNs.
func uintText(n uint64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatUint(n, 10)
}
