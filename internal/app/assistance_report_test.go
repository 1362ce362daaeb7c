package app_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"atalaya/internal/app/apptest"
	"atalaya/internal/assistance"
	"atalaya/internal/reports/reportstest"
)

// TestAnnualReportPDFMatchesData: the year's report PDF, as the secretariat
// downloads it from the page, read back with pdftotext, names each country
// that asked for assistance and gives totals equal to those counted here,
// request by request, from the requests' own records (not from the
// report's code).
func TestAnnualReportPDFMatchesData(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		officer := e.Actor(t, "officer@secretariat.example")
		year := time.Now().UTC().Year()

		// Count from the records.
		var received, delivered, trained int
		countries := map[string]bool{}
		after := ""
		for {
			page, next, err := e.App.Assistance.List(ctx, officer, assistance.Filter{After: after, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page {
				d, err := e.App.Assistance.Details(ctx, officer, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !d.Request.SubmittedAt.IsZero() && d.Request.SubmittedAt.UTC().Year() == year {
					received++
					countries[d.Request.Country] = true
				}
				for _, a := range d.Activities {
					if a.State == assistance.Delivered && strings.HasPrefix(a.DeliveredOn, strconv.Itoa(year)) {
						delivered++
						trained += a.PeopleTrained
					}
				}
			}
			if next == "" {
				break
			}
			after = next
		}
		if received < 3 || delivered < 2 || trained == 0 {
			t.Fatalf("the demo should give this year 3 requests and 2 deliveries; counted %d, %d, %d people", received, delivered, trained)
		}

		resp, err := e.Login(t, "officer@secretariat.example").Get(fmt.Sprintf("%s/assistance/report.pdf?year=%d&lang=es", e.URL, year))
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("report.pdf: %s %s, %d bytes", resp.Status, resp.Header.Get("Content-Type"), len(pdf))
		}
		text := reportstest.PDFText(t, pdf)
		names := map[string]string{"CR": "Costa Rica", "MX": "México", "CO": "Colombia"}
		for c := range countries {
			if name, ok := names[c]; ok && !strings.Contains(text, name) {
				t.Errorf("the PDF does not name %s", name)
			}
		}
		// The totals section: "<label>   <number>" on one line each.
		for label, want := range map[string]int{"Solicitudes recibidas": received, "Actividades realizadas": delivered,
			"Personas capacitadas": trained} {
			re := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(label) + `\s+(\d[\d.]*)\s*$`)
			m := re.FindStringSubmatch(text)
			if m == nil {
				t.Errorf("no total line %q in the PDF's text:\n%s", label, text)
				continue
			}
			if got, _ := strconv.Atoi(strings.ReplaceAll(m[1], ".", "")); got != want {
				t.Errorf("%s: the PDF says %s, the records give %d", label, m[1], want)
			}
		}
	})
}
