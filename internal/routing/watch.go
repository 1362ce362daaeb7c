package routing

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/gaissmai/bart"
	"golang.org/x/net/publicsuffix"
)

// The kinds of Watch, spelled as intel.Value kinds.
const (
	WatchIP     = "ip"
	WatchPrefix = "prefix"
	WatchDomain = "domain"
	WatchURL    = "url"
)

// The widest prefixes a watch may name. A watch delivers every event
// inside its prefix to the organisation that shared the indicator, so a
// very wide one would hand it the events of whole networks that other
// teams answer for; such watches are skipped.
const (
	MinWatchBits4 = 16
	MinWatchBits6 = 32
)

// Watch is one value of an indicator an organisation shared: events whose
// address, domain or URL matches it are delivered to that organisation
// too (feeds.ByWatch, keyed by IntelID). Kind is "ip", "prefix", "domain"
// or "url" and Value its normalised form as intel.Normalize writes it.
type Watch struct {
	IntelID string
	OrgID   string
	Kind    string
	Value   string
}

// WatchError says why BuildWatched skipped a watch.
type WatchError struct {
	Index int   // position in the watches given
	Watch Watch // as given
	Err   error
}

// Error names the watch by position, indicator, kind and value.
func (e *WatchError) Error() string {
	return fmt.Sprintf("routing: watch %d (indicator %s, org %q, %s %q): %v", e.Index, e.Watch.IntelID, e.Watch.OrgID,
		e.Watch.Kind, e.Watch.Value, e.Err)
}

// Unwrap returns the cause.
func (e *WatchError) Unwrap() error { return e.Err }

// watchSet is the compiled watches of a Table.
type watchSet struct {
	// prefixes holds ip and prefix watches; each prefix carries its own
	// watches and those of every prefix containing it, so one
	// longest-prefix lookup finds all that match an address.
	prefixes bart.Table[[]Watch]
	domains  map[string][]Watch // by normalised domain; a query walks its suffixes
	urls     map[string][]Watch // by normalised URL, exact
	skipped  []WatchError
}

// BuildWatched is Build plus the watches of shared indicators. A bad
// constituency entry fails the build as in Build; a watch that cannot be
// used (unknown kind, unparsable value, no org, a prefix wider than
// MinWatchBits4/MinWatchBits6, a bare public suffix) is skipped and listed
// by SkippedWatches, because an indicator someone shared must not stop the
// routing of every team.
func BuildWatched(entries []Entry, national map[string]string, watches []Watch) (*Table, error) {
	t, err := Build(entries, national)
	if err != nil {
		return nil, err
	}
	if len(watches) > 0 {
		t.watch = compileWatches(watches)
	}
	return t, nil
}

func compileWatches(watches []Watch) *watchSet {
	ws := &watchSet{domains: map[string][]Watch{}, urls: map[string][]Watch{}}
	own := map[netip.Prefix][]Watch{}
	for i, w := range watches {
		if err := ws.add(w, own); err != nil {
			ws.skipped = append(ws.skipped, WatchError{Index: i, Watch: w, Err: err})
		}
	}
	var all bart.Table[[]Watch]
	for p, list := range own {
		all.Insert(p, list)
	}
	for p := range own {
		var merged []Watch
		for _, list := range all.Supernets(p) {
			merged = append(merged, list...)
		}
		ws.prefixes.Insert(p, watchSetOf(merged))
	}
	for d, list := range ws.domains {
		ws.domains[d] = watchSetOf(list)
	}
	for u, list := range ws.urls {
		ws.urls[u] = watchSetOf(list)
	}
	return ws
}

// add files one watch under its normalised value.
func (ws *watchSet) add(w Watch, own map[netip.Prefix][]Watch) error {
	if strings.TrimSpace(w.OrgID) == "" {
		return errors.New("no org id")
	}
	switch w.Kind {
	case WatchIP, WatchPrefix:
		p, err := parsePrefix(w.Value)
		if err != nil {
			return err
		}
		if min := minWatchBits(p); p.Bits() < min {
			return fmt.Errorf("prefix wider than /%d", min)
		}
		own[p] = append(own[p], w)
	case WatchDomain:
		d, err := parseDomain(w.Value)
		if err != nil {
			return err
		}
		if ps, _ := publicsuffix.PublicSuffix(d); ps == d {
			return errors.New("a public suffix, shared by many owners")
		}
		ws.domains[d] = append(ws.domains[d], w)
	case WatchURL:
		u := normalURL(strings.TrimSpace(w.Value))
		if u == "" {
			return errors.New("empty URL")
		}
		ws.urls[u] = append(ws.urls[u], w)
	default:
		return errors.New("unknown kind (want ip, prefix, domain or url)")
	}
	return nil
}

func minWatchBits(p netip.Prefix) int {
	if p.Addr().Is4() {
		return MinWatchBits4
	}
	return MinWatchBits6
}

// watchSetOf sorts and de-duplicates watches, so results compare equal
// across rebuilds.
func watchSetOf(ws []Watch) []Watch {
	slices.SortFunc(ws, func(a, b Watch) int {
		return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.IntelID, b.IntelID),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Value, b.Value))
	})
	return slices.Clip(slices.Compact(ws))
}

// SkippedWatches lists the watches BuildWatched could not use, for a log
// line. The slice is owned by the Table.
func (t *Table) SkippedWatches() []WatchError {
	if t == nil || t.watch == nil {
		return nil
	}
	return t.watch.skipped
}

// Watched appends to dst the watches an event's subject matches and
// returns it: every ip or prefix watch holding ip, every domain watch
// equal to domain or a parent of it at a label boundary, every url watch
// equal to url after normalisation; the host of url is matched against
// the ip and domain watches as well. A watch matched twice is appended
// once; the same indicator may come back under several values. The
// slices it reads are owned by the Table. A nil Table, a Table without
// watches or a subject matching none appends nothing and allocates
// nothing.
func (t *Table) Watched(ip netip.Addr, domain, url string, dst []Watch) []Watch {
	if t == nil || t.watch == nil {
		return dst
	}
	ws, start := t.watch, len(dst)
	if ip.IsValid() {
		dst = ws.byAddr(ip, dst, start)
	}
	if domain != "" {
		dst = ws.byDomain(domain, dst, start)
	}
	if url == "" {
		return dst
	}
	if len(ws.urls) > 0 {
		key := url
		if !canonicalURL(url) {
			key = normalURL(url)
		}
		dst = appendNew(dst, start, ws.urls[key])
	}
	host, isAddr := urlHost(url)
	switch {
	case host == "":
	case isAddr:
		if a, err := netip.ParseAddr(host); err == nil && a.Unmap() != ip.Unmap() {
			dst = ws.byAddr(a, dst, start)
		}
	case host != domain:
		dst = ws.byDomain(host, dst, start)
	}
	return dst
}

func (ws *watchSet) byAddr(ip netip.Addr, dst []Watch, start int) []Watch {
	if list, ok := ws.prefixes.Lookup(ip.Unmap()); ok {
		dst = appendNew(dst, start, list)
	}
	return dst
}

// byDomain walks d and its parents, as routeDomain does, collecting the
// watches of every level.
func (ws *watchSet) byDomain(d string, dst []Watch, start int) []Watch {
	if len(ws.domains) == 0 {
		return dst
	}
	d = normalDomain(d)
	for d != "" {
		dst = appendNew(dst, start, ws.domains[d])
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return dst
}

// appendNew appends the watches of list not already in dst[start:].
func appendNew(dst []Watch, start int, list []Watch) []Watch {
	for _, w := range list {
		if !slices.Contains(dst[start:], w) {
			dst = append(dst, w)
		}
	}
	return dst
}
