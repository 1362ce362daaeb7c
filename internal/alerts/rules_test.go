package alerts

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"atalaya/internal/audit"
	"atalaya/internal/feeds"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
	"atalaya/internal/valid"
)

func TestRuleLifecycle(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		clk := newClock(t0)
		s := New(db, Options{Now: clk.Now})
		a := analyst("org-a")

		r := mustRule(t, s, a, " Phishing in .uy ", `classification.type == "phishing" && source.fqdn.endsWith(".uy")`)
		if r.ID == "" || r.OrgID != "org-a" || r.Name != "Phishing in .uy" || r.CreatedBy != a.UserID ||
			!r.CreatedAt.Equal(t0) || !r.UpdatedAt.Equal(t0) {
			t.Fatalf("created rule %+v", r)
		}

		// A refused change changes nothing, and names every bad field.
		_, err := s.SaveRule(ctx, a, Rule{ID: r.ID, OrgID: "org-a", Name: "", Expr: `classification.type ==`})
		fields := map[string]string{}
		for _, e := range valid.List(err) {
			fields[e.Field] = e.Code
		}
		if fields["name"] != "alert_rule_name_required" || fields["expr"] != "alert_rule_expr" {
			t.Errorf("bad update: %v", err)
		}

		clk.Set(t0.Add(time.Minute))
		r.Expr, r.Enabled = `classification.type == "phishing"`, false
		r2, err := s.SaveRule(ctx, a, r)
		if err != nil {
			t.Fatalf("update: %v", err)
		}
		if !r2.CreatedAt.Equal(t0) || !r2.UpdatedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("update times %v %v", r2.CreatedAt, r2.UpdatedAt)
		}
		rules, err := s.Rules(ctx, a, "org-a")
		if err != nil || len(rules) != 1 || rules[0].Expr != r.Expr || rules[0].Enabled || rules[0].Name != "Phishing in .uy" {
			t.Fatalf("Rules = %+v, %v", rules, err)
		}
		got, err := s.Rule(ctx, a, r.ID)
		if err != nil || got != rules[0] {
			t.Errorf("Rule = %+v, %v; want %+v", got, err, rules[0])
		}

		// Moving a rule to another organisation is not a thing.
		if _, err := s.SaveRule(ctx, a, Rule{ID: r.ID, OrgID: "org-b", Name: "x", Expr: "true"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("saving into another org: %v, want ErrNotFound", err)
		}

		if err := s.DeleteRule(ctx, a, r.ID); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if rules, _ := s.Rules(ctx, a, "org-a"); len(rules) != 0 {
			t.Errorf("after delete: %+v", rules)
		}
		if err := s.DeleteRule(ctx, a, r.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}

		entries, _, err := audit.List(ctx, db, audit.Filter{OrgID: "org-a", ObjectType: "alert_rule"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+"/"+e.Who.UserID)
		}
		want := fmt.Sprint([]string{"alert_rule.delete/" + a.UserID, "alert_rule.update/" + a.UserID, "alert_rule.create/" + a.UserID})
		if fmt.Sprint(actions) != want {
			t.Errorf("audit %v, want %v", actions, want)
		}
	})
}

// TestRulesApplyAtOnce: a saved, changed, disabled or deleted rule applies
// to the next delivery.
func TestRulesApplyAtOnce(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		s := started(t, db, Options{})
		a := analyst("org-a")
		ds := []feeds.StoredEvent{phishing(t, 1, "org-a"), botnet(t, 2, "org-a")}
		deliver := func() int64 {
			before := s.Stats().Matched
			s.Deliver(ds)
			return s.Stats().Matched - before
		}
		if n := deliver(); n != 0 {
			t.Fatalf("no rules yet, matched %d", n)
		}
		r := mustRule(t, s, a, "phishing", `classification.type == "phishing"`)
		if n := deliver(); n != 1 {
			t.Errorf("after create: matched %d, want 1", n)
		}
		r.Expr = `classification.taxonomy in ["fraud", "malicious-code"]`
		if _, err := s.SaveRule(ctx, a, r); err != nil {
			t.Fatal(err)
		}
		if n := deliver(); n != 2 {
			t.Errorf("after update: matched %d, want 2", n)
		}
		r.Enabled = false
		if _, err := s.SaveRule(ctx, a, r); err != nil {
			t.Fatal(err)
		}
		if n := deliver(); n != 0 {
			t.Errorf("after disabling: matched %d, want 0", n)
		}
		r2 := mustRule(t, s, a, "all", `true`)
		if n := deliver(); n != 2 {
			t.Errorf("second rule: matched %d, want 2", n)
		}
		if err := s.DeleteRule(ctx, a, r2.ID); err != nil {
			t.Fatal(err)
		}
		if n := deliver(); n != 0 {
			t.Errorf("after delete: matched %d, want 0", n)
		}
	})
}

// TestRulesOfAnotherProcess: a rule saved through one service (process)
// applies in another once it looks at the rules version.
func TestRulesOfAnotherProcess(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		here, there := New(db, Options{}), New(db, Options{})
		for _, s := range []*Service{here, there} {
			if err := s.LoadRules(ctx); err != nil {
				t.Fatal(err)
			}
		}
		mustRule(t, here, analyst("org-a"), "all", "true")
		there.Deliver([]feeds.StoredEvent{botnet(t, 1, "org-a")})
		if n := there.Stats().Matched; n != 0 {
			t.Fatalf("matched %d before refreshing", n)
		}
		if err := there.refreshRules(ctx); err != nil {
			t.Fatal(err)
		}
		there.Deliver([]feeds.StoredEvent{botnet(t, 1, "org-a")})
		if n := there.Stats().Matched; n != 1 {
			t.Errorf("matched %d after refreshing, want 1", n)
		}
	})
}

func TestRuleLimit(t *testing.T) {
	s := New(storetest.SQLite(t, sets()), Options{})
	a := analyst("org-a")
	for i := range maxRules {
		mustRule(t, s, a, fmt.Sprint("r", i), "true")
	}
	_, err := s.SaveRule(ctx, a, Rule{Name: "one too many", Expr: "true", Enabled: true})
	if es := valid.List(err); len(es) != 1 || es[0].Code != "alert_rule_limit" {
		t.Errorf("rule %d: %v, want alert_rule_limit", maxRules+1, err)
	}
	// Another team has its own allowance.
	mustRule(t, s, analyst("org-b"), "first", "true")
}
