package ui

import (
	"strconv"
	"strings"

	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
	"atalaya/internal/valid"
)

// Amounts are kept in minor units (cents); the forms read and the pages
// show them with two decimals, which fits the currencies donors give in
// (USD, EUR, CAD, GBP). A currency without minor units is still typed as
// whole units and shown with ",00".

// formatMoney shows m in the reader's language: "1,500.00 USD" in English,
// "1.500,00 USD" in Spanish. The zero amount without a currency is "".
func formatMoney(l *i18n.Localizer, m assistance.Money) string {
	if m.Amount == 0 && m.Currency == "" {
		return ""
	}
	return l.T("assistanceui.money", "Amount", formatMinor(l, m.Amount), "Currency", m.Currency)
}

// formatMinor writes minor units with the language's separators.
func formatMinor(l *i18n.Localizer, n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	frac := strconv.FormatInt(n%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + l.Number(n/100) + l.T("assistanceui.decimal_separator") + frac
}

// moneyInput writes minor units as a form shows them back: "1500.00".
func moneyInput(m assistance.Money) string {
	if m.Amount == 0 && m.Currency == "" {
		return ""
	}
	n, sign := m.Amount, ""
	if n < 0 {
		sign, n = "-", -n
	}
	frac := strconv.FormatInt(n%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + strconv.FormatInt(n/100, 10) + "." + frac
}

// maxMajorUnits bounds an amount typed in a form, far above any program
// budget and far below int64 overflow in minor units.
const maxMajorUnits = 1_000_000_000_000

// parseMoney reads an amount typed in a form and its currency. The last
// "." or "," followed by one or two digits is the decimal separator;
// other separators and spaces group thousands ("1,500.50", "1.500,50",
// "1 500"). An empty amount is the zero Money (nothing given), whatever
// the currency says. The currency is upper-cased and left for the domain
// to check, which names it.
func parseMoney(field, amount, currency string) (assistance.Money, error) {
	amount = strings.TrimSpace(amount)
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if amount == "" {
		return assistance.Money{}, nil
	}
	bad := valid.New(field, "assistanceui.amount",
		"Give an amount such as 1500 or 1500.50, without the currency.", nil)
	whole, frac := amount, ""
	if i := strings.LastIndexAny(amount, ".,"); i >= 0 && len(amount)-i-1 <= 2 {
		whole, frac = amount[:i], amount[i+1:]
		if frac == "" {
			return assistance.Money{}, bad
		}
	}
	whole = strings.NewReplacer(",", "", ".", "", " ", "", "\u00a0", "", "\u202f", "").Replace(whole)
	if whole == "" {
		whole = "0"
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || f < 0 || w > maxMajorUnits || strings.HasPrefix(frac, "+") ||
		strings.ContainsAny(whole, "+-") {
		return assistance.Money{}, bad
	}
	return assistance.Money{Amount: w*100 + f, Currency: currency}, nil
}
