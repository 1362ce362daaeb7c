package alerts

import (
	"context"
	"fmt"
	"time"

	"atalaya/internal/store"
)

// rulesPoll is how often the service looks for rules changed by another
// process (one indexed row read).
const rulesPoll = 2 * time.Second

// maintain keeps the rules current, sends digests and prunes old alerts
// until ctx ends. One goroutine does all three, so none overlaps itself.
func (s *Service) maintain(ctx context.Context) {
	poll := time.NewTicker(rulesPoll)
	defer poll.Stop()
	tick := time.NewTicker(positiveDuration(s.opts.Tick, time.Minute))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
			if err := s.refreshRules(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("alert rules not reloaded", "err", err)
			}
		case <-tick.C:
			if err := s.sendDigests(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("digests", "err", err)
			}
			if err := s.prune(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("alert retention", "err", err)
			}
		}
	}
}

func positiveDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// prune removes alerts, and webhook posts that are no longer pending,
// older than the retention.
func (s *Service) prune(ctx context.Context) error {
	cutoff := store.Millis(s.now().Add(-positiveDuration(s.opts.Retention, 90*24*time.Hour)))
	if _, err := s.exec(ctx, `DELETE FROM alerts WHERE at < $1`, cutoff); err != nil {
		return fmt.Errorf("pruning alerts: %w", err)
	}
	if _, err := s.exec(ctx, `DELETE FROM alert_webhook_deliveries WHERE created_at < $1 AND state <> $2`,
		cutoff, statePending); err != nil {
		return fmt.Errorf("pruning webhook posts: %w", err)
	}
	return nil
}
