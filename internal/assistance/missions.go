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

const missionColumns = `id, request_id, kind, start_day, end_day, places, staff_json, report`

func scanMission(sc scanner) (Mission, error) {
	var m Mission
	var staff string
	if err := sc.Scan(&m.ID, &m.RequestID, &m.Kind, &m.Start, &m.End, &m.Places, &staff, &m.Report); err != nil {
		return Mission{}, err
	}
	m.Staff, m.ExpertIDs = []string{}, []string{}
	return m, fromJSON(staff, &m.Staff)
}

func listMissions(ctx context.Context, q store.Querier, requestID string) ([]Mission, error) {
	ms, err := collect(ctx, q, `SELECT `+missionColumns+` FROM assistance_missions WHERE request_id = $1
		ORDER BY start_day, created_at, id`, []any{requestID}, scanMission)
	if err != nil {
		return nil, err
	}
	experts, err := expertsByOwner(ctx, q, `SELECT me.mission_id, me.expert_id FROM assistance_mission_experts me
		JOIN assistance_missions m ON m.id = me.mission_id WHERE m.request_id = $1 ORDER BY me.expert_id`, requestID)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		ms[i].ExpertIDs = append(ms[i].ExpertIDs, experts[ms[i].ID]...)
	}
	return ms, nil
}

func normalizeMission(m Mission) Mission {
	m.ID, m.Places, m.Report = strings.TrimSpace(m.ID), strings.TrimSpace(m.Places), strings.TrimSpace(m.Report)
	m.Kind = MissionKind(strings.TrimSpace(string(m.Kind)))
	m.Start, m.End = strings.TrimSpace(m.Start), strings.TrimSpace(m.End)
	trim := func(ids []string) []string {
		out := []string{}
		for _, id := range ids {
			out = append(out, strings.TrimSpace(id))
		}
		return out
	}
	m.Staff, m.ExpertIDs = trim(m.Staff), trim(m.ExpertIDs)
	return m
}

func checkMission(m Mission) error {
	var c checker
	c.oneOf("missions.kind", "kind", slices.Contains(MissionKinds, m.Kind), string(m.Kind))
	c.span("missions.", m.Start, m.End, true)
	c.text("missions.places", m.Places, longText, false)
	c.text("missions.report", m.Report, longText, false)
	for i, id := range m.Staff {
		c.text(indexed("missions.staff", i, ""), id, 100, true)
	}
	seen := map[string]bool{}
	for i, id := range m.ExpertIDs {
		field := indexed("missions.expert_ids", i, "")
		if c.required(field, id) && seen[id] {
			c.add(field, "expert.assigned", "this expert is already on the mission", map[string]any{"Name": id})
		}
		seen[id] = true
	}
	return c.err()
}

func (s *Service) saveMission(ctx context.Context, a access.Actor, requestID string, m Mission) (Mission, error) {
	m = normalizeMission(m)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, requestID, access.ManageAssistance)
		if err != nil {
			return err
		}
		if err := inState(r, "missions", UnderConsideration, Design, Implementation, FollowUp); err != nil {
			return err
		}
		if err := checkMission(m); err != nil {
			return err
		}
		var before any
		if m.ID != "" {
			old, err := scanMission(tx.QueryRowContext(ctx, `SELECT `+missionColumns+` FROM assistance_missions
				WHERE id = $1 AND request_id = $2`, m.ID, requestID))
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("mission %s: %w", m.ID, store.ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("reading mission %s: %w", m.ID, err)
			}
			before = old
		}
		for i, id := range m.ExpertIDs {
			if err := s.expertFits(ctx, tx, indexed("missions.expert_ids", i, ""), id, r, m.Start, m.End, "", m.ID); err != nil {
				return err
			}
		}
		if err := s.writeMission(ctx, tx, requestID, &m); err != nil {
			return err
		}
		if err := s.touch(ctx, tx, r); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.mission.save", objMission, m.ID, before, m)
	})
	if err != nil {
		return Mission{}, err
	}
	return m, nil
}

// writeMission inserts m (no ID yet) or updates it, and replaces its
// experts.
func (s *Service) writeMission(ctx context.Context, tx *sql.Tx, requestID string, m *Mission) error {
	staff, err := toJSON(m.Staff)
	if err != nil {
		return err
	}
	m.RequestID = requestID
	if m.ID == "" {
		m.ID = store.NewID()
		_, err = tx.ExecContext(ctx, `INSERT INTO assistance_missions (id, request_id, kind, start_day, end_day, places,
			staff_json, report, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			m.ID, requestID, m.Kind, m.Start, m.End, m.Places, staff, m.Report, s.stamp(0))
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE assistance_missions SET kind = $1, start_day = $2, end_day = $3, places = $4,
			staff_json = $5, report = $6 WHERE id = $7`, m.Kind, m.Start, m.End, m.Places, staff, m.Report, m.ID)
	}
	if err != nil {
		return fmt.Errorf("saving mission: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM assistance_mission_experts WHERE mission_id = $1`, m.ID); err != nil {
		return fmt.Errorf("saving the experts of mission %s: %w", m.ID, err)
	}
	for _, id := range m.ExpertIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO assistance_mission_experts (mission_id, expert_id) VALUES ($1, $2)`,
			m.ID, id); err != nil {
			return fmt.Errorf("saving the experts of mission %s: %w", m.ID, err)
		}
	}
	return nil
}

// --- the external evaluation ---

func loadEvaluation(ctx context.Context, q store.Querier, requestID string) (*Evaluation, error) {
	var e Evaluation
	var challenges string
	var at int64
	err := q.QueryRowContext(ctx, `SELECT request_id, evaluator, day, results, challenges_json, at
		FROM assistance_evaluations WHERE request_id = $1`, requestID).
		Scan(&e.RequestID, &e.Evaluator, &e.Date, &e.Results, &challenges, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the evaluation of %s: %w", requestID, err)
	}
	e.At, e.Challenges = store.Time(at), []string{}
	return &e, fromJSON(challenges, &e.Challenges)
}

func (s *Service) setEvaluation(ctx context.Context, a access.Actor, requestID string, e Evaluation) (Evaluation, error) {
	e.Evaluator, e.Date, e.Results = strings.TrimSpace(e.Evaluator), strings.TrimSpace(e.Date), strings.TrimSpace(e.Results)
	challenges := []string{}
	for _, ch := range e.Challenges {
		if ch = strings.TrimSpace(ch); ch != "" {
			challenges = append(challenges, ch)
		}
	}
	e.Challenges = challenges
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, requestID, access.ManageAssistance)
		if err != nil {
			return err
		}
		if err := inState(r, "evaluation", FollowUp); err != nil {
			return err
		}
		var c checker
		c.text("evaluation.evaluator", e.Evaluator, shortText, true)
		c.day("evaluation.date", e.Date, true)
		c.text("evaluation.results", e.Results, longText, false)
		for i, ch := range e.Challenges {
			c.text(indexed("evaluation.challenges", i, ""), ch, longText, false)
		}
		if err := c.err(); err != nil {
			return err
		}
		old, err := loadEvaluation(ctx, tx, requestID)
		if err != nil {
			return err
		}
		chJSON, err := toJSON(e.Challenges)
		if err != nil {
			return err
		}
		now := s.stamp(0)
		e.RequestID, e.At = requestID, store.Time(now)
		_, err = tx.ExecContext(ctx, `INSERT INTO assistance_evaluations (request_id, evaluator, day, results, challenges_json, at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (request_id) DO UPDATE SET evaluator = $2, day = $3, results = $4, challenges_json = $5, at = $6`,
			requestID, e.Evaluator, e.Date, e.Results, chJSON, now)
		if err != nil {
			return fmt.Errorf("saving the evaluation of %s: %w", requestID, err)
		}
		if err := s.touch(ctx, tx, r); err != nil {
			return err
		}
		var before any
		if old != nil {
			before = *old
		}
		return record(ctx, tx, a, "assistance.evaluation.set", objEvaluation, requestID, before, e)
	})
	if err != nil {
		return Evaluation{}, err
	}
	return e, nil
}
