package parsers

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/event"
)

// spamhausDropParser reads Spamhaus DROP, EDROP and DROPv6: one netblock a
// line with its SBL record ("1.4.0.0/17 ; SBL256893"), comments after ";",
// and the list's date in a "; Last-Modified:" comment, which becomes
// time.source as in IntelMQ's spamhaus_drop parser. It also reads the JSON
// lines Spamhaus publishes since 2024 ({"cidr": ..., "sblid": ...}).
// ASN-DROP names autonomous systems, not addresses, and is refused line by
// line: an event needs an address to be routed.
type spamhausDropParser struct{ kit feedKit }

func newSpamhausDropParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &spamhausDropParser{kit: k}, err
}

// spamhausDropDefaults is IntelMQ's classification of DROP: the netblocks
// are hijacked or leased by spammers and other cybercrime, "spam" there.
var spamhausDropDefaults = []kitField{
	{"classification.taxonomy", "abusive-content"}, {"classification.type", "spam"},
}

func (p *spamhausDropParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	var modified time.Time
	lines := newKitLines(r)
	for lines.next() {
		line := lines.text
		switch {
		case lines.tooLong:
			kitRefuse(reject, lines.n, line, kitTooLong())
			continue
		case kitIsBlank(line):
			continue
		case kitIsComment(line, ";#"):
			if _, v, ok := strings.Cut(line, "Last-Modified:"); ok {
				if t, err := time.Parse(time.RFC1123, strings.TrimSpace(v)); err == nil {
					modified = t.UTC()
				}
			}
			continue
		}
		p.kit.start(&e, spamhausDropDefaults)
		if !modified.IsZero() {
			e.TimeSource = modified
		}
		var err error
		if strings.HasPrefix(strings.TrimSpace(line), "{") {
			err = dropJSON(&e, line)
		} else {
			err = dropText(&e, line)
		}
		if err == nil {
			err = kitSetRaw(&e, line)
		}
		if err != nil {
			kitRefuse(reject, lines.n, line, err)
			continue
		}
		if !e.SourceIP.IsValid() {
			continue // the metadata line of the JSON lists: no netblock
		}
		if err := emit(lines.n, &e); err != nil {
			return err
		}
	}
	return lines.err
}

// dropText reads "netblock ; SBL id".
func dropText(e *event.Event, line string) error {
	block, sbl, _ := strings.Cut(line, ";")
	block = strings.TrimSpace(block)
	if strings.HasPrefix(strings.ToUpper(block), "AS") {
		return kitLineError(kitCodeNothing, "this line names an autonomous system ("+block+"), not an address: ASN-DROP cannot be routed",
			map[string]any{"Value": block})
	}
	if err := kitSetNetwork(e, block); err != nil {
		return err
	}
	kitPutExtra(e, "blocklist", sbl)
	return nil
}

// dropJSON reads one line of the JSON DROP lists. The metadata line at the
// end ({"type": "metadata", ...}) leaves e without an address and is not
// emitted.
func dropJSON(e *event.Event, line string) error {
	var rec struct {
		CIDR  string          `json:"cidr"`
		SBLID string          `json:"sblid"`
		RIR   string          `json:"rir"`
		ASN   json.RawMessage `json:"asn"`
		Type  string          `json:"type"`
	}
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		return kitLineError(kitCodeJSON, "not a JSON DROP record: "+err.Error(), map[string]any{"Detail": err.Error()})
	}
	switch {
	case rec.Type == "metadata":
		return nil
	case rec.CIDR == "":
		return kitLineError(kitCodeNothing, "the record has no cidr: ASN-DROP cannot be routed", map[string]any{"Value": string(rec.ASN)})
	}
	if err := kitSetNetwork(e, rec.CIDR); err != nil {
		return err
	}
	kitPutExtra(e, "blocklist", rec.SBLID)
	kitPutExtra(e, "rir", rec.RIR)
	return nil
}

// spamhausCERTParser reads the Spamhaus CERT Insight feed: "ip, asn,
// country, lastseen, botname, domain, remote_ip, remote_port, local_port,
// protocol" per line (more columns may follow), comments after ";". The
// bot name decides the classification, as in IntelMQ's spamhaus_cert
// parser.
type spamhausCERTParser struct{ kit feedKit }

func newSpamhausCERTParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &spamhausCERTParser{kit: k}, err
}

func (p *spamhausCERTParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	var cols []string
	lines := newKitLines(r)
	for lines.next() {
		line := lines.text
		switch {
		case lines.tooLong:
			kitRefuse(reject, lines.n, line, kitTooLong())
			continue
		case kitIsBlank(line), kitIsComment(line, ";#"):
			continue
		}
		cols = cols[:0]
		for _, c := range strings.Split(line, ",") {
			cols = append(cols, strings.TrimSpace(c))
		}
		if err := p.record(&e, line, cols); err != nil {
			kitRefuse(reject, lines.n, line, err)
			continue
		}
		if err := emit(lines.n, &e); err != nil {
			return err
		}
	}
	return lines.err
}

func (p *spamhausCERTParser) record(e *event.Event, line string, cols []string) error {
	if len(cols) < 10 {
		return kitLineError(kitCodeColumns, "a Spamhaus CERT line has 10 fields, this one has "+strconv.Itoa(len(cols)),
			map[string]any{"Want": 10, "Got": len(cols)})
	}
	p.kit.start(e, nil)
	if err := e.Set("source.ip", cols[0]); err != nil {
		return err
	}
	if asn := cols[1]; asn != "?" && asn != "" {
		if err := e.Set("source.asn", asn); err != nil {
			return err
		}
	}
	kitSetLoose(e, "source.geolocation.cc", cols[2])
	secs, err := strconv.ParseInt(cols[3], 10, 64)
	if err != nil {
		return kitLineError(kitCodeTime, strconv.Quote(cols[3])+" is not a time in seconds since 1970", map[string]any{"Value": cols[3]})
	}
	if err := kitSetTime(e, time.Unix(secs, 0)); err != nil {
		return err
	}
	bot := strings.ToLower(cols[4])
	if err := spamhausBot(e, bot, cols); err != nil {
		return err
	}
	// The domain column holds an address or "ip:port" at times (broken
	// according to Spamhaus, 2018), and means nothing for iotscan.
	if bot != "iotscan" && !strings.Contains(cols[5], ":") {
		kitSetLoose(e, "destination.fqdn", cols[5])
	}
	kitSetLoose(e, "destination.ip", cols[6])
	kitSetLoose(e, "destination.port", cols[7])
	if local := cols[8]; local != "" && local != "-" && local != "?" && bot != "l_spamlink" {
		kitPutExtra(e, "source.local_port", local)
	}
	kitSetLoose(e, "protocol.transport", cols[9])
	return kitSetRaw(e, line)
}

// spamhausClass is the classification of one group of bot names.
type spamhausClass struct{ taxonomy, typ, identifier, application, description string }

// spamhausBots classifies the bot names Spamhaus uses for what is not an
// infection (honeypot logins, scans, relays), after IntelMQ; any other name
// is a bot: an infected system running that malware.
var spamhausBots = map[string]spamhausClass{
	"openrelay":  {"vulnerable", "vulnerable-system", "openrelay", "smtp", ""},
	"sshauth":    {"intrusion-attempts", "brute-force", "ssh", "ssh", ""},
	"telnetauth": {"intrusion-attempts", "brute-force", "telnet", "telnet", ""},
	"smtpauth":   {"intrusion-attempts", "brute-force", "smtp", "smtp", ""},
	"pop":        {"intrusion-attempts", "brute-force", "pop", "pop", ""},
	"imap":       {"intrusion-attempts", "brute-force", "imap", "imap", ""},
	"automatedtest": {"intrusion-attempts", "brute-force", "lookup-captcha", "",
		"The device automatically brute-forced the Spamhaus CBL lookup."},
	"authspoofbadehlo": {"intrusion-attempts", "brute-force", "authentication-spoof", "smtp",
		"The device spoofed SMTP authentication with a bad EHLO."},
	"wpscanner": {"information-gathering", "scanner", "wordpress-vulnerabilities", "http",
		"scanning for wordpress vulnerabilities"},
	"w_wplogin": {"information-gathering", "scanner", "wordpress-login", "http",
		"scanning for wordpress login pages"},
	"smb":            {"information-gathering", "scanner", "smb", "smb", ""},
	"rdp":            {"information-gathering", "scanner", "rdp", "rdp", ""},
	"iotrdp":         {"information-gathering", "scanner", "rdp", "rdp", ""},
	"iotmicrosoftds": {"information-gathering", "scanner", "microsoftds", "microsoftds", ""},
	"proxyget": {"other", "other", "proxyget", "",
		"The malicious client used a honeypot as proxy."},
	"iotlogin": {"intrusions", "system-compromise", "iot", "",
		"The infected iot device logged in to a honeypot."},
	"iotcmd": {"intrusions", "system-compromise", "iot", "",
		"The infected iot device logged in to a honeypot and issued malicious commands."},
	"ioturl": {"malicious-code", "c2-server", "malware-generic", "", ""},
}

// spamhausBot classifies the line by its bot name.
func spamhausBot(e *event.Event, bot string, cols []string) error {
	if c, ok := spamhausBots[bot]; ok {
		return kitClassify(e, c.taxonomy, c.typ, c.identifier, c.application, c.description)
	}
	switch bot {
	case "iotscan", "iotuser":
		id, app := "scanner-generic", ""
		if cols[7] == "23" || cols[7] == "2323" {
			id, app = "telnet", "telnet"
		}
		return kitClassify(e, "information-gathering", "scanner", id, app,
			"The possibly infected IoT device scanned for other vulnerable IoT devices.")
	case "iotmirai":
		_ = e.Set("malware.name", "mirai")
		return kitClassify(e, "malicious-code", "infected-system", "mirai", "", "")
	case "l_spamlink":
		// local_port holds "spam source ip:malware version:malware name".
		if err := kitClassify(e, "abusive-content", "spam", "spamlink", "",
			"The URL appeared in a spam email sent by extra.spam_ip."); err != nil {
			return err
		}
		parts := strings.SplitN(cols[8], ":", 3)
		if len(parts) == 3 {
			kitPutExtra(e, "spam_ip", parts[0])
			kitPutExtra(e, "malware.version", parts[1])
			kitSetLoose(e, "malware.name", parts[2])
		}
		kitSetLoose(e, "source.url", cols[6])
		return nil
	}
	if bot == "auto" {
		bot = "s_other" // Spamhaus's name for a bot it has not named
	}
	if err := e.Set("malware.name", bot); err != nil {
		return err
	}
	if strings.Contains(cols[5], "://") { // mostly a domain, now and then a URL
		kitSetLoose(e, "source.url", cols[5])
	}
	return kitClassify(e, "malicious-code", "infected-system", "", "", "")
}
