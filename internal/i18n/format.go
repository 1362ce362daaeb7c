package i18n

import (
	"strconv"
	"time"
)

// dateStyle is how one language writes a medium date, after CLDR's medium
// date pattern and abbreviated month names (format context) for it.
type dateStyle struct {
	months [12]string
	// date joins day, month name and year.
	date func(day int, month string, year int) string
	// minGrouping is CLDR's minimumGroupingDigits: Spanish writes 1234 but
	// 12.345, so grouping starts only at 10 000 there.
	minGrouping int
}

// dateStyles holds the style of every supported language.
var dateStyles = map[string]dateStyle{
	"en": {
		months:      [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		date:        dayMonthYear,
		minGrouping: 1,
	},
	"es": {
		months:      [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
		date:        dayMonthYear,
		minGrouping: 2,
	},
	"pt": {
		months: [12]string{"jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."},
		date: func(day int, month string, year int) string {
			return strconv.Itoa(day) + " de " + month + " de " + strconv.Itoa(year)
		},
		minGrouping: 1,
	},
	"fr": {
		months:      [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
		date:        dayMonthYear,
		minGrouping: 1,
	},
}

func dayMonthYear(day int, month string, year int) string {
	return strconv.Itoa(day) + " " + month + " " + strconv.Itoa(year)
}

// Date writes the day of t in l's language: "23 Nov 2026", "23 nov 2026",
// "23 de nov. de 2026", "23 nov. 2026". It uses t's own location; callers
// convert to the reader's zone first.
func (l *Localizer) Date(t time.Time) string {
	return l.style.date(t.Day(), l.style.months[t.Month()-1], t.Year())
}

// DateTime writes t as Date followed by a 24-hour time, "23 Nov 2026,
// 14:05". The 24-hour clock is the norm in es, pt and fr and is what
// incident handlers across time zones read without ambiguity in English
// too.
func (l *Localizer) DateTime(t time.Time) string {
	return l.Date(t) + ", " + t.Format("15:04")
}

// Number writes n with the language's digit grouping: 1,234,567 (en),
// 1.234.567 (es, pt), 1 234 567 (fr, with no-break spaces so a number never
// wraps), and 1234 but 12.345 in Spanish.
func (l *Localizer) Number(n int64) string {
	if l.style.minGrouping > 1 && n > -10000 && n < 10000 {
		return strconv.FormatInt(n, 10)
	}
	return l.printer.Sprintf("%d", n)
}
