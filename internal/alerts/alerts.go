// Package alerts turns a team's deliveries into alerts: per-team rules in
// CEL over the event's harmonisation fields, tried against the last day's
// events before they are saved, and the deliveries of what matched: the
// team's live stream (browser and /api/v1/stream), webhooks (JSON,
// HMAC-signed, retried with back-off, replayable) and e-mail digests
// (hourly or daily, CSV attached).
//
// A rule is a CEL condition. Every harmonisation field of an event is a
// variable of that name: source.ip, source.fqdn, classification.type ...
// are text, source.port, source.asn, destination.port and
// destination.asn are int, feed.accuracy is double, time.source and
// time.observation are timestamps; extra is a map(string, string) of the
// extra fields; delivery.by ("prefix", "asn", "domain", "country",
// "watch"), delivery.key (what matched) and delivery.repeats say how the
// event reached the team. A field the event lacks has its type's zero
// value, so
//
//	classification.type == "phishing" && source.fqdn.endsWith(".gov.uy")
//
// is simply false for an event without a domain. A missing key of extra
// is an evaluation error, which counts as no match (write "k" in extra &&
// ... or has(extra.k)). A rule must give a boolean, and its worst case over
// the largest event must stay within a cost bound, checked when it is
// saved.
package alerts

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"cel.dev/cel-go/cel"

	"atalaya/internal/feeds"
	"atalaya/internal/store"
)

// Rule is one team's alert rule.
type Rule struct {
	ID        string
	OrgID     string
	Name      string
	Expr      string // CEL over the event's fields, e.g. classification.type == "infected-system"
	Enabled   bool
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Alert is a delivery a rule matched.
type Alert struct {
	ID       int64
	OrgID    string
	RuleID   string
	RuleName string
	At       time.Time
	Event    feeds.StoredEvent
}

// TryResult is a rule tried against the last day's deliveries.
type TryResult struct {
	Evaluated int                 // deliveries tried
	Matched   int                 // how many matched
	Errors    int                 // evaluation errors (a field missing where the rule needs it ...)
	Sample    []feeds.StoredEvent // the first matches, at most 50
}

// Webhook is an endpoint a team's alerts are posted to.
type Webhook struct {
	ID        string
	OrgID     string
	URL       string
	Secret    string // HMAC-SHA256 key; returned once, on creation
	Enabled   bool
	CreatedAt time.Time
}

// WebhookDelivery is one POST of alerts to a webhook and its fate.
type WebhookDelivery struct {
	ID          int64
	WebhookID   string
	Alerts      int
	Attempts    int
	State       string // "pending", "ok", "failed" (gave up; replayable)
	LastStatus  int    // HTTP status of the last attempt, 0 if none answered
	LastError   string
	NextAttempt time.Time
	CreatedAt   time.Time
}

// Digest is an e-mail subscription of a team to its alerts.
type Digest struct {
	ID       string
	OrgID    string
	Email    string
	Every    string // "hourly" or "daily"
	LastSent time.Time
}

// EventSource gives the deliveries rules are tried against:
// feeds.Service implements it.
type EventSource interface {
	Delivered(ctx context.Context, orgID string, since time.Time, limit int) ([]feeds.StoredEvent, error)
}

// Mail is the SMTP server digests are sent through.
type Mail struct {
	Host     string
	Port     int
	From     string
	Username string
	Password string
	TLS      string // "none" (tests, a local relay), "starttls", "tls"
	// HELO is the name the client gives in EHLO; "" is the domain of From
	// (relays refuse a bare "localhost").
	HELO string
}

// ErrNotFound is returned for a rule, webhook, delivery or digest that does
// not exist or belongs to an organisation the actor may not manage.
var ErrNotFound = store.ErrNotFound

// Options tune a Service.
type Options struct {
	Now        func() time.Time
	Logger     *slog.Logger
	Events     EventSource
	Mail       Mail // Host "": digests are kept but not sent
	HTTPClient *http.Client
	// Retry is the wait before each new attempt of a webhook post; a post
	// is tried len(Retry)+1 times, then marked failed (replayable). nil:
	// 1 s, 10 s, 1 min, 5 min (five attempts).
	Retry []time.Duration
	// Queue bounds the alerts matched and not yet recorded; beyond it
	// Deliver drops matches (counted). 0: 65536.
	Queue int
	// Buffer is each live subscriber's backlog; a subscriber further
	// behind loses alerts (counted). 0: 256.
	Buffer int
	// Tick is how often digests and retention are looked at. 0: 1 min.
	Tick time.Duration
	// Retention: alerts and webhook deliveries older than this go. 0: 90 days.
	Retention time.Duration
	// AllowPrivateWebhooks lets the default HTTP client post to loopback,
	// private and link-local addresses (a lab, tests). Without it a team
	// cannot point a webhook at the server's own network. Ignored when
	// HTTPClient is set.
	AllowPrivateWebhooks bool
}

// Service holds rules and delivers alerts, over a store migrated with
// Migrations (and audit's).
//
// Concurrency: rules are compiled into an immutable per-organisation
// snapshot swapped atomically, so Deliver reads without locking; matches go
// to a bounded queue drained by one recorder goroutine (started by Start),
// which writes alert rows and webhook posts in one transaction and then
// publishes to the subscribers' hub.
type Service struct {
	db      *store.DB
	opts    Options
	now     func() time.Time
	log     *slog.Logger
	env     *cel.Env
	client  *http.Client
	retry   []time.Duration
	rules   atomic.Pointer[ruleSet]
	rulesMu sync.Mutex // serialises rebuilding the snapshot
	queue   *queue
	hub     *hub
	hooks   chan struct{} // wakes the webhook sender
	metrics *metrics
}

// New returns the service over db; Start runs its background work.
func New(db *store.DB, opts Options) *Service {
	env, err := newEnv()
	if err != nil {
		// The declarations are static: this fails in every test or never.
		panic(err)
	}
	s := &Service{db: db, opts: opts, now: opts.Now, log: opts.Logger, env: env,
		client: opts.HTTPClient, retry: opts.Retry, hooks: make(chan struct{}, 1), metrics: newMetrics()}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.client == nil {
		s.client = webhookClient(opts.AllowPrivateWebhooks)
	}
	if s.retry == nil {
		s.retry = []time.Duration{time.Second, 10 * time.Second, time.Minute, 5 * time.Minute}
	}
	s.queue = newQueue(positive(opts.Queue, 65536))
	s.hub = newHub(positive(opts.Buffer, 256), s.metrics)
	s.rules.Store(&ruleSet{})
	return s
}

func positive(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// Start loads the rules, then records and publishes matches, sends
// webhook posts, digests and prunes old alerts until ctx ends. Deliver
// matches nothing before the rules are loaded; LoadRules may be called
// first to be sure of them before ingest starts.
func (s *Service) Start(ctx context.Context) error {
	if err := s.LoadRules(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.record(ctx) })
	wg.Go(func() { s.sendWebhooks(ctx) })
	wg.Go(func() { s.maintain(ctx) })
	wg.Wait()
	return nil
}
