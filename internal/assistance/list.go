package assistance

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// Page sizes of lists and the board.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// visibleCountry says whose requests the actor may list: every member
// state's (all) for the secretariat, else the own member state's; nobody
// else lists any.
func visibleCountry(a access.Actor) (country string, all bool, err error) {
	if access.Can(a, access.ViewBoard, access.Target{}) {
		return "", true, nil
	}
	if a.Country != "" && access.Can(a, access.ViewAssistance, access.Target{Country: a.Country}) {
		return a.Country, false, nil
	}
	return "", false, access.ErrDenied
}

// query is a WHERE clause being built with numbered arguments.
type query struct {
	where []string
	args  []any
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) and(cond string) { q.where = append(q.where, cond) }

func (q *query) clause() string {
	if len(q.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.where, " AND ")
}

// parseNumber reads "TA-2026-0007" as the year and the sequence.
func parseNumber(n string) (year, seq int, ok bool) {
	rest, found := strings.CutPrefix(n, "TA-")
	y, sq, found2 := strings.Cut(rest, "-")
	if !found || !found2 || len(y) != 4 || len(sq) < 4 {
		return 0, 0, false
	}
	year, err1 := strconv.Atoi(y)
	seq, err2 := strconv.Atoi(sq)
	if err1 != nil || err2 != nil || seq < 1 {
		return 0, 0, false
	}
	return year, seq, true
}

// filterQuery turns f into a WHERE clause over assistance_requests, for
// the requests of country ("" for all); withCursor adds the page cursor.
// It checks f and returns valid errors on its fields.
func filterQuery(f Filter, country string, now time.Time, withCursor bool) (query, error) {
	var q query
	var c checker
	if country != "" {
		q.and("country = " + q.arg(country))
	}
	if fc := strings.ToUpper(strings.TrimSpace(f.Country)); fc != "" {
		q.and("country = " + q.arg(fc))
	}
	if len(f.States) > 0 {
		marks := make([]string, 0, len(f.States))
		for i, st := range f.States {
			if !slices.Contains(States, st) {
				c.oneOf(indexed("states", i, ""), "state", false, string(st))
				continue
			}
			marks = append(marks, q.arg(string(st)))
		}
		if len(marks) > 0 {
			q.and("state IN (" + strings.Join(marks, ", ") + ")")
		}
	}
	if v := strings.TrimSpace(f.Query); v != "" {
		p := q.arg(store.ContainsPattern(strings.ToLower(v)))
		q.and(fmt.Sprintf(`(LOWER(number) LIKE %[1]s ESCAPE '\' OR LOWER(institution) LIKE %[1]s ESCAPE '\' OR LOWER(need) LIKE %[1]s ESCAPE '\')`, p))
	}
	if f.Year != 0 {
		if f.Year < 2000 || f.Year > 9999 {
			c.add("year", "year", fmt.Sprintf("%d is not a year", f.Year), map[string]any{"Value": strconv.Itoa(f.Year)})
		}
		q.and("year = " + q.arg(f.Year))
	}
	if f.Overdue {
		q.and("due_at > 0 AND due_at < " + q.arg(now.UnixMilli()))
	}
	if withCursor && f.After != "" {
		y, s, ok := parseNumber(f.After)
		if !ok {
			c.add("after", "cursor", "this page link is not valid any more: start from the first page", nil)
		}
		q.and(fmt.Sprintf("(year < %[1]s OR (year = %[1]s AND seq < %[2]s))", q.arg(y), q.arg(s)))
	}
	if f.Limit < 0 {
		c.add("limit", "amount", "the page size cannot be negative", nil)
	}
	return q, c.err()
}

func pageSize(limit int) int {
	switch {
	case limit <= 0:
		return defaultLimit
	case limit > maxLimit:
		return maxLimit
	}
	return limit
}

// page returns one page of the requests f selects for country, newest
// number first, and the cursor of the next page.
func (s *Service) page(ctx context.Context, f Filter, country string) ([]Summary, string, error) {
	now := s.now()
	q, err := filterQuery(f, country, now, true)
	if err != nil {
		return nil, "", err
	}
	limit := pageSize(f.Limit)
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+requestColumns+` FROM assistance_requests`+q.clause()+
		` ORDER BY year DESC, seq DESC LIMIT `+strconv.Itoa(limit+1), q.args...)
	if err != nil {
		return nil, "", fmt.Errorf("listing requests: %w", err)
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, "", fmt.Errorf("listing requests: %w", err)
		}
		out = append(out, summary(r, now))
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("listing requests: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Number
	}
	return out, next, nil
}

func (s *Service) list(ctx context.Context, a access.Actor, f Filter) ([]Summary, string, error) {
	country, all, err := visibleCountry(a)
	if err != nil {
		return nil, "", err
	}
	if !all && f.Country != "" && !strings.EqualFold(strings.TrimSpace(f.Country), country) {
		// Another member's requests: none the actor may see.
		return []Summary{}, "", nil
	}
	return s.page(ctx, f, country)
}

func (s *Service) board(ctx context.Context, a access.Actor, f Filter) (Board, error) {
	if err := allow(a, access.ViewBoard, ""); err != nil {
		return Board{}, err
	}
	q, err := filterQuery(f, "", s.now(), false)
	if err != nil {
		return Board{}, err
	}
	b := Board{ByState: map[State]int{}, ByCountry: map[string]map[State]int{}}
	rows, err := s.db.R().QueryContext(ctx, `SELECT country, state, COUNT(*) FROM assistance_requests`+q.clause()+
		` GROUP BY country, state`, q.args...)
	if err != nil {
		return Board{}, fmt.Errorf("counting the board: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var country string
		var st State
		var n int
		if err := rows.Scan(&country, &st, &n); err != nil {
			return Board{}, fmt.Errorf("counting the board: %w", err)
		}
		b.ByState[st] += n
		if b.ByCountry[country] == nil {
			b.ByCountry[country] = map[State]int{}
		}
		b.ByCountry[country][st] += n
	}
	if err := rows.Err(); err != nil {
		return Board{}, fmt.Errorf("counting the board: %w", err)
	}
	b.Requests, b.Next, err = s.page(ctx, f, "")
	if err != nil {
		return Board{}, err
	}
	return b, nil
}
