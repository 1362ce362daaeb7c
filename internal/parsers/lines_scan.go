package parsers

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// kitMaxLine bounds one physical line. A longer line is cut there, reported as
// too long, and the rest of it skipped, so one bad line can neither stop
// the input (as bufio.Scanner would) nor fill the memory.
const kitMaxLine = 1 << 20

// kitLines reads physical lines, counting them from 1 whether they hold
// data, a comment or nothing, so the numbers it gives are the ones an
// editor shows.
type kitLines struct {
	r       *bufio.Reader
	n       int    // number of the line in text
	text    string // the line, without its end of line
	tooLong bool   // the line was longer than kitMaxLine and was cut
	err     error
	buf     []byte
}

func newKitLines(r io.Reader) *kitLines {
	return &kitLines{r: bufio.NewReaderSize(r, 64<<10)}
}

// next reads the following line and reports whether there is one; after
// false, err tells why the input ended (nil at its end).
func (s *kitLines) next() bool {
	s.buf, s.tooLong = s.buf[:0], false
	for {
		chunk, err := s.r.ReadSlice('\n')
		if len(s.buf)+len(chunk) <= kitMaxLine {
			s.buf = append(s.buf, chunk...)
		} else {
			s.tooLong = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && err != io.EOF {
			s.err = err
			return false
		}
		if err == io.EOF && len(s.buf) == 0 && !s.tooLong {
			return false
		}
		break
	}
	s.n++
	line := bytes.TrimRight(s.buf, "\r\n")
	if s.n == 1 {
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	}
	s.text = string(line)
	return true
}

// kitTooLong is the refusal of a line cut by next.
func kitTooLong() error {
	return kitLineError(kitCodeTooLong, "the line is longer than 1 MiB", map[string]any{"Max": kitMaxLine})
}

// kitIsComment reports whether a line is a comment in feeds that start them
// with one of marks ("#", ";"), after leading blanks.
func kitIsComment(line, marks string) bool {
	t := strings.TrimLeft(line, " \t")
	return t != "" && strings.IndexByte(marks, t[0]) >= 0
}

// kitIsBlank reports whether a line holds only blanks.
func kitIsBlank(line string) bool { return strings.TrimSpace(line) == "" }

// kitCSVRecord reads one CSV record that starts on the current line of s and
// splits it at sep into dst: while a quoted field is still open it joins
// the following lines, as RFC 4180 allows, up to kitMaxJoined lines and
// kitMaxLine bytes (a stray quote must not swallow the file). It returns
// the fields, the record's text, the number of its first line, and false
// when a quoted field never closes.
func kitCSVRecord(s *kitLines, sep byte, dst []string) ([]string, string, int, bool) {
	first := s.n
	fields, ok := kitSplitCSV(s.text, sep, dst)
	if ok {
		return fields, s.text, first, true
	}
	var text strings.Builder
	text.WriteString(s.text)
	for joined := 0; joined < kitMaxJoined && text.Len() < kitMaxLine && s.next(); joined++ {
		text.WriteByte('\n')
		text.WriteString(s.text)
		// Only a line with a quote can close the open field.
		if strings.IndexByte(s.text, '"') >= 0 {
			if fields, ok = kitSplitCSV(text.String(), sep, fields); ok {
				break
			}
		}
	}
	return fields, text.String(), first, ok
}

// kitMaxJoined bounds the lines one quoted CSV field may span.
const kitMaxJoined = 100

// kitSplitCSV splits one CSV record at sep into dst (reused), unquoting
// quoted fields ("" inside them is one quote). It is lenient where feeds
// are sloppy (text after a closing quote is kept) and reports false only
// for a quoted field that never closes.
func kitSplitCSV(rec string, sep byte, dst []string) ([]string, bool) {
	dst = dst[:0]
	i := 0
	for {
		var field string
		if i < len(rec) && rec[i] == '"' {
			var ok bool
			if field, i, ok = kitQuoted(rec, i, sep); !ok {
				return dst, false
			}
		} else {
			end := strings.IndexByte(rec[i:], sep)
			if end < 0 {
				end = len(rec) - i
			}
			field, i = rec[i:i+end], i+end
		}
		dst = append(dst, field)
		if i >= len(rec) {
			return dst, true
		}
		i++ // the separator
		if i == len(rec) {
			return append(dst, ""), true
		}
	}
}

// kitQuoted reads the quoted field starting at rec[i] and returns it with
// the index of what follows it (the separator or the end).
func kitQuoted(rec string, i int, sep byte) (string, int, bool) {
	// The common case, no "" inside and the separator or the end right
	// after the closing quote, is a substring of rec: no copy.
	if end := strings.IndexByte(rec[i+1:], '"'); end >= 0 {
		after := i + 1 + end + 1
		if after == len(rec) || rec[after] == sep {
			return rec[i+1 : after-1], after, true
		}
	}
	var b strings.Builder
	for i++; i < len(rec); i++ {
		c := rec[i]
		if c != '"' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(rec) && rec[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		// The closing quote; sloppy text up to the separator is kept.
		rest := rec[i+1:]
		if end := strings.IndexByte(rest, sep); end >= 0 {
			rest = rest[:end]
		}
		b.WriteString(rest)
		return b.String(), i + 1 + len(rest), true
	}
	return "", i, false
}
