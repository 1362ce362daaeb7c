package feeds

import (
	"embed"
	"io/fs"

	"atalaya/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the feeds domain's schema.
func Migrations() store.Migrations {
	sub, _ := fs.Sub(migrations, "migrations")
	return store.Migrations{Name: "feeds", FS: sub}
}
