package event

import (
	"testing"

	"atalaya/internal/i18n/i18ntest"
)

func TestCatalogHasEveryCode(t *testing.T) {
	i18ntest.CatalogHasCodes(t, "event", i18ntest.Prefixed("event_"), 15)
}
