package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
	"atalaya/internal/intel"
)

// FindUser returns the account with this e-mail address (any case).
func FindUser(ctx context.Context, a *App, email string) (auth.User, error) {
	users, _, err := a.Auth.ListUsers(ctx, auth.SystemActor(), auth.Filter{Query: email, Limit: 500})
	if err != nil {
		return auth.User{}, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			return u, nil
		}
	}
	return auth.User{}, fmt.Errorf("user %q: no account has this e-mail address", email)
}

// ActorForEmail acts as the account with this e-mail address, as its
// session would, for the command line and the demo seed.
func ActorForEmail(ctx context.Context, a *App, email string) (access.Actor, error) {
	u, err := FindUser(ctx, a, email)
	if err != nil {
		return access.Actor{}, err
	}
	org, err := a.Directory.GetOrganization(ctx, auth.SystemActor(), u.OrgID)
	if err != nil {
		return access.Actor{}, err
	}
	return access.Actor{UserID: u.ID, Name: u.Email, OrgID: u.OrgID, Country: org.Country, Roles: u.Roles,
		Secretariat: org.Kind == directory.Secretariat}, nil
}

// DemoGroupName is the demo's sharing group: the national CSIRT of Mexico
// and the banking team share what concerns the financial sector.
const DemoGroupName = "MX financial sector (demo)"

// seedDemoIntel shares a handful of objects between the demo teams, so every
// TLP, the three kinds of distribution, a correlation and a sighting can be
// seen right after `atalaya demo`. On a store that already holds intel of
// the Mexican national team it does nothing.
func seedDemoIntel(ctx context.Context, a *App, orgs directory.DemoOrgs) error {
	mx, err := ActorForEmail(ctx, a, "analyst@csirt-mx.example")
	if err != nil {
		return err
	}
	page, err := a.Intel.List(ctx, mx, intel.Filter{OrgID: mx.OrgID, Limit: 1})
	if err != nil || len(page.Objects) > 0 {
		return err
	}
	mxAdmin, err := ActorForEmail(ctx, a, "admin@csirt-mx.example")
	if err != nil {
		return err
	}
	group, err := a.Intel.CreateGroup(ctx, mxAdmin, intel.Group{Name: DemoGroupName,
		Description: "Phishing and fraud aimed at Mexican banks.", Orgs: []string{orgs.ByShortName["DEMO-MX-BANK"]}})
	if err != nil {
		return fmt.Errorf("demo sharing group: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	members := func(t access.TLP) intel.Sharing { return intel.Sharing{TLP: t, Members: true} }
	seeds := []struct {
		email string
		in    intel.IndicatorInput
	}{
		{"analyst@csirt-mx.example", intel.IndicatorInput{Name: "Botnet C2 server (demo)",
			Pattern: "[ipv4-addr:value = '203.0.113.77']", IndicatorTypes: []string{"malicious-activity"},
			Sharing: members(access.TLPGreen)}},
		{"analyst@csirt-mx.example", intel.IndicatorInput{Name: "Phishing site imitating a bank (demo)",
			Pattern:        "[domain-name:value = 'secure-login.bank-demo.example'] OR [url:value = 'https://secure-login.bank-demo.example/login']",
			IndicatorTypes: []string{"malicious-activity"},
			Sharing:        intel.Sharing{TLP: access.TLPAmber, Groups: []string{group.ID}}}},
		{"analyst@csirt-mx.example", intel.IndicatorInput{Name: "Insider exfiltration host (demo)",
			Pattern: "[ipv4-addr:value = '198.51.100.200']", IndicatorTypes: []string{"compromised"},
			Sharing: intel.Sharing{TLP: access.TLPRed, Orgs: []string{orgs.ByShortName["DEMO-MX-BANK"]}}}},
		{"analyst@cert-br.example", intel.IndicatorInput{Name: "Ransomware C2 seen in Brazil (demo)",
			Pattern:        "[ipv4-addr:value = '203.0.113.77'] OR [file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
			IndicatorTypes: []string{"malicious-activity"}, Sharing: members(access.TLPAmber)}},
	}
	var ids []string
	for _, s := range seeds {
		actor, err := ActorForEmail(ctx, a, s.email)
		if err != nil {
			return err
		}
		s.in.PatternType, s.in.ValidFrom = "stix", now
		obj, err := a.Intel.SaveIndicator(ctx, actor, s.in)
		if err != nil {
			return fmt.Errorf("demo indicator %q: %w", s.in.Name, err)
		}
		ids = append(ids, obj.ID)
	}
	br, err := ActorForEmail(ctx, a, "analyst@cert-br.example")
	if err != nil {
		return err
	}
	if _, err := a.Intel.SaveReport(ctx, br, intel.ReportInput{Name: "Ransomware campaign against health providers (demo)",
		Description: "Infrastructure and samples seen by CERT.br (demo).", ReportTypes: []string{"campaign"},
		Published: now, ObjectRefs: []string{ids[3]}, Sharing: members(access.TLPAmber)}); err != nil {
		return fmt.Errorf("demo report: %w", err)
	}
	officer, err := ActorForEmail(ctx, a, "officer@secretariat.example")
	if err != nil {
		return err
	}
	if _, err := a.Intel.SaveReport(ctx, officer, intel.ReportInput{Name: "Advisory: patch your VPN gateways (demo)",
		Description: "A public advisory of the secretariat (demo).", ReportTypes: []string{"threat-report"},
		Published: now, ObjectRefs: []string{ids[0]}, Sharing: members(access.TLPClear)}); err != nil {
		return fmt.Errorf("demo advisory: %w", err)
	}
	bank, err := ActorForEmail(ctx, a, "admin@csirt-bank.example")
	if err != nil {
		return err
	}
	_, err = a.Intel.Sight(ctx, bank, intel.SightingInput{IndicatorID: ids[1], Count: 12, FirstSeen: now.Add(-6 * time.Hour),
		LastSeen: now, Where: "e-mail gateway of the bank", Sharing: intel.Sharing{TLP: access.TLPAmber, Groups: []string{group.ID}}})
	if err != nil {
		return fmt.Errorf("demo sighting: %w", err)
	}
	return nil
}
