package misp

import (
	"encoding/json"
	"io/fs"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/gaissmai/bart"

	"atalaya/internal/valid"
)

// WarningList describes one MISP warning list: values known to be benign or
// too common to mean anything (private address ranges, public resolvers,
// URL shorteners, hashes of empty files).
type WarningList struct {
	Slug               string // the list's folder name, "rfc1918"
	Name               string
	Description        string
	Type               string // cidr, string, substring, hostname or regex
	Version            int
	MatchingAttributes []string // the MISP attribute types the list is meant for
	Entries            int
}

// WarningLists answers which warning lists a value is on. Built once, it is
// read-only and safe for concurrent use.
type WarningLists struct {
	lists      []WarningList
	prefixes   bart.Table[[]uint16] // each prefix carries its lists and those of every prefix containing it
	exact      map[string][]uint16  // lower-cased values of string lists
	hosts      map[string][]uint16  // lower-cased names of hostname lists
	substrings []pattern[string]
	regexes    []pattern[*regexp.Regexp]
}

// pattern is one substring or regular expression and its list.
type pattern[T any] struct {
	match T
	list  uint16
}

// listFile is list.json as misp-warninglists writes it.
type listFile struct {
	Name               string   `json:"name"`
	Description        string   `json:"description"`
	Type               string   `json:"type"`
	Version            int      `json:"version"`
	List               []string `json:"list"`
	MatchingAttributes []string `json:"matching_attributes"`
}

// LoadWarningLists reads lists/*/list.json of a misp-warninglists checkout.
// A list of an unknown type or with an entry that cannot be used (a CIDR
// that does not parse, a regular expression Go cannot compile) is a
// valid.Error naming the file and entry.
func LoadWarningLists(fsys fs.FS) (*WarningLists, error) {
	files, err := fs.Glob(fsys, "lists/*/list.json")
	if err != nil {
		return nil, err
	}
	w := &WarningLists{exact: map[string][]uint16{}, hosts: map[string][]uint16{}}
	own := map[netip.Prefix][]uint16{}
	var errs valid.Errors
	for _, file := range files {
		if len(w.lists) >= 1<<16 {
			break
		}
		w.load(fsys, file, own, &errs)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	w.buildPrefixes(own)
	return w, nil
}

// load reads one list.json into w; the prefixes of cidr lists go to own.
func (w *WarningLists) load(fsys fs.FS, file string, own map[netip.Prefix][]uint16, errs *valid.Errors) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		errs.Add(file, CodeWarningList, err.Error(), map[string]any{"File": file})
		return
	}
	var lf listFile
	if err := json.Unmarshal(data, &lf); err != nil {
		errs.Add(file, CodeWarningList, "not a warning list: "+err.Error(), map[string]any{"File": file})
		return
	}
	id := uint16(len(w.lists))
	for i, entry := range lf.List {
		if msg := w.add(lf.Type, id, strings.TrimSpace(entry), own); msg != "" {
			errs.Add(file+".list"+indexSuffix(i), CodeWarningList, msg, map[string]any{"File": file, "Value": entry})
			return
		}
	}
	w.lists = append(w.lists, WarningList{
		Slug: path.Base(path.Dir(file)), Name: lf.Name, Description: lf.Description, Type: lf.Type,
		Version: lf.Version, MatchingAttributes: lf.MatchingAttributes, Entries: len(lf.List),
	})
}

// add files one entry of list id under its type; it returns what is wrong
// with the entry, "" when nothing is.
func (w *WarningLists) add(typ string, id uint16, entry string, own map[netip.Prefix][]uint16) string {
	if entry == "" {
		return ""
	}
	switch typ {
	case "cidr":
		pfx, ok := parseCIDR(entry)
		if !ok {
			return "“" + entry + "” is not an address or CIDR block"
		}
		own[pfx] = addList(own[pfx], id)
	case "string":
		key := strings.ToLower(entry)
		w.exact[key] = addList(w.exact[key], id)
	case "hostname":
		key := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(entry, "*"), "."))
		w.hosts[key] = addList(w.hosts[key], id)
	case "substring":
		w.substrings = append(w.substrings, pattern[string]{strings.ToLower(entry), id})
	case "regex":
		re, err := compileListRegex(entry)
		if err != nil {
			return "“" + entry + "” is not a regular expression Go can use: " + err.Error()
		}
		w.regexes = append(w.regexes, pattern[*regexp.Regexp]{re, id})
	default:
		return "unknown list type “" + typ + "”: expected cidr, string, substring, hostname or regex"
	}
	return ""
}

// parseCIDR reads a block or a single address (a /32 or /128), masked.
func parseCIDR(s string) (netip.Prefix, bool) {
	if pfx, err := netip.ParsePrefix(s); err == nil {
		return netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-unmapBits(pfx.Addr())).Masked(), true
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	addr = addr.Unmap()
	return netip.PrefixFrom(addr, addr.BitLen()), true
}

// unmapBits is how many bits an IPv4-mapped IPv6 prefix loses when
// written as IPv4.
func unmapBits(a netip.Addr) int {
	if a.Is4In6() {
		return 96
	}
	return 0
}

// compileListRegex accepts MISP's PHP-style /expression/flags as well as a
// bare expression.
func compileListRegex(entry string) (*regexp.Regexp, error) {
	expr := entry
	if strings.HasPrefix(entry, "/") {
		if end := strings.LastIndex(entry, "/"); end > 0 {
			expr = entry[1:end]
			if strings.Contains(entry[end+1:], "i") {
				expr = "(?i)" + expr
			}
		}
	}
	return regexp.Compile(expr)
}

// addList adds id to a sorted set of list ids.
func addList(ids []uint16, id uint16) []uint16 {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

// buildPrefixes stores each prefix with its own lists and those of every
// block containing it, so one longest-prefix lookup answers for all lists.
func (w *WarningLists) buildPrefixes(own map[netip.Prefix][]uint16) {
	var all bart.Table[[]uint16]
	for pfx, ids := range own {
		all.Insert(pfx, ids)
	}
	for pfx, ids := range own {
		merged := slices.Clone(ids)
		for _, super := range all.Supernets(pfx) {
			for _, id := range super {
				merged = addList(merged, id)
			}
		}
		w.prefixes.Insert(pfx, merged)
	}
}

// Lists returns the lists loaded, in the order of their files.
func (w *WarningLists) Lists() []WarningList { return slices.Clone(w.lists) }

// Match returns the slugs of the lists value is on, sorted: an address
// inside a block of a cidr list (a block inside one, too), a value equal to
// an entry of a string list, a host name equal to or under an entry of a
// hostname list (the host of a URL too), a value containing an entry of a
// substring list or matching a regex list. Comparisons ignore case. A
// composite value ("example.org|192.0.2.1") is matched part by part.
func (w *WarningLists) Match(value string) []string {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil
	}
	var hits []uint16
	if strings.Contains(value, "|") {
		for _, part := range strings.Split(value, "|") {
			hits = w.match(strings.TrimSpace(part), hits)
		}
	} else {
		hits = w.match(value, hits)
	}
	if len(hits) == 0 {
		return nil
	}
	out := make([]string, len(hits))
	for i, id := range hits {
		out[i] = w.lists[id].Slug
	}
	slices.Sort(out)
	return out
}

// match adds the lists of one value to hits.
func (w *WarningLists) match(value string, hits []uint16) []uint16 {
	if value == "" {
		return hits // an empty half of "a|"
	}
	ids, isIP := w.lookupIP(value)
	hits = merge(hits, ids)
	lower := toLowerASCII(value)
	hits = merge(hits, w.exact[lower])
	host := ""
	if !isIP {
		host = hostOf(lower)
	}
	for host != "" {
		hits = merge(hits, w.hosts[host])
		_, rest, found := strings.Cut(host, ".")
		if !found {
			break
		}
		host = rest
	}
	for _, s := range w.substrings {
		if strings.Contains(lower, s.match) {
			hits = addList(hits, s.list)
		}
	}
	for _, r := range w.regexes {
		if r.match.MatchString(value) {
			hits = addList(hits, r.list)
		}
	}
	return hits
}

// lookupIP finds the lists of an address or a block; false when value is
// neither.
func (w *WarningLists) lookupIP(value string) ([]uint16, bool) {
	// An IPv4 address starts with a digit and an IPv6 one holds a colon:
	// names and hashes are turned away before parsing, which costs an
	// allocation when it fails.
	v4 := value[0] >= '0' && value[0] <= '9' && strings.Contains(value, ".")
	v6 := strings.Contains(value, ":") && !strings.Contains(value, "://")
	if !v4 && !v6 {
		return nil, false
	}
	if strings.Contains(value, "/") {
		if pfx, ok := parseCIDR(value); ok {
			ids, _ := w.prefixes.LookupPrefix(pfx)
			return ids, true
		}
		return nil, false
	}
	if addr, err := netip.ParseAddr(value); err == nil {
		ids, _ := w.prefixes.Lookup(addr.WithZone("").Unmap())
		return ids, true
	}
	return nil, false
}

// hostOf returns the host of a URL (without user, port or path), else the
// value itself. It slices the text rather than parse it: this runs for
// every stored value.
func hostOf(lower string) string {
	_, rest, isURL := strings.Cut(lower, "://")
	if !isURL {
		return lower
	}
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if strings.HasPrefix(rest, "[") { // an IPv6 literal: no host name
		return ""
	}
	if colon := strings.IndexByte(rest, ':'); colon >= 0 {
		rest = rest[:colon]
	}
	return rest
}

// merge adds the ids of more to the sorted set hits.
func merge(hits, more []uint16) []uint16 {
	for _, id := range more {
		hits = addList(hits, id)
	}
	return hits
}

// toLowerASCII lower-cases s, without allocating when it already is.
func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}
