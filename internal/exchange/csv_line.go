package exchange

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/stix"
)

// csvIndicator is the indicator a CSV line makes, in the property order the
// OASIS examples use.
type csvIndicator struct {
	Type              string   `json:"type"`
	SpecVersion       string   `json:"spec_version"`
	ID                string   `json:"id"`
	CreatedByRef      string   `json:"created_by_ref"`
	Created           string   `json:"created"`
	Modified          string   `json:"modified"`
	Name              string   `json:"name"`
	Description       string   `json:"description,omitempty"`
	Pattern           string   `json:"pattern"`
	PatternType       string   `json:"pattern_type"`
	ValidFrom         string   `json:"valid_from"`
	ValidUntil        string   `json:"valid_until,omitempty"`
	Labels            []string `json:"labels,omitempty"`
	Confidence        *int     `json:"confidence,omitempty"`
	ObjectMarkingRefs []string `json:"object_marking_refs,omitempty"`
}

// kindAliases are names other tools give the CSV types (MISP attribute
// types, STIX object types), read as ours.
var kindAliases = map[string]string{
	"ipv4": "ip", "ipv6": "ip", "ip-src": "ip", "ip-dst": "ip", "ipv4-addr": "ip", "ipv6-addr": "ip", "address": "ip",
	"cidr": "prefix", "network": "prefix",
	"hostname": "domain", "domain-name": "domain",
	"uri": "url", "link": "url",
	"email-addr": "email", "email-src": "email", "email-dst": "email",
	"sha-1": "sha1", "sha-256": "sha256", "sha-512": "sha512",
	"as": "asn", "autonomous-system": "asn",
	"file": "filename", "file-name": "filename",
}

// indicator reads the columns of one line.
func (p *csvParser) indicator(rec []string) (*csvIndicator, error) {
	kind, value, err := p.kindAndValue(rec)
	if err != nil {
		return nil, err
	}
	ind := &csvIndicator{Type: "indicator", SpecVersion: "2.1", ID: indicatorID(p.orgID, kind, value),
		CreatedByRef: p.identity, Created: p.now, Modified: p.now,
		Name: p.cell(rec, "name"), Description: p.cell(rec, "description"),
		Pattern: patternFor(kind, value), PatternType: "stix", ValidFrom: p.now,
		Labels: splitLabels(p.cell(rec, "labels"))}
	if ind.Name == "" {
		ind.Name = value
	}
	if err := p.validity(rec, ind); err != nil {
		return nil, err
	}
	if s := p.cell(rec, "confidence"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100 {
			return nil, &fieldError{"confidence", CodeCSVConfidence, fmt.Sprintf("%q is not a whole number from 0 to 100", s)}
		}
		ind.Confidence = &n
	}
	if s := p.cell(rec, "tlp"); s != "" {
		level, ok := parseTLP(s)
		if !ok {
			return nil, &fieldError{"tlp", CodeCSVTLP, fmt.Sprintf("%q is not a TLP level (clear, green, amber, amber+strict, red)", s)}
		}
		ind.ObjectMarkingRefs = []string{stix.TLPMarkingID(string(level))}
	}
	return ind, nil
}

// kindAndValue reads the type (or infers it) and checks the value as that type.
func (p *csvParser) kindAndValue(rec []string) (string, string, error) {
	raw := p.cell(rec, "value")
	if raw == "" {
		return "", "", &fieldError{"value", CodeCSVValue, "the value is empty"}
	}
	kind := strings.ToLower(p.cell(rec, "type"))
	if alias, ok := kindAliases[kind]; ok {
		kind = alias
	}
	if kind == "" {
		k, ok := inferKind(raw)
		if !ok {
			return "", "", &fieldError{"type", CodeCSVType, fmt.Sprintf("cannot tell what %q is: write its type (%s)", raw, csvTypeNames)}
		}
		kind = k
	}
	if _, ok := csvTypes[kind]; !ok {
		return "", "", &fieldError{"type", CodeCSVType, fmt.Sprintf("unknown type %q: use one of %s", kind, csvTypeNames)}
	}
	value, err := canonicalValue(kind, raw)
	if err != nil {
		return "", "", &fieldError{"value", CodeCSVValue, err.Error()}
	}
	return kind, value, nil
}

// validity reads valid_from and valid_until; until must be after from, as
// STIX requires.
func (p *csvParser) validity(rec []string, ind *csvIndicator) error {
	from := p.nowTime
	if s := p.cell(rec, "valid_from"); s != "" {
		t, err := parseTime(s)
		if err != nil {
			return &fieldError{"valid_from", CodeCSVTime, err.Error()}
		}
		from, ind.ValidFrom = t, stixTime(t)
	}
	if s := p.cell(rec, "valid_until"); s != "" {
		t, err := parseTime(s)
		if err != nil {
			return &fieldError{"valid_until", CodeCSVTime, err.Error()}
		}
		if !t.After(from) {
			return &fieldError{"valid_until", CodeCSVUntil, fmt.Sprintf("%s is not after valid_from %s", stixTime(t), stixTime(from))}
		}
		ind.ValidUntil = stixTime(t)
	}
	return nil
}

// parseTime reads an RFC 3339 date and time, or a date alone (midnight UTC).
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time (RFC 3339, e.g. 2025-03-01T12:00:00Z, or a date 2025-03-01)", s)
}

// stixTime writes t as a STIX timestamp (UTC, milliseconds).
func stixTime(t time.Time) string { return stix.NewTimestamp(t).String() }

// parseTLP reads a TLP level as people write it: "amber", "TLP:AMBER",
// "tlp:amber+strict"; TLP 1.0 "white" is TLP 2.0 "clear".
func parseTLP(s string) (access.TLP, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "tlp:")
	if s == "white" {
		s = "clear"
	}
	t := access.TLP(s)
	return t, access.ValidTLP(t)
}

// splitLabels reads "a; b;c" as three labels.
func splitLabels(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, ";") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// formulaStart are the first characters that make a spreadsheet read a cell
// as a formula (CSV injection). The export writes such cells after a "'"
// and the import takes it off again, so values survive a round trip.
const formulaStart = "=+-@\t\r"

// escapeCell protects a cell from being read as a formula.
func escapeCell(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// unescapeCell undoes escapeCell.
func unescapeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}
