package parsers

// formatsA lists this family's formats by name (see all).
var formatsA = map[string]constructor{}
