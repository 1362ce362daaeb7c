package reports

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"atalaya/internal/assistance"
)

// TestHTMLShowsTheData parses the page of the sample report in each
// language and reads the same figures the PDF test reads, each in its
// place: the totals table, the overview, the member state's section.
func TestHTMLShowsTheData(t *testing.T) {
	for _, want := range expectations {
		t.Run(want.lang, func(t *testing.T) {
			l := localizer(t, want.lang)
			doc := renderHTML(t, sampleReport(), want.lang)

			root := findAll(doc, byTag("html"))[0]
			if got := attr(root, "lang"); got != want.lang {
				t.Errorf("html lang = %q, want %q", got, want.lang)
			}
			title := l.T("reports.title", "Year", "2026")
			for _, tag := range []string{"title", "h1"} {
				if got := text(findAll(doc, byTag(tag))[0]); got != title {
					t.Errorf("<%s> = %q, want %q", tag, got, title)
				}
			}
			if !strings.Contains(title, want.titleWords) {
				t.Errorf("title %q is not in %s (lacks %q)", title, want.lang, want.titleWords)
			}
			if got := text(findAll(doc, func(n *html.Node) bool { return attr(n, "class") == "generated" })[0]); !strings.Contains(got, want.date) {
				t.Errorf("generated = %q, want the date %q", got, want.date)
			}

			totals := byID(doc, "totals")
			tables := findAll(totals, byTag("table"))
			if len(tables) != 3 {
				t.Fatalf("totals section has %d tables, want figures, funding and overview", len(tables))
			}
			wantRows(t, "totals", rows(tables[0]), [][]string{
				{l.T("reports.requests_received"), want.totalRequests},
				{l.T("reports.activities_delivered"), want.totalActivities},
				{l.T("reports.people_trained"), want.totalPeople},
			})
			wantRows(t, "total funding", rows(tables[1])[1:], [][]string{want.totalCanada[:], want.totalBID[:]})
			// The overview lists member states by name in the language:
			// Brazil before Mexico in all four.
			wantRows(t, "overview", rows(tables[2])[1:], [][]string{
				{want.brazil, "2", "4", want.brPeople},
				{want.mexico, "3", "7", want.mxPeople},
			})

			mx := byID(doc, "country-MX")
			if mx == nil {
				t.Fatal("no section country-MX")
			}
			if got := text(findAll(mx, byTag("h3"))[0]); got != want.mexico {
				t.Errorf("section heading = %q, want %q", got, want.mexico)
			}
			mxTables := findAll(mx, byTag("table"))
			wantRows(t, "MX figures", rows(mxTables[0]), [][]string{
				{l.T("reports.requests_received"), "3"},
				{l.T("reports.activities_delivered"), "7"},
				{l.T("reports.people_trained"), want.mxPeople},
			})
			wantRows(t, "MX funding", rows(mxTables[1])[1:], [][]string{want.mxCanada[:]})
			wantRows(t, "MX requests", rows(mxTables[2])[1:], [][]string{
				{"TA-2026-0001", "Secretaría de Seguridad y Protección Ciudadana", expectedState(l, assistance.Implementation)},
				{"TA-2026-0004", "Banco de México", expectedState(l, assistance.Submitted)},
				{"TA-2026-0009", "Guardia Nacional", expectedState(l, assistance.Declined)},
			})
			wantItems(t, "MX results", mx, "results", sampleReport().Countries[1].Results)
			wantItems(t, "MX challenges", mx, "challenges", sampleReport().Countries[1].Challenges)

			br := byID(doc, "country-BR")
			wantRows(t, "BR funding", rows(findAll(br, byTag("table"))[1])[1:], [][]string{want.brCanada[:], want.totalBID[:]})
			// Brazil has no open challenge: the page says so.
			if got := text(br); !strings.Contains(got, l.T("reports.no_challenges")) {
				t.Errorf("BR section does not say it has no challenges: %q", got)
			}
		})
	}
}

func wantRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("%s rows = %q, want %q", what, got, want)
	}
}

// wantItems checks the items of the list of that class under n.
func wantItems(t *testing.T, what string, n *html.Node, class string, want []string) {
	t.Helper()
	var got []string
	for _, ul := range findAll(n, func(c *html.Node) bool { return attr(c, "class") == class }) {
		for _, li := range findAll(ul, byTag("li")) {
			got = append(got, text(li))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// TestHTMLEscapes checks that text from the data stays text.
func TestHTMLEscapes(t *testing.T) {
	r := sampleReport()
	r.Countries[0].Results = []string{`<script>alert("x")</script><b>bold</b>`}
	doc := renderHTML(t, r, "en")
	if n := len(findAll(doc, byTag("script"))) + len(findAll(doc, byTag("b"))); n != 0 {
		t.Fatalf("%d elements came out of a result's text", n)
	}
	wantItems(t, "BR results", byID(doc, "country-BR"), "results", r.Countries[0].Results)
}

// TestCountryOrder checks that member states come in the alphabetical
// order of their names in the reader's language, not of their codes.
func TestCountryOrder(t *testing.T) {
	r := withTotals(assistance.AnnualReport{Year: 2026, Countries: []assistance.CountryReport{
		{Country: "DO"}, {Country: "MX"}, {Country: "EC"},
	}})
	tests := []struct {
		lang string
		want []string
	}{
		{"en", []string{"Dominican Republic", "Ecuador", "Mexico"}},
		{"es", []string{"Ecuador", "México", "República Dominicana"}},
		{"fr", []string{"Équateur", "Mexique", "République dominicaine"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			doc := renderHTML(t, r, tc.lang)
			var got []string
			for _, a := range findAll(doc, byTag("article")) {
				got = append(got, text(findAll(a, byTag("h3"))[0]))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("order = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestEmptyReport checks a year without requests: zero totals and a
// sentence instead of member states, in both renderings.
func TestEmptyReport(t *testing.T) {
	r := assistance.AnnualReport{Year: 2025}
	l := localizer(t, "pt")
	none := l.T("reports.no_countries", "Year", "2025")
	if strings.Contains(none, "{{") || none == "reports.no_countries" {
		t.Fatalf("message not rendered: %q", none)
	}
	t.Run("html", func(t *testing.T) {
		doc := renderHTML(t, r, "pt")
		if got := text(doc); !strings.Contains(got, none) {
			t.Errorf("page lacks %q: %q", none, got)
		}
		if n := len(findAll(doc, byTag("article"))); n != 0 {
			t.Errorf("%d member state sections in an empty report", n)
		}
		if len(findAll(doc, func(n *html.Node) bool { return attr(n, "class") == "generated" })) != 0 {
			t.Errorf("a report without a date says when it was generated")
		}
		wantRows(t, "totals", rows(findAll(byID(doc, "totals"), byTag("table"))[0]), [][]string{
			{l.T("reports.requests_received"), "0"},
			{l.T("reports.activities_delivered"), "0"},
			{l.T("reports.people_trained"), "0"},
		})
	})
	t.Run("pdf", func(t *testing.T) {
		got := spaced(pdfText(t, renderPDF(t, r, "pt")))
		for _, s := range []string{none, l.T("reports.no_funding"), "Página 1 de 1"} {
			if !strings.Contains(got, s) {
				t.Errorf("PDF lacks %q: %q", s, got)
			}
		}
	})
}
