package reports

import (
	"strings"

	"atalaya/internal/i18n"
)

// formatMoney writes an amount of minor units with two decimals, the
// language's digit grouping and decimal mark, and the ISO 4217 code after
// it: "12,345.67 USD" (en), "12.345,67 USD" (es, pt), "12 345,67 USD" (fr).
// Every currency gets two decimals, as the program's donors all report in
// currencies of cents; the code stays so amounts are never read as one
// currency.
func formatMoney(l *i18n.Localizer, minor int64, currency string) string {
	sign := ""
	if minor < 0 {
		sign = "-"
	}
	// Split before negating: -minor overflows for the smallest int64.
	units, cents := minor/100, minor%100
	if units < 0 {
		units = -units
	}
	if cents < 0 {
		cents = -cents
	}
	var b strings.Builder
	b.WriteString(sign)
	b.WriteString(l.Number(units))
	b.WriteString(decimalMark(l.Lang()))
	b.WriteByte(byte('0' + cents/10))
	b.WriteByte(byte('0' + cents%10))
	if currency = strings.ToUpper(strings.TrimSpace(currency)); currency != "" {
		b.WriteString(" ")
		b.WriteString(currency)
	}
	return b.String()
}

// decimalMark is the decimal separator of lang (CLDR): a point in English,
// a comma in Spanish, Portuguese and French.
func decimalMark(lang string) string {
	if lang == "en" {
		return "."
	}
	return ","
}
