package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"

	"atalaya/internal/assistance"
	"atalaya/internal/i18n"
)

//go:embed templates/report.html
var templates embed.FS

// page is the report's HTML template. It is parsed once when the program
// starts and never changed after; a broken template fails every test of
// the package, not a reader.
var page = template.Must(template.ParseFS(templates, "templates/report.html"))

// HTML writes r as a standalone HTML page in l's language: one file with
// its styles inline and nothing to fetch, laid out to print on A4. The page
// is rendered whole before anything is written, so w never receives half a
// report.
func HTML(w io.Writer, r assistance.AnnualReport, l *i18n.Localizer) error {
	if l == nil {
		return errNoLocalizer
	}
	var buf bytes.Buffer
	if err := page.ExecuteTemplate(&buf, "report.html", newDocument(r, l)); err != nil {
		return fmt.Errorf("rendering the %d report in HTML: %w", r.Year, err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("writing the %d report in HTML: %w", r.Year, err)
	}
	return nil
}
