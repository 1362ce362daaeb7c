package directory

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/valid"
)

// dateLayout is the text form of every date of the directory (YYYY-MM-DD).
const dateLayout = "2006-01-02"

// fieldChecker collects the problems of one form. Each check appends at most
// one problem and ignores empty optional values.
type fieldChecker struct {
	es    valid.Errors
	today string
}

func (c *fieldChecker) required(field, v string) bool {
	if strings.TrimSpace(v) == "" {
		c.es.Add(field, "directory.required", "this field is required", nil)
		return false
	}
	return true
}

func (c *fieldChecker) maxLen(field, v string, max int) bool {
	if utf8.RuneCountInString(v) > max {
		c.es.Add(field, "directory.too_long", "at most "+strconv.Itoa(max)+" characters", map[string]any{"Max": max})
		return false
	}
	return true
}

// email accepts a bare address (no display name) with a dot in the domain,
// at most 254 characters (valid.IsEmail): directory addresses are for people
// in other countries to write to.
func (c *fieldChecker) email(field, v string) {
	if v == "" || !c.maxLen(field, v, 254) {
		return
	}
	if !valid.IsEmail(v) {
		c.es.Add(field, "directory.email", "not an e-mail address, e.g. cert@example.gob.mx", map[string]any{"Value": clip(v)})
	}
}

// website accepts an absolute http or https URL without credentials.
func (c *fieldChecker) website(field, v string) {
	if v == "" || !c.maxLen(field, v, 500) {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		c.es.Add(field, "directory.url", "not a web address: write it in full, e.g. https://cert.example.gob.mx/",
			map[string]any{"Value": clip(v)})
	}
}

// phone accepts international numbers as people write them (valid.IsPhone).
func (c *fieldChecker) phone(field, v string) {
	if v == "" {
		return
	}
	if !valid.IsPhone(v) {
		c.es.Add(field, "directory.phone", "not a phone number: use digits, spaces and a leading +, e.g. +52 55 5555 0100",
			map[string]any{"Value": clip(v)})
	}
}

// date accepts a real calendar date as YYYY-MM-DD, not after today.
func (c *fieldChecker) date(field, v string) {
	if v == "" {
		return
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil || t.Format(dateLayout) != v {
		c.es.Add(field, "directory.date", "not a date: write YYYY-MM-DD, e.g. 2019-03-01", map[string]any{"Value": clip(v)})
		return
	}
	if v > c.today {
		c.es.Add(field, "directory.date_future", "this date is in the future", map[string]any{"Value": v})
	}
}

// timeZone accepts IANA names known to the embedded time zone database.
// "Local" is refused: it means the server's zone, not the team's.
func (c *fieldChecker) timeZone(field, v string) {
	if v == "" {
		return
	}
	if _, err := time.LoadLocation(v); err != nil || v == "Local" {
		c.es.Add(field, "directory.time_zone", "not a time zone: use an IANA name, e.g. America/Mexico_City",
			map[string]any{"Value": clip(v)})
	}
}

// oneOf reports a value outside a fixed list.
func (c *fieldChecker) oneOf(field, code string, ok bool, v string) {
	if !ok {
		c.es.Add(field, code, "not one of the allowed values", map[string]any{"Value": clip(v)})
	}
}
