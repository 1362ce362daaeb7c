package enrich

import (
	"testing"

	"atalaya/internal/i18n/i18ntest"
)

func TestCatalogHasEveryCode(t *testing.T) {
	i18ntest.CatalogHasCodes(t, "enrich", i18ntest.Prefixed("ipdb_"), 8)
}
