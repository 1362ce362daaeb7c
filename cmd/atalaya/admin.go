package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/app"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
)

// The administration commands act with the authority of whoever runs the
// binary next to the data: as auth.SystemActor, audited as "system:cli".

type userCmd struct {
	Add     userAddCmd     `cmd:"" help:"Create an account."`
	Passwd  userPasswdCmd  `cmd:"" help:"Set an account's password (read from standard input)."`
	List    userListCmd    `cmd:"" help:"List accounts."`
	Disable userDisableCmd `cmd:"" help:"Disable an account (and end its sessions)."`
}

type userAddCmd struct {
	storeFlags
	Org           string   `help:"Organisation: its short name or id." required:""`
	Email         string   `help:"E-mail address (the login)." required:""`
	Name          string   `help:"Full name." required:""`
	Role          []string `help:"Role (repeat for several): secretariat_admin, secretariat_officer, team_admin, analyst, government_contact, expert, observer." required:""`
	Language      string   `help:"Preferred language: en, es, pt or fr (empty: from the browser)."`
	PasswordStdin bool     `help:"Read the password from standard input instead of ATALAYA_PASSWORD."`
}

func (c *userAddCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	orgID, err := findOrg(e.ctx, a, c.Org)
	if err != nil {
		return err
	}
	password, err := readPassword(c.PasswordStdin)
	if err != nil {
		return err
	}
	roles := make([]access.Role, len(c.Role))
	for i, r := range c.Role {
		roles[i] = access.Role(r)
	}
	u, err := a.Auth.CreateUser(e.ctx, auth.SystemActor(), auth.NewUser{OrgID: orgID, Email: c.Email, Name: c.Name,
		Roles: roles, Password: password, Language: c.Language})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, u.ID)
	return nil
}

type userPasswdCmd struct {
	storeFlags
	Email string `arg:"" help:"E-mail address of the account."`
}

func (c *userPasswdCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := app.FindUser(e.ctx, a, c.Email)
	if err != nil {
		return err
	}
	password, err := readPassword(true)
	if err != nil {
		return err
	}
	if err := a.Auth.SetPassword(e.ctx, auth.SystemActor(), u.ID, "", password); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "password changed; the account's sessions were ended")
	return nil
}

type userListCmd struct {
	storeFlags
	Org string `help:"Only this organisation (short name or id)."`
}

func (c *userListCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	f := auth.Filter{Limit: 500}
	if c.Org != "" {
		if f.OrgID, err = findOrg(e.ctx, a, c.Org); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLES\tTOTP\tDISABLED\tID")
	for {
		users, next, err := a.Auth.ListUsers(e.ctx, auth.SystemActor(), f)
		if err != nil {
			return err
		}
		for _, u := range users {
			roles := make([]string, len(u.Roles))
			for i, r := range u.Roles {
				roles[i] = string(r)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%v\t%s\n", u.Email, u.Name, strings.Join(roles, ","), u.TOTPEnabled, u.Disabled, u.ID)
		}
		if next == "" {
			break
		}
		f.After = next
	}
	return tw.Flush()
}

type userDisableCmd struct {
	storeFlags
	Email  string `arg:"" help:"E-mail address of the account."`
	Enable bool   `help:"Enable the account again instead."`
}

func (c *userDisableCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := app.FindUser(e.ctx, a, c.Email)
	if err != nil {
		return err
	}
	return a.Auth.SetDisabled(e.ctx, auth.SystemActor(), u.ID, !c.Enable)
}

type tokenCmd struct {
	Create tokenCreateCmd `cmd:"" help:"Create an API token for an account; prints the token alone on stdout."`
	List   tokenListCmd   `cmd:"" help:"List an account's API tokens (never their secret)."`
	Revoke tokenRevokeCmd `cmd:"" help:"Revoke an API token."`
}

type tokenCreateCmd struct {
	storeFlags
	User  string        `help:"E-mail address of the token's owner." required:""`
	Name  string        `help:"What the token is for." required:""`
	Scope []string      `help:"Scope (repeat for several): read, write, admin." default:"read"`
	TTL   time.Duration `help:"Lifetime, e.g. 720h; 0 never expires." default:"0"`
}

func (c *tokenCreateCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	owner, err := actorForEmail(e.ctx, a, c.User)
	if err != nil {
		return err
	}
	scopes := make([]access.Scope, len(c.Scope))
	for i, s := range c.Scope {
		scopes[i] = access.Scope(s)
	}
	_, secret, err := a.Auth.CreateToken(e.ctx, owner, c.Name, scopes, c.TTL)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, secret)
	return nil
}

type tokenListCmd struct {
	storeFlags
	User string `help:"E-mail address of the owner." required:""`
}

func (c *tokenListCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	owner, err := actorForEmail(e.ctx, a, c.User)
	if err != nil {
		return err
	}
	toks, err := a.Auth.ListTokens(e.ctx, owner, auth.Filter{OrgID: owner.OrgID, UserID: owner.UserID})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tSCOPES\tUSABLE")
	for _, t := range toks {
		sc := make([]string, len(t.Scopes))
		for i, s := range t.Scopes {
			sc[i] = string(s)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s…\t%s\t%v\n", t.ID, t.Name, t.Prefix, strings.Join(sc, ","), t.Usable(time.Now()))
	}
	return tw.Flush()
}

type tokenRevokeCmd struct {
	storeFlags
	User string `help:"E-mail address of the owner." required:""`
	ID   string `arg:"" help:"Id of the token (see token list)."`
}

func (c *tokenRevokeCmd) Run(e *env) error {
	a, err := openApp(e, c.storeFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	owner, err := actorForEmail(e.ctx, a, c.User)
	if err != nil {
		return err
	}
	return a.Auth.RevokeToken(e.ctx, owner, c.ID)
}

func openApp(e *env, s storeFlags) (*app.App, error) {
	return app.Open(e.ctx, app.Config{DataDir: s.DataDir, DatabaseURL: s.DatabaseURL}, newLogger(e))
}

// findOrg accepts a short name or an id.
func findOrg(ctx context.Context, a *app.App, ref string) (string, error) {
	sys := auth.SystemActor()
	if o, err := a.Directory.GetOrganization(ctx, sys, ref); err == nil {
		return o.ID, nil
	}
	orgs, _, err := a.Directory.ListOrganizations(ctx, sys, directory.Filter{Query: ref, Limit: directory.MaxLimit})
	if err != nil {
		return "", err
	}
	for _, o := range orgs {
		if strings.EqualFold(o.ShortName, ref) {
			return o.ID, nil
		}
	}
	return "", fmt.Errorf("organisation %q: no organisation has this short name or id", ref)
}

// actorForEmail acts as the account's owner: tokens are personal, so the
// command line creates and revokes them in the owner's name.
func actorForEmail(ctx context.Context, a *app.App, email string) (access.Actor, error) {
	actor, err := app.ActorForEmail(ctx, a, email)
	if err != nil {
		return access.Actor{}, err
	}
	actor.Name += " (via cli)" // the audit log tells the command line from a session
	return actor, nil
}

// readPassword takes ATALAYA_PASSWORD, or the first line of standard input.
func readPassword(fromStdin bool) (string, error) {
	if !fromStdin {
		if p := os.Getenv("ATALAYA_PASSWORD"); p != "" {
			return p, nil
		}
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading password from standard input: %w", err)
	}
	if line = strings.TrimRight(line, "\r\n"); line == "" {
		return "", fmt.Errorf("password: give it on standard input (or in ATALAYA_PASSWORD)")
	}
	return line, nil
}
