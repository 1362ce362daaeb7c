package alerts

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the service's counters, read by Stats and by the Prometheus
// collectors (one source of truth, no double counting).
type metrics struct {
	evaluated       atomic.Int64 // rule evaluations in Deliver
	matched         atomic.Int64 // matches queued
	ruleErrors      atomic.Int64 // evaluations that failed (count as no match)
	queueDrops      atomic.Int64 // matches dropped: the queue was full
	storeDrops      atomic.Int64 // matches dropped: the store refused them
	recorded        atomic.Int64 // alert rows written
	subscriberDrops atomic.Int64 // alerts a slow subscriber did not get
	webhookOK       atomic.Int64 // posts answered 2xx
	webhookRetries  atomic.Int64 // failed attempts that will be retried
	webhookFailed   atomic.Int64 // posts given up on
	digestsSent     atomic.Int64
	digestErrors    atomic.Int64
}

func newMetrics() *metrics { return &metrics{} }

// Stats is a snapshot of the service's counters since it was made.
type Stats struct {
	Evaluated       int64 // rule evaluations
	Matched         int64 // matches queued for recording
	RuleErrors      int64 // evaluations that failed (no match)
	QueueDrops      int64 // matches lost because the queue was full
	StoreDrops      int64 // matches lost because the store failed
	Recorded        int64 // alerts written
	SubscriberDrops int64 // live alerts a slow subscriber lost
	WebhookOK       int64
	WebhookRetries  int64
	WebhookFailed   int64
	DigestsSent     int64
	DigestErrors    int64
}

// Stats returns the counters.
func (s *Service) Stats() Stats {
	m := s.metrics
	return Stats{Evaluated: m.evaluated.Load(), Matched: m.matched.Load(), RuleErrors: m.ruleErrors.Load(),
		QueueDrops: m.queueDrops.Load(), StoreDrops: m.storeDrops.Load(), Recorded: m.recorded.Load(),
		SubscriberDrops: m.subscriberDrops.Load(), WebhookOK: m.webhookOK.Load(),
		WebhookRetries: m.webhookRetries.Load(), WebhookFailed: m.webhookFailed.Load(),
		DigestsSent: m.digestsSent.Load(), DigestErrors: m.digestErrors.Load()}
}

// Collectors exposes the counters to Prometheus, to register on the
// server's registry (web.Metrics.Registry).
func (s *Service) Collectors() []prometheus.Collector {
	m := s.metrics
	counter := func(name, help string, v *atomic.Int64, labels prometheus.Labels) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
			func() float64 { return float64(v.Load()) })
	}
	const dropped = "atalaya_alerts_dropped_total"
	const dropHelp = "Alerts lost, by reason: queue (the recorder fell behind), store (writing failed), subscriber (a live reader fell behind)."
	const posts = "atalaya_alert_webhook_posts_total"
	const postHelp = "Webhook post attempts, by result: ok, retry, failed (gave up)."
	return []prometheus.Collector{
		counter("atalaya_alert_rule_evaluations_total", "Alert rule evaluations.", &m.evaluated, nil),
		counter("atalaya_alert_rule_errors_total", "Alert rule evaluations that failed (counted as no match).", &m.ruleErrors, nil),
		counter("atalaya_alerts_matched_total", "Deliveries a rule matched.", &m.matched, nil),
		counter("atalaya_alerts_recorded_total", "Alerts written.", &m.recorded, nil),
		counter(dropped, dropHelp, &m.queueDrops, prometheus.Labels{"reason": "queue"}),
		counter(dropped, dropHelp, &m.storeDrops, prometheus.Labels{"reason": "store"}),
		counter(dropped, dropHelp, &m.subscriberDrops, prometheus.Labels{"reason": "subscriber"}),
		counter(posts, postHelp, &m.webhookOK, prometheus.Labels{"result": "ok"}),
		counter(posts, postHelp, &m.webhookRetries, prometheus.Labels{"result": "retry"}),
		counter(posts, postHelp, &m.webhookFailed, prometheus.Labels{"result": "failed"}),
		counter("atalaya_alert_digests_sent_total", "E-mail digests sent.", &m.digestsSent, nil),
		counter("atalaya_alert_digest_errors_total", "E-mail digests that could not be sent (retried).", &m.digestErrors, nil),
	}
}
