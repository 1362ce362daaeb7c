// Package storetest runs store tests on both engines: a fresh SQLite file
// and, when ATALAYA_TEST_POSTGRES names a PostgreSQL server (scripts/test
// starts one), a fresh PostgreSQL database created for the test.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"atalaya/internal/store"
)

// EnvPostgres names the environment variable holding the URL of a
// PostgreSQL server on which tests may create and drop databases.
const EnvPostgres = "ATALAYA_TEST_POSTGRES"

// Each runs fn once per engine, as subtests named "sqlite" and "postgres",
// each on a new database migrated with sets.
func Each(t *testing.T, sets []store.Migrations, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, sets)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, sets)) })
}

// SQLite returns a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB, sets []store.Migrations) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "test.db"), "")
	if err != nil {
		t.Fatalf("opening sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, sets); err != nil {
		t.Fatalf("migrating sqlite: %v", err)
	}
	return db
}

// Postgres returns a migrated, freshly created PostgreSQL database, dropped
// when the test ends. Without ATALAYA_TEST_POSTGRES it skips, unless
// ATALAYA_REQUIRE_POSTGRES=1 (set by scripts/test) makes that a failure.
func Postgres(t testing.TB, sets []store.Migrations) *store.DB {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		if os.Getenv("ATALAYA_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("%s is not set but ATALAYA_REQUIRE_POSTGRES=1", EnvPostgres)
		}
		t.Skipf("PostgreSQL not configured: set %s=postgres://… (scripts/test starts a server and sets it)", EnvPostgres)
	}
	ctx := context.Background()
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("opening %s: %v", EnvPostgres, err)
	}
	defer adm.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "atalaya_test_" + hex.EncodeToString(b[:])
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating database: %v", err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parsing %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	db, err := store.Open(ctx, u.String(), "")
	if err != nil {
		t.Fatalf("opening postgres: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		adm, err := sql.Open("pgx", admin)
		if err == nil {
			_, _ = adm.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			adm.Close()
		}
	})
	if err := db.Migrate(ctx, sets); err != nil {
		t.Fatalf("migrating postgres: %v", err)
	}
	return db
}
