package alerts

import (
	"testing"

	"atalaya/internal/i18n/i18ntest"
)

// Codes are the second argument of valid.New and Errors.Add: "alert_…"
// literals also name audit objects.
func TestCodesInCatalog(t *testing.T) {
	i18ntest.CatalogHasCodes(t, "alerts", `(?:valid\.New|errs\.Add)\("[^"]+", "([a-z_]+)"`, 10)
}
