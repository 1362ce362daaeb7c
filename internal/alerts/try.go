package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/feeds"
)

const (
	tryWindow = 24 * time.Hour // "the last day's events"
	tryPage   = 5000           // deliveries read at a time
	tryMax    = 200_000        // deliveries tried at most, to answer in seconds
	sampleMax = 50             // matches returned
)

// errNoEvents is TryRule without Options.Events.
var errNoEvents = errors.New("alerts: no event source to try rules on")

// TryRule compiles expr and runs it over orgID's deliveries of the last
// day, at most 200,000 of them (access.ManageAlerts); nothing is saved.
func (s *Service) TryRule(ctx context.Context, a access.Actor, orgID, expr string) (TryResult, error) {
	if !canManage(a, orgID) {
		return TryResult{}, access.ErrDenied
	}
	prg, err := compile(s.env, expr)
	if err != nil {
		return TryResult{}, err
	}
	if s.opts.Events == nil {
		return TryResult{}, errNoEvents
	}
	var res TryResult
	act := newActivation(nil)
	err = s.eachDelivered(ctx, orgID, s.now().Add(-tryWindow), func(d *feeds.StoredEvent) {
		res.Evaluated++
		act.reset(d)
		ok, err := match(prg, act)
		switch {
		case err != nil:
			res.Errors++
		case ok:
			res.Matched++
			if len(res.Sample) < sampleMax {
				res.Sample = append(res.Sample, *d)
			}
		}
	})
	return res, err
}

// eachDelivered calls fn on orgID's deliveries first seen at or after
// since, page by page, each once. A page starts at the latest first-seen
// time read so far, so deliveries sharing that millisecond come again:
// the ids already given to fn are skipped.
func (s *Service) eachDelivered(ctx context.Context, orgID string, since time.Time, fn func(*feeds.StoredEvent)) error {
	seen := make(map[int64]bool)
	for len(seen) < tryMax {
		page, err := s.opts.Events.Delivered(ctx, orgID, since, tryPage)
		if err != nil {
			return fmt.Errorf("reading deliveries to try the rule on: %w", err)
		}
		fresh := 0
		for i := range page {
			d := &page[i]
			// The source is asked for orgID's deliveries only; a row of
			// another organisation would be a bug there, and must not
			// reach this team's try-out.
			if d.OrgID != orgID || seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			fresh++
			if d.FirstSeen.After(since) {
				since = d.FirstSeen
			}
			fn(d)
			if len(seen) >= tryMax {
				return nil
			}
		}
		// A short page is the end; a page of nothing new means more
		// deliveries share one millisecond than a page holds.
		if len(page) < tryPage || fresh == 0 {
			return nil
		}
	}
	return nil
}
