package parsers

// formatsC lists this family's formats by name (see all): documents of
// the sharing platforms, each holding many records. "stix" reads a STIX 2.1
// bundle or a TAXII 2.1 envelope (the indicators' network observables),
// "misp" a MISP event as MISP feeds serve it (its network attributes).
var formatsC = map[string]constructor{
	"stix": newSTIXParser,
	"misp": newMISPParser,
}
