// Package reportstest reads generated PDFs back as text for tests.
package reportstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// PDFText extracts the text of pdf with pdftotext -layout (Debian's
// poppler-utils), pages ending in a form feed. Without pdftotext the test
// is skipped, unless ATALAYA_REQUIRE_PDFTOTEXT=1 (set by scripts/test)
// says the machine must have it.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("ATALAYA_REQUIRE_PDFTOTEXT") == "1" {
			t.Fatalf("pdftotext not found and ATALAYA_REQUIRE_PDFTOTEXT=1: install poppler-utils")
		}
		t.Skip("pdftotext not found: install poppler-utils (apt-get install -y poppler-utils) to check the PDF's text")
	}
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
