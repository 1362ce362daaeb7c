// Package store opens Atalaya's database (SQLite by default, PostgreSQL at
// scale), runs the embedded migrations of every domain and offers the small
// helpers that domain packages share: transactions, identifiers and time.
//
// One SQL text serves both engines: placeholders are $1..$N (modernc's SQLite
// binds them by number), timestamps are BIGINT unix milliseconds, identifiers
// are TEXT generated in Go, booleans are BOOLEAN.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names the database engine behind a DB.
type Engine string

// The engines Atalaya runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// ErrNotFound is returned by domain stores when a row asked for by key does
// not exist (or is not visible to the caller).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write would break a uniqueness rule.
var ErrConflict = errors.New("conflict")

// DB is an open database. SQLite gets a read pool and a write pool of one
// connection, so writers queue in Go instead of failing on SQLITE_BUSY;
// PostgreSQL uses one pool for both.
type DB struct {
	engine Engine
	read   *sql.DB
	write  *sql.DB
	// where describes the database for logs, without credentials.
	where string
	// stopCheckpoints ends the SQLite checkpointer; Close waits on
	// checkpoints for it to be gone.
	stopCheckpoints context.CancelFunc
	checkpoints     chan struct{}
}

// Open opens the database named by databaseURL: a postgres:// or
// postgresql:// URL selects PostgreSQL; anything else (including "") opens the
// SQLite file atalaya.db in dataDir, or the file named by a sqlite:// URL.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	if strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://") {
		return openPostgres(ctx, databaseURL)
	}
	path := filepath.Join(dataDir, "atalaya.db")
	if rest, ok := strings.CutPrefix(databaseURL, "sqlite://"); ok {
		path = rest
	} else if databaseURL != "" {
		return nil, fmt.Errorf("database URL %q: want postgres://… or sqlite://PATH", databaseURL)
	}
	return openSQLite(ctx, path)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("creating data dir: %w", err)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	wq := url.Values{}
	for k, v := range q {
		wq[k] = append([]string(nil), v...)
	}
	wq.Set("_txlock", "immediate")
	// The one writer commits batches of thousands of rows (feeds' group
	// commit): with SQLite's default 2 MB cache their pages spill to the
	// WAL mid-transaction and are written twice. It never checkpoints
	// itself: the checkpointer does, beside it (see checkpointer).
	wq.Add("_pragma", "cache_size(-16384)")
	wq.Add("_pragma", "wal_autocheckpoint(0)")
	wq.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walKeep))
	dsn := "file:" + path + "?" + wq.Encode()
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	// WAL must be set by the writer before readers open the file.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("opening sqlite %s: %w", path, err)
	}
	q.Set("_txlock", "deferred")
	read, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("opening sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	db := &DB{engine: SQLite, read: read, write: write, where: path}
	db.startCheckpointer(read)
	return db, nil
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("opening postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to postgres: %w", err)
	}
	where := databaseURL
	if u, err := url.Parse(databaseURL); err == nil {
		u.User = nil
		where = u.Redacted()
	}
	return &DB{engine: Postgres, read: db, write: db, where: where}, nil
}

// Engine reports which engine the DB runs on.
func (db *DB) Engine() Engine { return db.engine }

// String describes the database for logs, without credentials.
func (db *DB) String() string { return string(db.engine) + " " + db.where }

// R returns the pool for reads.
func (db *DB) R() *sql.DB { return db.read }

// Close closes both pools.
func (db *DB) Close() error {
	if db.stopCheckpoints != nil {
		db.stopCheckpoints()
		<-db.checkpoints
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Querier is what both *sql.DB and *sql.Tx offer; domain code that may run
// inside or outside a transaction takes one.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn in a write transaction and commits it if fn returns nil;
// otherwise, or on panic, it rolls back and nothing fn wrote remains.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either engine, so callers can turn it into ErrConflict.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || // SQLite
		strings.Contains(s, "SQLSTATE 23505") // PostgreSQL
}
