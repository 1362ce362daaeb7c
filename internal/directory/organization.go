package directory

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"atalaya/internal/valid"
)

// Organization is a body in the program: the secretariat, a member team, a
// ministry, a partner or a donor. JSON names are those of the API, the audit
// log and the form fields that valid errors name.
type Organization struct {
	ID          string `json:"id"`
	Kind        Kind   `json:"kind"`
	Name        string `json:"name"`
	ShortName   string `json:"short_name"` // acronym, unique when not empty, e.g. "CSIRT-DEMO-MX"
	Country     string `json:"country"`    // ISO 3166-1 alpha-2; "" for regional bodies
	Description string `json:"description"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	Website     string `json:"website"`
	// Team is the team-directory profile: present for CSIRT kinds (a
	// default one is created when none is given), absent otherwise.
	Team      *TeamProfile `json:"team,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// TeamProfile is what the network needs to know to work with a CSIRT. Field
// errors name these as "team.<json name>".
type TeamProfile struct {
	Constituency   string     `json:"constituency"` // who the team serves, in words
	Email          string     `json:"email"`
	Phone          string     `json:"phone"`
	EmergencyPhone string     `json:"emergency_phone"` // 24/7
	Website        string     `json:"website"`
	PGPKey         string     `json:"pgp_key"`         // ASCII-armored public key block
	PGPFingerprint string     `json:"pgp_fingerprint"` // 40 hex digits, stored upper case without spaces
	BusinessHours  string     `json:"business_hours"`  // e.g. "Mon–Fri 08:00–17:00"
	TimeZone       string     `json:"time_zone"`       // IANA, e.g. "America/Bogota"
	Established    string     `json:"established"`     // YYYY-MM-DD
	FIRSTMember    bool       `json:"first_member"`
	FIRSTSince     string     `json:"first_member_since"` // YYYY-MM-DD
	Status         TeamStatus `json:"status"`             // "" becomes Active
	Sector         string     `json:"sector"`             // required for sector CSIRTs, e.g. "banking"
}

// Field limits, in characters.
const (
	maxName        = 200
	maxShortName   = 32
	maxText        = 4000
	maxShortText   = 200
	maxPGPKey      = 100_000
	fingerprintLen = 40
)

// normalize trims what people paste and puts codes in their stored form. It
// changes nothing a validation error could then blame on the user.
func (o *Organization) normalize() {
	for _, f := range []*string{&o.Name, &o.ShortName, &o.Country, &o.Email, &o.Phone, &o.Website} {
		*f = strings.TrimSpace(*f)
	}
	o.Description = strings.TrimSpace(o.Description)
	if m, ok := LookupMemberState(o.Country); ok {
		o.Country = m.Code
	} else {
		o.Country = strings.ToUpper(o.Country)
	}
	if !o.Kind.IsCSIRT() {
		o.Team = nil // only teams have a profile; the audit entry keeps any dropped one
		return
	}
	if o.Team == nil {
		o.Team = &TeamProfile{}
	}
	t := *o.Team // a copy: the caller's profile is not changed behind its back
	for _, f := range []*string{&t.Email, &t.Phone, &t.EmergencyPhone, &t.Website, &t.BusinessHours,
		&t.TimeZone, &t.Established, &t.FIRSTSince, &t.Sector, &t.Constituency, &t.PGPKey} {
		*f = strings.TrimSpace(*f)
	}
	t.PGPFingerprint = NormalizeFingerprint(t.PGPFingerprint)
	if t.Status == "" {
		t.Status = Active
	}
	o.Team = &t
}

// NormalizeFingerprint removes spaces and upper-cases an OpenPGP
// fingerprint as people copy it from "gpg --fingerprint".
func NormalizeFingerprint(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// check validates a normalized organisation.
func (o *Organization) check(today string) valid.Errors {
	c := &fieldChecker{today: today}
	c.oneOf("kind", "organization.kind", o.Kind.Valid(), string(o.Kind))
	if c.required("name", o.Name) {
		c.maxLen("name", o.Name, maxName)
	}
	o.checkShortName(c)
	o.checkCountry(c)
	c.maxLen("description", o.Description, maxText)
	c.email("email", o.Email)
	c.phone("phone", o.Phone)
	c.website("website", o.Website)
	if o.Team != nil {
		o.Team.check(c, o.Kind)
	}
	return c.es
}

func (o *Organization) checkShortName(c *fieldChecker) {
	if !c.maxLen("short_name", o.ShortName, maxShortName) {
		return
	}
	// ASCII only: uniqueness is enforced on lower(short_name), which both
	// engines agree on for ASCII letters.
	for _, r := range o.ShortName {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .-_", r))) {
			c.es.Add("short_name", "organization.short_name_chars",
				"use letters A–Z, digits, spaces, dots, hyphens and underscores", map[string]any{"Value": clip(o.ShortName)})
			return
		}
	}
}

func (o *Organization) checkCountry(c *fieldChecker) {
	_, member := LookupMemberState(o.Country)
	switch {
	case o.Kind == Secretariat && o.Country != "":
		c.es.Add("country", "organization.country_regional", "the secretariat is regional: leave the country empty", nil)
	case o.Kind.needsCountry() && o.Country == "":
		c.es.Add("country", "directory.required", "this field is required", nil)
	case o.Kind.needsCountry() && !member:
		c.es.Add("country", "directory.country_member", "teams and ministries must belong to a member state",
			map[string]any{"Value": clip(o.Country)})
	case o.Country != "" && !isAlpha2(o.Country):
		c.es.Add("country", "organization.country", "not a country code: use ISO 3166-1 alpha-2, e.g. MX",
			map[string]any{"Value": clip(o.Country)})
	}
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// check validates a normalized team profile of an organisation of kind k.
func (t *TeamProfile) check(c *fieldChecker, k Kind) {
	c.maxLen("team.constituency", t.Constituency, maxText)
	c.email("team.email", t.Email)
	c.phone("team.phone", t.Phone)
	c.phone("team.emergency_phone", t.EmergencyPhone)
	c.website("team.website", t.Website)
	t.checkPGP(c)
	c.maxLen("team.business_hours", t.BusinessHours, maxShortText)
	c.timeZone("team.time_zone", t.TimeZone)
	c.date("team.established", t.Established)
	c.date("team.first_member_since", t.FIRSTSince)
	if t.FIRSTSince != "" && !t.FIRSTMember {
		c.es.Add("team.first_member_since", "team.first_since_not_member",
			"a date of FIRST membership needs the team to be a FIRST member", nil)
	}
	c.oneOf("team.status", "team.status", t.Status.Valid(), string(t.Status))
	if k == SectorCSIRT {
		c.required("team.sector", t.Sector)
	}
	c.maxLen("team.sector", t.Sector, maxShortText)
}

const (
	pgpPublicBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
	pgpPublicEnd   = "-----END PGP PUBLIC KEY BLOCK-----"
)

// checkPGP checks the shape of the key, not its cryptography: the directory
// publishes what the team gives. A private key pasted by mistake is refused
// with its own message, since publishing it would compromise the team.
func (t *TeamProfile) checkPGP(c *fieldChecker) {
	if t.PGPKey != "" && c.maxLen("team.pgp_key", t.PGPKey, maxPGPKey) {
		switch {
		case strings.Contains(t.PGPKey, "PRIVATE KEY"):
			c.es.Add("team.pgp_key", "team.pgp_private",
				"this is a private key: never share it; paste the public key block instead", nil)
		case !strings.HasPrefix(t.PGPKey, pgpPublicBegin) || !strings.HasSuffix(t.PGPKey, pgpPublicEnd):
			c.es.Add("team.pgp_key", "team.pgp_key",
				"paste the whole armored public key, from "+pgpPublicBegin+" to "+pgpPublicEnd, nil)
		}
	}
	if f := t.PGPFingerprint; f != "" && (len(f) != fingerprintLen || strings.Trim(f, "0123456789ABCDEF") != "") {
		c.es.Add("team.pgp_fingerprint", "team.fingerprint",
			"a fingerprint is 40 hexadecimal characters, e.g. 0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567",
			map[string]any{"Value": clip(f)})
	}
}

// searchText is what ListOrganizations matches a query against.
func (o *Organization) searchText() string { return fold(o.Name + "\n" + o.ShortName) }

// fold lower-cases s and strips accents, so "mexico" finds "México" on
// both engines (SQLite's lower() only knows ASCII).
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}
