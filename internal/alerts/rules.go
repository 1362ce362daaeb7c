package alerts

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"cel.dev/cel-go/cel"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

const (
	// maxRules bounds a team's rules: Deliver evaluates all of them on
	// every delivery to the team.
	maxRules    = 100
	maxNameLen  = 100
	seqRules    = "rules"
	selectRules = `SELECT id, org_id, name, expr, enabled, created_by, created_at, updated_at FROM alert_rules`
)

// compiled is an enabled rule ready to run.
type compiled struct {
	id, name string
	prg      cel.Program
}

// ruleSet is the immutable snapshot Deliver reads: each organisation's
// enabled rules, compiled. version is the 'rules' counter it was read at.
type ruleSet struct {
	byOrg   map[string][]compiled
	version int64
}

// LoadRules reads and compiles every enabled rule, replacing the snapshot
// Deliver uses. Start calls it; so does the upkeep when another process
// changed a rule. A stored rule that no longer compiles is logged and left
// out.
func (s *Service) LoadRules(ctx context.Context) error {
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	version, err := s.rulesVersion(ctx)
	if err != nil {
		return err
	}
	rules, err := s.queryRules(ctx, selectRules+` WHERE enabled = $1 ORDER BY org_id, created_at, id`, true)
	if err != nil {
		return fmt.Errorf("loading alert rules: %w", err)
	}
	set := &ruleSet{byOrg: make(map[string][]compiled), version: version}
	for _, r := range rules {
		if c, ok := s.compileStored(r); ok {
			set.byOrg[r.OrgID] = append(set.byOrg[r.OrgID], c)
		}
	}
	s.rules.Store(set)
	return nil
}

// reloadOrg recompiles one organisation's rules after a change made here,
// so the change applies to the next delivery. Reading under rulesMu means
// the last reload sees the last committed change.
func (s *Service) reloadOrg(ctx context.Context, orgID string) error {
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	rules, err := s.queryRules(ctx, selectRules+` WHERE org_id = $1 AND enabled = $2 ORDER BY created_at, id`, orgID, true)
	if err != nil {
		return fmt.Errorf("reloading alert rules of %s: %w", orgID, err)
	}
	old := s.rules.Load()
	set := &ruleSet{byOrg: maps.Clone(old.byOrg), version: old.version}
	if set.byOrg == nil {
		set.byOrg = make(map[string][]compiled)
	}
	delete(set.byOrg, orgID)
	for _, r := range rules {
		if c, ok := s.compileStored(r); ok {
			set.byOrg[orgID] = append(set.byOrg[orgID], c)
		}
	}
	s.rules.Store(set)
	return nil
}

func (s *Service) compileStored(r Rule) (compiled, bool) {
	prg, err := compile(s.env, r.Expr)
	if err != nil {
		s.log.Warn("alert rule does not compile; skipped", "rule", r.ID, "org", r.OrgID, "err", err)
		return compiled{}, false
	}
	return compiled{id: r.ID, name: r.Name, prg: prg}, true
}

func (s *Service) rulesVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.R().QueryRowContext(ctx, `SELECT last FROM alert_seq WHERE name = $1`, seqRules).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("reading the rules version: %w", err)
	}
	return v, nil
}

// refreshRules reloads every rule when another process changed one.
func (s *Service) refreshRules(ctx context.Context) error {
	v, err := s.rulesVersion(ctx)
	if err != nil || v == s.rules.Load().version {
		return err
	}
	return s.LoadRules(ctx)
}

// Rules lists orgID's rules (access.CanSeeEvents).
func (s *Service) Rules(ctx context.Context, a access.Actor, orgID string) ([]Rule, error) {
	if !access.CanSeeEvents(a, orgID) {
		return nil, access.ErrDenied
	}
	rules, err := s.queryRules(ctx, selectRules+` WHERE org_id = $1 ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("listing alert rules: %w", err)
	}
	return rules, nil
}

// Rule returns one rule (access.CanSeeEvents on its organisation).
func (s *Service) Rule(ctx context.Context, a access.Actor, id string) (Rule, error) {
	r, err := s.rule(ctx, id)
	if err != nil {
		return Rule{}, err
	}
	if !access.CanSeeEvents(a, r.OrgID) {
		return Rule{}, ErrNotFound
	}
	return r, nil
}

// SaveRule creates (ID "") or changes a rule of r.OrgID
// (access.ManageAlerts); OrgID "" is the actor's. A rule that does not
// compile gives a *valid.Error on field "expr" with CEL's message and
// position.
func (s *Service) SaveRule(ctx context.Context, a access.Actor, r Rule) (Rule, error) {
	if r.OrgID == "" {
		r.OrgID = a.OrgID
	}
	var before *Rule
	if r.ID != "" {
		old, err := s.rule(ctx, r.ID)
		if err != nil {
			return Rule{}, err
		}
		if old.OrgID != r.OrgID {
			return Rule{}, ErrNotFound // r.OrgID has no such rule
		}
		if !canManage(a, old.OrgID) {
			return Rule{}, refusal(a, old.OrgID)
		}
		before = &old
	} else if !canManage(a, r.OrgID) {
		return Rule{}, access.ErrDenied
	}
	r.Name = strings.TrimSpace(r.Name)
	var errs valid.Errors
	checkName(&errs, r.Name)
	if _, err := compile(s.env, r.Expr); err != nil {
		errs = append(errs, valid.List(err)...)
	}
	if err := errs.Err(); err != nil {
		return Rule{}, err
	}
	now := s.now().UTC().Truncate(timeUnit)
	r.UpdatedAt = now
	if before == nil {
		r.ID, r.CreatedBy, r.CreatedAt = store.NewID(), a.UserID, now
	} else {
		r.CreatedBy, r.CreatedAt = before.CreatedBy, before.CreatedAt
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if before == nil {
			return s.insertRule(ctx, tx, a, r)
		}
		_, err := tx.ExecContext(ctx, `UPDATE alert_rules SET name = $1, expr = $2, enabled = $3, updated_at = $4
			WHERE id = $5`, r.Name, r.Expr, r.Enabled, store.Millis(now), r.ID)
		if err != nil {
			return fmt.Errorf("updating alert rule: %w", err)
		}
		return s.ruleChanged(ctx, tx, a, "alert_rule.update", r.ID, r.OrgID, before, r)
	})
	if err != nil {
		return Rule{}, err
	}
	return r, s.reloadOrg(ctx, r.OrgID)
}

func (s *Service) insertRule(ctx context.Context, tx *sql.Tx, a access.Actor, r Rule) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_rules WHERE org_id = $1`, r.OrgID).Scan(&n); err != nil {
		return fmt.Errorf("counting alert rules: %w", err)
	}
	if n >= maxRules {
		return valid.New("name", "alert_rule_limit",
			fmt.Sprintf("A team may have at most %d rules; delete one first.", maxRules), map[string]any{"Max": maxRules})
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO alert_rules (id, org_id, name, expr, enabled, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, r.OrgID, r.Name, r.Expr, r.Enabled, r.CreatedBy,
		store.Millis(r.CreatedAt), store.Millis(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("inserting alert rule: %w", err)
	}
	return s.ruleChanged(ctx, tx, a, "alert_rule.create", r.ID, r.OrgID, nil, r)
}

// ruleChanged audits a change and raises the rules version, in the
// change's transaction.
func (s *Service) ruleChanged(ctx context.Context, tx *sql.Tx, a access.Actor, action, id, orgID string, before, after any) error {
	if _, err := tx.ExecContext(ctx, `UPDATE alert_seq SET last = last + 1 WHERE name = $1`, seqRules); err != nil {
		return fmt.Errorf("raising the rules version: %w", err)
	}
	return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: action, ObjectType: "alert_rule",
		ObjectID: id, OrgID: orgID, Before: before, After: after})
}

// DeleteRule removes a rule (access.ManageAlerts). Its alerts stay.
func (s *Service) DeleteRule(ctx context.Context, a access.Actor, id string) error {
	old, err := s.rule(ctx, id)
	if err != nil {
		return err
	}
	if !canManage(a, old.OrgID) {
		return refusal(a, old.OrgID)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM alert_rules WHERE id = $1`, id); err != nil {
			return fmt.Errorf("deleting alert rule: %w", err)
		}
		return s.ruleChanged(ctx, tx, a, "alert_rule.delete", id, old.OrgID, old, nil)
	})
	if err != nil {
		return err
	}
	return s.reloadOrg(ctx, old.OrgID)
}

func (s *Service) rule(ctx context.Context, id string) (Rule, error) {
	rules, err := s.queryRules(ctx, selectRules+` WHERE id = $1`, id)
	if err != nil {
		return Rule{}, fmt.Errorf("reading alert rule: %w", err)
	}
	if len(rules) == 0 {
		return Rule{}, ErrNotFound
	}
	return rules[0], nil
}

func (s *Service) queryRules(ctx context.Context, query string, args ...any) ([]Rule, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var r Rule
		var created, updated int64
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Name, &r.Expr, &r.Enabled, &r.CreatedBy, &created, &updated); err != nil {
			return nil, err
		}
		r.CreatedAt, r.UpdatedAt = store.Time(created), store.Time(updated)
		out = append(out, r)
	}
	return out, rows.Err()
}

func checkName(errs *valid.Errors, name string) {
	switch {
	case name == "":
		errs.Add("name", "alert_rule_name_required", "A rule needs a name.", nil)
	case utf8.RuneCountInString(name) > maxNameLen || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		errs.Add("name", "alert_rule_name", fmt.Sprintf("A name is one line of at most %d characters.", maxNameLen),
			map[string]any{"Max": maxNameLen})
	}
}

// canManage reports whether a may change orgID's alert settings.
func canManage(a access.Actor, orgID string) bool {
	return orgID != "" && access.Can(a, access.ManageAlerts, access.Target{OrgID: orgID})
}

// refusal is the error for a thing of orgID the actor may not change: a
// member who sees the team's events knows it exists (ErrDenied); for
// anyone else it does not exist.
func refusal(a access.Actor, orgID string) error {
	if access.CanSeeEvents(a, orgID) {
		return access.ErrDenied
	}
	return ErrNotFound
}
