package assistance

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/valid"
)

// dayLayout is the text form of every date of the package (YYYY-MM-DD).
// Days compare as text, which the overlap and report queries rely on.
const dayLayout = "2006-01-02"

// Lengths of free text, in characters.
const (
	shortText = 200   // names, titles, places
	longText  = 10000 // descriptions, findings, reports
)

// checker collects the problems of one input. Each check adds at most one
// problem and (except required) ignores empty values.
type checker struct{ es valid.Errors }

func (c *checker) add(field, code, message string, args map[string]any) {
	c.es.Add(field, "assistance."+code, message, args)
}

func (c *checker) err() error { return c.es.Err() }

func (c *checker) required(field, v string) bool {
	if strings.TrimSpace(v) == "" {
		c.add(field, "required", "this field is required", nil)
		return false
	}
	return true
}

func (c *checker) maxLen(field, v string, max int) bool {
	if utf8.RuneCountInString(v) > max {
		c.add(field, "too_long", "at most "+strconv.Itoa(max)+" characters", map[string]any{"Max": max})
		return false
	}
	return true
}

// text checks the length of free text and, when need, its presence.
func (c *checker) text(field, v string, max int, need bool) {
	if need && !c.required(field, v) {
		return
	}
	c.maxLen(field, v, max)
}

// email accepts a bare address with a dot in the domain (valid.IsEmail),
// at most 254 characters.
func (c *checker) email(field, v string) {
	if v == "" || !c.maxLen(field, v, 254) {
		return
	}
	if !valid.IsEmail(v) {
		c.add(field, "email", fmt.Sprintf("%q is not an e-mail address, e.g. cert@example.org", clip(v)),
			map[string]any{"Value": clip(v)})
	}
}

// phone accepts international numbers as people write them (valid.IsPhone).
func (c *checker) phone(field, v string) {
	if v == "" {
		return
	}
	if !valid.IsPhone(v) {
		c.add(field, "phone", fmt.Sprintf("%q is not a phone number: use digits, spaces and a leading +", clip(v)),
			map[string]any{"Value": clip(v)})
	}
}

// day checks a calendar date as YYYY-MM-DD and reports whether it is one.
func (c *checker) day(field, v string, need bool) bool {
	if v == "" {
		if need {
			c.required(field, v)
		}
		return false
	}
	if !isDay(v) {
		c.add(field, "date", fmt.Sprintf("%q is not a date: write YYYY-MM-DD, e.g. 2027-03-01", clip(v)),
			map[string]any{"Value": clip(v)})
		return false
	}
	return true
}

// span checks a start and an end day, the end not before the start.
func (c *checker) span(prefix, start, end string, need bool) {
	okStart := c.day(prefix+"start", start, need)
	okEnd := c.day(prefix+"end", end, need)
	if okStart && okEnd && end < start {
		c.add(prefix+"end", "date_order", "the end cannot be before the start", nil)
	}
}

// money checks an amount in minor units and its ISO 4217 currency: a
// currency is needed whenever there is an amount, and positive when need.
func (c *checker) money(field string, m Money, need bool) {
	switch {
	case m.Amount < 0:
		c.add(field+".amount", "amount", "an amount cannot be negative", nil)
	case need && m.Amount == 0:
		c.add(field+".amount", "amount_required", "give the amount, more than zero, at this step", nil)
	}
	if m.Currency == "" && m.Amount == 0 && !need {
		return
	}
	if !isCurrency(m.Currency) {
		c.add(field+".currency", "currency",
			fmt.Sprintf("%q is not a currency code: use ISO 4217, three capital letters, e.g. USD", clip(m.Currency)),
			map[string]any{"Value": clip(m.Currency)})
	}
}

// oneOf reports a value outside a fixed list.
func (c *checker) oneOf(field, code string, ok bool, v string) {
	if !ok {
		c.add(field, code, fmt.Sprintf("%q is not one of the allowed values", clip(v)), map[string]any{"Value": clip(v)})
	}
}

func isDay(v string) bool {
	t, err := time.Parse(dayLayout, v)
	return err == nil && t.Format(dayLayout) == v
}

// dayTime is the midnight (UTC) starting day v; the zero time when v is
// not a date.
func dayTime(v string) time.Time {
	t, err := time.Parse(dayLayout, v)
	if err != nil {
		return time.Time{}
	}
	return t
}

func isCurrency(v string) bool {
	if len(v) != 3 {
		return false
	}
	for _, r := range v {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// clip shortens a value quoted back in a message.
func clip(v string) string {
	if utf8.RuneCountInString(v) <= 60 {
		return v
	}
	return string([]rune(v)[:60]) + "…"
}

// indexed names an element of a list field: support[1].priority.
func indexed(list string, i int, field string) string {
	s := list + "[" + strconv.Itoa(i) + "]"
	if field != "" {
		s += "." + field
	}
	return s
}
