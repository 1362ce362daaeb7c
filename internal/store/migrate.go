package store

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// Migrations is one domain's embedded schema: a folder of goose SQL files.
// Each domain keeps its own version table (goose_<name>), so domains own
// their tables and can be added without renumbering anyone else's files.
type Migrations struct {
	Name string // the domain, e.g. "directory"
	FS   fs.FS  // the folder holding NNNNN_*.sql
}

// Migrate applies every pending migration of each domain, in the order given
// (a domain's tables may reference those of the domains before it).
func (db *DB) Migrate(ctx context.Context, sets []Migrations) error {
	dialect := goose.DialectSQLite3
	if db.engine == Postgres {
		dialect = goose.DialectPostgres
	}
	for _, m := range sets {
		p, err := goose.NewProvider(dialect, db.write, m.FS, goose.WithTableName("goose_"+m.Name))
		if err != nil {
			return fmt.Errorf("migrations of %s: %w", m.Name, err)
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("migrating %s: %w", m.Name, err)
		}
	}
	return nil
}
