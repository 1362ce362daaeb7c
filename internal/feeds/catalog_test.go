package feeds

import (
	"testing"

	"atalaya/internal/i18n/i18ntest"
)

func TestCatalogHasEveryCode(t *testing.T) {
	i18ntest.CatalogHasCodes(t, "feeds", i18ntest.Prefixed("feeds_"), 15)
}
