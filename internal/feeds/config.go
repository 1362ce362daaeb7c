package feeds

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/event"
	"atalaya/internal/parsers"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// ErrNotFound is returned when a feed or run does not exist.
var ErrNotFound = store.ErrNotFound

// The limits of a feed's settings.
const (
	maxName          = 64
	maxText          = 200
	minInterval      = time.Minute
	minRetention     = 24 * time.Hour
	maxRetention     = 10 * 365 * 24 * time.Hour
	defaultRetention = 90 * 24 * time.Hour
	// dirPoll is how often a watched directory is looked at when the
	// feed sets no interval.
	dirPoll = time.Minute
)

// pullable reports whether a source is pulled (by the schedule or Run
// now) rather than handed in.
func pullable(source string) bool {
	switch source {
	case SourceHTTP, SourceDir, SourceTAXII, SourceMISP:
		return true
	}
	return false
}

// retention is the feed's retention with the default applied.
func (f Feed) retention() time.Duration {
	if f.Retention <= 0 {
		return defaultRetention
	}
	return f.Retention
}

// every is how often the schedule pulls the feed; 0 when only by hand.
func (f Feed) every() time.Duration {
	switch {
	case !f.Enabled || !pullable(f.Source):
		return 0
	case f.Interval > 0:
		return f.Interval
	case f.Source == SourceDir:
		return dirPoll
	}
	return 0
}

// parserConfig is what the feed tells its parser.
func (s *Service) parserConfig(f Feed) parsers.Config {
	return parsers.Config{Mapping: f.Mapping, Constants: f.Constants, Report: f.Report, Shadowserver: s.opts.Shadowserver}
}

// normalize trims what people type and applies defaults.
func (f *Feed) normalize() {
	f.Name = strings.ToLower(strings.TrimSpace(f.Name))
	f.Title = strings.TrimSpace(f.Title)
	if f.Title == "" {
		f.Title = f.Name
	}
	f.Provider = strings.TrimSpace(f.Provider)
	f.Format = strings.TrimSpace(f.Format)
	f.Source = strings.TrimSpace(f.Source)
	f.URL = strings.TrimSpace(f.URL)
	f.Dir = strings.TrimSpace(f.Dir)
	f.Report = strings.TrimSpace(f.Report)
	f.TLP = strings.ToLower(strings.TrimSpace(f.TLP))
	f.PushOrgID = strings.TrimSpace(f.PushOrgID)
}

// validate checks a normalised feed and returns every problem at once.
func (s *Service) validate(f Feed) error {
	var es valid.Errors
	if !validName(f.Name) {
		es.Add("name", "feeds_name", "must be 1 to 64 lower-case letters, digits and hyphens, starting with a letter or digit",
			map[string]any{"Value": f.Name})
	}
	for field, v := range map[string]string{"title": f.Title, "provider": f.Provider, "report": f.Report} {
		if len(v) > maxText || !utf8.ValidString(v) {
			es.Add(field, "feeds_text", "must be text of at most 200 bytes", nil)
		}
	}
	if _, err := s.opts.NewParser(f.Format, s.parserConfig(f)); err != nil {
		// A parser names the setting at fault (the mapping, the report)
		// with its own catalog code; anything else is the format's.
		if pes := valid.List(err); len(pes) > 0 {
			es = append(es, pes...)
		} else {
			es.Add("format", "feeds_format", "cannot be used: "+err.Error(), map[string]any{"Value": f.Format, "Reason": err.Error()})
		}
	}
	s.validateSource(f, &es)
	if f.Interval < 0 || (f.Interval > 0 && f.Interval < minInterval) {
		es.Add("interval", "feeds_interval", "must be 0 (by hand only) or at least one minute", nil)
	}
	if f.Retention < 0 || (f.Retention > 0 && (f.Retention < minRetention || f.Retention > maxRetention)) {
		es.Add("retention", "feeds_retention", "must be 0 (90 days) or from one day to ten years", nil)
	}
	if f.TLP != "" {
		var e event.Event
		if e.Set("tlp", f.TLP) != nil {
			es.Add("tlp", "feeds_tlp", "must be clear, green, amber, amber+strict or red", map[string]any{"Value": f.TLP})
		}
	}
	if f.Accuracy < 0 || f.Accuracy > 100 {
		es.Add("accuracy", "feeds_accuracy", "must be from 0 to 100", nil)
	}
	validateMapping(f.Mapping, &es)
	validateConstants(f.Constants, &es)
	return es.Err()
}

func (s *Service) validateSource(f Feed, es *valid.Errors) {
	switch f.Source {
	case SourceHTTP, SourceTAXII, SourceMISP:
		u, err := url.Parse(f.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			es.Add("url", "feeds_url", "must be an absolute http or https URL", map[string]any{"Value": f.URL})
		}
	case SourceDir:
		if !filepath.IsAbs(f.Dir) {
			es.Add("dir", "feeds_dir", "must be an absolute directory path", map[string]any{"Value": f.Dir})
		} else if root := s.opts.DirRoot; root != "" {
			// Pulls move files out of the directory: never let a feed
			// point the server at its own files or the system's.
			if rel, err := filepath.Rel(root, filepath.Clean(f.Dir)); err != nil || rel == ".." ||
				strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				es.Add("dir", "feeds_dir_root", "must be inside the incoming directory "+root,
					map[string]any{"Value": f.Dir, "Root": root})
			}
		}
	case SourceUpload, SourcePush:
	default:
		es.Add("source", "feeds_source", "must be http, dir, upload, push, taxii or misp", map[string]any{"Value": f.Source})
	}
}

func validName(n string) bool {
	if n == "" || len(n) > maxName || n[0] == '-' {
		return false
	}
	for _, c := range []byte(n) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validateMapping checks that every column maps to a field an event has.
func validateMapping(m map[string]string, es *valid.Errors) {
	known := map[string]bool{}
	for _, f := range event.Fields() {
		known[f] = true
	}
	for _, col := range slices.Sorted(maps.Keys(m)) {
		field := m[col]
		if strings.TrimSpace(col) == "" || !(known[field] || strings.HasPrefix(field, event.ExtraPrefix) && len(field) > len(event.ExtraPrefix)) {
			es.Add("mapping", "feeds_mapping", "maps column "+col+" to "+field+", which is not a field of an event",
				map[string]any{"Column": col, "Field": field})
		}
	}
}

// validateConstants checks that every constant is a valid value of its
// field, so no line fails for the feed's own settings.
func validateConstants(m map[string]string, es *valid.Errors) {
	for _, field := range slices.Sorted(maps.Keys(m)) {
		var e event.Event
		if err := e.Set(field, m[field]); err != nil {
			es.Add("constants", "feeds_constant", field+": "+err.Error(),
				map[string]any{"Field": field, "Value": m[field]})
		}
	}
}

// CreateFeed sets up a feed (access.ManageFeeds). Bad settings give a
// *valid.Error naming the field.
func (s *Service) CreateFeed(ctx context.Context, a access.Actor, f Feed) (Feed, error) {
	if !access.Can(a, access.ManageFeeds, access.Target{}) {
		return Feed{}, access.ErrDenied
	}
	f.normalize()
	if err := s.validate(f); err != nil {
		return Feed{}, err
	}
	now := s.now().Truncate(time.Millisecond)
	f.ID, f.CreatedAt, f.UpdatedAt = store.NewID(), now, now
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertFeed(ctx, tx, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "feed.create", ObjectType: "feed",
			ObjectID: f.ID, After: f.shown()})
	})
	if store.IsUniqueViolation(err) {
		return Feed{}, valid.New("name", "feeds_name_taken", "is the name of another feed", map[string]any{"Value": f.Name})
	}
	if err != nil {
		return Feed{}, fmt.Errorf("creating feed %q: %w", f.Name, err)
	}
	return f.shown(), nil
}

// UpdateFeed changes a feed's settings (access.ManageFeeds); Auth "" keeps
// the stored one. The name cannot change: it is in URLs and in the
// events' feed.name.
func (s *Service) UpdateFeed(ctx context.Context, a access.Actor, f Feed) (Feed, error) {
	if !access.Can(a, access.ManageFeeds, access.Target{}) {
		return Feed{}, access.ErrDenied
	}
	f.normalize()
	var out Feed
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		ref := f.ID
		if ref == "" {
			ref = f.Name
		}
		old, err := feedByRef(ctx, tx, ref)
		if err != nil {
			return err
		}
		if f.Name == "" {
			f.Name = old.Name
		}
		if f.Name != old.Name {
			return valid.New("name", "feeds_name_fixed", "cannot change: it is in links and in the events' feed.name", nil)
		}
		if err := s.validate(f); err != nil {
			return err
		}
		if f.Auth == "" {
			f.Auth = old.Auth
		}
		f.ID, f.CreatedAt, f.UpdatedAt = old.ID, old.CreatedAt, s.now().Truncate(time.Millisecond)
		if err := updateFeed(ctx, tx, f); err != nil {
			return err
		}
		out = f.shown()
		return audit.Record(ctx, tx, audit.By(a), audit.Change{Action: "feed.update", ObjectType: "feed",
			ObjectID: f.ID, Before: old.shown(), After: out})
	})
	if err != nil {
		return Feed{}, err
	}
	return out, nil
}

// shown is the feed as reads return it: the credential replaced by
// HasAuth.
func (f Feed) shown() Feed {
	f.HasAuth = f.Auth != ""
	f.Auth = ""
	return f
}

// Feed returns one feed by id or name (access.ViewFeeds).
func (s *Service) Feed(ctx context.Context, a access.Actor, idOrName string) (Feed, error) {
	if !access.Can(a, access.ViewFeeds, access.Target{}) {
		return Feed{}, access.ErrDenied
	}
	f, err := feedByRef(ctx, s.db.R(), idOrName)
	if err != nil {
		return Feed{}, err
	}
	return f.shown(), nil
}

const feedColumns = `id, name, title, provider, format, source, url, dir, auth, mapping_json, constants_json,
	report, interval_ms, retention_ms, tlp, accuracy, push_org_id, enabled, created_at, updated_at`

// feedRead is what reads select: the columns and when the last pull began.
const feedRead = feedColumns + `, pulled_at`

func insertFeed(ctx context.Context, tx *sql.Tx, f Feed) error {
	args, err := feedArgs(f)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO feeds (`+feedColumns+`, lease_until, pulled_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 0, 0)`, args...)
	return err
}

func updateFeed(ctx context.Context, tx *sql.Tx, f Feed) error {
	args, err := feedArgs(f)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE feeds SET name = $2, title = $3, provider = $4, format = $5, source = $6,
		url = $7, dir = $8, auth = $9, mapping_json = $10, constants_json = $11, report = $12, interval_ms = $13,
		retention_ms = $14, tlp = $15, accuracy = $16, push_org_id = $17, enabled = $18, created_at = $19,
		updated_at = $20 WHERE id = $1`, args...)
	return err
}

func feedArgs(f Feed) ([]any, error) {
	mapping, err := json.Marshal(orEmpty(f.Mapping))
	if err != nil {
		return nil, err
	}
	constants, err := json.Marshal(orEmpty(f.Constants))
	if err != nil {
		return nil, err
	}
	return []any{f.ID, f.Name, f.Title, f.Provider, f.Format, f.Source, f.URL, f.Dir, f.Auth, string(mapping),
		string(constants), f.Report, f.Interval.Milliseconds(), f.Retention.Milliseconds(), f.TLP, f.Accuracy,
		f.PushOrgID, f.Enabled, store.Millis(f.CreatedAt), store.Millis(f.UpdatedAt)}, nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

type scanner interface{ Scan(dest ...any) error }

func scanFeed(row scanner) (Feed, error) {
	var f Feed
	var mapping, constants string
	var interval, retention, created, updated, pulled int64
	err := row.Scan(&f.ID, &f.Name, &f.Title, &f.Provider, &f.Format, &f.Source, &f.URL, &f.Dir, &f.Auth,
		&mapping, &constants, &f.Report, &interval, &retention, &f.TLP, &f.Accuracy, &f.PushOrgID, &f.Enabled,
		&created, &updated, &pulled)
	if err != nil {
		return Feed{}, err
	}
	if err := json.Unmarshal([]byte(mapping), &f.Mapping); err != nil {
		return Feed{}, fmt.Errorf("feed %s: mapping: %w", f.Name, err)
	}
	if err := json.Unmarshal([]byte(constants), &f.Constants); err != nil {
		return Feed{}, fmt.Errorf("feed %s: constants: %w", f.Name, err)
	}
	if len(f.Mapping) == 0 {
		f.Mapping = nil
	}
	if len(f.Constants) == 0 {
		f.Constants = nil
	}
	f.Interval, f.Retention = time.Duration(interval)*time.Millisecond, time.Duration(retention)*time.Millisecond
	f.CreatedAt, f.UpdatedAt, f.pulledAt = store.Time(created), store.Time(updated), store.Time(pulled)
	return f, nil
}

// feedByRef reads a feed, credential included, by id or name.
func feedByRef(ctx context.Context, q store.Querier, ref string) (Feed, error) {
	f, err := scanFeed(q.QueryRowContext(ctx, `SELECT `+feedRead+` FROM feeds WHERE id = $1 OR name = $1`, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return Feed{}, fmt.Errorf("feed %q: %w", ref, ErrNotFound)
	}
	if err != nil {
		return Feed{}, fmt.Errorf("reading feed %q: %w", ref, err)
	}
	return f, nil
}

// allFeeds reads every feed, credentials included, by name.
func allFeeds(ctx context.Context, q store.Querier) ([]Feed, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+feedRead+` FROM feeds ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing feeds: %w", err)
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("listing feeds: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
