package store

import "strings"

// ContainsPattern is a LIKE pattern matching s anywhere, s taken
// literally: "%" and "_" in it match themselves. Use it with
// ESCAPE '\' (the same on both engines); callers fold case first.
func ContainsPattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}
