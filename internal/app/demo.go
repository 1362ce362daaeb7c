package app

import (
	"context"
	"fmt"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
)

// DemoPassword is every demo account's password. It is printed: the demo is
// for a laptop or an exercise lab, never for production.
const DemoPassword = "atalaya-demo-2026"

// DemoUser is one demo login; there is one per role.
type DemoUser struct {
	Email, Name, Org string // Org is the organisation's short name
	Role             access.Role
}

// DemoUsers are the demo logins, one per role; tests sign in as them too.
var DemoUsers = []DemoUser{
	{"admin@secretariat.example", "Sofía Demo (secretariat admin)", directory.SecretariatShortName, access.SecretariatAdmin},
	{"officer@secretariat.example", "Jean Demo (secretariat officer)", directory.SecretariatShortName, access.SecretariatOfficer},
	{"admin@csirt-mx.example", "María Demo (team admin)", "DEMO-MX-NAT", access.TeamAdmin},
	{"analyst@csirt-mx.example", "Carlos Demo (analyst)", "DEMO-MX-NAT", access.Analyst},
	{"admin@csirt-bank.example", "Lucía Demo (team admin, banking)", "DEMO-MX-BANK", access.TeamAdmin},
	{"analyst@cert-br.example", "João Demo (analyst)", "DEMO-BR-NAT", access.Analyst},
	{"contact@ministry-cr.example", "Ana Demo (government contact)", "DEMO-CR-MIN", access.GovernmentContact},
	{"expert@university.example", "Pierre Demo (expert)", "DEMO-UNI", access.Expert},
	{"observer@donor.example", "Olivia Demo (observer)", "DEMO-DONOR", access.Observer},
}

// SeedDemo fills the directory with the demo network and creates one user
// per role. On a store seeded before it changes nothing. It returns the
// organisations' ids by short name.
func SeedDemo(ctx context.Context, a *App) (directory.DemoOrgs, error) {
	sys := auth.SystemActor()
	orgs, err := directory.SeedDemo(ctx, a.Directory, sys)
	if err != nil {
		return orgs, err
	}
	existing, _, err := a.Auth.ListUsers(ctx, sys, auth.Filter{Limit: 1})
	if err != nil {
		return orgs, err
	}
	if len(existing) > 0 {
		return orgs, seedDemoContent(ctx, a, orgs)
	}
	for _, u := range DemoUsers {
		orgID, ok := orgs.ByShortName[u.Org]
		if !ok {
			return orgs, fmt.Errorf("demo organisation %s missing", u.Org)
		}
		_, err := a.Auth.CreateUser(ctx, sys, auth.NewUser{OrgID: orgID, Email: u.Email, Name: u.Name,
			Roles: []access.Role{u.Role}, Password: DemoPassword})
		if err != nil {
			return orgs, fmt.Errorf("demo user %s: %w", u.Email, err)
		}
	}
	return orgs, seedDemoContent(ctx, a, orgs)
}

// seedDemoContent adds the demo's shared intel and technical assistance.
func seedDemoContent(ctx context.Context, a *App, orgs directory.DemoOrgs) error {
	if err := seedDemoIntel(ctx, a, orgs); err != nil {
		return err
	}
	return seedDemoAssistance(ctx, a, orgs)
}
