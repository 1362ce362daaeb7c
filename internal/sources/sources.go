// Package sources pulls the input of feeds: an HTTP(S) URL with
// conditional requests, a watched directory, a TAXII 2.1 collection and a
// MISP feed. A Fetcher turns one pull into feeds.Fetched: the inputs in the
// order they are to be ingested and the state to save once they are
// durable, so that the next pull asks only for what is new.
//
// Inputs are opened lazily by the feeds pipeline, one after the other, and
// read as streams: a large download is never held in memory, except the
// pages of a TAXII collection, whose "more" and "next" can be known only by
// reading them (and which are bounded, see maxTAXIIBytes).
package sources

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"atalaya/internal/feeds"
)

// userAgent names Atalaya to the providers it pulls from.
const userAgent = "Atalaya (early warning; feed pull)"

// Fetcher pulls feeds. It implements feeds.Fetcher and is safe for
// concurrent use: it holds no state of its own between pulls.
type Fetcher struct {
	client *http.Client
	now    func() time.Time
	// settle is how long a file must stay unchanged in a watched
	// directory before it is taken: a file still being written is left
	// for the next pull.
	settle time.Duration
}

// New returns a Fetcher that makes its requests with client; nil gives a
// client with connection timeouts but no overall one (a feed may be large
// and slow: the pull's context bounds it).
func New(client *http.Client) *Fetcher {
	if client == nil {
		client = defaultClient()
	}
	return &Fetcher{client: client, now: time.Now, settle: time.Second}
}

func defaultClient() *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}}
}

var _ feeds.Fetcher = (*Fetcher)(nil)

// Fetch pulls feed f. state is what the previous successful pull returned
// (nil on the first; unreadable state starts afresh).
//
// The inputs of HTTP, TAXII and MISP pulls read over the network with ctx:
// it must stay alive until they have been ingested.
func (f *Fetcher) Fetch(ctx context.Context, feed feeds.Feed, state []byte) (feeds.Fetched, error) {
	switch feed.Source {
	case feeds.SourceHTTP:
		return f.fetchHTTP(ctx, feed, state)
	case feeds.SourceDir:
		return f.fetchDir(feed, state)
	case feeds.SourceTAXII:
		return f.fetchTAXII(ctx, feed, state)
	case feeds.SourceMISP:
		return f.fetchMISP(ctx, feed, state)
	case feeds.SourceUpload, feeds.SourcePush:
		return feeds.Fetched{}, fmt.Errorf("feed %q: a %s feed is not pulled; its input is handed in", feed.Name, feed.Source)
	}
	return feeds.Fetched{}, fmt.Errorf("feed %q: unknown source %q", feed.Name, feed.Source)
}

// get sends a GET of rawURL with the feed's credentials and the extra
// headers, and returns the response whatever its status.
func (f *Fetcher) get(ctx context.Context, feed feeds.Feed, rawURL string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("feed %q: bad URL %s: %w", feed.Name, redact(rawURL), err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", userAgent)
	if feed.Auth != "" {
		req.Header.Set("Authorization", feed.Auth)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		// The client's error repeats the URL, query and all: say it
		// again without what may be a key.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("feed %q: GET %s: %w", feed.Name, redact(rawURL), err)
	}
	return resp, nil
}

// openURL GETs rawURL and returns its body, gunzipped when it is gzip.
func (f *Fetcher) openURL(ctx context.Context, feed feeds.Feed, rawURL string) (io.ReadCloser, error) {
	resp, err := f.get(ctx, feed, rawURL, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, statusError(feed, rawURL, resp)
	}
	rc, err := gunzipped(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("feed %q: %s: %w", feed.Name, redact(rawURL), err)
	}
	return rc, nil
}

// statusError is the error of an answer that is not a success: the status
// and the URL, and the start of the body, which is where providers say why.
func statusError(feed feeds.Feed, rawURL string, resp *http.Response) error {
	const most = 200
	buf, _ := io.ReadAll(io.LimitReader(resp.Body, most))
	detail := strings.Join(strings.Fields(strings.ToValidUTF8(string(buf), "")), " ")
	if detail != "" {
		detail = ": " + detail
	}
	return fmt.Errorf("feed %q: GET %s answered %s%s", feed.Name, redact(rawURL), resp.Status, detail)
}

// redact drops what a URL may carry as a secret (a password, the values of
// its query, such as an API key) from errors, which the feeds' status page
// shows to every team.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unreadable URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"…"}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// gzipMagic starts every gzip stream (RFC 1952).
var gzipMagic = [2]byte{0x1f, 0x8b}

// gunzipped returns rc itself, or a reader of its decompressed content when
// it starts with the gzip magic number: a feed published as .gz, or served
// with a Content-Encoding the transport did not undo. Sniffing rather than
// trusting names works for both, and a text feed never starts with 0x1f.
func gunzipped(rc io.ReadCloser) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(rc, 64<<10)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		rc.Close()
		return nil, err
	}
	if len(magic) < 2 || [2]byte(magic) != gzipMagic {
		return readCloser{Reader: br, Closer: rc}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("reading gzip: %w", err)
	}
	return readCloser{Reader: zr, Closer: closers{zr, rc}}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// closers closes each in order and returns the first error.
type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// readState decodes the JSON state of a previous pull into dst; state that
// is absent or unreadable (a feed whose source kind changed) leaves dst
// zero, and the pull starts afresh.
func readState(state []byte, dst any) {
	if len(state) == 0 || json.Unmarshal(state, dst) != nil {
		return
	}
}

// writeState encodes state. The states are plain structs of strings and
// numbers, which always encode.
func writeState(v any) []byte {
	buf, _ := json.Marshal(v)
	return buf
}
