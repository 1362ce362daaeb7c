package parsers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/event"
)

// setField is event.Set with the spellings feeds use that the event
// package does not take: times in the many layouts feeds write (looseTime)
// and IntelMQ's legacy classification names (rsitType).
func setField(e *event.Event, field, value string) error {
	switch field {
	case "time.source", "time.observation":
		t, ok := looseTime(value)
		if !ok {
			// Let the event package say what is wrong, in its words.
			if err := e.Set(field, value); err != nil || strings.TrimSpace(value) == "" {
				return err
			}
			return nil
		}
		if field == "time.source" {
			e.TimeSource = t
		} else {
			e.TimeObservation = t
		}
		return nil
	case "classification.taxonomy":
		return e.Set(field, rsitTaxonomy(value))
	case "classification.type":
		return e.Set(field, rsitType(value))
	}
	return e.Set(field, value)
}

// textDateLayouts are the layouts of times written with the day's name
// first (HTTP dates, RFC 850, C's asctime).
var textDateLayouts = [...]string{
	time.RFC1123, time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700",
	time.RFC850, time.ANSIC, time.UnixDate,
}

// utcTextDateLayouts are textDateLayouts without the zone, for dates
// whose zone is GMT or UTC.
var utcTextDateLayouts = [...]string{
	"Mon, 02 Jan 2006 15:04:05", "Mon, 2 Jan 2006 15:04:05", "Monday, 02-Jan-06 15:04:05",
	"Mon Jan _2 15:04:05 2006",
}

// looseTime reads a time the way feeds write it: ISO 8601 with a space or
// a T, with or without fractions and zone ("Z", "+01:00", "+0100", " UTC";
// none means UTC), a date alone, an HTTP or RFC 850 date, or seconds (10
// digits or fewer, fractions allowed) or milliseconds (13 digits) since
// the Unix epoch. The result is in UTC and within the years event.Set
// takes. The shape of the value picks the layouts to try, so that a line
// costs one parse, not a string of failed ones.
func looseTime(value string) (time.Time, bool) {
	v := strings.TrimSpace(value)
	var t time.Time
	var err error
	switch {
	case v == "":
		return time.Time{}, false
	case isEpoch(v):
		t, err = epochTime(v)
	case len(v) >= 10 && v[4] == '-' && v[7] == '-':
		t, err = isoTime(v)
	case isLetter(v[0]):
		err = errBadTime
		layouts := textDateLayouts[:]
		if strings.HasSuffix(v, " GMT") || strings.HasSuffix(v, " UTC") {
			// Read without the zone (so UTC) rather than make a zone
			// named GMT for every line.
			v, layouts = v[:len(v)-4], utcTextDateLayouts[:]
		}
		for _, layout := range layouts {
			if t, err = time.Parse(layout, v); err == nil {
				break
			}
		}
	default:
		err = errBadTime
	}
	if err != nil || t.UTC().Year() < 1970 || t.UTC().Year() > 9999 {
		return time.Time{}, false
	}
	return t.UTC(), true
}

var errBadTime = errors.New("not a time")

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isEpoch reports digits with at most one dot.
func isEpoch(v string) bool {
	dots := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '.' && i > 0:
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return dots <= 1
}

func epochTime(v string) (time.Time, error) {
	whole, frac, _ := strings.Cut(v, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	switch {
	case err != nil || n <= 0:
		return time.Time{}, errBadTime
	case len(whole) == 13 && frac == "":
		return time.UnixMilli(n), nil
	case len(whole) > 10:
		return time.Time{}, errBadTime
	}
	var ns int64
	if frac != "" {
		f := (frac + "000000000")[:9]
		ns, _ = strconv.ParseInt(f, 10, 64)
	}
	return time.Unix(n, ns), nil
}

// isoTime reads "2006-01-02", "2006-01-02 15:04[:05[.999]]" or with a T,
// followed by a zone or none (UTC).
func isoTime(v string) (time.Time, error) {
	if len(v) == 10 {
		return time.Parse(time.DateOnly, v)
	}
	if v[10] != 'T' && v[10] != ' ' && v[10] != 't' {
		return time.Time{}, errBadTime
	}
	date, clock := v[:10], v[11:]
	zone := ""
	switch {
	case strings.HasSuffix(clock, " UTC") || strings.HasSuffix(clock, " GMT"):
		clock, zone = clock[:len(clock)-4], "Z"
	case strings.HasSuffix(clock, "Z") || strings.HasSuffix(clock, "z"):
		clock, zone = clock[:len(clock)-1], "Z"
	default:
		if i := strings.LastIndexAny(clock, "+-"); i > 0 {
			clock, zone = clock[:i], clock[i:]
			if len(zone) == 5 { // +0100
				zone = zone[:3] + ":" + zone[3:]
			}
		}
	}
	clock = strings.TrimSpace(clock)
	if zone == "" && len(clock) == 8 && v[10] == ' ' {
		// Shadowserver's form, most lines of all: no string to build.
		return time.Parse(time.DateTime, v[:19])
	}
	if len(clock) == 5 { // 15:04
		clock += ":00"
	}
	if zone == "" {
		zone = "Z"
	}
	return time.Parse(time.RFC3339Nano, date+"T"+clock+zone)
}

// legacyTypes maps the classification types of IntelMQ before it adopted
// the Reference Security Incident Taxonomy, and the type names of the
// feeds of this family, to the RSIT type meaning the same. Keys are lower
// case with spaces; rsitType also tries them with hyphens.
var legacyTypes = map[string]string{
	// A listing on a reputation list says nothing more specific.
	"blacklist": "other",
	"blocklist": "other",
	"tor":       "other",
	"proxy":     "other",
	// IntelMQ's "malware" (renamed "infected-system" in IntelMQ 3) is a
	// host seen running malware: a sinkholed bot, a ransomware victim.
	"malware":      "infected-system",
	"botnet drone": "infected-system",
	"ransomware":   "infected-system",
	"c&c":          "c2-server",
	"c2server":     "c2-server",
	"c2 server":    "c2-server",
	"malware url":  "malware-distribution",
	// A service or client open to attack is a vulnerable system in RSIT.
	"vulnerable service": "vulnerable-system",
	"vulnerable client":  "vulnerable-system",
	// A host under someone else's control.
	"compromised":        "system-compromise",
	"compromised server": "system-compromise",
	"backdoor":           "system-compromise",
	"defacement":         "unauthorised-information-modification",
	// Stolen data, published or stored for collection.
	"leak":     "data-leak",
	"dropzone": "data-leak",
	// CERT-EU's infrastructure types name what the infrastructure serves.
	"exploit url":         "exploit",
	"ddos infrastructure": "ddos",
	"ddos target":         "ddos",
	"spam infrastructure": "spam",
	"amplifier":           "ddos-amplifier",
	"unknown":             "undetermined",
}

// rsitType maps a feed's classification type to its RSIT spelling: lower
// case, hyphens for spaces, legacy names through legacyTypes. Anything
// else is returned as is, for event.Set to accept or refuse.
func rsitType(value string) string {
	v := strings.ToLower(strings.TrimSpace(value))
	if t, ok := legacyTypes[v]; ok {
		return t
	}
	h := strings.ReplaceAll(v, " ", "-")
	if t, ok := legacyTypes[strings.ReplaceAll(v, "-", " ")]; ok {
		return t
	}
	return h
}

// rsitTaxonomy maps IntelMQ's older spellings of the taxonomies
// ("malicious code", "Intrusion Attempts") to RSIT's.
func rsitTaxonomy(value string) string {
	v := strings.ToLower(strings.TrimSpace(value))
	return strings.ReplaceAll(v, " ", "-")
}

// taxonomyOf is the RSIT taxonomy of each RSIT type (types are unique
// across taxonomies). Built once; never modified.
var taxonomyOf = func() map[string]string {
	m := make(map[string]string)
	for tax, types := range event.Taxonomies() {
		for _, t := range types {
			m[t] = tax
		}
	}
	return m
}()

// fixTaxonomy sets the taxonomy the event's type belongs to when the feed
// gave none or one the type is not part of, as IntelMQ's taxonomy expert
// does: the type is the more specific statement.
func fixTaxonomy(e *event.Event) {
	if e.Type == "" || (e.Taxonomy != "" && event.TypeBelongs(e.Taxonomy, e.Type)) {
		return
	}
	if tax, ok := taxonomyOf[e.Type]; ok {
		e.Taxonomy = tax
	}
}

// defaultClass classifies an event the way its format always does, unless
// the feed's constants or the line classified it already.
func defaultClass(e *event.Event, taxonomy, typ string) {
	if e.Type == "" && e.Taxonomy == "" {
		e.Taxonomy, e.Type = taxonomy, typ
	}
}
