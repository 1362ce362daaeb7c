package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"atalaya/internal/feeds"
)

// TAXII 2.1 (section 3.3.1, 3.7): the media type of its resources and the
// header saying when the last object of a page was added.
const (
	mediaTAXII       = "application/taxii+json;version=2.1"
	headerAddedLast  = "X-TAXII-Date-Added-Last"
	taxiiInputFormat = "stix" // the parser reads TAXII envelopes as well as bundles
)

// The bounds of one TAXII pull. Its pages are read into memory (their
// "more" and "next" are in the body), so a pull stops once it holds
// maxTAXIIBytes or maxTAXIIPages, with the state of the last page read: the
// next pull goes on from there. A single page may be as large as
// maxTAXIIBytes (twice that is the most a pull holds).
const (
	maxTAXIIBytes = 32 << 20
	maxTAXIIPages = 200
)

// taxiiState is where the next pull starts: the date_added of the last
// object received, as the server wrote it.
type taxiiState struct {
	AddedAfter string `json:"added_after,omitempty"`
}

// envelope is what a pull reads of a TAXII envelope resource.
type envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next"`
	Objects []json.RawMessage `json:"objects"`
}

// fetchTAXII pulls the objects added to a TAXII 2.1 collection since the
// previous pull: feed.URL is the collection's objects endpoint (its query,
// a limit or match[type]=indicator, is kept). Pages are followed with next,
// or with added_after where a server pages without next; each page with
// objects is one input, the envelope as the server sent it, for the stix
// parser.
func (f *Fetcher) fetchTAXII(ctx context.Context, feed feeds.Feed, state []byte) (feeds.Fetched, error) {
	base, err := url.Parse(feed.URL)
	if feed.URL == "" || err != nil {
		return feeds.Fetched{}, fmt.Errorf("feed %q: the TAXII collection URL %q is not a URL", feed.Name, redact(feed.URL))
	}
	var st taxiiState
	readState(state, &st)
	addedAfter, next := st.AddedAfter, ""
	newest := st.AddedAfter
	var out feeds.Fetched
	total := 0
	for page := 1; page <= maxTAXIIPages; page++ {
		pageURL := taxiiPageURL(base, addedAfter, next)
		body, last, err := f.taxiiPage(ctx, feed, pageURL, maxTAXIIBytes)
		if err != nil {
			return feeds.Fetched{}, err
		}
		total += len(body)
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil {
			return feeds.Fetched{}, fmt.Errorf("feed %q: page %d of %s is not a TAXII envelope: %w", feed.Name, page, redact(feed.URL), err)
		}
		if len(env.Objects) > 0 {
			out.Inputs = append(out.Inputs, feeds.Input{
				Name:   redact(feed.URL) + " page " + strconv.Itoa(page),
				Format: taxiiInputFormat,
				Open:   func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil },
			})
		}
		if later(last, newest) {
			newest = last
		}
		switch {
		case !env.More:
			return taxiiResult(out, state, newest), nil
		case env.Next != "" && env.Next != next:
			next = env.Next
		case last != "" && last != addedAfter:
			// More to come and no next: page on by date added.
			addedAfter, next = last, ""
		default:
			return feeds.Fetched{}, fmt.Errorf("feed %q: %s says there is more but gives no way to page on (no next, no %s)",
				feed.Name, redact(feed.URL), headerAddedLast)
		}
		if total >= maxTAXIIBytes {
			break
		}
	}
	// The bounds were reached: what was read is ingested, the rest comes
	// with the next pull.
	return taxiiResult(out, state, newest), nil
}

func taxiiResult(out feeds.Fetched, state []byte, newest string) feeds.Fetched {
	if len(out.Inputs) == 0 {
		return feeds.Fetched{NotModified: true, State: state}
	}
	out.State = writeState(taxiiState{AddedAfter: newest})
	return out
}

// taxiiPageURL is the collection URL with added_after and next set.
func taxiiPageURL(base *url.URL, addedAfter, next string) string {
	u := *base
	q := u.Query()
	if addedAfter != "" {
		q.Set("added_after", addedAfter)
	}
	if next != "" {
		q.Set("next", next)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// taxiiPage GETs one page and returns its body (at most limit bytes) and
// its X-TAXII-Date-Added-Last.
func (f *Fetcher) taxiiPage(ctx context.Context, feed feeds.Feed, pageURL string, limit int) ([]byte, string, error) {
	resp, err := f.get(ctx, feed, pageURL, http.Header{"Accept": {mediaTAXII}})
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", statusError(feed, pageURL, resp)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return nil, "", fmt.Errorf("feed %q: reading %s: %w", feed.Name, redact(pageURL), err)
	}
	if len(body) > limit {
		return nil, "", fmt.Errorf("feed %q: a page of %s is larger than %d MiB", feed.Name, redact(feed.URL), maxTAXIIBytes>>20)
	}
	return body, resp.Header.Get(headerAddedLast), nil
}

// later reports whether timestamp a is after b; an unreadable a never is,
// and anything readable is after an unreadable or empty b.
func later(a, b string) bool {
	ta, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		return false
	}
	tb, err := time.Parse(time.RFC3339Nano, b)
	return err != nil || ta.After(tb)
}
