package parsers

// formatsB lists this family's formats by name (see all): the line feeds
// CSIRTs receive by mail or pull (Team Cymru CAP, Spamhaus DROP and CERT,
// abuse.ch Feodo Tracker, blocklist.de, DShield, OpenPhish, Bambenek,
// Zone-H). Each parser follows IntelMQ's parser of the same feed for what
// goes where and how it is classified; the file of each says where it
// differs and why. Comment lines (# or ;) and blank lines are skipped, not
// refused; line numbers count physical lines.
var formatsB = map[string]constructor{
	"cymru-cap":     newCymruParser,
	"spamhaus-drop": newSpamhausDropParser,
	"spamhaus-cert": newSpamhausCERTParser,
	"feodo":         newFeodoParser,
	"blocklistde":   newBlocklistDEParser,
	"dshield":       newDShieldParser,
	"openphish":     newOpenPhishParser,
	"bambenek":      newBambenekParser,
	"zoneh":         newZoneHParser,
}
