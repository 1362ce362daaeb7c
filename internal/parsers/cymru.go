package parsers

import (
	"io"
	"net/netip"
	"strconv"
	"strings"

	"atalaya/internal/event"
)

// cymruParser reads Team Cymru's CAP feed for national CSIRTs, the
// "certname" file: "#category|address|asn|timestamp|notes|asninfo" per
// line, notes being "key: value;" pairs whose keys depend on the category.
// It follows IntelMQ's cymru_cap_program parser (new format): one event per
// line, or one per destination port when the notes list several.
type cymruParser struct{ kit feedKit }

func newCymruParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &cymruParser{kit: k}, err
}

// cymruCategory is the classification of one CAP category.
type cymruCategory struct {
	taxonomy, typ, identifier, application, malware string
	// noteIsValue: the notes are one bare value, not key: value pairs
	// (the protocol of bruteforce, the URL of phishing).
	noteIsValue string // field the bare value goes to
}

// cymruCategories maps the CAP categories to the RSIT as IntelMQ does
// (its types in legacy spelling read through the event package's aliases:
// "c2server" is c2-server, "vulnerable service" vulnerable-system). Proxies
// differ: IntelMQ says "proxy" (taxonomy other); an open proxy is what
// Shadowserver's scan_socks and scan_http_proxy reports call
// vulnerable-system, and a team acts on both alike.
var cymruCategories = map[string]cymruCategory{
	"bot":        {taxonomy: "malicious-code", typ: "infected-system"},
	"conficker":  {taxonomy: "malicious-code", typ: "infected-system", identifier: "conficker", malware: "conficker"},
	"controller": {taxonomy: "malicious-code", typ: "c2-server"},
	"bruteforce": {taxonomy: "intrusion-attempts", typ: "brute-force", noteIsValue: "protocol.application"},
	"darknet":    {taxonomy: "information-gathering", typ: "scanner", identifier: "darknet"},
	"honeypot":   {taxonomy: "information-gathering", typ: "scanner"},
	"scanner":    {taxonomy: "information-gathering", typ: "scanner", identifier: "scanner"},
	"phishing":   {taxonomy: "fraud", typ: "phishing", identifier: "phishing", noteIsValue: "source.url"},
	"spam":       {taxonomy: "abusive-content", typ: "spam", identifier: "spam"},
	"proxy":      {taxonomy: "vulnerable", typ: "vulnerable-system", identifier: "openproxy"},
	"openresolver": {taxonomy: "vulnerable", typ: "vulnerable-system",
		identifier: "dns-open-resolver", application: "dns"},
	"openresolvers": {taxonomy: "vulnerable", typ: "vulnerable-system",
		identifier: "dns-open-resolver", application: "dns"},
}

// ipProtocols names the IP protocol numbers CAP notes carry (IANA protocol
// keywords, lower case as protocol.transport keeps them).
var ipProtocols = map[string]string{
	"1": "icmp", "2": "igmp", "4": "ipv4", "6": "tcp", "8": "egp", "9": "igp",
	"11": "nvp-ii", "17": "udp", "41": "ipv6", "47": "gre", "50": "esp", "51": "ah",
	"58": "ipv6-icmp", "59": "ipv6-nonxt", "89": "ospfigp", "103": "pim", "112": "vrrp",
	"115": "l2tp", "132": "sctp", "136": "udplite",
}

func (p *cymruParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	var e event.Event
	lines := newKitLines(r)
	var ports []string
	for lines.next() {
		line := lines.text
		if lines.tooLong {
			kitRefuse(reject, lines.n, line, kitTooLong())
			continue
		}
		if kitIsBlank(line) || kitIsComment(line, "#") {
			continue
		}
		var err error
		ports, err = p.record(&e, line, ports[:0])
		if err != nil {
			kitRefuse(reject, lines.n, line, err)
			continue
		}
		if err := emitPorts(&e, lines.n, ports, emit); err != nil {
			return err
		}
	}
	return lines.err
}

// emitPorts emits e once per destination port, or once when there is none.
func emitPorts(e *event.Event, line int, ports []string, emit Emit) error {
	if len(ports) == 0 {
		return emit(line, e)
	}
	for _, port := range ports {
		e.DestinationPort = 0
		kitSetLoose(e, "destination.port", port)
		if err := emit(line, e); err != nil {
			return err
		}
	}
	return nil
}

// record reads one data line into e and returns the destination ports its
// notes list.
func (p *cymruParser) record(e *event.Event, line string, ports []string) ([]string, error) {
	cols := strings.Split(line, "|")
	if len(cols) < 6 {
		return nil, kitLineError(kitCodeColumns, "a CAP line has 6 fields separated by |, this one has "+strconv.Itoa(len(cols)),
			map[string]any{"Want": 6, "Got": len(cols)})
	}
	category := strings.ToLower(strings.TrimSpace(cols[0]))
	cat, ok := cymruCategories[category]
	if !ok {
		return nil, kitLineError(kitCodeCategory, "unknown CAP category "+strconv.Quote(category),
			map[string]any{"Value": category})
	}
	p.kit.start(e, nil)
	for _, fv := range [...]kitField{
		{"raw", line}, {"source.ip", cols[1]}, {"time.source", cols[3]},
		{"classification.taxonomy", cat.taxonomy}, {"classification.type", cat.typ},
		{"classification.identifier", cat.identifier}, {"protocol.application", cat.application},
		{"malware.name", cat.malware},
	} {
		if fv.value == "" {
			continue
		}
		if err := e.Set(fv.name, fv.value); err != nil {
			return nil, err
		}
	}
	if asn := strings.TrimSpace(cols[2]); asn != "0" {
		if err := e.Set("source.asn", asn); err != nil {
			return nil, err
		}
	}
	// The AS info is the last field; a "|" inside the notes makes more.
	cymruASInfo(e, cols[len(cols)-1])
	notes := strings.Join(cols[4:len(cols)-1], "|")
	return cymruNotes(e, cat, notes, ports)
}

// cymruASInfo reads "AS name, CC": the country is the last part.
func cymruASInfo(e *event.Event, info string) {
	info = strings.TrimSpace(info)
	name, cc := info, ""
	if i := strings.LastIndex(info, ", "); i >= 0 {
		name, cc = info[:i], strings.TrimSpace(info[i+2:])
	}
	if len(cc) == 2 {
		kitSetLoose(e, "source.geolocation.cc", cc)
	} else {
		name = info
	}
	kitSetLoose(e, "source.as_name", name)
}

// cymruNotes reads the notes field. Unknown keys are kept as extra.<key>
// (IntelMQ stops on them; a new key should not cost the line).
func cymruNotes(e *event.Event, cat cymruCategory, notes string, ports []string) ([]string, error) {
	notes = strings.TrimSpace(notes)
	if notes == "" {
		return ports, nil
	}
	if cat.noteIsValue != "" && !strings.Contains(notes, ": ") {
		v := strings.TrimSuffix(notes, ";")
		if cat.noteIsValue == "protocol.application" {
			kitSetLoose(e, "classification.identifier", v)
		}
		kitSetLoose(e, cat.noteIsValue, v)
		return ports, nil
	}
	if cat.typ == "infected-system" && !strings.Contains(notes, ":") {
		return cymruOldBotNotes(e, notes, ports), nil
	}
	for _, note := range strings.Split(notes, ";") {
		note = strings.TrimSpace(note)
		if note == "" {
			continue
		}
		key, value, found := strings.Cut(note, ":")
		if !found { // "socks4-61039": a proxy note without its key
			key, value = "proxy_type", note
		}
		var err error
		if ports, err = cymruNote(e, strings.TrimSpace(key), strings.TrimSpace(value), ports); err != nil {
			return nil, err
		}
	}
	return ports, nil
}

// cymruNote applies one "key: value" of the notes.
func cymruNote(e *event.Event, key, value string, ports []string) ([]string, error) {
	switch key {
	case "family", "mwtype":
		if err := e.Set("malware.name", value); err != nil {
			return nil, err
		}
		kitSetLoose(e, "classification.identifier", strings.ToLower(value))
	case "dest_addr", "destaddr", "dstaddr":
		return ports, e.Set("destination.ip", value)
	case "dest_port", "ports_scanned", "honeypot_port", "darknet_port", "destination_port_numbers":
		// "17875,24526 (total_count:19)": the count says how many were seen,
		// the list only some of them.
		if i := strings.Index(value, "(total_count"); i >= 0 {
			value = value[:i]
		}
		for _, port := range strings.Split(value, ",") {
			if port = strings.TrimSpace(port); port != "" {
				ports = append(ports, port)
			}
		}
	case "protocol":
		if name, ok := ipProtocols[value]; ok {
			return ports, e.Set("protocol.transport", name)
		}
		kitPutExtra(e, "protocol.transport", value) // unassigned or experimental numbers
	case "hostname":
		return ports, cymruHostname(e, value)
	case "proxy_type":
		app, port, hasPort := strings.Cut(value, "-")
		kitSetLoose(e, "protocol.application", app)
		if hasPort {
			return ports, e.Set("source.port", port)
		}
	case "port", "srcport":
		return ports, e.Set("source.port", value)
	case "username":
		kitPutExtra(e, "source.account", value)
	case "additional_asns":
		asns := value
		if e.SourceASN != 0 {
			asns = strconv.FormatUint(uint64(e.SourceASN), 10) + "," + value
		}
		kitPutExtra(e, "source.asns", strings.ReplaceAll(asns, " ", ""))
	default:
		kitPutExtra(e, key, value)
	}
	return ports, nil
}

// cymruHostname sets source.fqdn. CAP glues a port to it now and then
// ("sub.example.comport: 80"), and writes an address in its place at
// other times, which is kept as extra.hostname.
func cymruHostname(e *event.Event, value string) error {
	if host, port, found := strings.Cut(value, "port:"); found {
		value = host
		if err := e.Set("source.port", strings.TrimSpace(port)); err != nil {
			return err
		}
	}
	if _, err := netip.ParseAddr(value); err == nil {
		kitPutExtra(e, "hostname", value)
		return nil
	}
	return e.Set("source.fqdn", value)
}

// cymruOldBotNotes reads the notes of the old CAP format that still show
// up in bot lines: "srcport 61458 mwtype Conficker dstaddr 172.16.0.22".
func cymruOldBotNotes(e *event.Event, notes string, ports []string) []string {
	words := strings.Fields(notes)
	for i := 0; i+1 < len(words); i += 2 {
		key := words[i]
		if key == "srcport" {
			key = "port"
		}
		// An old note that does not read is left out; the raw line keeps it.
		if p, err := cymruNote(e, key, words[i+1], ports); err == nil {
			ports = p
		}
	}
	return ports
}
