package assistance

import (
	"embed"
	"io/fs"

	"atalaya/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the assistance domain's schema; it goes after audit's and
// directory's.
func Migrations() store.Migrations {
	sub, _ := fs.Sub(migrations, "migrations")
	return store.Migrations{Name: "assistance", FS: sub}
}
