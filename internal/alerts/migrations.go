package alerts

import (
	"embed"
	"io/fs"

	"atalaya/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the alerts domain's schema.
func Migrations() store.Migrations {
	sub, _ := fs.Sub(migrations, "migrations")
	return store.Migrations{Name: "alerts", FS: sub}
}
