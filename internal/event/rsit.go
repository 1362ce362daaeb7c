package event

import "strings"

// rsit is the Reference Security Incident Taxonomy (version 1003 of the MISP
// "rsit" taxonomy): each taxonomy with its types. A test checks it against
// ../shared/testdata/misp/taxonomies/rsit/machinetag.json.
var rsit = map[string][]string{
	"abusive-content":       {"spam", "harmful-speech", "violence"},
	"malicious-code":        {"infected-system", "c2-server", "malware-distribution", "malware-configuration"},
	"information-gathering": {"scanner", "sniffing", "social-engineering"},
	"intrusion-attempts":    {"ids-alert", "brute-force", "exploit"},
	"intrusions": {"privileged-account-compromise", "unprivileged-account-compromise",
		"application-compromise", "system-compromise", "burglary"},
	"availability": {"dos", "ddos", "misconfiguration", "sabotage", "outage"},
	"information-content-security": {"unauthorised-information-access",
		"unauthorised-information-modification", "data-loss", "data-leak"},
	"fraud": {"unauthorised-use-of-resources", "copyright", "masquerade", "phishing"},
	"vulnerable": {"weak-crypto", "ddos-amplifier", "potentially-unwanted-accessible",
		"information-disclosure", "vulnerable-system"},
	"other": {"other", "undetermined"},
	"test":  {"test"},
}

// Taxonomies returns the RSIT taxonomies and their types, a fresh copy the
// caller may change (for pick lists and docs).
func Taxonomies() map[string][]string {
	out := make(map[string][]string, len(rsit))
	for k, v := range rsit {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// TypeBelongs reports whether typ is an RSIT type of taxonomy.
func TypeBelongs(taxonomy, typ string) bool {
	for _, t := range rsit[taxonomy] {
		if t == typ {
			return true
		}
	}
	return false
}

// parseTaxonomy accepts the RSIT names in any case, and with spaces for
// hyphens as IntelMQ wrote them before 3.0 ("malicious code").
func parseTaxonomy(field, value string) (string, error) {
	v := normaliseClass(value)
	if _, ok := rsit[v]; !ok && v != "" {
		return "", fieldError(field, "event_taxonomy", "is not a taxonomy of the Reference Security Incident Taxonomy", v)
	}
	return v, nil
}

// parseType accepts an RSIT type, or one of IntelMQ's legacy names, which
// it stores as the RSIT type meant (see legacyTypes).
func parseType(field, value string) (string, error) {
	if strings.TrimSpace(value) == "" {
		return "", nil
	}
	if t, ok := RSITType(value); ok {
		return t, nil
	}
	return "", fieldError(field, "event_type", "is not a type of the Reference Security Incident Taxonomy", strings.ToLower(strings.TrimSpace(value)))
}
