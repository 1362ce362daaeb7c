package parsers

// formatsC lists this family's formats by name (see all).
var formatsC = map[string]constructor{}
