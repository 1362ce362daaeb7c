package app_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/intel"
	"atalaya/internal/sharedtest"
	"atalaya/internal/store/storetest"
)

// With --warning-lists, a value on a MISP warning list is shown with the
// list's name and not correlated; a directory that is not one stops start-up.
func TestWarningListsConfigured(t *testing.T) {
	dir := sharedtest.Path(t, "misp", "warninglists")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := app.New(storetest.SQLite(t, app.Migrations()), app.Config{WarningLists: t.TempDir()}, logger); err == nil {
		t.Error("an empty directory was taken for warning lists")
	}
	a, err := app.New(storetest.SQLite(t, app.Migrations()), app.Config{WarningLists: dir}, logger)
	if err != nil {
		t.Fatalf("loading the real warning lists: %v", err)
	}
	ctx := context.Background()
	if _, err := app.SeedDemo(ctx, a); err != nil {
		t.Fatal(err)
	}
	actor := func(email string) access.Actor {
		act, err := app.ActorForEmail(ctx, a, email)
		if err != nil {
			t.Fatal(err)
		}
		return act
	}
	var ids []string
	for _, email := range []string{"analyst@csirt-mx.example", "analyst@cert-br.example"} {
		obj, err := a.Intel.SaveIndicator(ctx, actor(email), intel.IndicatorInput{Name: "shortener",
			Pattern: "[domain-name:value = 'bit.ly']", PatternType: "stix", ValidFrom: time.Now(),
			Sharing: intel.Sharing{TLP: access.TLPGreen, Members: true}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, obj.ID)
	}
	cors, err := a.Intel.Correlations(ctx, actor("analyst@csirt-mx.example"), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(cors) != 1 || !slices.Contains(cors[0].Warnings, "url-shortener") || len(cors[0].Objects) != 0 {
		t.Errorf("correlations of bit.ly = %+v, want one value on url-shortener with no objects listed", cors)
	}
}
