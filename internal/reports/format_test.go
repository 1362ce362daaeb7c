package reports

import (
	"math"
	"testing"

	"atalaya/internal/assistance"
)

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		name     string
		lang     string
		minor    int64
		currency string
		want     string
	}{
		{"zero", "en", 0, "USD", "0.00 USD"},
		{"cents only", "en", 7, "USD", "0.07 USD"},
		{"grouped en", "en", 123456789, "USD", "1,234,567.89 USD"},
		{"four digits es ungrouped", "es", 123456, "EUR", "1234,56 EUR"},
		{"five digits es grouped", "es", 1234567, "EUR", "12.345,67 EUR"},
		{"four digits pt grouped", "pt", 123456, "BRL", "1.234,56 BRL"},
		{"fr no-break space", "fr", 123456789, "CAD", "1\u00a0234\u00a0567,89 CAD"},
		{"negative", "en", -12345, "USD", "-123.45 USD"},
		{"negative cents", "es", -5, "USD", "-0,05 USD"},
		{"lower-case code", "en", 100, " usd ", "1.00 USD"},
		{"no currency", "en", 100, "", "1.00"},
		{"smallest int64", "en", math.MinInt64, "USD", "-92,233,720,368,547,758.08 USD"},
		{"largest int64", "en", math.MaxInt64, "USD", "92,233,720,368,547,758.07 USD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := formatMoney(localizer(t, tc.lang), tc.minor, tc.currency); got != tc.want {
				t.Errorf("formatMoney(%d, %q) in %s = %q, want %q", tc.minor, tc.currency, tc.lang, got, tc.want)
			}
		})
	}
}

func TestStateName(t *testing.T) {
	l := localizer(t, "es")
	if got := stateName(l, "no_such_state"); got != "no_such_state" {
		t.Errorf("missing key: got %q, want the bare state", got)
	}
	for _, s := range assistance.States {
		got := stateName(l, s)
		if got == "" || got == "assistance.state."+string(s) {
			t.Errorf("state %s reads %q", s, got)
		}
		if key := "assistance.state." + string(s); l.T(key) != key && got != l.T(key) {
			t.Errorf("state %s reads %q, the catalog says %q", s, got, l.T(key))
		}
	}
}

func TestPrintable(t *testing.T) {
	g, err := newGlyphSet(fontTTFs()...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
	}{
		{"accents stay", "é ñ ç ã — “ ” €", "é ñ ç ã — “ ” €"},
		{"line breaks stay, tabs are spaces", "a\n\tb", "a\n b"},
		{"controls go", "a\x00b\rc\x1bd", "abcd"},
		{"invisible formatting goes", "a\u00adb\u200bc\ufeffd", "abcd"},
		{"narrow no-break space", "1\u202f234", "1\u00a0234"},
		{"thin space", "a\u2009b", "a b"},
		{"emoji replaced", "ok 🙂", "ok \uFFFD"},
		{"missing letter replaced", "漢", "\uFFFD"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := g.printable(tc.in); got != tc.want {
				t.Errorf("printable(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
