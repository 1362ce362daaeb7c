package parsers

import (
	"strings"

	"atalaya/internal/valid"
)

// genericColumn is one entry of a generic feed's mapping: an input column
// (CSV header name or JSON key, dotted for nested keys) and the
// harmonisation field it fills.
type genericColumn struct {
	column string
	parts  []string // column split at dots, for nested JSON keys
	field  string
}

// checkMapping turns a feed's mapping into columns, sorted by column so
// that lines are read the same way every time, or says what is wrong with
// it (the error names the setting "mapping").
func checkMapping(mapping map[string]string) ([]genericColumn, error) {
	if len(mapping) == 0 {
		return nil, valid.New("mapping", "parsers_mapping_required",
			"the csv and json formats need a mapping from the input's columns to event fields", nil)
	}
	var es valid.Errors
	var cols []genericColumn
	for _, column := range sortedKeys(mapping) {
		field := strings.TrimSpace(mapping[column])
		c := strings.TrimSpace(column)
		switch {
		case c == "":
			es.Add("mapping", "parsers_mapping_column", "a mapping entry has no column name",
				map[string]any{"Field": field})
		case !knownField(field) || field == "raw":
			es.Add("mapping", "parsers_mapping_field", "“"+field+"” (for column "+c+") is not a field of an event",
				map[string]any{"Column": c, "Field": field})
		default:
			cols = append(cols, genericColumn{column: c, parts: strings.Split(c, "."), field: field})
		}
	}
	return cols, es.Err()
}
