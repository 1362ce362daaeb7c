package reports

import (
	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
)

// expectation is what a reader of sampleReport must find in a language,
// written out by hand: names, dates and every figure as the language
// writes it (after spaced: no-break spaces read as spaces).
type expectation struct {
	lang       string
	titleWords string // a phrase only that language's title has
	date       string
	mexico     string
	brazil     string
	// Totals and per-country figures.
	totalRequests, totalActivities, totalPeople string
	mxPeople, brPeople                          string
	// Funding rows: donor, pledged, received.
	totalCanada, totalBID, mxCanada, brCanada [3]string
}

var expectations = []expectation{
	{
		lang: "en", titleWords: "annual report to the Global Forum on Cyber Expertise 2026",
		date: "23 Nov 2026", mexico: "Mexico", brazil: "Brazil",
		totalRequests: "5", totalActivities: "11", totalPeople: "12,345",
		mxPeople: "12,000", brPeople: "345",
		totalCanada: [3]string{"Government of Canada", "133,456.78 USD", "60,000.00 USD"},
		totalBID:    [3]string{"Banco Interamericano de Desarrollo", "2,500.00 EUR", "0.00 EUR"},
		mxCanada:    [3]string{"Government of Canada", "123,456.78 USD", "50,000.00 USD"},
		brCanada:    [3]string{"Government of Canada", "10,000.00 USD", "10,000.00 USD"},
	},
	{
		lang: "es", titleWords: "informe anual al Foro Global sobre Experiencia Cibernética 2026",
		date: "23 nov 2026", mexico: "México", brazil: "Brasil",
		totalRequests: "5", totalActivities: "11", totalPeople: "12.345",
		mxPeople: "12.000", brPeople: "345",
		// Spanish groups digits from five on: 2500,00 but 10.000,00.
		totalCanada: [3]string{"Government of Canada", "133.456,78 USD", "60.000,00 USD"},
		totalBID:    [3]string{"Banco Interamericano de Desarrollo", "2500,00 EUR", "0,00 EUR"},
		mxCanada:    [3]string{"Government of Canada", "123.456,78 USD", "50.000,00 USD"},
		brCanada:    [3]string{"Government of Canada", "10.000,00 USD", "10.000,00 USD"},
	},
	{
		lang: "pt", titleWords: "relatório anual ao Fórum Global de Especialização Cibernética 2026",
		date: "23 de nov. de 2026", mexico: "México", brazil: "Brasil",
		totalRequests: "5", totalActivities: "11", totalPeople: "12.345",
		mxPeople: "12.000", brPeople: "345",
		totalCanada: [3]string{"Government of Canada", "133.456,78 USD", "60.000,00 USD"},
		totalBID:    [3]string{"Banco Interamericano de Desarrollo", "2.500,00 EUR", "0,00 EUR"},
		mxCanada:    [3]string{"Government of Canada", "123.456,78 USD", "50.000,00 USD"},
		brCanada:    [3]string{"Government of Canada", "10.000,00 USD", "10.000,00 USD"},
	},
	{
		lang: "fr", titleWords: "rapport annuel au Forum mondial sur la cyberexpertise 2026",
		date: "23 nov. 2026", mexico: "Mexique", brazil: "Brésil",
		totalRequests: "5", totalActivities: "11", totalPeople: "12 345",
		mxPeople: "12 000", brPeople: "345",
		totalCanada: [3]string{"Government of Canada", "133 456,78 USD", "60 000,00 USD"},
		totalBID:    [3]string{"Banco Interamericano de Desarrollo", "2 500,00 EUR", "0,00 EUR"},
		mxCanada:    [3]string{"Government of Canada", "123 456,78 USD", "50 000,00 USD"},
		brCanada:    [3]string{"Government of Canada", "10 000,00 USD", "10 000,00 USD"},
	},
}

// expectedState is how a request's state should read: its name from the
// assistance catalog, or the bare state while that catalog lacks it.
func expectedState(l *i18n.Localizer, s assistance.State) string {
	key := "assistance.state." + string(s)
	if name := l.T(key); name != key {
		return name
	}
	return string(s)
}
