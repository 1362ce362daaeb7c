package parsers

// formatsA lists this family's formats by name (see all): Shadowserver's
// reports, generic CSV and JSON with a mapping, and the JSON (and CSV)
// feeds of CERT-EU, Microsoft, AnubisNetworks, CZ.NIC and AlienVault.
//
// Their parsers reuse the Event they emit, but give every event its own
// Extra map (never cleared or written after emit returns), so a consumer
// may keep a shallow copy (ev := *e). They apply Config.Constants first
// (the line wins), never set feed.* or time.observation, map IntelMQ's
// legacy classification names to RSIT, and give each event the taxonomy
// its type belongs to. Line numbers count physical lines from 1 (JSON
// records: the line the record starts on).
var formatsA = map[string]constructor{
	"shadowserver":        newShadowserverParser,
	"csv":                 newGenericCSVParser,
	"json":                newGenericJSONParser,
	"cert-eu":             newCertEUParser,
	"microsoft-ctip":      newCTIPParser,
	"microsoft-bingmurls": newBingMURLsParser,
	"anubisnetworks":      newAnubisParser,
	"cznic-proki":         newProkiParser,
	"otx":                 newOTXParser,
}
