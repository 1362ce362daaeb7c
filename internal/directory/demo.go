package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// DemoOrgs are the organisations SeedDemo made, so the demo can create one
// user per role in them.
type DemoOrgs struct {
	Secretariat string // id of the secretariat organisation
	// ByShortName holds the id of every demo organisation by short name:
	// the secretariat, the teams (e.g. "DEMO-MX-NAT", "DEMO-MX-BANK"), the
	// ministries, the partners and the donor.
	ByShortName map[string]string
}

// SecretariatShortName is the short name of the demo's secretariat.
const SecretariatShortName = "CICTE"

// SeedDemo fills a new directory with a demo network: the secretariat, a
// dozen teams of every kind in seven member states, ministries, partners
// and a donor, people, points of contact with some history, and
// constituencies drawn only from documentation ranges (RFC 5737, RFC 3849,
// RFC 5398) and example domains, with deliberate overlaps between teams
// (DEMO-MX-NAT and DEMO-MX-BANK share 198.51.100.128/25; two teams hold a
// domain and a subdomain of it). Names are invented and marked "(demo)".
//
// The actor must be a secretariat admin; every change is audited as theirs.
// If actor.OrgID is an existing secretariat organisation it is used as the
// secretariat; otherwise one is created. On a directory already seeded,
// SeedDemo changes nothing and returns the existing ids.
func SeedDemo(ctx context.Context, d *Directory, actor access.Actor) (DemoOrgs, error) {
	out := DemoOrgs{ByShortName: map[string]string{}}
	orgs := demoOrganizations()
	if seeded, err := d.demoIDs(ctx, actor, orgs, &out); err != nil || seeded {
		return out, err
	}
	sec, err := d.demoSecretariat(ctx, actor)
	if err != nil {
		return out, err
	}
	out.Secretariat = sec.ID
	if sec.ShortName != "" {
		out.ByShortName[sec.ShortName] = sec.ID
	}
	people := map[string]string{} // demo person key -> id
	for _, o := range orgs {
		if err := d.seedOrg(ctx, actor, o, out.ByShortName, people); err != nil {
			return out, err
		}
	}
	if err := d.seedPeople(ctx, actor, sec.ID, demoSecretariatPeople, people); err != nil {
		return out, err
	}
	for _, c := range demoContacts {
		n := Nomination{Country: c.country, Kind: c.kind, PersonID: people[c.person], NominatedOn: c.on, Note: c.note}
		got, err := d.NominateContact(ctx, actor, n)
		if err != nil {
			return out, fmt.Errorf("demo contact %s %s %s: %w", c.country, c.kind, c.person, err)
		}
		if c.ended != "" {
			if _, err := d.EndContact(ctx, actor, got.ID, c.ended); err != nil {
				return out, fmt.Errorf("demo contact %s %s: ending: %w", c.country, c.kind, err)
			}
		}
	}
	return out, nil
}

// demoIDs fills out from an earlier run and reports whether there was one.
func (d *Directory) demoIDs(ctx context.Context, actor access.Actor, orgs []demoOrg, out *DemoOrgs) (bool, error) {
	for _, o := range orgs {
		id, err := orgIDByShortName(ctx, d.db.R(), o.org.ShortName)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return false, err
		}
		out.ByShortName[o.org.ShortName] = id
	}
	if len(out.ByShortName) == 0 {
		return false, nil
	}
	sec, err := d.existingSecretariat(ctx, actor)
	if err != nil {
		return true, fmt.Errorf("demo secretariat: %w", err)
	}
	out.Secretariat = sec.ID
	if sec.ShortName != "" {
		out.ByShortName[sec.ShortName] = sec.ID
	}
	return true, nil
}

func orgIDByShortName(ctx context.Context, q store.Querier, short string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM organizations WHERE lower(short_name) = lower($1)`, short).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("finding organization %s: %w", short, err)
	}
	return id, nil
}

// existingSecretariat returns the actor's organisation if it is a
// secretariat, else the demo's secretariat, else store.ErrNotFound.
func (d *Directory) existingSecretariat(ctx context.Context, actor access.Actor) (Organization, error) {
	if actor.OrgID != "" {
		o, err := getOrganization(ctx, d.db.R(), actor.OrgID)
		if err == nil && o.Kind == Secretariat {
			return o, nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return o, err
		}
	}
	id, err := orgIDByShortName(ctx, d.db.R(), SecretariatShortName)
	if err != nil {
		return Organization{}, err
	}
	return getOrganization(ctx, d.db.R(), id)
}

// demoSecretariat returns the existing secretariat or creates the demo one
// (a fresh install, where the actor has no organisation yet).
func (d *Directory) demoSecretariat(ctx context.Context, actor access.Actor) (Organization, error) {
	o, err := d.existingSecretariat(ctx, actor)
	if !errors.Is(err, store.ErrNotFound) {
		return o, err
	}
	o, err = d.CreateOrganization(ctx, actor, Organization{Kind: Secretariat, Name: "OAS Cyber Security Program",
		ShortName: SecretariatShortName, Email: "cybersecurity@csp.example", Website: "https://csp.example/",
		Description: "The cyber security program of the Inter-American Committee against Terrorism (CICTE): " +
			"the secretariat of the demo network."})
	if err != nil {
		return o, fmt.Errorf("demo secretariat: %w", err)
	}
	return o, nil
}

func (d *Directory) seedOrg(ctx context.Context, actor access.Actor, o demoOrg, ids, people map[string]string) error {
	created, err := d.CreateOrganization(ctx, actor, o.org)
	if err != nil {
		return fmt.Errorf("demo organization %s: %w", o.org.ShortName, err)
	}
	ids[created.ShortName] = created.ID
	for _, raw := range o.entries {
		if _, _, err := d.AddConstituency(ctx, actor, created.ID, raw, ""); err != nil {
			return fmt.Errorf("demo constituency %s %s: %w", o.org.ShortName, raw, err)
		}
	}
	return d.seedPeople(ctx, actor, created.ID, o.people, people)
}

func (d *Directory) seedPeople(ctx context.Context, actor access.Actor, orgID string, ps []demoPerson, ids map[string]string) error {
	for _, p := range ps {
		p.person.OrgID = orgID
		created, err := d.AddPerson(ctx, actor, p.person)
		if err != nil {
			return fmt.Errorf("demo person %s: %w", p.key, err)
		}
		ids[p.key] = created.ID
	}
	return nil
}
