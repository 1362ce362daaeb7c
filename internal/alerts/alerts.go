// Package alerts turns a team's deliveries into alerts: per-team rules in
// CEL over the event's harmonisation fields, tried against the last day's
// events before they are saved, and the deliveries of what matched: the
// team's live stream (browser and /api/v1/stream), webhooks (JSON,
// HMAC-signed, retried with back-off, replayable) and e-mail digests
// (hourly or daily, CSV attached).
package alerts

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/feeds"
	"atalaya/internal/store"
)

var errTODO = errors.New("alerts: not implemented yet")

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
}

// Options tune a Service.
type Options struct {
	Now        func() time.Time
	Logger     *slog.Logger
	Events     EventSource
	Mail       Mail // Host "": digests are kept but not sent
	HTTPClient *http.Client
}

// Service holds rules and delivers alerts, over a store migrated with
// Migrations (and audit's, directory's and feeds').
type Service struct {
	db   *store.DB
	opts Options
}

// New returns the service over db; Start runs its background work.
func New(db *store.DB, opts Options) *Service { return &Service{db: db, opts: opts} }

// Start runs webhook retries and digests until ctx ends.
func (s *Service) Start(ctx context.Context) error { return errTODO }

// Deliver evaluates the rules of each delivery's organisation; it is
// feeds.Options.OnCommit and returns quickly (matching is in memory;
// recording and sending happen on the service's own goroutines).
func (s *Service) Deliver(ds []feeds.StoredEvent) {}

// Rules lists orgID's rules (access.CanSeeEvents).
func (s *Service) Rules(ctx context.Context, a access.Actor, orgID string) ([]Rule, error) {
	return nil, errTODO
}

// SaveRule creates (ID "") or changes a rule of r.OrgID
// (access.ManageAlerts). A rule that does not compile gives a *valid.Error
// on field "expr" with CEL's message and position.
func (s *Service) SaveRule(ctx context.Context, a access.Actor, r Rule) (Rule, error) {
	return Rule{}, errTODO
}

// DeleteRule removes a rule (access.ManageAlerts).
func (s *Service) DeleteRule(ctx context.Context, a access.Actor, id string) error { return errTODO }

// TryRule compiles expr and runs it over orgID's deliveries of the last
// day (access.ManageAlerts); nothing is saved.
func (s *Service) TryRule(ctx context.Context, a access.Actor, orgID, expr string) (TryResult, error) {
	return TryResult{}, errTODO
}

// Subscribe returns orgID's live alerts (access.CanSeeEvents) until
// cancel is called. A slow reader loses alerts rather than slowing
// delivery; the channel is closed on cancel.
func (s *Service) Subscribe(a access.Actor, orgID string) (<-chan Alert, func(), error) {
	return nil, func() {}, errTODO
}

// Alerts lists orgID's recent alerts, newest first (access.CanSeeEvents).
func (s *Service) Alerts(ctx context.Context, a access.Actor, orgID, cursor string, limit int) ([]Alert, string, error) {
	return nil, "", errTODO
}

// Webhooks, CreateWebhook, DeleteWebhook, WebhookDeliveries and Replay
// manage a team's webhooks (access.ManageAlerts).
func (s *Service) Webhooks(ctx context.Context, a access.Actor, orgID string) ([]Webhook, error) {
	return nil, errTODO
}

func (s *Service) CreateWebhook(ctx context.Context, a access.Actor, w Webhook) (Webhook, error) {
	return Webhook{}, errTODO
}

func (s *Service) DeleteWebhook(ctx context.Context, a access.Actor, id string) error { return errTODO }

func (s *Service) WebhookDeliveries(ctx context.Context, a access.Actor, orgID string, limit int) ([]WebhookDelivery, error) {
	return nil, errTODO
}

func (s *Service) Replay(ctx context.Context, a access.Actor, deliveryID int64) error { return errTODO }

// Digests, CreateDigest and DeleteDigest manage a team's e-mail digests
// (access.ManageAlerts).
func (s *Service) Digests(ctx context.Context, a access.Actor, orgID string) ([]Digest, error) {
	return nil, errTODO
}

func (s *Service) CreateDigest(ctx context.Context, a access.Actor, d Digest) (Digest, error) {
	return Digest{}, errTODO
}

func (s *Service) DeleteDigest(ctx context.Context, a access.Actor, id string) error { return errTODO }
