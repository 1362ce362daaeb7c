package assistance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/directory"
	"atalaya/internal/store"
)

// ExpertKinds lists every kind of roster entry.
var ExpertKinds = []ExpertKind{Individual, PartnerInstitutionKind}

// Languages are the languages of the program an expert may work in.
var Languages = []string{"en", "es", "pt", "fr"}

const expertColumns = `id, kind, name, email, institution, sector, fields_json, languages_json, available_json,
	conflicts_json, conflict_note, active, version`

func scanExpert(sc scanner) (Expert, error) {
	var e Expert
	var fields, langs, avail, conflicts string
	err := sc.Scan(&e.ID, &e.Kind, &e.Name, &e.Email, &e.Institution, &e.Sector, &fields, &langs, &avail,
		&conflicts, &e.ConflictNote, &e.Active, &e.Version)
	if err != nil {
		return Expert{}, err
	}
	e.Fields, e.Languages, e.Available, e.Conflicts = []Topic{}, []string{}, []Period{}, []string{}
	return e, errors.Join(fromJSON(fields, &e.Fields), fromJSON(langs, &e.Languages),
		fromJSON(avail, &e.Available), fromJSON(conflicts, &e.Conflicts))
}

func loadExpert(ctx context.Context, q store.Querier, id string) (Expert, error) {
	e, err := scanExpert(q.QueryRowContext(ctx, `SELECT `+expertColumns+` FROM assistance_experts WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Expert{}, fmt.Errorf("expert %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return Expert{}, fmt.Errorf("reading expert %s: %w", id, err)
	}
	return e, nil
}

func normalizeExpert(e Expert) Expert {
	e.ID, e.Name, e.Email = strings.TrimSpace(e.ID), strings.TrimSpace(e.Name), strings.TrimSpace(e.Email)
	e.Institution, e.ConflictNote = strings.TrimSpace(e.Institution), strings.TrimSpace(e.ConflictNote)
	e.Kind, e.Sector = ExpertKind(strings.TrimSpace(string(e.Kind))), Sector(strings.TrimSpace(string(e.Sector)))
	fields := []Topic{}
	for _, f := range e.Fields {
		fields = append(fields, Topic(strings.TrimSpace(string(f))))
	}
	langs := []string{}
	for _, l := range e.Languages {
		langs = append(langs, strings.ToLower(strings.TrimSpace(l)))
	}
	avail := []Period{}
	for _, p := range e.Available {
		avail = append(avail, Period{From: strings.TrimSpace(p.From), To: strings.TrimSpace(p.To)})
	}
	conflicts := []string{}
	for _, c := range e.Conflicts {
		c = strings.TrimSpace(c)
		// Member states are written as their alpha-2 code, in capitals;
		// anything else is an organisation id, kept as given.
		if m, ok := directory.LookupMemberState(c); ok && len(c) <= 3 {
			c = m.Code
		}
		conflicts = append(conflicts, c)
	}
	e.Fields, e.Languages, e.Available, e.Conflicts = fields, langs, avail, conflicts
	return e
}

func checkExpert(e Expert) error {
	var c checker
	c.oneOf("kind", "kind", slices.Contains(ExpertKinds, e.Kind), string(e.Kind))
	c.text("name", e.Name, shortText, true)
	c.email("email", e.Email)
	c.text("institution", e.Institution, shortText, false)
	if e.Sector != "" {
		c.oneOf("sector", "sector", slices.Contains(Sectors, e.Sector), string(e.Sector))
	}
	for i, f := range e.Fields {
		c.oneOf(indexed("fields", i, ""), "topic", slices.Contains(Topics, f), string(f))
	}
	for i, l := range e.Languages {
		if !slices.Contains(Languages, l) {
			c.add(indexed("languages", i, ""), "language", fmt.Sprintf("%q is not a language of the program: use en, es, pt or fr", clip(l)),
				map[string]any{"Value": clip(l)})
		}
	}
	for i, p := range e.Available {
		okFrom := c.day(indexed("available", i, "from"), p.From, true)
		okTo := c.day(indexed("available", i, "to"), p.To, true)
		if okFrom && okTo && p.To < p.From {
			c.add(indexed("available", i, "to"), "date_order", "the end cannot be before the start", nil)
		}
	}
	for i, cf := range e.Conflicts {
		c.text(indexed("conflicts", i, ""), cf, shortText, true)
	}
	c.text("conflict_note", e.ConflictNote, longText, false)
	return c.err()
}

func (s *Service) saveExpert(ctx context.Context, a access.Actor, e Expert) (Expert, error) {
	if err := allow(a, access.ManageExperts, ""); err != nil {
		return Expert{}, err
	}
	e = normalizeExpert(e)
	if err := checkExpert(e); err != nil {
		return Expert{}, err
	}
	fields, err1 := toJSON(e.Fields)
	langs, err2 := toJSON(e.Languages)
	avail, err3 := toJSON(e.Available)
	conflicts, err4 := toJSON(e.Conflicts)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return Expert{}, err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := s.stamp(0)
		if e.ID == "" {
			e.ID, e.Version = store.NewID(), 1
			_, err := tx.ExecContext(ctx, `INSERT INTO assistance_experts (id, kind, name, email, institution, sector,
				fields_json, languages_json, available_json, conflicts_json, conflict_note, active, updated_at, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)`,
				e.ID, e.Kind, e.Name, e.Email, e.Institution, e.Sector, fields, langs, avail, conflicts, e.ConflictNote, e.Active, now)
			if err != nil {
				return fmt.Errorf("inserting expert: %w", err)
			}
			return record(ctx, tx, a, "assistance.expert.create", objExpert, e.ID, nil, e)
		}
		old, err := loadExpert(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if old.Version != e.Version {
			return ErrConflict
		}
		res, err := tx.ExecContext(ctx, `UPDATE assistance_experts SET kind = $1, name = $2, email = $3, institution = $4,
			sector = $5, fields_json = $6, languages_json = $7, available_json = $8, conflicts_json = $9,
			conflict_note = $10, active = $11, updated_at = $12, version = version + 1 WHERE id = $13 AND version = $14`,
			e.Kind, e.Name, e.Email, e.Institution, e.Sector, fields, langs, avail, conflicts, e.ConflictNote, e.Active,
			now, e.ID, e.Version)
		if err != nil {
			return fmt.Errorf("updating expert %s: %w", e.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrConflict
		}
		e.Version++
		return record(ctx, tx, a, "assistance.expert.update", objExpert, e.ID, old, e)
	})
	if err != nil {
		return Expert{}, err
	}
	return e, nil
}

func (s *Service) expert(ctx context.Context, a access.Actor, id string) (Expert, error) {
	if err := allow(a, access.ViewExperts, ""); err != nil {
		return Expert{}, err
	}
	return loadExpert(ctx, s.db.R(), id)
}

func (s *Service) experts(ctx context.Context, a access.Actor, f ExpertFilter) ([]Expert, error) {
	if err := allow(a, access.ViewExperts, ""); err != nil {
		return nil, err
	}
	var c checker
	if f.Available.From != "" || f.Available.To != "" {
		okFrom := c.day("available.from", f.Available.From, true)
		okTo := c.day("available.to", f.Available.To, true)
		if okFrom && okTo && f.Available.To < f.Available.From {
			c.add("available.to", "date_order", "the end cannot be before the start", nil)
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	all, err := collect(ctx, s.db.R(), `SELECT `+expertColumns+` FROM assistance_experts ORDER BY name, id`, nil, scanExpert)
	if err != nil {
		return nil, fmt.Errorf("listing experts: %w", err)
	}
	out := []Expert{}
	for _, e := range all {
		if matchesExpert(e, f) {
			out = append(out, e)
		}
	}
	return out, nil
}

func matchesExpert(e Expert, f ExpertFilter) bool {
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" &&
		!strings.Contains(strings.ToLower(e.Name), q) && !strings.Contains(strings.ToLower(e.Institution), q) {
		return false
	}
	if f.Field != "" && !slices.Contains(e.Fields, f.Field) {
		return false
	}
	if f.Language != "" && !slices.Contains(e.Languages, strings.ToLower(f.Language)) {
		return false
	}
	if f.Available.From != "" && !covers(e.Available, f.Available.From, f.Available.To) {
		return false
	}
	if f.Country != "" && slices.Contains(e.Conflicts, strings.ToUpper(f.Country)) {
		return false
	}
	return true
}

// covers reports whether the union of periods holds every day from start
// to end (both included).
func covers(periods []Period, start, end string) bool {
	ps := slices.Clone(periods)
	slices.SortFunc(ps, func(a, b Period) int { return strings.Compare(a.From, b.From) })
	next := dayTime(start) // the first day not yet covered
	last := dayTime(end)
	if next.IsZero() || last.IsZero() {
		return false
	}
	for _, p := range ps {
		from, to := dayTime(p.From), dayTime(p.To)
		if from.IsZero() || to.IsZero() || from.After(next) {
			continue
		}
		if !to.Before(next) {
			next = to.Add(day)
		}
		if next.After(last) {
			return true
		}
	}
	return next.After(last)
}

// expertFits checks that expert id may work for request r from start to
// end: known, active, without a conflict of interest with the member state
// or the requesting organisation, available over every day, and not on
// another activity or mission of overlapping days (selfActivity and
// selfMission, the one being changed, do not count). The problem is a
// valid error on field. The expert's row is locked first, so two
// assignments of one expert cannot both pass.
func (s *Service) expertFits(ctx context.Context, tx *sql.Tx, field, id string, r stored, start, end, selfActivity, selfMission string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE assistance_experts SET version = version WHERE id = $1`, id); err != nil {
		return fmt.Errorf("locking expert %s: %w", id, err)
	}
	e, err := loadExpert(ctx, tx, id)
	if errors.Is(err, store.ErrNotFound) {
		return newInvalid(field, "expert.unknown", "this expert is not in the roster", nil)
	}
	if err != nil {
		return err
	}
	name := map[string]any{"Name": e.Name}
	switch {
	case !e.Active:
		return newInvalid(field, "expert.inactive", e.Name+" is not active in the roster", name)
	case slices.Contains(e.Conflicts, r.Country):
		return newInvalid(field, "expert.conflict_country", e.Name+" has a conflict of interest with this member state", name)
	case r.CreatedByOrg != "" && slices.Contains(e.Conflicts, r.CreatedByOrg):
		return newInvalid(field, "expert.conflict_org", e.Name+" has a conflict of interest with the requesting institution", name)
	case !covers(e.Available, start, end):
		return newInvalid(field, "expert.unavailable", e.Name+" is not available over the whole period "+start+" to "+end, name)
	}
	other, err := busyWith(ctx, tx, id, start, end, selfActivity, selfMission)
	if err != nil {
		return err
	}
	if other != "" {
		return newInvalid(field, "expert.busy", e.Name+" is already assigned elsewhere on overlapping days ("+other+")",
			map[string]any{"Name": e.Name, "Other": other})
	}
	return nil
}

// busyWith names an activity or mission the expert is on between start
// and end, of a request not declined or withdrawn; "" when none.
func busyWith(ctx context.Context, q store.Querier, expertID, start, end, selfActivity, selfMission string) (string, error) {
	var number, title string
	err := q.QueryRowContext(ctx, `SELECT r.number, a.title FROM assistance_activity_experts ae
		JOIN assistance_activities a ON a.id = ae.activity_id
		JOIN assistance_requests r ON r.id = a.request_id
		WHERE ae.expert_id = $1 AND a.id <> $2 AND a.state <> $3 AND a.start_day <= $4 AND a.end_day >= $5
			AND r.state NOT IN ($6, $7)
		ORDER BY a.start_day LIMIT 1`,
		expertID, selfActivity, Cancelled, end, start, Declined, Withdrawn).Scan(&number, &title)
	if err == nil {
		return number + ": " + title, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("checking the assignments of expert %s: %w", expertID, err)
	}
	var kind MissionKind
	err = q.QueryRowContext(ctx, `SELECT r.number, m.kind FROM assistance_mission_experts me
		JOIN assistance_missions m ON m.id = me.mission_id
		JOIN assistance_requests r ON r.id = m.request_id
		WHERE me.expert_id = $1 AND m.id <> $2 AND m.start_day <= $3 AND m.end_day >= $4 AND r.state NOT IN ($5, $6)
		ORDER BY m.start_day LIMIT 1`,
		expertID, selfMission, end, start, Declined, Withdrawn).Scan(&number, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("checking the missions of expert %s: %w", expertID, err)
	}
	return number + ": " + string(kind) + " mission", nil
}

// activityForExperts reads an activity whose experts are about to change,
// with its request: assigning and unassigning are allowed to the same people
// in the same states of the request.
func (s *Service) activityForExperts(ctx context.Context, tx *sql.Tx, a access.Actor, requestID, activityID string) (stored, Activity, error) {
	r, err := s.forChange(ctx, tx, a, requestID, access.ManageAssistance)
	if err != nil {
		return stored{}, Activity{}, err
	}
	if err := inState(r, "activities", Design, Implementation); err != nil {
		return stored{}, Activity{}, err
	}
	act, err := loadActivity(ctx, tx, requestID, activityID)
	if err != nil {
		return stored{}, Activity{}, err
	}
	return r, act, nil
}

func (s *Service) assignExpert(ctx context.Context, a access.Actor, requestID, activityID, expertID string) (Activity, error) {
	expertID = strings.TrimSpace(expertID)
	var out Activity
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, act, err := s.activityForExperts(ctx, tx, a, requestID, activityID)
		if err != nil {
			return err
		}
		if act.State != Planned {
			return activityClosed(act.State)
		}
		if expertID == "" {
			return newInvalid("expert_id", "required", "choose an expert", nil)
		}
		if slices.Contains(act.ExpertIDs, expertID) {
			e, _ := loadExpert(ctx, tx, expertID)
			return newInvalid("expert_id", "expert.assigned", e.Name+" is already assigned here", map[string]any{"Name": e.Name})
		}
		if err := s.expertFits(ctx, tx, "expert_id", expertID, r, act.Start, act.End, act.ID, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assistance_activity_experts (activity_id, expert_id) VALUES ($1, $2)`,
			activityID, expertID); err != nil {
			return fmt.Errorf("assigning expert %s: %w", expertID, err)
		}
		out = act
		out.ExpertIDs = append(slices.Clone(act.ExpertIDs), expertID)
		slices.Sort(out.ExpertIDs)
		if err := s.touch(ctx, tx, r); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.activity.assign", objActivity, activityID,
			map[string]any{"expert_ids": act.ExpertIDs}, map[string]any{"expert_ids": out.ExpertIDs})
	})
	if err != nil {
		return Activity{}, err
	}
	return out, nil
}

func (s *Service) unassignExpert(ctx context.Context, a access.Actor, requestID, activityID, expertID string) (Activity, error) {
	var out Activity
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, act, err := s.activityForExperts(ctx, tx, a, requestID, activityID)
		if err != nil {
			return err
		}
		if !slices.Contains(act.ExpertIDs, expertID) {
			return fmt.Errorf("expert %s on activity %s: %w", expertID, activityID, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM assistance_activity_experts WHERE activity_id = $1 AND expert_id = $2`,
			activityID, expertID); err != nil {
			return fmt.Errorf("unassigning expert %s: %w", expertID, err)
		}
		out = act
		out.ExpertIDs = slices.DeleteFunc(slices.Clone(act.ExpertIDs), func(id string) bool { return id == expertID })
		if err := s.touch(ctx, tx, r); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.activity.unassign", objActivity, activityID,
			map[string]any{"expert_ids": act.ExpertIDs}, map[string]any{"expert_ids": out.ExpertIDs})
	})
	if err != nil {
		return Activity{}, err
	}
	return out, nil
}
