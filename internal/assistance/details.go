package assistance

import (
	"context"
	"fmt"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

const transitionColumns = `id, request_id, from_state, to_state, by_user_id, by_name, at, reason`

func scanTransition(sc scanner) (Transition, error) {
	var t Transition
	var at int64
	err := sc.Scan(&t.ID, &t.RequestID, &t.From, &t.To, &t.ByUserID, &t.ByName, &at, &t.Reason)
	t.At = store.Time(at)
	return t, err
}

func listTransitions(ctx context.Context, q store.Querier, requestID string) ([]Transition, error) {
	return collect(ctx, q, `SELECT `+transitionColumns+` FROM assistance_transitions WHERE request_id = $1 ORDER BY n`,
		[]any{requestID}, scanTransition)
}

// loadDetails reads everything recorded about r.
func loadDetails(ctx context.Context, q store.Querier, r stored) (Details, error) {
	d := Details{Request: r.Request}
	id := r.ID
	parts := []struct {
		what string
		read func() error
	}{
		{"moves", func() (err error) { d.Transitions, err = listTransitions(ctx, q, id); return }},
		{"attachments", func() (err error) { d.Attachments, err = listAttachments(ctx, q, id); return }},
		{"proposals", func() (err error) { d.Proposals, err = listProposals(ctx, q, id); return }},
		{"analyses", func() (err error) { d.Analyses, err = listAnalyses(ctx, q, id); return }},
		{"activities", func() (err error) { d.Activities, err = listActivities(ctx, q, id); return }},
		{"monitoring", func() (err error) { d.Monitoring, err = listMonitoring(ctx, q, id); return }},
		{"adjustments", func() (err error) { d.Adjustments, err = listAdjustments(ctx, q, id); return }},
		{"missions", func() (err error) { d.Missions, err = listMissions(ctx, q, id); return }},
		{"evaluation", func() (err error) { d.Evaluation, err = loadEvaluation(ctx, q, id); return }},
	}
	for _, p := range parts {
		if err := p.read(); err != nil {
			return Details{}, fmt.Errorf("reading the %s of request %s: %w", p.what, id, err)
		}
	}
	return d, nil
}

func (s *Service) details(ctx context.Context, a access.Actor, id string) (Details, error) {
	q := s.db.R()
	r, err := s.visible(ctx, q, a, id)
	if err != nil {
		return Details{}, err
	}
	d, err := loadDetails(ctx, q, r)
	if err != nil {
		return Details{}, err
	}
	d.Next = nextMoves(a, r, detailFacts(r, d))
	return d, nil
}
