package sources

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"

	"atalaya/internal/feeds"
)

// httpState is what an HTTP pull remembers: the validators of the last
// answer, sent back so that an unchanged feed costs a 304 and no parsing.
type httpState struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// fetchHTTP GETs the feed's URL, conditionally when the previous answer
// gave validators. A success is one input whose Open hands over the
// response body (gunzipped when it is gzip).
func (f *Fetcher) fetchHTTP(ctx context.Context, feed feeds.Feed, state []byte) (feeds.Fetched, error) {
	if feed.URL == "" {
		return feeds.Fetched{}, fmt.Errorf("feed %q: no URL to pull", feed.Name)
	}
	var prev httpState
	readState(state, &prev)
	h := http.Header{}
	if prev.ETag != "" {
		h.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		h.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := f.get(ctx, feed, feed.URL, h)
	if err != nil {
		return feeds.Fetched{}, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		resp.Body.Close()
		return feeds.Fetched{NotModified: true, State: state}, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		defer resp.Body.Close()
		return feeds.Fetched{}, statusError(feed, feed.URL, resp)
	}
	next := httpState{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if next.ETag != "" && next.ETag == prev.ETag {
		// A server that ignores If-None-Match but still tags its
		// content: the same tag is the same content.
		resp.Body.Close()
		return feeds.Fetched{NotModified: true, State: state}, nil
	}
	in := feeds.Input{Name: redact(feed.URL), Open: f.opener(ctx, feed, resp)}
	return feeds.Fetched{Inputs: []feeds.Input{in}, State: writeState(next)}, nil
}

// opener returns the Open of an HTTP input: the first call takes the body
// of the answer already received; a later one (the pipeline retrying the
// input) GETs the URL again, unconditionally.
func (f *Fetcher) opener(ctx context.Context, feed feeds.Feed, resp *http.Response) func() (io.ReadCloser, error) {
	var mu sync.Mutex
	first := resp.Body
	return func() (io.ReadCloser, error) {
		mu.Lock()
		body := first
		first = nil
		mu.Unlock()
		if body == nil {
			return f.openURL(ctx, feed, feed.URL)
		}
		rc, err := gunzipped(body)
		if err != nil {
			return nil, fmt.Errorf("feed %q: %s: %w", feed.Name, redact(feed.URL), err)
		}
		return rc, nil
	}
}
