package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/event"
	"atalaya/internal/feeds"
	"atalaya/internal/store"
	"atalaya/internal/valid"
)

// inboxPageSize is how many events a page of the inbox shows.
const inboxPageSize = 50

// byKinds are the routing decisions the inbox filter offers.
var byKinds = []string{feeds.ByPrefix, feeds.ByASN, feeds.ByDomain, feeds.ByCountry, feeds.ByWatch}

// inboxData is the inbox with its filters.
type inboxData struct {
	Rows       []eventRow
	Feeds      []string
	Taxonomies []string
	Types      []string
	Bys        []string
	NextURL    string
	First      bool
	Exports    []exportLink
}

// eventRow is one delivery as the pages show it.
type eventRow struct{ feeds.StoredEvent }

// Get returns a harmonisation field of the event as text, "" when unset.
func (e eventRow) Get(name string) string {
	v, _ := e.Event.Get(name)
	return v
}

// Subject is what the event is about: its source address, domain or URL.
func (e eventRow) Subject() string {
	for _, f := range []string{"source.ip", "source.fqdn", "source.url"} {
		if v := e.Get(f); v != "" {
			return v
		}
	}
	return ""
}

// eventField is one field of the event page.
type eventField struct{ Name, Value string }

// Fields lists every field the event has, harmonisation names first in
// their order, then the extra ones by name; raw is shown on its own.
func (e eventRow) Fields() []eventField {
	var out []eventField
	for _, name := range event.Fields() {
		if name == "raw" {
			continue
		}
		if v, ok := e.Event.Get(name); ok {
			out = append(out, eventField{name, v})
		}
	}
	keys := make([]string, 0, len(e.Event.Extra))
	for k := range e.Event.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, eventField{event.ExtraPrefix + k, e.Event.Extra[k]})
	}
	return out
}

// inboxQuery is the inbox's filter as the URL carries it.
type inboxQuery struct {
	Q, Feed, Taxonomy, Type, By, Since, Until, Cursor string
}

func readInboxQuery(r *http.Request) inboxQuery {
	q := r.URL.Query()
	return inboxQuery{Q: strings.TrimSpace(q.Get("q")), Feed: q.Get("feed"), Taxonomy: q.Get("taxonomy"),
		Type: q.Get("type"), By: q.Get("by"), Since: q.Get("since"), Until: q.Get("until"), Cursor: q.Get("cursor")}
}

// fields is the filter by parameter name, for the form and for links.
func (q inboxQuery) fields() map[string]string {
	return map[string]string{"q": q.Q, "feed": q.Feed, "taxonomy": q.Taxonomy, "type": q.Type, "by": q.By,
		"since": q.Since, "until": q.Until}
}

// values encodes the filter (without the cursor) for links.
func (q inboxQuery) values() url.Values {
	v := url.Values{}
	for k, s := range q.fields() {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// filter checks the query and turns it into the store's filter; the
// errors name the parameter at fault.
func (q inboxQuery) filter() (feeds.Filter, error) {
	f := feeds.Filter{Query: q.Q, Feed: q.Feed, Taxonomy: q.Taxonomy, Type: q.Type, By: q.By, Cursor: q.Cursor,
		Limit: inboxPageSize}
	var es valid.Errors
	taxonomies := event.Taxonomies()
	if _, ok := taxonomies[q.Taxonomy]; q.Taxonomy != "" && !ok {
		es.Add("taxonomy", "ewui.taxonomy", "Choose a taxonomy of the list.", nil)
	}
	if q.Type != "" && !slices.Contains(rsitTypes(), q.Type) {
		es.Add("type", "ewui.type", "Choose a type of the list.", nil)
	} else if q.Type != "" && q.Taxonomy != "" && !event.TypeBelongs(q.Taxonomy, q.Type) {
		es.Add("type", "ewui.type_taxonomy", "This type is not of the chosen taxonomy.", nil)
	}
	if q.By != "" && !slices.Contains(byKinds, q.By) {
		es.Add("by", "ewui.by", "Choose how the event reached the team from the list.", nil)
	}
	var err error
	if f.Since, err = parseInputTime("since", q.Since); err != nil {
		es = append(es, valid.List(err)...)
	}
	if f.Until, err = parseInputTime("until", q.Until); err != nil {
		es = append(es, valid.List(err)...)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		es.Add("until", "ewui.until", "The end must come after the start.", nil)
	}
	return f, es.Err()
}

// rsitTypes lists every RSIT type once, sorted, for the type filter.
func rsitTypes() []string {
	var out []string
	for _, types := range event.Taxonomies() {
		out = append(out, types...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// feedNames lists the feeds' names for the filter; a reader who may not
// list feeds gets none and types the name instead.
func (u *UI) feedNames(ctx context.Context, a access.Actor) []string {
	if !access.Can(a, access.ViewFeeds, access.Target{}) {
		return nil
	}
	fs, err := u.feeds.Feeds(ctx, a)
	if err != nil {
		u.logger.Warn("listing feeds for the inbox filter", "err", err)
		return nil
	}
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return out
}

func (u *UI) eventsInbox(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.ownEvents(w, r)
	if !ok {
		return
	}
	a, ctx := actorOf(r), r.Context()
	q := readInboxQuery(r)
	f := &form{Values: q.fields()}
	d := inboxData{Feeds: u.feedNames(ctx, a), Taxonomies: sortedKeys(event.Taxonomies()), Types: rsitTypes(),
		Bys: byKinds, First: q.Cursor == ""}
	filter, err := q.filter()
	status := http.StatusOK
	if err != nil {
		f.fail(err)
		status = http.StatusUnprocessableEntity
	} else {
		rows, next, err := u.feeds.Inbox(ctx, a, orgID, filter)
		if err != nil {
			if !f.fail(err) {
				u.fail(w, r, err)
				return
			}
			status = http.StatusUnprocessableEntity
		}
		for _, e := range rows {
			d.Rows = append(d.Rows, eventRow{e})
		}
		if next != "" {
			v := q.values()
			v.Set("cursor", next)
			d.NextURL = "/events?" + v.Encode()
		}
		d.Exports = eventExportLinks(q)
	}
	u.render(w, r, status, "ew_events", page{TitleKey: "ewui.events.title", Nav: "events", Data: d, Form: f})
}

// eventExportLinks offers the current filter as CSV and JSON.
func eventExportLinks(q inboxQuery) []exportLink {
	var out []exportLink
	for _, format := range []string{"csv", "json"} {
		v := q.values()
		v.Set("format", format)
		out = append(out, exportLink{Format: format, LabelKey: "ewui.export." + format, URL: "/events/export?" + v.Encode()})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// eventData is one event's page.
type eventData struct {
	Row eventRow
}

func (u *UI) eventPage(w http.ResponseWriter, r *http.Request) {
	orgID, ok := u.ownEvents(w, r)
	if !ok {
		return
	}
	id, ok := pathInt64(r, "id")
	if !ok {
		u.fail(w, r, store.ErrNotFound)
		return
	}
	e, err := u.inboxEvent(r.Context(), actorOf(r), orgID, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	row := eventRow{e}
	title := row.Subject()
	if title == "" {
		title = "#" + strconv.FormatInt(e.ID, 10)
	}
	u.render(w, r, http.StatusOK, "ew_event", page{Title: title, Nav: "events", Data: eventData{Row: row}})
}

// eventFinder is what the event page calls when feeds offers it: one
// delivery of orgID by id, with access checked.
type eventFinder interface {
	InboxEvent(ctx context.Context, a access.Actor, orgID string, id int64) (feeds.StoredEvent, error)
}

// findScanPages bounds the search of the inbox for one event when feeds
// has no direct lookup: 20 pages of 1000, the newest 20,000 deliveries.
const findScanPages = 20

// inboxEvent returns orgID's delivery id. Only orgID's inbox is looked
// in, so another organisation's delivery is not found.
func (u *UI) inboxEvent(ctx context.Context, a access.Actor, orgID string, id int64) (feeds.StoredEvent, error) {
	if f, ok := any(u.feeds).(eventFinder); ok {
		return f.InboxEvent(ctx, a, orgID, id)
	}
	// The inbox's cursor today is the last id of a page (newest first),
	// so the page "after id+1" starts at id. The cursor is opaque by
	// contract: what this finds is checked, and a miss falls back to
	// reading the inbox page by page.
	if rows, _, err := u.feeds.Inbox(ctx, a, orgID, feeds.Filter{Cursor: strconv.FormatInt(id+1, 10), Limit: 1}); err == nil &&
		len(rows) == 1 && rows[0].ID == id && rows[0].OrgID == orgID {
		return rows[0], nil
	} else if errors.Is(err, access.ErrDenied) {
		return feeds.StoredEvent{}, err
	}
	cursor := ""
	for range findScanPages {
		rows, next, err := u.feeds.Inbox(ctx, a, orgID, feeds.Filter{Cursor: cursor, Limit: 1000})
		if err != nil {
			return feeds.StoredEvent{}, err
		}
		for _, e := range rows {
			if e.ID == id && e.OrgID == orgID {
				return e, nil
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return feeds.StoredEvent{}, store.ErrNotFound
}
