package parsers

import (
	"testing"

	"atalaya/internal/i18n/i18ntest"
)

// The two families of formats keep their codes in their own catalogs.
func TestFeedlinesCatalog(t *testing.T) {
	i18ntest.CatalogHasCodes(t, "feedlines", i18ntest.Prefixed("feedlines_"), 8)
}
func TestCatalogHasEveryCode(t *testing.T) {
	i18ntest.CatalogHasCodes(t, "parsers", i18ntest.Prefixed("parsers_"), 10)
}
