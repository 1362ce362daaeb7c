package assistance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// stored is a request as read, with the columns the service needs besides.
type stored struct {
	Request
	due   time.Time // when the current step is overdue, zero for none
	ended time.Time // when it closed, was declined or withdrawn
}

const requestColumns = `id, number, form_json, state, state_since, consideration_json, created_by,
	created_by_org, created_at, submitted_at, ended_at, updated_at, version, due_at`

type scanner interface{ Scan(dest ...any) error }

func scanRequest(sc scanner) (stored, error) {
	var (
		r                                              stored
		formJSON, consJSON                             string
		since, created, submitted, ended, updated, due int64
	)
	err := sc.Scan(&r.ID, &r.Number, &formJSON, &r.State, &since, &consJSON, &r.CreatedBy, &r.CreatedByOrg,
		&created, &submitted, &ended, &updated, &r.Version, &due)
	if err != nil {
		return stored{}, err
	}
	if err := fromJSON(formJSON, &r.Form); err != nil {
		return stored{}, err
	}
	if err := fromJSON(consJSON, &r.Consideration); err != nil {
		return stored{}, err
	}
	r.Form = withLists(r.Form)
	if r.Consideration.Staff == nil {
		r.Consideration.Staff = []string{}
	}
	r.StateSince, r.CreatedAt, r.SubmittedAt = store.Time(since), store.Time(created), store.Time(submitted)
	r.UpdatedAt, r.ended, r.due = store.Time(updated), store.Time(ended), store.Time(due)
	return r, nil
}

// withLists gives a form empty lists instead of nil ones, so the API shows
// [] and not null.
func withLists(f Form) Form {
	if f.Support == nil {
		f.Support = []Support{}
	}
	if f.Topics == nil {
		f.Topics = []Topic{}
	}
	if f.Partners == nil {
		f.Partners = []Partner{}
	}
	return f
}

func loadRequest(ctx context.Context, q store.Querier, id string) (stored, error) {
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM assistance_requests WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return stored{}, fmt.Errorf("request %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return stored{}, fmt.Errorf("loading request %s: %w", id, err)
	}
	return r, nil
}

func newInvalid(field, code, message string, args map[string]any) error {
	return valid.New(field, "assistance."+code, message, args)
}

func (s *Service) createDraft(ctx context.Context, a access.Actor, f Form) (Request, error) {
	f = normalizeForm(f)
	if f.Country == "" && a.Has(access.GovernmentContact) {
		f.Country = a.Country
	}
	// The secretariat may file for any member (an empty country is then
	// a form error); anyone else only for the own member state.
	if err := allow(a, access.FileAssistance, f.Country); err != nil {
		return Request{}, err
	}
	if err := checkForm(f, false); err != nil {
		return Request{}, err
	}
	formJSON, err := toJSON(f)
	if err != nil {
		return Request{}, err
	}
	now := s.stamp(0)
	r := Request{ID: store.NewID(), Form: withLists(f), State: Draft, StateSince: store.Time(now),
		Consideration: Consideration{Staff: []string{}}, CreatedBy: a.UserID, CreatedByOrg: a.OrgID,
		CreatedAt: store.Time(now), UpdatedAt: store.Time(now), Version: 1}
	year := r.CreatedAt.Year()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var seq int64
		err := tx.QueryRowContext(ctx, `INSERT INTO assistance_counters (year, seq) VALUES ($1, 1)
			ON CONFLICT (year) DO UPDATE SET seq = assistance_counters.seq + 1 RETURNING seq`, year).Scan(&seq)
		if err != nil {
			return fmt.Errorf("numbering request: %w", err)
		}
		r.Number = fmt.Sprintf("TA-%d-%04d", year, seq)
		_, err = tx.ExecContext(ctx, `INSERT INTO assistance_requests (id, number, year, seq, country, institution,
			need, form_json, state, state_since, consideration_json, created_by, created_by_org, created_at,
			submitted_at, ended_at, updated_at, version, due_at, reminded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, 0, $15, 1, 0, 0)`,
			r.ID, r.Number, year, seq, f.Country, f.Institution.Name, f.Need, formJSON, Draft, now,
			`{"staff":[]}`, r.CreatedBy, r.CreatedByOrg, now, now)
		if err != nil {
			return fmt.Errorf("inserting request: %w", err)
		}
		if err := s.addTransition(ctx, tx, a, r.ID, "", Draft, "", now); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.create", objRequest, r.ID, nil, r)
	})
	if err != nil {
		return Request{}, fmt.Errorf("creating request: %w", err)
	}
	return r, nil
}

func (s *Service) updateDraft(ctx context.Context, a access.Actor, id string, version int64, f Form) (Request, error) {
	f = normalizeForm(f)
	var out Request
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.forChange(ctx, tx, a, id, access.FileAssistance)
		if err != nil {
			return err
		}
		switch r.State {
		case Draft:
		case Submitted:
			// Once submitted the form is the member's request as
			// received; only the secretariat corrects it.
			if err := allow(a, access.ManageAssistance, r.Country); err != nil {
				return err
			}
		default:
			return notEditable("state", r.State)
		}
		if r.Version != version {
			return ErrConflict
		}
		if f.Country == "" {
			f.Country = r.Country
		}
		if f.Country != r.Country {
			return newInvalid("country", "country_fixed", "the member state of a request cannot change", nil)
		}
		if err := checkForm(f, r.State != Draft); err != nil {
			return err
		}
		formJSON, err := toJSON(f)
		if err != nil {
			return err
		}
		now := s.stamp(store.Millis(r.UpdatedAt))
		res, err := tx.ExecContext(ctx, `UPDATE assistance_requests SET form_json = $1, institution = $2, need = $3,
			updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6`,
			formJSON, f.Institution.Name, f.Need, now, id, version)
		if err != nil {
			return fmt.Errorf("updating request %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrConflict
		}
		out = r.Request
		out.Form, out.UpdatedAt, out.Version = withLists(f), store.Time(now), version+1
		return record(ctx, tx, a, "assistance.update", objRequest, id, r.Form, out.Form)
	})
	if err != nil {
		return Request{}, err
	}
	return out, nil
}

func (s *Service) get(ctx context.Context, a access.Actor, id string) (Request, error) {
	r, err := s.visible(ctx, s.db.R(), a, id)
	if err != nil {
		return Request{}, err
	}
	return r.Request, nil
}

// summary is r as lists and the board show it, overdue at now.
func summary(r stored, now time.Time) Summary {
	return Summary{ID: r.ID, Number: r.Number, Country: r.Country, Institution: r.Institution.Name,
		State: r.State, StateSince: r.StateSince, Support: bySupportPriority(r.Support), UpdatedAt: r.UpdatedAt,
		Due: r.due, Overdue: !r.due.IsZero() && now.After(r.due)}
}
