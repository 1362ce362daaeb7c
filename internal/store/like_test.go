package store

import (
	"context"
	"testing"
)

// TestContainsPattern: the pattern matches its text anywhere and nothing
// else, wildcards included, on the engine itself.
func TestContainsPattern(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		text, q string
		match   bool
	}{
		{"ta-2026-0001", "2026", true},
		{"100% done", "100%", true},
		{"1000 done", "100%", false},
		{"a_b", "a_b", true},
		{"axb", "a_b", false},
		{`c:\temp`, `c:\t`, true},
		{`c:temp`, `c:\t`, false},
		{"abc", "", true},
	} {
		var match bool
		if err := db.R().QueryRowContext(ctx, `SELECT $1 LIKE $2 ESCAPE '\'`, c.text, ContainsPattern(c.q)).Scan(&match); err != nil {
			t.Fatal(err)
		}
		if match != c.match {
			t.Errorf("%q LIKE ContainsPattern(%q) = %v, want %v", c.text, c.q, match, c.match)
		}
	}
}
