package alerts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"atalaya/internal/feeds"
)

// The JSON form of an alert, in webhook posts and for the API and the
// stream: the event is a flat object of harmonisation names (as IntelMQ
// writes events), ports, AS numbers and accuracy as numbers, everything
// else as text, unset fields left out; the delivery says how it reached the
// team.
//
//	{"id": 7, "org_id": "…", "rule_id": "…", "rule_name": "…", "at": "2024-05-01T10:00:00Z",
//	 "delivery": {"id": 3, "event_id": 2, "feed": "…", "by": "prefix", "key": "192.0.2.0/24",
//	              "repeats": 1, "first_seen": "…", "last_seen": "…"},
//	 "event": {"source.ip": "192.0.2.7", "source.port": 443, "classification.type": "…", …}}
type alertJSON struct {
	ID       int64          `json:"id"`
	OrgID    string         `json:"org_id"`
	RuleID   string         `json:"rule_id"`
	RuleName string         `json:"rule_name"`
	At       time.Time      `json:"at"`
	Delivery deliveryJSON   `json:"delivery"`
	Event    map[string]any `json:"event"`
}

type deliveryJSON struct {
	ID        int64     `json:"id"`
	EventID   int64     `json:"event_id"`
	Feed      string    `json:"feed"`
	OrgID     string    `json:"org_id,omitempty"`
	By        string    `json:"by"`
	Key       string    `json:"key"`
	Repeats   int64     `json:"repeats"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// storedJSON is a delivery as an alert row keeps it.
type storedJSON struct {
	Delivery deliveryJSON               `json:"delivery"`
	Event    map[string]json.RawMessage `json:"event"`
}

// MarshalJSON writes the alert in the form webhooks receive.
func (a Alert) MarshalJSON() ([]byte, error) {
	return json.Marshal(alertJSON{ID: a.ID, OrgID: a.OrgID, RuleID: a.RuleID, RuleName: a.RuleName,
		At: a.At.UTC(), Delivery: deliveryOf(a.Event), Event: a.Event.Event.Flat()})
}

// UnmarshalJSON reads what MarshalJSON wrote; a field that is not valid
// for an event is an error.
func (a *Alert) UnmarshalJSON(b []byte) error {
	var raw struct {
		alertJSON
		Event map[string]json.RawMessage `json:"event"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d, err := storedDelivery(storedJSON{Delivery: raw.Delivery, Event: raw.Event})
	if err != nil {
		return err
	}
	*a = Alert{ID: raw.ID, OrgID: raw.OrgID, RuleID: raw.RuleID, RuleName: raw.RuleName, At: raw.At, Event: d}
	return nil
}

func deliveryOf(d feeds.StoredEvent) deliveryJSON {
	return deliveryJSON{ID: d.ID, EventID: d.EventID, Feed: d.FeedName, OrgID: d.OrgID, By: d.By, Key: d.Key,
		Repeats: d.Repeats, FirstSeen: d.FirstSeen.UTC(), LastSeen: d.LastSeen.UTC()}
}

// encodeDelivery is the event_json of an alert row.
func encodeDelivery(d *feeds.StoredEvent) ([]byte, error) {
	return json.Marshal(struct {
		Delivery deliveryJSON   `json:"delivery"`
		Event    map[string]any `json:"event"`
	}{deliveryOf(*d), d.Event.Flat()})
}

// decodeDelivery reads an alert row's event_json back.
func decodeDelivery(b []byte) (feeds.StoredEvent, error) {
	var sj storedJSON
	if err := json.Unmarshal(b, &sj); err != nil {
		return feeds.StoredEvent{}, err
	}
	return storedDelivery(sj)
}

func storedDelivery(sj storedJSON) (feeds.StoredEvent, error) {
	dj := sj.Delivery
	d := feeds.StoredEvent{ID: dj.ID, EventID: dj.EventID, FeedName: dj.Feed, OrgID: dj.OrgID, By: dj.By,
		Key: dj.Key, Repeats: dj.Repeats, FirstSeen: dj.FirstSeen, LastSeen: dj.LastSeen}
	for name, raw := range sj.Event {
		text, err := jsonText(raw)
		if err != nil {
			return feeds.StoredEvent{}, fmt.Errorf("event field %s: %w", name, err)
		}
		if err := d.Event.Set(name, text); err != nil {
			return feeds.StoredEvent{}, err
		}
	}
	return d, nil
}

// jsonText is a JSON string's text or a number's digits.
func jsonText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	if _, err := strconv.ParseFloat(n.String(), 64); err != nil {
		return "", err
	}
	return n.String(), nil
}
