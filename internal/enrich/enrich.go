package enrich

import (
	"net/netip"
	"strings"

	"atalaya/internal/event"
)

// WarningMatcher tells which warning lists a value (an address, a host
// name, a URL) is on: misp.WarningLists and SpecialRanges implement it.
type WarningMatcher interface {
	Match(value string) []string
}

// AddrMatcher is a WarningMatcher that can match an address without
// formatting it first. Enrich uses it when the matcher has it, so events
// with an address are checked without allocating.
type AddrMatcher interface {
	MatchAddr(a netip.Addr) []string
}

// Enricher completes events from an IPDB and drops those on a warning
// list. It implements feeds.Enricher and is safe for concurrent use (it
// holds only immutable data).
type Enricher struct {
	db   *IPDB
	warn WarningMatcher
	addr AddrMatcher // warn as an AddrMatcher, nil when it is not one
}

// New returns an Enricher looking addresses up in db (nil: no lookups)
// and dropping events on warn's lists (nil: SpecialRanges() with every
// set).
func New(db *IPDB, warn WarningMatcher) *Enricher {
	if warn == nil {
		warn = SpecialRanges()
	}
	e := &Enricher{db: db, warn: warn}
	e.addr, _ = warn.(AddrMatcher)
	return e
}

// Enrich checks the event's source against the warning lists and, when it
// is kept, fills what the feed did not say: source.asn, source.as_name and
// source.geolocation.cc from source.ip, destination.asn from
// destination.ip. It never overwrites a value the feed gave; the AS name
// is filled only when the AS number is the one the table has, so a name
// never contradicts the number beside it.
//
// The returned reason is non-empty when the event must be dropped: the
// warning lists source.ip, source.fqdn or the host of source.url is on.
// With an address and an AddrMatcher (the built-in ranges) it does not
// allocate.
func (e *Enricher) Enrich(ev *event.Event) (drop string) {
	if reason := e.onWarningList(ev); reason != "" {
		return reason
	}
	if ev.SourceIP.IsValid() && (ev.SourceASN == 0 || ev.SourceASName == "" || ev.SourceCountry == "") {
		asn, name, cc := e.db.Lookup(ev.SourceIP)
		if ev.SourceASN == 0 {
			ev.SourceASN = asn
		}
		if ev.SourceASName == "" && asn != 0 && asn == ev.SourceASN {
			ev.SourceASName = name
		}
		if ev.SourceCountry == "" {
			ev.SourceCountry = cc
		}
	}
	if ev.DestinationIP.IsValid() && ev.DestinationASN == 0 {
		ev.DestinationASN, _, _ = e.db.Lookup(ev.DestinationIP)
	}
	return ""
}

// onWarningList returns the lists the event's source is on, joined, or "".
func (e *Enricher) onWarningList(ev *event.Event) string {
	if ev.SourceIP.IsValid() {
		var lists []string
		if e.addr != nil {
			lists = e.addr.MatchAddr(ev.SourceIP)
		} else {
			lists = e.warn.Match(ev.SourceIP.String())
		}
		if len(lists) > 0 {
			return strings.Join(lists, ", ")
		}
	}
	for _, v := range [...]string{ev.SourceFQDN, ev.SourceURL} {
		if v == "" {
			continue
		}
		if lists := e.warn.Match(v); len(lists) > 0 {
			return strings.Join(lists, ", ")
		}
	}
	return ""
}
