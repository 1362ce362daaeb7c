package reports

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"atalaya/internal/assistance"
	"atalaya/internal/directory"
)

// TestPDFShowsTheData reads the PDF of the sample report back with
// pdftotext in each language: title, date, member state names, every
// total, every country's figures, every donor amount, the requests.
func TestPDFShowsTheData(t *testing.T) {
	for _, want := range expectations {
		t.Run(want.lang, func(t *testing.T) {
			l := localizer(t, want.lang)
			got := pdfText(t, renderPDF(t, sampleReport(), want.lang))
			flat := spaced(got)
			for _, s := range []string{
				spaced(l.T("reports.title", "Year", "2026")), want.titleWords, want.date,
				want.mexico, want.brazil,
				"Se estableció el equipo nacional de respuesta a incidentes con guardia permanente.",
				"Financiamiento sostenible del equipo después de 2027.",
				"Estratégia nacional de segurança cibernética aprovada.",
			} {
				if !strings.Contains(flat, s) {
					t.Errorf("PDF text lacks %q:\n%s", s, got)
				}
			}
			lines := []string{
				// The year's totals.
				l.T("reports.requests_received") + " " + want.totalRequests,
				l.T("reports.activities_delivered") + " " + want.totalActivities,
				l.T("reports.people_trained") + " " + want.totalPeople,
				// The overview: name, requests, activities, people.
				want.mexico + " 3 7 " + want.mxPeople,
				want.brazil + " 2 4 " + want.brPeople,
				// Funding rows.
				strings.Join(want.totalCanada[:], " "),
				strings.Join(want.totalBID[:], " "),
				strings.Join(want.mxCanada[:], " "),
				strings.Join(want.brCanada[:], " "),
				// Requests with their state.
				"TA-2026-0004 Banco de México " + expectedState(l, assistance.Submitted),
				"TA-2026-0009 Guardia Nacional " + expectedState(l, assistance.Declined),
				"TA-2026-0003 — " + expectedState(l, assistance.Closed),
			}
			for _, line := range lines {
				if !lineMatching(got, `(^| )`+regexp.QuoteMeta(spaced(line))+`( |$)`) {
					t.Errorf("no line of the PDF reads %q:\n%s", line, got)
				}
			}
		})
	}
}

// TestPDFTitleTranslated checks that each language's PDF carries its own
// title and not the English one.
func TestPDFTitleTranslated(t *testing.T) {
	english := spaced(localizer(t, "en").T("reports.title", "Year", "2026"))
	for _, want := range expectations {
		t.Run(want.lang, func(t *testing.T) {
			got := spaced(pdfText(t, renderPDF(t, sampleReport(), want.lang)))
			if !strings.Contains(got, want.titleWords) {
				t.Errorf("PDF in %s lacks the title words %q:\n%s", want.lang, want.titleWords, got)
			}
			if want.lang != "en" && strings.Contains(got, english) {
				t.Errorf("PDF in %s has the English title", want.lang)
			}
		})
	}
}

// TestPDFManyCountries lays out forty member states' worth of long
// results: pages break, every page has its footer with the right count,
// long texts wrap and nothing is lost.
func TestPDFManyCountries(t *testing.T) {
	r := manyCountries()
	got := pdfText(t, renderPDF(t, r, "es"))
	pages := strings.Count(got, "\f")
	if pages < 10 {
		t.Fatalf("40 member states with long results fit on %d pages", pages)
	}
	for n := 1; n <= pages; n++ {
		footer := fmt.Sprintf("Página %d de %d", n, pages)
		if !strings.Contains(got, footer) {
			t.Errorf("no footer %q", footer)
		}
	}
	flat := spaced(got)
	for _, c := range r.Countries {
		name := c.Country
		if m, ok := directory.LookupMemberState(c.Country); ok {
			name = m.Name("es")
		}
		if !strings.Contains(flat, name) {
			t.Errorf("member state %s (%s) missing", c.Country, name)
		}
		long := c.Results[len(c.Results)-1]
		if !inOrder(strings.Fields(got), strings.Fields(long)) {
			t.Errorf("the long result of %s is not all there", c.Country)
		}
		// Wrapped: the line with its first word does not hold its last.
		first, last := "inicio-"+c.Country, "fin-"+c.Country
		for _, line := range strings.Split(got, "\n") {
			if strings.Contains(line, first) && strings.Contains(line, last) {
				t.Errorf("the long result of %s did not wrap: %q", c.Country, line)
			}
		}
		if !strings.Contains(flat, c.Challenges[0]) {
			t.Errorf("challenge of %s missing", c.Country)
		}
	}
	// No heading is left alone at the foot of a page.
	l := localizer(t, "es")
	headings := []string{l.T("reports.results"), l.T("reports.challenges"), l.T("reports.funding"),
		l.T("reports.requests", "Year", "2026"), l.T("reports.countries"), l.T("reports.overview")}
	for i, page := range strings.Split(got, "\f")[:pages] {
		var lines []string
		for _, line := range strings.Split(page, "\n") {
			if line = spaced(line); line != "" {
				lines = append(lines, line)
			}
		}
		if len(lines) < 2 {
			t.Errorf("page %d is empty", i+1)
			continue
		}
		last := lines[len(lines)-2] // the last before the footer
		if slices.Contains(headings, last) || slices.ContainsFunc(r.Countries, func(c assistance.CountryReport) bool {
			m, _ := directory.LookupMemberState(c.Country)
			return last == m.Name("es") || last == c.Country
		}) {
			t.Errorf("page %d ends with the heading %q", i+1, last)
		}
	}
	if !lineMatching(got, `Personas capacitadas `+regexp.QuoteMeta(l.Number(int64(r.Totals.PeopleTrained)))+`$`) {
		t.Errorf("total of people trained missing")
	}
}

// manyCountries is a report of the 35 member states and five more codes
// (private-use ones, shown as they are), each with results long enough to
// wrap over many lines.
func manyCountries() assistance.AnnualReport {
	var codes []string
	for _, m := range directory.MemberStates() {
		codes = append(codes, m.Code)
	}
	codes = append(codes, "QM", "QN", "QO", "QP", "QQ")
	r := assistance.AnnualReport{Year: 2026, Generated: generated}
	for i, code := range codes {
		long := "inicio-" + code + " " + strings.Repeat("Se fortalecieron las capacidades de respuesta a incidentes y de gestión de crisis del equipo nacional. ", 8) + "fin-" + code
		c := assistance.CountryReport{
			Country:             code,
			RequestsReceived:    i%3 + 1,
			ActivitiesDelivered: i%5 + 1,
			PeopleTrained:       100 + i*37,
			Challenges:          []string{"Retener al personal capacitado en " + code + "."},
			Funding: []assistance.DonorAmount{
				{Donor: "Donante " + code, Currency: "USD", Pledged: int64(100000 + i), Received: int64(i)},
			},
		}
		for j := range 5 {
			c.Results = append(c.Results, "Resultado "+strconv.Itoa(j+1)+" de "+code+": se impartió un taller de análisis forense para el equipo nacional y las instituciones de infraestructura crítica.")
		}
		c.Results = append(c.Results, long)
		for j := range 4 {
			c.Requests = append(c.Requests, assistance.Summary{
				Number: fmt.Sprintf("TA-2026-%02d%02d", i, j), Institution: "Ministerio de " + code, State: assistance.Implementation,
			})
		}
		r.Countries = append(r.Countries, c)
	}
	return withTotals(r)
}

// inOrder reports whether want appears in got as a subsequence: the words
// in their order, with anything (a page footer) between them.
func inOrder(got, want []string) bool {
	i := 0
	for _, w := range got {
		if i < len(want) && w == want[i] {
			i++
		}
	}
	return i == len(want)
}

// TestPDFAwkwardText feeds the PDF what users type and fonts lack: every
// drawable character, emoji, control characters, a word longer than a
// line, a donor name longer than a page. The PDF must still come out,
// with the text that can be shown.
func TestPDFAwkwardText(t *testing.T) {
	glyphs, err := newGlyphSet(fontTTFs()...)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for r := rune(1); r <= 0xFFFF; r++ {
		if glyphs.has(r) {
			all.WriteRune(r)
			if r%64 == 0 {
				all.WriteByte(' ')
			}
		}
	}
	longWord := strings.Repeat("abcdefghij", 40) // 400 letters, no space
	r := withTotals(assistance.AnnualReport{
		Year: 2026,
		Countries: []assistance.CountryReport{{
			Country: "CO",
			Results: []string{
				all.String(),
				"Taller 🙂 con\x00 control\r\ncaracteres\tsueltos",
				longWord,
				"Mil\u202Fpersonas y \ufeffun espacio \u200bde anchura cero",
			},
			Challenges: []string{"<script>alert(1)</script>"},
			Funding: []assistance.DonorAmount{
				{Donor: strings.Repeat("Fundación muy larga ", 400), Currency: "usd", Pledged: -5, Received: 1},
			},
			Requests: []assistance.Summary{{Number: "TA-2026-0001", State: "unknown"}},
		}},
	})
	got := pdfText(t, renderPDF(t, r, "es"))
	flat := spaced(got)
	for _, s := range []string{
		"Taller \uFFFD con control", "caracteres sueltos", "Mil personas", "un espacio de anchura cero",
		"<script>alert(1)</script>", "-0,05 USD", "0,01 USD", "Colombia", "unknown", "…",
	} {
		if !strings.Contains(flat, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	if !strings.Contains(strings.ReplaceAll(flat, " ", ""), longWord) {
		t.Errorf("the 400-letter word is not all there")
	}
	if lineMatching(got, longWord[:120]) {
		t.Errorf("the 400-letter word did not wrap")
	}
}

// failingWriter refuses every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestRenderErrors checks that failures come back as errors and that
// nothing is written without a language.
func TestRenderErrors(t *testing.T) {
	l := localizer(t, "en")
	if err := PDF(failingWriter{}, sampleReport(), l); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("PDF to a failing writer: err = %v", err)
	}
	if err := HTML(failingWriter{}, sampleReport(), l); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("HTML to a failing writer: err = %v", err)
	}
	var buf strings.Builder
	if err := PDF(&buf, sampleReport(), nil); !errors.Is(err, errNoLocalizer) || buf.Len() != 0 {
		t.Errorf("PDF without a localizer: err = %v, %d bytes written", err, buf.Len())
	}
	if err := HTML(&buf, sampleReport(), nil); !errors.Is(err, errNoLocalizer) || buf.Len() != 0 {
		t.Errorf("HTML without a localizer: err = %v, %d bytes written", err, buf.Len())
	}
}
