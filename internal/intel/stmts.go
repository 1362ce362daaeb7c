package intel

import (
	"context"
	"database/sql"
	"fmt"
)

// stmts prepares each SQL text once per transaction and reuses it: Put runs
// the same few statements for thousands of objects, and preparing them anew
// each time would dominate on SQLite.
type stmts struct {
	tx    *sql.Tx
	cache map[string]*sql.Stmt
}

func newStmts(tx *sql.Tx) *stmts { return &stmts{tx: tx, cache: map[string]*sql.Stmt{}} }

func (s *stmts) prepare(ctx context.Context, text string) (*sql.Stmt, error) {
	if st, ok := s.cache[text]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("preparing statement: %w", err)
	}
	s.cache[text] = st
	return st, nil
}

// ExecContext runs a prepared statement.
func (s *stmts) ExecContext(ctx context.Context, text string, args ...any) (sql.Result, error) {
	st, err := s.prepare(ctx, text)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext runs a prepared query.
func (s *stmts) QueryContext(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	st, err := s.prepare(ctx, text)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a prepared query for one row. A failed prepare shows
// as the row's error, through the transaction's own QueryRowContext.
func (s *stmts) QueryRowContext(ctx context.Context, text string, args ...any) *sql.Row {
	st, err := s.prepare(ctx, text)
	if err != nil {
		return s.tx.QueryRowContext(ctx, text, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// close releases the statements; the transaction ends separately.
func (s *stmts) close() {
	for _, st := range s.cache {
		_ = st.Close()
	}
}
