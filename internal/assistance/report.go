package assistance

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// yearReport gathers the annual report while it is counted.
type yearReport struct {
	countries map[string]*CountryReport
	results   map[string][]dated // by country
	funding   map[string]map[[2]string]*DonorAmount
}

// dated is a text of the report with what orders it.
type dated struct{ day, number, text string }

func (y *yearReport) country(code string) *CountryReport {
	c := y.countries[code]
	if c == nil {
		c = &CountryReport{Country: code, Requests: []Summary{}, Results: []string{}, Challenges: []string{}, Funding: []DonorAmount{}}
		y.countries[code] = c
	}
	return c
}

func (y *yearReport) money(country, donor, currency string) *DonorAmount {
	if y.funding[country] == nil {
		y.funding[country] = map[[2]string]*DonorAmount{}
	}
	k := [2]string{donor, currency}
	d := y.funding[country][k]
	if d == nil {
		d = &DonorAmount{Donor: donor, Currency: currency}
		y.funding[country][k] = d
	}
	return d
}

func (s *Service) report(ctx context.Context, a access.Actor, year int) (AnnualReport, error) {
	if err := allow(a, access.ViewBoard, ""); err != nil {
		return AnnualReport{}, err
	}
	if year < 2000 || year > 9999 {
		return AnnualReport{}, newInvalid("year", "year", fmt.Sprintf("%d is not a year", year),
			map[string]any{"Value": strconv.Itoa(year)})
	}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	firstDay, lastDay := start.Format(dayLayout), end.AddDate(0, 0, -1).Format(dayLayout)
	y := &yearReport{countries: map[string]*CountryReport{}, results: map[string][]dated{},
		funding: map[string]map[[2]string]*DonorAmount{}}
	now := s.now()
	steps := []func() error{
		func() error { return y.requests(ctx, s.db.R(), start, end, now) },
		func() error { return y.activities(ctx, s.db.R(), firstDay, lastDay) },
		func() error { return y.evaluations(ctx, s.db.R(), start, end, firstDay, lastDay) },
		func() error { return y.proposals(ctx, s.db.R(), start, end) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return AnnualReport{}, fmt.Errorf("counting the report of %d: %w", year, err)
		}
	}
	return y.finish(year, now), nil
}

// requests lists, per country, the requests submitted before the year
// ended and not ended before it began, and counts those submitted in it.
func (y *yearReport) requests(ctx context.Context, q store.Querier, start, end, now time.Time) error {
	rows, err := q.QueryContext(ctx, `SELECT `+requestColumns+` FROM assistance_requests
		WHERE submitted_at > 0 AND submitted_at < $1 AND (ended_at = 0 OR ended_at >= $2) ORDER BY year, seq`,
		end.UnixMilli(), start.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return err
		}
		c := y.country(r.Country)
		c.Requests = append(c.Requests, summary(r, now))
		if !r.SubmittedAt.Before(start) {
			c.RequestsReceived++
		}
	}
	return rows.Err()
}

// activities counts the activities delivered in the year, the people
// they trained and their results.
func (y *yearReport) activities(ctx context.Context, q store.Querier, firstDay, lastDay string) error {
	rows, err := q.QueryContext(ctx, `SELECT r.country, r.number, a.delivered_on, a.people_trained, a.results
		FROM assistance_activities a JOIN assistance_requests r ON r.id = a.request_id
		WHERE a.state = $1 AND a.delivered_on >= $2 AND a.delivered_on <= $3`, Delivered, firstDay, lastDay)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var country string
		var d dated
		var people int
		if err := rows.Scan(&country, &d.number, &d.day, &people, &d.text); err != nil {
			return err
		}
		c := y.country(country)
		c.ActivitiesDelivered++
		c.PeopleTrained += people
		if d.text != "" {
			y.results[country] = append(y.results[country], d)
		}
	}
	return rows.Err()
}

// evaluations takes the results of the evaluations of the year, and the
// open challenges of the latest evaluation (up to the year's end) of each
// request the report lists.
func (y *yearReport) evaluations(ctx context.Context, q store.Querier, start, end time.Time, firstDay, lastDay string) error {
	rows, err := q.QueryContext(ctx, `SELECT r.country, r.number, e.day, e.results, e.challenges_json
		FROM assistance_evaluations e JOIN assistance_requests r ON r.id = e.request_id
		WHERE e.day <= $1 AND r.submitted_at > 0 AND r.submitted_at < $2 AND (r.ended_at = 0 OR r.ended_at >= $3)
		ORDER BY r.year, r.seq`, lastDay, end.UnixMilli(), start.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var country, challengesJSON string
		var d dated
		if err := rows.Scan(&country, &d.number, &d.day, &d.text, &challengesJSON); err != nil {
			return err
		}
		var challenges []string
		if err := fromJSON(challengesJSON, &challenges); err != nil {
			return err
		}
		c := y.country(country)
		for _, ch := range challenges {
			if !slices.Contains(c.Challenges, ch) {
				c.Challenges = append(c.Challenges, ch)
			}
		}
		if d.day >= firstDay && d.text != "" {
			y.results[country] = append(y.results[country], d)
		}
	}
	return rows.Err()
}

// proposals sums the money pledged and received in the year, by donor and
// currency.
func (y *yearReport) proposals(ctx context.Context, q store.Querier, start, end time.Time) error {
	rows, err := q.QueryContext(ctx, `SELECT r.country, p.donor, p.pledged_amount, p.pledged_currency, p.pledged_at,
		p.received_amount, p.received_currency, p.received_at
		FROM assistance_proposals p JOIN assistance_requests r ON r.id = p.request_id
		WHERE (p.pledged_at >= $1 AND p.pledged_at < $2) OR (p.received_at >= $1 AND p.received_at < $2)`,
		start.UnixMilli(), end.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	in := func(ms int64) bool { return ms >= start.UnixMilli() && ms < end.UnixMilli() }
	for rows.Next() {
		var country, donor string
		var pledged, received Money
		var pledgedAt, receivedAt int64
		if err := rows.Scan(&country, &donor, &pledged.Amount, &pledged.Currency, &pledgedAt,
			&received.Amount, &received.Currency, &receivedAt); err != nil {
			return err
		}
		y.country(country)
		if in(pledgedAt) {
			y.money(country, donor, pledged.Currency).Pledged += pledged.Amount
		}
		if in(receivedAt) {
			y.money(country, donor, received.Currency).Received += received.Amount
		}
	}
	return rows.Err()
}

func byDonor(a, b DonorAmount) int {
	return cmp.Or(cmp.Compare(a.Donor, b.Donor), cmp.Compare(a.Currency, b.Currency))
}

// finish orders the countries and their lists and sums the totals.
func (y *yearReport) finish(year int, now time.Time) AnnualReport {
	r := AnnualReport{Year: year, Generated: now.UTC(), Countries: []CountryReport{}, Totals: ReportTotals{Funding: []DonorAmount{}}}
	total := map[[2]string]*DonorAmount{}
	for code, c := range y.countries {
		results := y.results[code]
		slices.SortStableFunc(results, func(a, b dated) int {
			return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.number, b.number))
		})
		for _, d := range results {
			c.Results = append(c.Results, d.text)
		}
		for k, d := range y.funding[code] {
			c.Funding = append(c.Funding, *d)
			t := total[k]
			if t == nil {
				t = &DonorAmount{Donor: d.Donor, Currency: d.Currency}
				total[k] = t
			}
			t.Pledged += d.Pledged
			t.Received += d.Received
		}
		slices.SortFunc(c.Funding, byDonor)
		r.Countries = append(r.Countries, *c)
		r.Totals.RequestsReceived += c.RequestsReceived
		r.Totals.ActivitiesDelivered += c.ActivitiesDelivered
		r.Totals.PeopleTrained += c.PeopleTrained
	}
	slices.SortFunc(r.Countries, func(a, b CountryReport) int { return cmp.Compare(a.Country, b.Country) })
	for _, t := range total {
		r.Totals.Funding = append(r.Totals.Funding, *t)
	}
	slices.SortFunc(r.Totals.Funding, byDonor)
	return r
}
