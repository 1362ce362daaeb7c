package parsers

// formatsB lists this family's formats by name (see all).
var formatsB = map[string]constructor{}
