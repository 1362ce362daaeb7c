// Package reports renders the annual report of technical assistance to the
// Global Forum on Cyber Expertise (GFCE) in a reader's language, as a
// standalone HTML page and as a PDF.
//
// Both renderings are laid out from one document built here, with every
// label translated and every number already formatted, so the page and the
// PDF cannot disagree on a figure. The figures themselves are counted by
// package assistance; this package only writes them down.
package reports

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"atalaya/internal/assistance"
	"atalaya/internal/directory"
	"atalaya/internal/i18n"
)

// errNoLocalizer is returned by HTML and PDF when called without a
// language to write in.
var errNoLocalizer = errors.New("reports: no localizer given")

// document is an annual report ready to lay out: text only.
type document struct {
	Lang       string
	Title      string
	ShortTitle string // for page footers
	Generated  string // "Generated on …", "" when the report has no date
	Note       string
	Labels     labels
	Totals     []figure
	Funding    fundingTable
	Countries  []countrySection // also the rows of the overview table
	NoCountry  string           // said instead of the sections when there is none
}

// labels are the headings and column names, translated.
type labels struct {
	Totals, Funding, Overview, MemberState, Countries    string
	RequestsReceived, ActivitiesDelivered, PeopleTrained string
	Results, NoResults, Challenges, NoChallenges         string
	Requests, Number, Institution, State, NoRequests     string
}

// figure is one labelled number.
type figure struct {
	Label, Value string
}

// fundingTable is a funding table with its column names, so that one
// template and one PDF routine draw it wherever it appears.
type fundingTable struct {
	Donor, Pledged, Received string
	None                     string // said instead of an empty table
	Rows                     []fundingRow
}

// fundingRow is one donor in one currency.
type fundingRow struct {
	Donor, Pledged, Received string
}

// countrySection is one member state's part of the report.
type countrySection struct {
	Code, Name string
	Figures    []figure
	Results    []string
	Challenges []string
	Funding    fundingTable
	Requests   []requestRow
}

// requestRow is one request of a member state.
type requestRow struct {
	Number, Institution, State string
}

// newDocument writes r down in l's language. Countries come in the
// alphabetical order of their names in that language, as a reader looks
// them up; r itself is not changed.
func newDocument(r assistance.AnnualReport, l *i18n.Localizer) document {
	year := strconv.Itoa(r.Year) // a year is never grouped: 2026, not 2,026
	d := document{
		Lang:       l.Lang(),
		Title:      l.T("reports.title", "Year", year),
		ShortTitle: l.T("reports.short_title", "Year", year),
		Note:       l.T("reports.note"),
		Labels:     newLabels(l, year),
		Totals: counts(l, r.Totals.RequestsReceived, r.Totals.ActivitiesDelivered,
			r.Totals.PeopleTrained),
		Funding: newFundingTable(l, r.Totals.Funding),
	}
	if !r.Generated.IsZero() {
		d.Generated = l.T("reports.generated", "Date", l.Date(r.Generated))
	}
	for _, c := range r.Countries {
		d.Countries = append(d.Countries, newCountrySection(c, l))
	}
	sortByName(d.Countries, l.Lang())
	if len(d.Countries) == 0 {
		d.NoCountry = l.T("reports.no_countries", "Year", year)
	}
	return d
}

func newLabels(l *i18n.Localizer, year string) labels {
	return labels{
		Totals:              l.T("reports.totals"),
		Funding:             l.T("reports.funding"),
		Overview:            l.T("reports.overview"),
		MemberState:         l.T("reports.member_state"),
		Countries:           l.T("reports.countries"),
		RequestsReceived:    l.T("reports.requests_received"),
		ActivitiesDelivered: l.T("reports.activities_delivered"),
		PeopleTrained:       l.T("reports.people_trained"),
		Results:             l.T("reports.results"),
		NoResults:           l.T("reports.no_results"),
		Challenges:          l.T("reports.challenges"),
		NoChallenges:        l.T("reports.no_challenges"),
		Requests:            l.T("reports.requests", "Year", year),
		Number:              l.T("reports.number"),
		Institution:         l.T("reports.institution"),
		State:               l.T("reports.state"),
		NoRequests:          l.T("reports.no_requests"),
	}
}

// counts labels the three counts the report gives for the year and for
// each member state, in the order of the overview table's columns.
func counts(l *i18n.Localizer, requests, activities, people int) []figure {
	return []figure{
		{l.T("reports.requests_received"), l.Number(int64(requests))},
		{l.T("reports.activities_delivered"), l.Number(int64(activities))},
		{l.T("reports.people_trained"), l.Number(int64(people))},
	}
}

func newCountrySection(c assistance.CountryReport, l *i18n.Localizer) countrySection {
	s := countrySection{
		Code:       c.Country,
		Name:       countryName(c.Country, l.Lang()),
		Figures:    counts(l, c.RequestsReceived, c.ActivitiesDelivered, c.PeopleTrained),
		Results:    nonEmpty(c.Results),
		Challenges: nonEmpty(c.Challenges),
		Funding:    newFundingTable(l, c.Funding),
	}
	for _, q := range c.Requests {
		s.Requests = append(s.Requests, requestRow{
			Number:      q.Number,
			Institution: orDash(q.Institution),
			State:       stateName(l, q.State),
		})
	}
	return s
}

func newFundingTable(l *i18n.Localizer, amounts []assistance.DonorAmount) fundingTable {
	t := fundingTable{
		Donor:    l.T("reports.donor"),
		Pledged:  l.T("reports.pledged"),
		Received: l.T("reports.received"),
		None:     l.T("reports.no_funding"),
	}
	for _, a := range amounts {
		t.Rows = append(t.Rows, fundingRow{
			Donor:    orDash(a.Donor),
			Pledged:  formatMoney(l, a.Pledged, a.Currency),
			Received: formatMoney(l, a.Received, a.Currency),
		})
	}
	return t
}

// countryName is the member state's name in lang; a code that is not a
// member state's is shown as it is rather than hidden, so a figure is
// never lost from the report.
func countryName(code, lang string) string {
	if m, ok := directory.LookupMemberState(code); ok {
		return m.Name(lang)
	}
	return orDash(code)
}

// sortByName orders the sections by name with the language's collation
// (so "Éire" would sort with the E's), falling back to the code between
// equal names.
func sortByName(sections []countrySection, lang string) {
	c := collate.New(language.Make(lang))
	slices.SortStableFunc(sections, func(a, b countrySection) int {
		if n := c.CompareString(a.Name, b.Name); n != 0 {
			return n
		}
		return strings.Compare(a.Code, b.Code)
	})
}

// stateName is the translated name of a request's state. The names live in
// the assistance catalog; should a key be missing, the bare state reads
// better in a report than the key.
func stateName(l *i18n.Localizer, s assistance.State) string {
	key := "assistance.state." + string(s)
	if name := l.T(key); name != key {
		return name
	}
	return string(s)
}

// nonEmpty drops blank entries of a list, trimming the others.
func nonEmpty(items []string) []string {
	var out []string
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

func orDash(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "—"
	}
	return s
}
