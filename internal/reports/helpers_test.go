package reports

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
	"atalaya/internal/reports/reportstest"
)

// catalogs are the real catalogs, parsed once for all the tests: a
// Bundle is read-only.
var catalogs = sync.OnceValues(i18n.New)

// localizer returns the localizer of lang over the real catalogs.
func localizer(t *testing.T, lang string) *i18n.Localizer {
	t.Helper()
	b, err := catalogs()
	if err != nil {
		t.Fatalf("i18n.New: %v", err)
	}
	l := b.For(lang)
	if l.Lang() != lang {
		t.Fatalf("no localizer for %q", lang)
	}
	return l
}

// generated is the sample report's date: 23 November 2026.
var generated = time.Date(2026, time.November, 23, 14, 5, 0, 0, time.UTC)

// sampleReport is two member states' year, with totals summed from them as
// package assistance sums them, and figures chosen so that no total equals
// a country's figure.
func sampleReport() assistance.AnnualReport {
	mx := assistance.CountryReport{
		Country:             "MX",
		RequestsReceived:    3,
		ActivitiesDelivered: 7,
		PeopleTrained:       12000,
		Results: []string{
			"Se estableció el equipo nacional de respuesta a incidentes con guardia permanente.",
			"Capacitación en análisis forense para técnicos de la Secretaría.",
		},
		Challenges: []string{"Financiamiento sostenible del equipo después de 2027."},
		Funding: []assistance.DonorAmount{
			{Donor: "Government of Canada", Currency: "USD", Pledged: 12345678, Received: 5000000},
		},
		Requests: []assistance.Summary{
			{Number: "TA-2026-0001", Institution: "Secretaría de Seguridad y Protección Ciudadana", State: assistance.Implementation},
			{Number: "TA-2026-0004", Institution: "Banco de México", State: assistance.Submitted},
			{Number: "TA-2026-0009", Institution: "Guardia Nacional", State: assistance.Declined},
		},
	}
	br := assistance.CountryReport{
		Country:             "BR",
		RequestsReceived:    2,
		ActivitiesDelivered: 4,
		PeopleTrained:       345,
		Results:             []string{"Estratégia nacional de segurança cibernética aprovada."},
		Funding: []assistance.DonorAmount{
			{Donor: "Government of Canada", Currency: "USD", Pledged: 1000000, Received: 1000000},
			{Donor: "Banco Interamericano de Desarrollo", Currency: "EUR", Pledged: 250000, Received: 0},
		},
		Requests: []assistance.Summary{
			{Number: "TA-2026-0002", Institution: "Gabinete de Segurança Institucional", State: assistance.FollowUp},
			{Number: "TA-2026-0003", Institution: "", State: assistance.Closed},
		},
	}
	return withTotals(assistance.AnnualReport{
		Year:      2026,
		Generated: generated,
		Countries: []assistance.CountryReport{br, mx},
	})
}

// withTotals sums r's countries into its totals.
func withTotals(r assistance.AnnualReport) assistance.AnnualReport {
	r.Totals = assistance.ReportTotals{}
	type key struct{ donor, currency string }
	index := map[key]int{}
	for _, c := range r.Countries {
		r.Totals.RequestsReceived += c.RequestsReceived
		r.Totals.ActivitiesDelivered += c.ActivitiesDelivered
		r.Totals.PeopleTrained += c.PeopleTrained
		for _, f := range c.Funding {
			k := key{f.Donor, f.Currency}
			i, ok := index[k]
			if !ok {
				i = len(r.Totals.Funding)
				index[k] = i
				r.Totals.Funding = append(r.Totals.Funding, assistance.DonorAmount{Donor: f.Donor, Currency: f.Currency})
			}
			r.Totals.Funding[i].Pledged += f.Pledged
			r.Totals.Funding[i].Received += f.Received
		}
	}
	return r
}

// renderPDF renders r in lang and returns the PDF.
func renderPDF(t *testing.T, r assistance.AnnualReport, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := PDF(&buf, r, localizer(t, lang)); err != nil {
		t.Fatalf("PDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("PDF output starts with %q", buf.Bytes()[:min(buf.Len(), 16)])
	}
	return buf.Bytes()
}

// pdfText is the text of pdf as pdftotext reads it.
func pdfText(t *testing.T, pdf []byte) string { return reportstest.PDFText(t, pdf) }

// spaced turns every run of white space (line breaks, no-break spaces) into
// one space, so text that wrapped or uses typographic spaces compares with
// its source.
func spaced(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// lineMatching reports whether one line of text matches the expression.
func lineMatching(text, expr string) bool {
	re := regexp.MustCompile(expr)
	for _, line := range strings.Split(text, "\n") {
		if re.MatchString(spaced(line)) {
			return true
		}
	}
	return false
}

// renderHTML renders r in lang and parses the page.
func renderHTML(t *testing.T, r assistance.AnnualReport, lang string) *html.Node {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, r, localizer(t, lang)); err != nil {
		t.Fatalf("HTML: %v", err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatalf("parsing the page: %v", err)
	}
	return doc
}

// findAll returns the elements under n that match.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

// byTag matches elements by tag name.
func byTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

// byID returns the element of that id, or nil.
func byID(n *html.Node, id string) *html.Node {
	found := findAll(n, func(c *html.Node) bool { return attr(c, "id") == id })
	if len(found) == 0 {
		return nil
	}
	return found[0]
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// text is the text content of n, white space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
	}
	return spaced(b.String())
}

// rows returns the text of each cell of each row of the table.
func rows(table *html.Node) [][]string {
	var out [][]string
	for _, tr := range findAll(table, byTag("tr")) {
		var cells []string
		for _, c := range findAll(tr, func(n *html.Node) bool { return n.Data == "td" || n.Data == "th" }) {
			cells = append(cells, text(c))
		}
		out = append(out, cells)
	}
	return out
}
