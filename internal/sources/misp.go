package sources

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"atalaya/internal/feeds"
)

// mispInputFormat is the parser of one MISP event file.
const mispInputFormat = "misp"

// maxManifest bounds the manifest.json of a MISP feed (CIRCL's OSINT feed
// is a few MB; DigitalSide's 335 KB).
const maxManifest = 128 << 20

// mispState is the newest event timestamp already pulled.
type mispState struct {
	Timestamp int64 `json:"timestamp,omitempty"`
}

// manifestEntry is what a pull reads of a manifest entry: when the event
// last changed. MISP writes the Unix time as a string; some generators as
// a number.
type manifestEntry struct {
	Timestamp flexInt `json:"timestamp"`
}

type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %s is not a Unix time", b)
	}
	*n = flexInt(v)
	return nil
}

// mispEvent is one event of the manifest to pull.
type mispEvent struct {
	uuid string
	ts   int64
}

// fetchMISP pulls a MISP feed: feed.URL is the feed's directory (where
// manifest.json is). Every event whose timestamp is newer than the last
// pull's is one input, URL/<uuid>.json for the misp parser, oldest first;
// an event is downloaded only when the pipeline opens it.
func (f *Fetcher) fetchMISP(ctx context.Context, feed feeds.Feed, state []byte) (feeds.Fetched, error) {
	base, err := mispBase(feed.URL)
	if err != nil {
		return feeds.Fetched{}, fmt.Errorf("feed %q: %w", feed.Name, err)
	}
	var st mispState
	readState(state, &st)
	manifestURL := base.JoinPath("manifest.json").String()
	manifest, err := f.manifest(ctx, feed, manifestURL)
	if err != nil {
		return feeds.Fetched{}, err
	}
	events, err := newerEvents(manifest, st.Timestamp)
	if err != nil {
		return feeds.Fetched{}, fmt.Errorf("feed %q: %s: %w", feed.Name, redact(manifestURL), err)
	}
	if len(events) == 0 {
		return feeds.Fetched{NotModified: true, State: state}, nil
	}
	out := feeds.Fetched{State: writeState(mispState{Timestamp: events[len(events)-1].ts})}
	for _, ev := range events {
		eventURL := base.JoinPath(ev.uuid + ".json").String()
		out.Inputs = append(out.Inputs, feeds.Input{
			Name:   redact(eventURL),
			Format: mispInputFormat,
			Open:   func() (io.ReadCloser, error) { return f.openURL(ctx, feed, eventURL) },
		})
	}
	return out, nil
}

// mispBase is the feed's directory URL; a URL naming manifest.json itself
// is taken for its directory.
func mispBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Host == "" {
		return nil, fmt.Errorf("the MISP feed URL %q is not a URL", redact(raw))
	}
	u.Path = strings.TrimSuffix(u.Path, "manifest.json")
	u.RawPath = ""
	return u, nil
}

// manifest GETs and decodes the feed's manifest.json.
func (f *Fetcher) manifest(ctx context.Context, feed feeds.Feed, manifestURL string) (map[string]manifestEntry, error) {
	resp, err := f.get(ctx, feed, manifestURL, http.Header{"Accept": {"application/json"}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(feed, manifestURL, resp)
	}
	rc, err := gunzipped(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("feed %q: %s: %w", feed.Name, redact(manifestURL), err)
	}
	defer rc.Close()
	m, err := decodeManifest(io.LimitReader(rc, maxManifest))
	if err != nil {
		return nil, fmt.Errorf("feed %q: %s: %w", feed.Name, redact(manifestURL), err)
	}
	return m, nil
}

// decodeManifest reads a manifest: an object of event UUID to entry.
func decodeManifest(r io.Reader) (map[string]manifestEntry, error) {
	var m map[string]manifestEntry
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("not a MISP feed manifest: %w", err)
	}
	return m, nil
}

// newerEvents lists the manifest's events changed after since, oldest
// first. An entry whose key is not a UUID fails the pull: it would name a
// file outside the feed, and a broken manifest is the provider's to fix,
// not to be half read.
func newerEvents(m map[string]manifestEntry, since int64) ([]mispEvent, error) {
	var out []mispEvent
	for id, e := range m {
		if !isUUID(id) {
			return nil, fmt.Errorf("manifest entry %q is not an event UUID", id)
		}
		if int64(e.Timestamp) > since {
			out = append(out, mispEvent{uuid: strings.ToLower(id), ts: int64(e.Timestamp)})
		}
	}
	slices.SortFunc(out, func(a, b mispEvent) int { return cmp.Or(cmp.Compare(a.ts, b.ts), strings.Compare(a.uuid, b.uuid)) })
	return out, nil
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}
