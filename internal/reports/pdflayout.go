package reports

import (
	"strings"

	"github.com/go-pdf/fpdf"
)

// rgb is a colour of the PDF.
type rgb struct{ r, g, b int }

var (
	textColor    = rgb{26, 26, 26}
	mutedColor   = rgb{85, 85, 85}
	headingColor = rgb{31, 78, 121}
	headerFill   = rgb{232, 238, 244}
	borderColor  = rgb{184, 196, 208}
)

const (
	bodySize   = 10.0 // points
	lineHeight = 5.0  // millimetres, for bodySize
	cellLines  = 12   // at most, in a table cell: a row always fits on a page
)

// pdfWriter draws the report's blocks on an fpdf document. Every text goes
// through glyphs.printable on its way to fpdf.
type pdfWriter struct {
	f      *fpdf.Fpdf
	glyphs *glyphSet
}

// column is one column of a table: its header, width in millimetres and
// alignment ("L", "R").
type column struct {
	header string
	width  float64
	align  string
}

func (p *pdfWriter) setFont(style string, size float64) { p.f.SetFont(fontFamily, style, size) }

func (p *pdfWriter) setColor(c rgb) { p.f.SetTextColor(c.r, c.g, c.b) }

// width is the width between the margins.
func (p *pdfWriter) width() float64 {
	w, _ := p.f.GetPageSize()
	left, _, right, _ := p.f.GetMargins()
	return w - left - right
}

// keep starts a new page unless h millimetres still fit on this one.
func (p *pdfWriter) keep(h float64) {
	_, pageH := p.f.GetPageSize()
	_, _, _, bottom := p.f.GetMargins()
	if p.f.GetY()+h > pageH-bottom {
		p.f.AddPage()
	}
}

// paragraph writes s over the whole width in the current font, wrapping
// and breaking pages as needed.
func (p *pdfWriter) paragraph(s string, lh float64) {
	p.f.MultiCell(0, lh, p.glyphs.printable(s), "", "L", false)
}

// heading writes a heading of a level: 0 a member state, 1 a part of the
// report, 2 a section, 3 a block of a member state. It keeps room below it
// for what it heads, so no heading is left alone at the foot of a page.
func (p *pdfWriter) heading(s string, level int) {
	type style struct{ size, lh, before, keep float64 }
	// keep covers the heading and the start of what follows it: a member
	// state's figures and first block; a table's header (perhaps on two
	// lines) and first row.
	st := [...]style{
		{13, 6.5, 7, 50},
		{14, 7, 7, 32},
		{11.5, 6, 4, 28},
		{10.5, 5.5, 3, 25},
	}[min(max(level, 0), 3)]
	p.f.Ln(st.before)
	p.keep(st.keep)
	p.setFont("B", st.size)
	if level <= 1 {
		p.setColor(headingColor)
	}
	p.paragraph(s, st.lh)
	if level == 1 {
		x, y := p.f.GetX(), p.f.GetY()
		p.f.SetDrawColor(headingColor.r, headingColor.g, headingColor.b)
		p.f.SetLineWidth(0.5)
		p.f.Line(x, y, x+p.width(), y)
		p.f.SetLineWidth(0.2)
	}
	p.f.Ln(1.5)
	p.setColor(textColor)
	p.setFont("", bodySize)
}

// none writes a muted line that says a block is empty.
func (p *pdfWriter) none(s string) {
	p.setColor(mutedColor)
	p.setFont("", bodySize)
	p.paragraph(s, lineHeight)
	p.setColor(textColor)
}

// bullets writes a list, one wrapped paragraph per item, or empty when
// there is none.
func (p *pdfWriter) bullets(items []string, empty string) {
	if len(items) == 0 {
		p.none(empty)
		return
	}
	const indent = 5.0
	p.setFont("", bodySize)
	for _, it := range items {
		p.keep(lineHeight)
		p.f.CellFormat(indent, lineHeight, "•", "", 0, "L", false, 0, "")
		p.f.MultiCell(p.width()-indent, lineHeight, p.glyphs.printable(it), "", "L", false)
		p.f.Ln(1)
	}
}

// table draws rows under a header (when withHeader) with borders; cells
// wrap, and a row that does not fit goes to the next page under the
// header again.
func (p *pdfWriter) table(cols []column, withHeader bool, rows [][]string) {
	p.f.SetDrawColor(borderColor.r, borderColor.g, borderColor.b)
	p.f.SetLineWidth(0.2)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.header
	}
	drawHeader := func() {
		if withHeader {
			p.setFont("B", bodySize-1)
			p.row(cols, header, true)
		}
	}
	first := 0.0
	if len(rows) > 0 {
		p.setFont("", bodySize)
		first = p.rowHeight(cols, rows[0])
	}
	p.setFont("B", bodySize-1)
	p.keep(p.headerHeight(cols, withHeader, header) + first)
	drawHeader()
	for _, r := range rows {
		p.setFont("", bodySize)
		if _, pageH := p.f.GetPageSize(); p.f.GetY()+p.rowHeight(cols, r) > pageH-margin {
			p.f.AddPage()
			drawHeader()
			p.setFont("", bodySize)
		}
		p.row(cols, r, false)
	}
	p.setFont("", bodySize)
}

func (p *pdfWriter) headerHeight(cols []column, withHeader bool, header []string) float64 {
	if !withHeader {
		return 0
	}
	return p.rowHeight(cols, header)
}

// cellText is what a cell shows: the text wrapped to the column, cut to
// cellLines lines so that a row always fits on a page.
func (p *pdfWriter) cellText(c column, s string) []string {
	lines := p.f.SplitText(p.glyphs.printable(s), c.width)
	if len(lines) == 0 {
		return []string{""}
	}
	if len(lines) > cellLines {
		lines = lines[:cellLines]
		lines[cellLines-1] = p.ellipsis(lines[cellLines-1], c.width)
	}
	return lines
}

// ellipsis ends line with "…", dropping characters until it fits in a cell
// of width w.
func (p *pdfWriter) ellipsis(line string, w float64) string {
	room := w - 2*p.f.GetCellMargin()
	runes := []rune(strings.TrimRight(line, " "))
	for len(runes) > 0 && p.f.GetStringWidth(string(runes)+"…") > room {
		runes = runes[:len(runes)-1]
	}
	return string(runes) + "…"
}

// rowHeight is the height of a row in the current font.
func (p *pdfWriter) rowHeight(cols []column, cells []string) float64 {
	n := 1
	for i, c := range cols {
		if i < len(cells) {
			n = max(n, len(p.cellText(c, cells[i])))
		}
	}
	return float64(n)*lineHeight + 1
}

// row draws one row at the current position, which the caller made sure
// has room for it, and moves below it.
func (p *pdfWriter) row(cols []column, cells []string, header bool) {
	h := p.rowHeight(cols, cells)
	left, _, _, _ := p.f.GetMargins()
	x, y := left, p.f.GetY()
	style := "D"
	if header {
		p.f.SetFillColor(headerFill.r, headerFill.g, headerFill.b)
		style = "FD"
	}
	for i, c := range cols {
		p.f.Rect(x, y, c.width, h, style)
		if i < len(cells) {
			p.f.SetXY(x, y+0.5)
			text := strings.Join(p.cellText(c, cells[i]), "\n")
			p.f.MultiCell(c.width, lineHeight, text, "", c.align, false)
		}
		x += c.width
	}
	p.f.SetXY(left, y+h)
}
