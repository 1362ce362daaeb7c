package misp

import (
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// observable is what one MISP value becomes in STIX: the comparisons of a
// pattern about one object type (root), and the cyber-observables that
// carry it (the first is the main one; a domain|ip adds the address).
type observable struct {
	root        string
	comparisons []string
	scos        []sco
}

// sco is one cyber-observable object, its id already derived.
type sco struct {
	id   string
	body map[string]any
}

// hashAlgorithms maps MISP hash types to the STIX hash name and a check of
// the value's form (the OASIS schema rejects a wrong length).
var hashAlgorithms = map[string]struct {
	name string
	form *regexp.Regexp
}{
	"md5":      {"MD5", regexp.MustCompile(`^[a-fA-F0-9]{32}$`)},
	"sha1":     {"SHA-1", regexp.MustCompile(`^[a-fA-F0-9]{40}$`)},
	"sha224":   {"SHA-224", regexp.MustCompile(`^[a-fA-F0-9]{56}$`)},
	"sha256":   {"SHA-256", regexp.MustCompile(`^[a-fA-F0-9]{64}$`)},
	"sha384":   {"SHA-384", regexp.MustCompile(`^[a-fA-F0-9]{96}$`)},
	"sha512":   {"SHA-512", regexp.MustCompile(`^[a-fA-F0-9]{128}$`)},
	"sha3-256": {"SHA3-256", regexp.MustCompile(`^[a-fA-F0-9]{64}$`)},
	"sha3-512": {"SHA3-512", regexp.MustCompile(`^[a-fA-F0-9]{128}$`)},
	"ssdeep":   {"SSDEEP", regexp.MustCompile(`^[a-zA-Z0-9/+:.]{1,128}$`)},
	"tlsh":     {"TLSH", regexp.MustCompile(`^[a-zA-Z0-9]{70}$`)},
}

// hashPreference is the order STIX 2.1 (section 2.9) takes one hash from
// for a file's id.
var hashPreference = []string{"MD5", "SHA-1", "SHA-256", "SHA-512"}

// mapValue turns a MISP attribute type and value into STIX comparisons and
// cyber-observables; false when the type has no STIX counterpart or the
// value does not have the form STIX requires.
func mapValue(typ, value string) (observable, bool) {
	switch typ {
	case "ip-src", "ip-dst":
		return ipObservable(value)
	case "ip-src|port", "ip-dst|port":
		return ipPortObservable(strings.TrimSuffix(strings.TrimPrefix(typ, "ip-"), "|port"), value)
	case "domain", "hostname":
		return domainObservable(value)
	case "domain|ip":
		return domainIPObservable(value)
	case "url", "link", "uri":
		return urlObservable(value)
	case "email", "email-src", "email-dst", "whois-registrant-email":
		return emailObservable(value)
	case "email-subject":
		return subjectObservable(value)
	case "filename":
		return fileObservable(value, "", "")
	case "AS":
		return asObservable(value)
	case "mac-address":
		return macObservable(value)
	case "mutex":
		return namedObservable("mutex", "name", value)
	case "regkey":
		return regkeyObservable(value)
	case "x509-fingerprint-md5", "x509-fingerprint-sha1", "x509-fingerprint-sha256":
		return certObservable(strings.TrimPrefix(typ, "x509-fingerprint-"), value)
	}
	if _, ok := hashAlgorithms[typ]; ok {
		return fileObservable("", typ, value)
	}
	if alg, ok := strings.CutPrefix(typ, "filename|"); ok {
		name, hash, found := strings.Cut(value, "|")
		if _, known := hashAlgorithms[alg]; known && found && name != "" {
			return fileObservable(name, alg, hash)
		}
	}
	return observable{}, false
}

// literal quotes s as a STIX pattern string.
func literal(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// ipType returns the SCO type of an address or prefix in its STIX form;
// false for anything else (a zone, an IPv4-mapped IPv6 address).
func ipType(value string) (string, bool) {
	addr, err := netip.ParseAddr(value)
	if err != nil {
		pfx, perr := netip.ParsePrefix(value)
		if perr != nil {
			return "", false
		}
		addr = pfx.Addr()
	}
	switch {
	case addr.Zone() != "" || addr.Is4In6():
		return "", false
	case addr.Is4():
		return "ipv4-addr", true
	}
	return "ipv6-addr", true
}

func ipObservable(value string) (observable, bool) {
	typ, ok := ipType(value)
	if !ok {
		return observable{}, false
	}
	return namedObservable(typ, "value", value)
}

// namedObservable is a cyber-observable identified by one text property.
func namedObservable(typ, prop, value string) (observable, bool) {
	if value == "" {
		return observable{}, false
	}
	id := scoID(typ, map[string]any{prop: value})
	return observable{
		root:        typ,
		comparisons: []string{typ + ":" + prop + " = " + literal(value)},
		scos:        []sco{{id, map[string]any{"type": typ, "spec_version": "2.1", "id": id, prop: value}}},
	}, true
}

// ipPortObservable maps "address|port" to network traffic from (side "src")
// or to (side "dst") the address.
func ipPortObservable(side, value string) (observable, bool) {
	host, portText, found := strings.Cut(value, "|")
	port, err := strconv.Atoi(portText)
	ip, ok := ipObservable(host)
	if !found || err != nil || port < 0 || port > 65535 || !ok {
		return observable{}, false
	}
	addr := ip.scos[0]
	proto := strings.TrimSuffix(ip.root, "-addr")
	contributing := map[string]any{side + "_ref": addr.id, side + "_port": port, "protocols": []string{proto}}
	id := scoID("network-traffic", contributing)
	body := map[string]any{"type": "network-traffic", "spec_version": "2.1", "id": id}
	for k, v := range contributing {
		body[k] = v
	}
	return observable{
		root: "network-traffic",
		comparisons: []string{
			"network-traffic:" + side + "_ref.type = " + literal(ip.root),
			"network-traffic:" + side + "_ref.value = " + literal(host),
			"network-traffic:" + side + "_port = " + strconv.Itoa(port),
		},
		scos: []sco{{id, body}, addr},
	}, true
}

// validDomain accepts what the schema's idn-hostname format accepts: labels
// of letters, digits and hyphens (IDN allowed), at most 253 characters.
func validDomain(value string) bool {
	ascii, err := idna.Lookup.ToASCII(value)
	return err == nil && ascii != "" && len(ascii) <= 253 && !strings.HasSuffix(value, ".")
}

func domainObservable(value string) (observable, bool) {
	if !validDomain(value) {
		return observable{}, false
	}
	return namedObservable("domain-name", "value", value)
}

// domainIPObservable maps "domain|address" to a domain name resolving to the
// address.
func domainIPObservable(value string) (observable, bool) {
	domain, host, found := strings.Cut(value, "|")
	d, okD := domainObservable(domain)
	ip, okIP := ipObservable(host)
	if !found || !okD || !okIP {
		return observable{}, false
	}
	d.scos[0].body["resolves_to_refs"] = []string{ip.scos[0].id}
	d.comparisons = append(d.comparisons, "domain-name:resolves_to_refs[*].value = "+literal(host))
	d.scos = append(d.scos, ip.scos[0])
	return d, true
}

// urlObservable keeps any URL in a pattern, but the url object only for an
// absolute URI, which the schema requires: MISP feeds often drop the scheme.
func urlObservable(value string) (observable, bool) {
	o, ok := namedObservable("url", "value", value)
	if !ok || strings.ContainsAny(value, " \t\r\n") {
		return observable{}, false
	}
	if u, err := url.Parse(value); err != nil || u.Scheme == "" || !isASCII(value) {
		o.scos = nil
	}
	return o, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func emailObservable(value string) (observable, bool) {
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Address != value || addr.Name != "" {
		return observable{}, false
	}
	return namedObservable("email-addr", "value", value)
}

// subjectObservable is an e-mail message known by its subject; STIX
// requires is_multipart on every message.
func subjectObservable(value string) (observable, bool) {
	o, ok := namedObservable("email-message", "subject", value)
	if ok {
		o.scos[0].body["is_multipart"] = false
	}
	return o, ok
}

// fileObservable is a file known by its name, a hash, or both.
func fileObservable(name, alg, hash string) (observable, bool) {
	body := map[string]any{"type": "file", "spec_version": "2.1"}
	contributing := map[string]any{}
	var comparisons []string
	if name != "" {
		body["name"], contributing["name"] = name, name
		comparisons = append(comparisons, "file:name = "+literal(name))
	}
	if alg != "" {
		h := hashAlgorithms[alg]
		if !h.form.MatchString(hash) {
			return observable{}, false
		}
		body["hashes"] = map[string]string{h.name: hash}
		for _, preferred := range hashPreference {
			if preferred == h.name {
				contributing["hashes"] = map[string]string{h.name: hash}
			}
		}
		comparisons = append(comparisons, "file:hashes."+hashKey(h.name)+" = "+literal(hash))
	}
	if len(comparisons) == 0 {
		return observable{}, false
	}
	if len(contributing) == 0 {
		contributing["hashes"] = body["hashes"]
	}
	id := scoID("file", contributing)
	body["id"] = id
	return observable{root: "file", comparisons: comparisons, scos: []sco{{id, body}}}, true
}

// hashKey quotes a hash name in an object path when it holds a hyphen.
func hashKey(name string) string {
	if strings.Contains(name, "-") {
		return "'" + name + "'"
	}
	return name
}

// asObservable reads "AS64496", "as64496" or "64496".
func asObservable(value string) (observable, bool) {
	digits := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(value)), "AS")
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil {
		return observable{}, false
	}
	id := scoID("autonomous-system", map[string]any{"number": n})
	return observable{
		root:        "autonomous-system",
		comparisons: []string{"autonomous-system:number = " + strconv.FormatUint(n, 10)},
		scos:        []sco{{id, map[string]any{"type": "autonomous-system", "spec_version": "2.1", "id": id, "number": n}}},
	}, true
}

var macForm = regexp.MustCompile(`^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$`)

// macObservable writes the address as STIX requires: lower case, colons.
func macObservable(value string) (observable, bool) {
	if !macForm.MatchString(value) {
		return observable{}, false
	}
	return namedObservable("mac-addr", "value", strings.ToLower(strings.ReplaceAll(value, "-", ":")))
}

// hiveNames expands the hive abbreviations MISP values use; STIX asks for
// the full name.
var hiveNames = map[string]string{
	"HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER", "HKCR": "HKEY_CLASSES_ROOT",
	"HKU": "HKEY_USERS", "HKCC": "HKEY_CURRENT_CONFIG",
}

// hiveAbbreviation is the schema's own check, which rejects those
// abbreviations anywhere they appear.
var hiveAbbreviation = regexp.MustCompile(`^HKLM|HKCC|HKCR|HKCU|HKU|hklm|hkcc|hkcr|hkcu|hku`)

func regkeyObservable(value string) (observable, bool) {
	hive, rest, _ := strings.Cut(value, `\`)
	if full, ok := hiveNames[strings.ToUpper(hive)]; ok {
		value = full + `\` + rest
	}
	if hiveAbbreviation.MatchString(value) {
		return observable{}, false
	}
	return namedObservable("windows-registry-key", "key", value)
}

// certObservable is an X.509 certificate known by a fingerprint.
func certObservable(alg, value string) (observable, bool) {
	h, ok := hashAlgorithms[alg]
	if !ok || !h.form.MatchString(value) {
		return observable{}, false
	}
	hashes := map[string]string{h.name: value}
	id := scoID("x509-certificate", map[string]any{"hashes": hashes})
	return observable{
		root:        "x509-certificate",
		comparisons: []string{"x509-certificate:hashes." + hashKey(h.name) + " = " + literal(value)},
		scos:        []sco{{id, map[string]any{"type": "x509-certificate", "spec_version": "2.1", "id": id, "hashes": hashes}}},
	}, true
}

// patternOf joins observables into one STIX pattern: comparisons about the
// same object type in one observation, observations joined by AND.
func patternOf(obs []observable) string {
	var order []string
	groups := map[string][]string{}
	for _, o := range obs {
		if _, seen := groups[o.root]; !seen {
			order = append(order, o.root)
		}
		groups[o.root] = append(groups[o.root], o.comparisons...)
	}
	parts := make([]string, len(order))
	for i, root := range order {
		parts[i] = "[" + strings.Join(groups[root], " AND ") + "]"
	}
	return strings.Join(parts, " AND ")
}
