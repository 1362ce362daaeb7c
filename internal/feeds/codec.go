package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atalaya/internal/event"
	"atalaya/internal/store"
)

// The stored form of an event is compact text: after the version byte,
// one entry per field set, "<code><length>:<value>", where the code is one
// letter for each harmonisation name (codeNames), "+<length>:<key>" then
// the value for an extra field, and "~<length>:<name>" then the value for
// a field this table does not know yet. Lengths are in bytes, values are
// verbatim (the raw line needs no escaping).
//
// Measured: a Shadowserver scan_http_vulnerable event takes about 900
// bytes this way against 1,450 as a JSON object of harmonisation names,
// and the store writes rows of that size at half the rate of rows half
// their size. It is read back through event.Set, so it follows the event
// model when fields are added.

// codecVersion starts every stored event.
const codecVersion = '1'

// codeNames are the harmonisation names with a one-letter code: the
// letter at the same index in codeLetters. Append only: stored events
// keep their codes.
var codeNames = [...]string{
	"time.source", "time.observation", "feed.name", "feed.provider", "feed.accuracy", "feed.url",
	"source.ip", "source.port", "source.asn", "source.as_name", "source.geolocation.cc", "source.fqdn",
	"source.url", "source.network", "destination.ip", "destination.port", "destination.asn",
	"destination.fqdn", "destination.url", "protocol.transport", "protocol.application", "malware.name",
	"classification.taxonomy", "classification.type", "classification.identifier", "event_description.text",
	"tlp", "raw",
}

const codeLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Codes of the entries that carry a name.
const (
	codeExtra = '+'
	codeNamed = '~'
)

// codec encodes and decodes events for one version of the event model.
type codec struct {
	fields []string // event.Fields()
	codes  []byte   // the code of fields[i], codeNamed when it has none
	names  [128]string
}

func newCodec() *codec {
	c := &codec{fields: event.Fields()}
	for i, n := range codeNames {
		c.names[codeLetters[i]] = n
	}
	for _, f := range c.fields {
		code := byte(codeNamed)
		if i := slices.Index(codeNames[:], f); i >= 0 {
			code = codeLetters[i]
		}
		c.codes = append(c.codes, code)
	}
	return c
}

// append appends the stored form of e to b.
func (c *codec) append(b []byte, e *event.Event) []byte {
	b = append(b, codecVersion)
	for i, f := range c.fields {
		v, ok := e.Get(f)
		if !ok {
			continue
		}
		b = append(b, c.codes[i])
		if c.codes[i] == codeNamed {
			b = appendItem(b, f)
		}
		b = appendItem(b, v)
	}
	if len(e.Extra) > 0 {
		var stack [48]string // no allocation for a typical line's extras
		keys := stack[:0]
		for k := range e.Extra {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b = append(b, codeExtra)
			b = appendItem(appendItem(b, k), e.Extra[k])
		}
	}
	return b
}

func appendItem(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

var errCodec = errors.New("not an event in the stored form")

// decode reads a stored event back.
func (c *codec) decode(data string) (event.Event, error) {
	var e event.Event
	if data == "" || data[0] != codecVersion {
		return e, fmt.Errorf("decoding a stored event: %w", errCodec)
	}
	rest := data[1:]
	for rest != "" {
		code := rest[0]
		rest = rest[1:]
		var name, value string
		var ok bool
		switch {
		case code == codeExtra || code == codeNamed:
			if name, rest, ok = cutItem(rest); !ok {
				return e, fmt.Errorf("decoding a stored event: %w", errCodec)
			}
			if code == codeExtra {
				name = event.ExtraPrefix + name
			}
		case code < 128 && c.names[code] != "":
			name = c.names[code]
		default:
			return e, fmt.Errorf("decoding a stored event: code %q: %w", code, errCodec)
		}
		if value, rest, ok = cutItem(rest); !ok {
			return e, fmt.Errorf("decoding a stored event: %s: %w", name, errCodec)
		}
		if err := e.Set(name, value); err != nil {
			return e, fmt.Errorf("decoding a stored event: %w", err)
		}
	}
	return e, nil
}

// cutItem reads "<length>:<bytes>" from the front of s.
func cutItem(s string) (item, rest string, ok bool) {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || colon > 10 {
		return "", "", false
	}
	n, err := strconv.Atoi(s[:colon])
	if err != nil || n < 0 || n > len(s)-colon-1 {
		return "", "", false
	}
	s = s[colon+1:]
	return s[:n], s[n:], true
}

// dedupeKey is the stored content key, as two signed integers so that
// one unique index serves both engines: the event's time.source in unix
// seconds (22 bits up), then 86 bits of SHA-256 over the feed id and the
// event's Key. time.source is part of Key already, so this only orders
// the index: a report's lines, written in time order, land side by side
// in it instead of on a random page each (measured: with random keys, a
// million-event store spent most of its time rewriting index pages).
// Events without a time share bucket 0.
func dedupeKey(feedID string, key [16]byte, source time.Time) (int64, int64) {
	var buf [96]byte
	sum := sha256.Sum256(append(append(buf[:0], feedID...), key[:]...))
	var secs int64
	if !source.IsZero() && source.Unix() > 0 {
		secs = source.Unix()
	}
	hi := secs<<22 | int64(binary.BigEndian.Uint32(sum[:4])>>10)
	return hi, int64(binary.BigEndian.Uint64(sum[8:16]))
}

// searchText is what Filter.Query looks in: the source address, domain
// and URL, the malware and the identifier, lower case, one per line (the
// query never holds a newline, so it cannot match across two).
func searchText(e *event.Event) string {
	var b strings.Builder
	if e.SourceIP.IsValid() {
		b.WriteString(e.SourceIP.String())
	}
	for _, s := range []string{e.SourceFQDN, e.SourceURL, e.MalwareName, e.Identifier} {
		b.WriteByte('\n')
		b.WriteString(s)
	}
	return strings.ToLower(b.String())
}

// likePattern turns a search query into a LIKE pattern matching it as a
// substring, with the wildcards in it escaped (ESCAPE '\').
func likePattern(q string) string {
	q = strings.NewReplacer("\n", "", "\r", "").Replace(strings.ToLower(strings.TrimSpace(q)))
	return store.ContainsPattern(q)
}

// storable reports whether a stored event can go into a TEXT column of
// both engines: PostgreSQL refuses NUL and invalid UTF-8.
func storable(b []byte) bool {
	return bytes.IndexByte(b, 0) < 0 && utf8.Valid(b)
}

// sanitize replaces NUL and invalid UTF-8 in the event's text values
// (U+FFFD), for the rare line that holds them.
func sanitize(e *event.Event) {
	clean := func(s string) string { return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD") }
	for _, f := range event.Fields() {
		if v, ok := e.Get(f); ok && clean(v) != v {
			if e.Set(f, clean(v)) != nil {
				_ = e.Set(f, "")
			}
		}
	}
	if len(e.Extra) == 0 {
		return
	}
	extra := make(map[string]string, len(e.Extra))
	for k, v := range e.Extra { // keys too: event.Set does not check them
		extra[clean(k)] = clean(v)
	}
	e.Extra = extra
}
