package parsers

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/event"
)

// ssConv is one of the schema's conversion functions: it turns a column's
// value into the field's, or reports none (IntelMQ's None: the column is
// taken and nothing is set), or fails (the value cannot be what the column
// should hold). row gives the other columns to the functions that read
// them.
type ssConv func(value string, row *ssRow) (out string, some bool, err error)

// ssRow is the current line's columns with the positions of the columns
// the row-reading conversions look at (-1 where the header has none).
type ssRow struct {
	fields []string
	cols   *ssRowCols
}

type ssRowCols struct {
	ccDNS, httpHost, hostname, ip, url, httpURL, application, category, detail int
}

func newSSRowCols(index map[string]int) *ssRowCols {
	at := func(name string) int {
		if i, ok := index[name]; ok {
			return i
		}
		return -1
	}
	return &ssRowCols{ccDNS: at("cc_dns"), httpHost: at("http_host"), hostname: at("hostname"),
		ip: at("ip"), url: at("url"), httpURL: at("http_url"), application: at("application"),
		category: at("category"), detail: at("detail")}
}

// get returns the column at i and whether the header has it.
func (r *ssRow) get(i int) (string, bool) {
	if i < 0 || i >= len(r.fields) {
		return "", false
	}
	return r.fields[i], true
}

// convError is a value a conversion refuses; the caller names the column.
type convError struct{ conv, value string }

func (e *convError) Error() string { return e.conv + " cannot convert “" + e.value + "”" }

// ssConversion returns the function of a conversion name (known to be in
// ssConversions), or nil for none.
func ssConversion(name string) ssConv {
	switch name {
	case "":
		return nil
	case "add_UTC_to_timestamp":
		// Shadowserver's times are UTC without a zone, which is how
		// event.Set reads a time without a zone.
		return func(v string, _ *ssRow) (string, bool, error) { return v, true, nil }
	case "convert_bool":
		return convBool
	case "validate_to_none":
		return validateToNone
	case "convert_int":
		return func(v string, _ *ssRow) (string, bool, error) { return convInt(v, false) }
	case "invalidate_zero":
		return func(v string, _ *ssRow) (string, bool, error) { return convInt(v, true) }
	case "convert_float":
		return convFloat
	case "validate_ip":
		return validateIP
	case "validate_network":
		return validateNetwork
	case "validate_fqdn":
		return validateFQDN
	case "convert_date", "convert_date_utc":
		return convDate
	case "force_base64":
		return forceBase64
	case "scan_exchange_taxonomy", "scan_exchange_type", "scan_exchange_identifier":
		return scanExchange(name)
	case "convert_http_host_and_url":
		return convHTTPHostAndURL
	case "category_or_detail":
		return categoryOrDetail
	case "extract_cve_from_tag":
		return extractCVEFromTag
	}
	return nil
}

func convBool(v string, _ *ssRow) (string, bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "y", "yes", "true", "enabled", "1":
		return "true", true, nil
	case "n", "no", "false", "disabled", "0":
		return "false", true, nil
	}
	return "", false, nil
}

func validateToNone(v string, _ *ssRow) (string, bool, error) {
	switch strings.TrimSpace(v) {
	case "", "0", "unknown":
		return "", false, nil
	}
	return v, true, nil
}

// convInt reads an integer as Python's int() does (sign, surrounding
// space); zeroIsNone is invalidate_zero. The text is kept when already
// canonical, to spare an allocation.
func convInt(v string, zeroIsNone bool) (string, bool, error) {
	t := strings.TrimSpace(v)
	if t == "" {
		return "", false, nil
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(t, "+"), 10, 64)
	if err != nil {
		return "", false, &convError{"convert_int", v}
	}
	if zeroIsNone && n == 0 {
		return "", false, nil
	}
	if !canonicalInt(t) {
		return strconv.FormatInt(n, 10), true, nil
	}
	return t, true, nil
}

// canonicalInt reports whether t (a valid integer) is written as
// strconv.FormatInt writes it: no plus sign, no leading zeros, no -0.
func canonicalInt(t string) bool {
	d := strings.TrimPrefix(t, "-")
	return t[0] != '+' && (d == "0" && t == "0" || d[0] != '0')
}

func convFloat(v string, _ *ssRow) (string, bool, error) {
	t := strings.TrimSpace(v)
	if t == "" {
		return "", false, nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return "", false, &convError{"convert_float", v}
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true, nil
}

// validateIP drops what is not one address (IntelMQ issue 1720: the
// column sometimes holds 0.0.0.0 or a network).
func validateIP(v string, _ *ssRow) (string, bool, error) {
	t := strings.TrimSpace(v)
	if t == "0.0.0.0" || strings.IndexByte(t, '/') >= 0 {
		return "", false, nil
	}
	if _, err := netip.ParseAddr(t); err != nil {
		return "", false, nil
	}
	return t, true, nil
}

func validateNetwork(v string, _ *ssRow) (string, bool, error) {
	t := strings.TrimSpace(v)
	if strings.IndexByte(t, '/') < 0 {
		return "", false, nil
	}
	if _, err := netip.ParsePrefix(t); err != nil {
		return "", false, nil
	}
	return t, true, nil
}

func validateFQDN(v string, _ *ssRow) (string, bool, error) {
	var probe event.Event
	if strings.TrimSpace(v) == "" || probe.Set("source.fqdn", v) != nil {
		return "", false, nil
	}
	return v, true, nil
}

// convDate writes a time given in any of the layouts feeds use as RFC
// 3339; a time without a zone is UTC.
func convDate(v string, _ *ssRow) (string, bool, error) {
	if strings.TrimSpace(v) == "" {
		return "", false, nil
	}
	t, ok := looseTime(v)
	if !ok {
		return "", false, &convError{"convert_date", v}
	}
	return t.Format(time.RFC3339), true, nil
}

// forceBase64 leaves base64 as is and encodes anything else, so the
// column always holds base64.
func forceBase64(v string, _ *ssRow) (string, bool, error) {
	if v == "" {
		return "", false, nil
	}
	if _, err := base64.StdEncoding.DecodeString(v); err == nil {
		return v, true, nil
	}
	return base64.StdEncoding.EncodeToString([]byte(v)), true, nil
}

// scanExchange classifies a Scan-Exchange line by its tag: a web shell
// is a compromised system; otherwise the server is vulnerable. IntelMQ
// says "infected-system" for the latter, which is not a type of the
// "vulnerable" taxonomy it pairs it with in RSIT; "vulnerable-system" is.
func scanExchange(name string) ssConv {
	return func(v string, _ *ssRow) (string, bool, error) {
		shell := strings.TrimSpace(v) == "exchange;webshell"
		switch {
		case name == "scan_exchange_taxonomy" && shell:
			return "intrusions", true, nil
		case name == "scan_exchange_taxonomy":
			return "vulnerable", true, nil
		case name == "scan_exchange_type" && shell:
			return "system-compromise", true, nil
		case name == "scan_exchange_type":
			return "vulnerable-system", true, nil
		case shell:
			return "exchange-server-webshell", true, nil
		}
		return "vulnerable-exchange-server", true, nil
	}
}

// convHTTPHostAndURL joins a host column and a path column into a URL:
// reports split them, and name them differently (cc_dns or http_host or
// hostname or ip; url or http_url, holding a path or a whole request
// line).
func convHTTPHostAndURL(v string, row *ssRow) (string, bool, error) {
	c := row.cols
	host := ""
	for _, i := range []int{c.ccDNS, c.httpHost, c.hostname, c.ip} {
		// A network or a sentence in the column is no host to join.
		if h, _ := row.get(i); h != "" && strings.IndexAny(h, "/ \t") < 0 {
			host = h
			break
		}
	}
	p, ok := row.get(c.url)
	if !ok {
		p, _ = row.get(c.httpURL)
	}
	if host == "" || p == "" {
		return v, v != "", nil
	}
	// Drop a request line's method before the path and its protocol
	// after it ("GET /x HTTP/1.1").
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[i:]
	} else {
		p = ""
	}
	if i := strings.IndexAny(p, " \t\r\n"); i >= 0 {
		p = p[:i]
	}
	scheme := "http"
	if a, _ := row.get(c.application); a == "http" || a == "https" {
		scheme = a
	}
	return scheme + "://" + host + p, true, nil
}

func categoryOrDetail(v string, row *ssRow) (string, bool, error) {
	if c, _ := row.get(row.cols.category); c != "" {
		return c, true, nil
	}
	d, _ := row.get(row.cols.detail)
	return d, d != "", nil
}

// extractCVEFromTag keeps the CVE identifiers among a line's tags
// ("cve-2021-26855;exchange"), upper case, comma-separated.
func extractCVEFromTag(v string, _ *ssRow) (string, bool, error) {
	var out []byte
	rest := v
	for rest != "" {
		i := strings.IndexAny(rest, ";, |")
		tag := rest
		if i >= 0 {
			tag, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if isCVE(tag) {
			if out != nil {
				out = append(out, ',')
			}
			out = append(out, strings.ToUpper(tag)...)
		}
	}
	if out == nil {
		return "", false, nil
	}
	return string(out), true, nil
}

// isCVE matches CVE-YYYY-NNNN (four or more digits), any case.
func isCVE(s string) bool {
	if len(s) < 13 || !strings.EqualFold(s[:4], "cve-") || s[8] != '-' {
		return false
	}
	for i := 4; i < len(s); i++ {
		if i != 8 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}
