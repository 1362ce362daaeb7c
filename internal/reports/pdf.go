package reports

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
)

// Page geometry in millimetres: A4 with margins that suit both a printer
// and a binder.
const (
	margin       = 18.0
	footerOffset = 12.0 // from the bottom edge
	fontFamily   = "go"
)

// PDF writes r as an A4 PDF in l's language. The Go fonts are embedded
// (subset) so accented letters print on any reader; long texts wrap and
// tables continue on the next page with their header repeated. The PDF is
// built whole before anything is written, so w never receives half a
// report.
func PDF(w io.Writer, r assistance.AnnualReport, l *i18n.Localizer) error {
	if l == nil {
		return errNoLocalizer
	}
	d := newDocument(r, l)
	glyphs, err := newGlyphSet(fontTTFs()...)
	if err != nil {
		return fmt.Errorf("loading the fonts of the %d report: %w", r.Year, err)
	}
	// The footer says "page n of m": a first pass counts the pages. The
	// footer sits in the bottom margin, so the count cannot change the
	// layout of the second pass.
	draft, err := layoutPDF(d, r.Generated, l, glyphs, 0)
	if err != nil {
		return fmt.Errorf("laying out the %d report: %w", r.Year, err)
	}
	final, err := layoutPDF(d, r.Generated, l, glyphs, draft.PageNo())
	if err != nil {
		return fmt.Errorf("laying out the %d report: %w", r.Year, err)
	}
	var buf bytes.Buffer
	if err := final.Output(&buf); err != nil {
		return fmt.Errorf("rendering the %d report in PDF: %w", r.Year, err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("writing the %d report in PDF: %w", r.Year, err)
	}
	return nil
}

// fontTTFs are the fonts of the PDF, regular and bold: the Go fonts,
// which cover Latin, Greek and Cyrillic, all the program's languages need.
func fontTTFs() [][]byte { return [][]byte{goregular.TTF, gobold.TTF} }

// layoutPDF draws d on a new PDF; pages is the page count the footers
// give (0 in the first pass, where footers are not read).
func layoutPDF(d document, generated time.Time, l *i18n.Localizer, glyphs *glyphSet, pages int) (*fpdf.Fpdf, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin)
	f.SetTitle(glyphs.printable(d.Title), true)
	f.SetLang(d.Lang)
	f.SetCreator("Atalaya", true)
	if !generated.IsZero() {
		// Dated by the report, not the clock: the same report gives the
		// same file.
		f.SetCreationDate(generated)
		f.SetModificationDate(generated)
	}
	p := &pdfWriter{f: f, glyphs: glyphs}
	f.SetFooterFunc(func() { p.footer(d.ShortTitle, l, pages) })
	f.AddPage()
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("setting up the page: %w", err)
	}
	p.front(d)
	for _, c := range d.Countries {
		p.country(d.Labels, c)
	}
	if err := f.Error(); err != nil {
		return nil, err
	}
	return f, nil
}

// front draws the title, the year's totals, the funding and the overview
// of member states, then opens the part by member state.
func (p *pdfWriter) front(d document) {
	p.setFont("B", 17)
	p.setColor(headingColor)
	p.paragraph(d.Title, 7.5)
	p.setColor(mutedColor)
	if d.Generated != "" {
		p.setFont("", 10)
		p.paragraph(d.Generated, 5)
	}
	p.f.Ln(1.5)
	p.setFont("", 9)
	p.paragraph(d.Note, 4.5)
	p.setColor(textColor)

	p.heading(d.Labels.Totals, 1)
	p.figures(d.Totals)
	p.heading(d.Labels.Funding, 2)
	p.funding(d.Funding)
	if len(d.Countries) > 0 {
		p.heading(d.Labels.Overview, 2)
		p.overview(d.Labels, d.Countries)
	}
	p.heading(d.Labels.Countries, 1)
	if d.NoCountry != "" {
		p.none(d.NoCountry)
	}
}

// country draws one member state's section.
func (p *pdfWriter) country(lb labels, c countrySection) {
	// A member state starts with its name and its figures on one page.
	p.heading(c.Name, 0)
	p.figures(c.Figures)
	p.heading(lb.Results, 3)
	p.bullets(c.Results, lb.NoResults)
	p.heading(lb.Challenges, 3)
	p.bullets(c.Challenges, lb.NoChallenges)
	p.heading(lb.Funding, 3)
	p.funding(c.Funding)
	p.heading(lb.Requests, 3)
	if len(c.Requests) == 0 {
		p.none(lb.NoRequests)
		return
	}
	rows := make([][]string, len(c.Requests))
	for i, q := range c.Requests {
		rows[i] = []string{q.Number, q.Institution, q.State}
	}
	p.table([]column{
		{lb.Number, 40, "L"},
		{lb.Institution, 89, "L"},
		{lb.State, 45, "L"},
	}, true, rows)
}

// figures draws labelled numbers as a two-column table without header.
func (p *pdfWriter) figures(figs []figure) {
	rows := make([][]string, len(figs))
	for i, fg := range figs {
		rows[i] = []string{fg.Label, fg.Value}
	}
	p.table([]column{{"", 95, "L"}, {"", 40, "R"}}, false, rows)
}

func (p *pdfWriter) funding(t fundingTable) {
	if len(t.Rows) == 0 {
		p.none(t.None)
		return
	}
	rows := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = []string{r.Donor, r.Pledged, r.Received}
	}
	p.table([]column{
		{t.Donor, 84, "L"},
		{t.Pledged, 45, "R"},
		{t.Received, 45, "R"},
	}, true, rows)
}

func (p *pdfWriter) overview(lb labels, countries []countrySection) {
	rows := make([][]string, len(countries))
	for i, c := range countries {
		rows[i] = []string{c.Name}
		for _, fg := range c.Figures {
			rows[i] = append(rows[i], fg.Value)
		}
	}
	p.table([]column{
		{lb.MemberState, 68, "L"},
		{lb.RequestsReceived, 35, "R"},
		{lb.ActivitiesDelivered, 36, "R"},
		{lb.PeopleTrained, 35, "R"},
	}, true, rows)
}

// footer writes the short title and the page number at the foot of the
// current page.
func (p *pdfWriter) footer(title string, l *i18n.Localizer, pages int) {
	f := p.f
	f.SetY(-footerOffset)
	p.setFont("", 8)
	p.setColor(mutedColor)
	half := p.width() / 2
	f.CellFormat(half, 4, p.glyphs.printable(title), "T", 0, "L", false, 0, "")
	page := l.T("reports.page", "Page", l.Number(int64(f.PageNo())), "Pages", l.Number(int64(pages)))
	f.CellFormat(half, 4, p.glyphs.printable(page), "T", 0, "R", false, 0, "")
}
