package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"atalaya/internal/app"
)

func seedDemoInto(t *testing.T, dir string) {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: dir}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := app.SeedDemo(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}
