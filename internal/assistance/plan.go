package assistance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// --- situational analysis ---

const analysisColumns = `id, request_id, kind, title, day, place, participants_json, findings`

func scanAnalysis(sc scanner) (Analysis, error) {
	var an Analysis
	var participants string
	if err := sc.Scan(&an.ID, &an.RequestID, &an.Kind, &an.Title, &an.Date, &an.Place, &participants, &an.Findings); err != nil {
		return Analysis{}, err
	}
	an.Participants = map[Sector]int{}
	return an, fromJSON(participants, &an.Participants)
}

func listAnalyses(ctx context.Context, q store.Querier, requestID string) ([]Analysis, error) {
	return collect(ctx, q, `SELECT `+analysisColumns+` FROM assistance_analyses WHERE request_id = $1
		ORDER BY day, created_at, id`, []any{requestID}, scanAnalysis)
}

func checkAnalysis(an Analysis) error {
	var c checker
	c.oneOf("analyses.kind", "kind", slices.Contains(AnalysisKinds, an.Kind), string(an.Kind))
	c.text("analyses.title", an.Title, shortText, true)
	c.day("analyses.date", an.Date, true)
	c.text("analyses.place", an.Place, shortText, false)
	for _, sec := range sortedSectors(an.Participants) {
		field := "analyses.participants." + string(sec)
		c.oneOf(field, "sector", slices.Contains(Sectors, sec), string(sec))
		if an.Participants[sec] < 0 {
			c.add(field, "participants", "the number of participants cannot be negative", nil)
		}
	}
	c.text("analyses.findings", an.Findings, longText, false)
	return c.err()
}

// sortedSectors lists the keys of m in a fixed order, so errors come out
// the same every time.
func sortedSectors(m map[Sector]int) []Sector {
	out := make([]Sector, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (s *Service) saveAnalysis(ctx context.Context, a access.Actor, requestID string, an Analysis) (Analysis, error) {
	an.ID, an.Title, an.Date = strings.TrimSpace(an.ID), strings.TrimSpace(an.Title), strings.TrimSpace(an.Date)
	an.Place, an.Findings = strings.TrimSpace(an.Place), strings.TrimSpace(an.Findings)
	if an.Participants == nil {
		an.Participants = map[Sector]int{}
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, requestID, access.ManageAssistance)
		if err != nil {
			return err
		}
		if err := inState(r, "analyses", Design, Implementation); err != nil {
			return err
		}
		if err := checkAnalysis(an); err != nil {
			return err
		}
		participants, err := toJSON(an.Participants)
		if err != nil {
			return err
		}
		an.RequestID = requestID
		var before any
		if an.ID == "" {
			an.ID = store.NewID()
			_, err = tx.ExecContext(ctx, `INSERT INTO assistance_analyses (id, request_id, kind, title, day, place,
				participants_json, findings, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				an.ID, requestID, an.Kind, an.Title, an.Date, an.Place, participants, an.Findings, s.stamp(0))
		} else {
			old, err := scanAnalysis(tx.QueryRowContext(ctx, `SELECT `+analysisColumns+` FROM assistance_analyses
				WHERE id = $1 AND request_id = $2`, an.ID, requestID))
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("analysis %s: %w", an.ID, store.ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("reading analysis %s: %w", an.ID, err)
			}
			before = old
			_, err = tx.ExecContext(ctx, `UPDATE assistance_analyses SET kind = $1, title = $2, day = $3, place = $4,
				participants_json = $5, findings = $6 WHERE id = $7`,
				an.Kind, an.Title, an.Date, an.Place, participants, an.Findings, an.ID)
		}
		if err != nil {
			return fmt.Errorf("saving analysis: %w", err)
		}
		if err := s.touch(ctx, tx, r); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.analysis.save", objAnalysis, an.ID, before, an)
	})
	if err != nil {
		return Analysis{}, err
	}
	return an, nil
}

// --- the action plan ---

const activityColumns = `id, request_id, title, kind, start_day, end_day, budget_amount, budget_currency, state,
	delivered_on, people_trained, results, version`

func scanActivity(sc scanner) (Activity, error) {
	var act Activity
	err := sc.Scan(&act.ID, &act.RequestID, &act.Title, &act.Kind, &act.Start, &act.End, &act.Budget.Amount,
		&act.Budget.Currency, &act.State, &act.DeliveredOn, &act.PeopleTrained, &act.Results, &act.Version)
	act.ExpertIDs = []string{}
	return act, err
}

// listActivities returns the activities of a request with their experts.
func listActivities(ctx context.Context, q store.Querier, requestID string) ([]Activity, error) {
	acts, err := collect(ctx, q, `SELECT `+activityColumns+` FROM assistance_activities WHERE request_id = $1
		ORDER BY start_day, created_at, id`, []any{requestID}, scanActivity)
	if err != nil {
		return nil, err
	}
	experts, err := expertsByOwner(ctx, q, `SELECT ae.activity_id, ae.expert_id FROM assistance_activity_experts ae
		JOIN assistance_activities a ON a.id = ae.activity_id WHERE a.request_id = $1 ORDER BY ae.expert_id`, requestID)
	if err != nil {
		return nil, err
	}
	for i := range acts {
		acts[i].ExpertIDs = append(acts[i].ExpertIDs, experts[acts[i].ID]...)
	}
	return acts, nil
}

// expertsByOwner runs sqlText, which selects (owner id, expert id) pairs
// of request $1, and gathers the experts of each owner (an activity, a
// mission) in the order the query gives them. Reading every pair of the
// request at once spares a query per owner.
func expertsByOwner(ctx context.Context, q store.Querier, sqlText, requestID string) (map[string][]string, error) {
	pairs, err := collect(ctx, q, sqlText, []any{requestID}, scanPair)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, p := range pairs {
		out[p[0]] = append(out[p[0]], p[1])
	}
	return out, nil
}

func scanPair(sc scanner) ([2]string, error) {
	var p [2]string
	err := sc.Scan(&p[0], &p[1])
	return p, err
}

// loadActivity reads one activity of request requestID with its experts;
// another request's is not found.
func loadActivity(ctx context.Context, q store.Querier, requestID, activityID string) (Activity, error) {
	act, err := scanActivity(q.QueryRowContext(ctx, `SELECT `+activityColumns+` FROM assistance_activities
		WHERE id = $1 AND request_id = $2`, activityID, requestID))
	if errors.Is(err, sql.ErrNoRows) {
		return Activity{}, fmt.Errorf("activity %s: %w", activityID, store.ErrNotFound)
	}
	if err != nil {
		return Activity{}, fmt.Errorf("reading activity %s: %w", activityID, err)
	}
	ids, err := collect(ctx, q, `SELECT expert_id FROM assistance_activity_experts WHERE activity_id = $1 ORDER BY expert_id`,
		[]any{activityID}, scanString)
	if err != nil {
		return Activity{}, fmt.Errorf("reading the experts of activity %s: %w", activityID, err)
	}
	act.ExpertIDs = ids
	return act, nil
}

func scanString(sc scanner) (string, error) {
	var v string
	err := sc.Scan(&v)
	return v, err
}

func normalizeActivity(act Activity) Activity {
	act.ID, act.Title = strings.TrimSpace(act.ID), strings.TrimSpace(act.Title)
	act.Kind = SupportKind(strings.TrimSpace(string(act.Kind)))
	act.Start, act.End = strings.TrimSpace(act.Start), strings.TrimSpace(act.End)
	act.Budget.Currency = strings.ToUpper(strings.TrimSpace(act.Budget.Currency))
	return act
}

func checkActivity(act Activity) error {
	var c checker
	c.text("activities.title", act.Title, shortText, true)
	c.oneOf("activities.kind", "kind", slices.Contains(SupportKinds, act.Kind), string(act.Kind))
	c.span("activities.", act.Start, act.End, true)
	c.money("activities.budget", act.Budget, false)
	return c.err()
}

func (s *Service) saveActivity(ctx context.Context, a access.Actor, requestID string, act Activity) (Activity, error) {
	act = normalizeActivity(act)
	var out Activity
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, requestID, access.ManageAssistance)
		if err != nil {
			return err
		}
		if act.ID == "" {
			if err := inState(r, "activities", Design); err != nil {
				return err
			}
		} else if err := inState(r, "activities", Design, Implementation); err != nil {
			return err
		}
		if err := checkActivity(act); err != nil {
			return err
		}
		if act.ID == "" {
			out, err = s.insertActivity(ctx, tx, a, r, act)
		} else {
			out, err = s.updateActivity(ctx, tx, a, r, act)
		}
		if err != nil {
			return err
		}
		if err := setDue(ctx, tx, requestID); err != nil {
			return err
		}
		return s.touch(ctx, tx, r)
	})
	if err != nil {
		return Activity{}, err
	}
	return out, nil
}

func (s *Service) insertActivity(ctx context.Context, tx *sql.Tx, a access.Actor, r stored, act Activity) (Activity, error) {
	act.ID, act.RequestID, act.State, act.Version = store.NewID(), r.ID, Planned, 1
	act.ExpertIDs, act.DeliveredOn, act.PeopleTrained, act.Results = []string{}, "", 0, ""
	_, err := tx.ExecContext(ctx, `INSERT INTO assistance_activities (id, request_id, title, kind, start_day, end_day,
		budget_amount, budget_currency, state, delivered_on, people_trained, results, created_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', 0, '', $10, 1)`,
		act.ID, r.ID, act.Title, act.Kind, act.Start, act.End, act.Budget.Amount, act.Budget.Currency, Planned, s.stamp(0))
	if err != nil {
		return Activity{}, fmt.Errorf("inserting activity: %w", err)
	}
	return act, record(ctx, tx, a, "assistance.activity.create", objActivity, act.ID, nil, act)
}

func (s *Service) updateActivity(ctx context.Context, tx *sql.Tx, a access.Actor, r stored, act Activity) (Activity, error) {
	old, err := loadActivity(ctx, tx, r.ID, act.ID)
	if err != nil {
		return Activity{}, err
	}
	if old.Version != act.Version {
		return Activity{}, ErrConflict
	}
	if old.State != Planned {
		return Activity{}, activityClosed(old.State)
	}
	if r.State == Implementation {
		// The plan under way changes only through adjustments, which
		// say why.
		switch {
		case act.Start != old.Start:
			return Activity{}, adjustInstead("activities.start")
		case act.End != old.End:
			return Activity{}, adjustInstead("activities.end")
		case act.Budget != old.Budget:
			return Activity{}, adjustInstead("activities.budget")
		}
	}
	if act.Start != old.Start || act.End != old.End {
		for _, id := range old.ExpertIDs {
			if err := s.expertFits(ctx, tx, "expert_id", id, r, act.Start, act.End, act.ID, ""); err != nil {
				return Activity{}, err
			}
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE assistance_activities SET title = $1, kind = $2, start_day = $3, end_day = $4,
		budget_amount = $5, budget_currency = $6, version = version + 1 WHERE id = $7`,
		act.Title, act.Kind, act.Start, act.End, act.Budget.Amount, act.Budget.Currency, act.ID)
	if err != nil {
		return Activity{}, fmt.Errorf("updating activity %s: %w", act.ID, err)
	}
	out := old
	out.Title, out.Kind, out.Start, out.End, out.Budget, out.Version = act.Title, act.Kind, act.Start, act.End, act.Budget, old.Version+1
	return out, record(ctx, tx, a, "assistance.activity.update", objActivity, act.ID, old, out)
}

func activityClosed(st ActivityState) error {
	return newInvalid("activities.state", "activity_closed", fmt.Sprintf("this activity is already %s: it cannot change", st),
		map[string]any{"State": string(st)})
}

func adjustInstead(field string) error {
	return newInvalid(field, "activity_adjust",
		"implementation has begun: change dates or budget with an adjustment, giving a reason", nil)
}

// --- implementation ---

func (s *Service) deliver(ctx context.Context, a access.Actor, requestID, activityID, on string, people int, results string) (Activity, error) {
	on, results = strings.TrimSpace(on), strings.TrimSpace(results)
	var out Activity
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, requestID, access.ManageAssistance)
		if err != nil {
			return err
		}
		if err := inState(r, "activities", Implementation); err != nil {
			return err
		}
		old, err := loadActivity(ctx, tx, requestID, activityID)
		if err != nil {
			return err
		}
		if old.State != Planned {
			return activityClosed(old.State)
		}
		var c checker
		c.day("activities.delivered_on", on, true)
		if people < 0 {
			c.add("activities.people_trained", "people", "the number of people trained cannot be negative", nil)
		}
		c.text("activities.results", results, longText, false)
		if err := c.err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE assistance_activities SET state = $1, delivered_on = $2, people_trained = $3,
			results = $4, version = version + 1 WHERE id = $5`, Delivered, on, people, results, activityID)
		if err != nil {
			return fmt.Errorf("delivering activity %s: %w", activityID, err)
		}
		out = old
		out.State, out.DeliveredOn, out.PeopleTrained, out.Results, out.Version = Delivered, on, people, results, old.Version+1
		if err := s.touch(ctx, tx, r); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.activity.deliver", objActivity, activityID, old, out)
	})
	if err != nil {
		return Activity{}, err
	}
	return out, nil
}

const monitoringColumns = `id, request_id, day, note, by_user_id, at`

func scanMonitoring(sc scanner) (Monitoring, error) {
	var m Monitoring
	var at int64
	err := sc.Scan(&m.ID, &m.RequestID, &m.Date, &m.Note, &m.ByUserID, &at)
	m.At = store.Time(at)
	return m, err
}

func listMonitoring(ctx context.Context, q store.Querier, requestID string) ([]Monitoring, error) {
	return collect(ctx, q, `SELECT `+monitoringColumns+` FROM assistance_monitoring WHERE request_id = $1
		ORDER BY day, at, id`, []any{requestID}, scanMonitoring)
}

func (s *Service) addMonitoring(ctx context.Context, a access.Actor, requestID string, m Monitoring) (Monitoring, error) {
	m.Date, m.Note = strings.TrimSpace(m.Date), strings.TrimSpace(m.Note)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, requestID, access.ManageAssistance)
		if err != nil {
			return err
		}
		if err := inState(r, "monitoring", Implementation, FollowUp); err != nil {
			return err
		}
		var c checker
		c.day("monitoring.date", m.Date, true)
		c.text("monitoring.note", m.Note, longText, true)
		if err := c.err(); err != nil {
			return err
		}
		now := s.stamp(0)
		m.ID, m.RequestID, m.ByUserID, m.At = store.NewID(), requestID, a.UserID, store.Time(now)
		_, err = tx.ExecContext(ctx, `INSERT INTO assistance_monitoring (id, request_id, day, note, by_user_id, at)
			VALUES ($1, $2, $3, $4, $5, $6)`, m.ID, requestID, m.Date, m.Note, m.ByUserID, now)
		if err != nil {
			return fmt.Errorf("adding monitoring: %w", err)
		}
		if err := s.touch(ctx, tx, r); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.monitoring.add", objMonitoring, m.ID, nil, m)
	})
	if err != nil {
		return Monitoring{}, err
	}
	return m, nil
}
