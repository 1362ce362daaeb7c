package parsers

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"atalaya/internal/event"
)

// physicalLines reads an input line by line, counting lines from 1 and
// never holding more than maxRecord bytes of one line.
type physicalLines struct {
	br  *bufio.Reader
	n   int    // lines read so far
	buf []byte // a line longer than the reader's buffer, gathered
}

func newPhysicalLines(r io.Reader) *physicalLines {
	return &physicalLines{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line with its line break, valid until the next
// call, and whether it was cut at maxRecord bytes (the rest of the line
// is read and dropped). At the end of the input it returns io.EOF with no
// bytes.
func (p *physicalLines) next() (line []byte, cut bool, err error) {
	p.buf = p.buf[:0]
	for {
		chunk, err := p.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(p.buf)+len(chunk) <= maxRecord+2 {
				p.buf = append(p.buf, chunk...)
			} else {
				cut = true
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		if len(chunk) == 0 && len(p.buf) == 0 && !cut {
			return nil, false, io.EOF
		}
		p.n++
		if len(p.buf) == 0 && !cut {
			// The usual case: the whole line sits in the reader's buffer.
			return chunk, false, nil
		}
		if !cut && len(p.buf)+len(chunk) <= maxRecord+2 {
			p.buf = append(p.buf, chunk...)
		} else {
			cut = true
		}
		return p.buf, cut, nil
	}
}

// trimEOL drops the line break ("\n" or "\r\n") at the end of a line.
func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

// csvRecords reads CSV as IntelMQ's parsers do (Python's csv module):
// RFC 4180 quoting with doubled quotes, quoted fields spanning lines, and
// leniency for a stray quote inside an unquoted field. Each record keeps
// its text as read for raw, and its fields are substrings of that text,
// so a record costs one allocation when nothing needs unquoting.
type csvRecords struct {
	lines   *physicalLines
	comma   byte // 0: picked from the first record by sniffComma
	comment byte // lines starting with it are skipped; 0 for none
	started bool
	fields  []string
	gather  []byte
}

// csvRecord is one record: the line it starts on, its text without the
// final line break, and its fields (valid until the next call to next).
// problem is set, and fields empty, when the record cannot be read.
type csvRecord struct {
	line    int
	raw     string
	fields  []string
	problem *event.Rejected
}

func newCSVRecords(r io.Reader, comma byte) *csvRecords {
	return &csvRecords{lines: newPhysicalLines(r), comma: comma}
}

// next returns the next non-blank record, or io.EOF after the last.
func (c *csvRecords) next() (csvRecord, error) {
	for {
		line, cut, err := c.lines.next()
		if err != nil {
			return csvRecord{}, err
		}
		start := c.lines.n
		if !c.started {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			c.started = true
		}
		text := trimEOL(line)
		if cut || len(text) > maxRecord {
			return c.refuse(start, string(text), "parsers_too_long",
				"the line is longer than 65536 bytes", nil), nil
		}
		if len(bytes.TrimSpace(text)) == 0 || (c.comment != 0 && text[0] == c.comment) {
			continue
		}
		if c.comma == 0 {
			c.comma = sniffComma(text)
		}
		raw := string(text)
		fields, open := splitCSV(raw, c.comma, c.fields[:0])
		if open {
			// A quoted field goes on over the line break: gather lines
			// until the quote closes (bounded by maxRecord).
			return c.continued(start, text)
		}
		c.fields = fields
		return c.checked(csvRecord{line: start, raw: raw, fields: fields}), nil
	}
}

func (c *csvRecords) continued(start int, first []byte) (csvRecord, error) {
	c.gather = append(c.gather[:0], first...)
	inQuote, atStart := csvQuoteState(first, false, true, c.comma)
	for {
		line, cut, err := c.lines.next()
		if errors.Is(err, io.EOF) {
			return c.refuse(start, string(c.gather), "parsers_csv_quote",
				"a quoted field is not closed before the end of the input", nil), nil
		}
		if err != nil {
			return csvRecord{}, err
		}
		text := trimEOL(line)
		if cut || len(c.gather)+1+len(text) > maxRecord {
			return c.refuse(start, string(append(c.gather, '\n')), "parsers_too_long",
				"the line is longer than 65536 bytes", nil), nil
		}
		c.gather = append(c.gather, '\n')
		c.gather = append(c.gather, text...)
		// Follow the quotes through the new text only: splitting the
		// whole record again for every line would cost the square of
		// its length.
		inQuote, atStart = csvQuoteState(c.gather[len(c.gather)-len(text)-1:], inQuote, atStart, c.comma)
		if inQuote {
			continue
		}
		raw := string(c.gather)
		fields, open := splitCSV(raw, c.comma, c.fields[:0])
		if open {
			return c.refuse(start, raw, "parsers_csv_quote", "a quoted field is not closed", nil), nil
		}
		c.fields = fields
		return c.checked(csvRecord{line: start, raw: raw, fields: fields}), nil
	}
}

// csvQuoteState follows b from a state (inside a quoted field or not; at
// the start of a field or not) to the state after it, by the rules of
// splitCSV: a quote opens a field only at its start, a doubled quote
// inside one is a quote, a single one closes it.
func csvQuoteState(b []byte, inQuote, atStart bool, comma byte) (bool, bool) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inQuote && c == '"' && i+1 < len(b) && b[i+1] == '"':
			i++
		case inQuote && c == '"':
			inQuote = false
		case inQuote:
		case c == comma:
			atStart = true
			continue
		case c == '"' && atStart:
			inQuote = true
		}
		atStart = false
	}
	return inQuote, atStart
}

// checked refuses a record that is not UTF-8: every text field of an event
// must be, and guessing the feed's encoding would change the evidence.
func (c *csvRecords) checked(r csvRecord) csvRecord {
	if !utf8.ValidString(r.raw) {
		return c.refuse(r.line, r.raw, "parsers_encoding", "the line is not valid UTF-8 text", nil)
	}
	return r
}

func (c *csvRecords) refuse(line int, raw, code, message string, args map[string]any) csvRecord {
	rej := lineProblem(line, raw, code, message, args)
	return csvRecord{line: line, raw: rej.Raw, problem: &rej}
}

// splitCSV splits one record into fields appended to out. open reports a
// quoted field still open at the end of s (the record goes on on the next
// line). Fields are substrings of s except where quotes must be undone.
func splitCSV(s string, comma byte, out []string) (fields []string, open bool) {
	i := 0
	for {
		if i < len(s) && s[i] == '"' {
			val, next, ok := quotedField(s, i+1, comma)
			if !ok {
				return out, true
			}
			out = append(out, val)
			i = next
		} else {
			c := strings.IndexByte(s[i:], comma)
			if c < 0 {
				return append(out, s[i:]), false
			}
			out = append(out, s[i:i+c])
			i += c
		}
		// s[i] is the comma after a field, or i is the end.
		if i >= len(s) {
			return out, false
		}
		i++
		if i == len(s) {
			return append(out, ""), false
		}
	}
}

// quotedField reads the quoted field whose text starts at s[i] (after the
// opening quote) up to the comma or end that follows its closing quote.
// Text between the closing quote and the comma is kept, as Python does.
func quotedField(s string, i int, comma byte) (val string, next int, ok bool) {
	var b []byte
	seg := i
	for {
		k := strings.IndexByte(s[i:], '"')
		if k < 0 {
			return "", 0, false
		}
		i += k
		if i+1 < len(s) && s[i+1] == '"' {
			b = append(b, s[seg:i+1]...)
			i += 2
			seg = i
			continue
		}
		end := i
		i++
		c := strings.IndexByte(s[i:], comma)
		tail := s[i:]
		if c >= 0 {
			tail = s[i : i+c]
		}
		next = i + len(tail)
		if b == nil && tail == "" {
			return s[seg:end], next, true
		}
		b = append(b, s[seg:end]...)
		b = append(b, tail...)
		return string(b), next, true
	}
}

// csvHeader reads the header record, refusing none at all.
func csvHeader(c *csvRecords) (csvRecord, error) {
	for {
		rec, err := c.next()
		if err != nil {
			return rec, err
		}
		if rec.problem == nil {
			// The header's fields are kept: the next record reuses the
			// slice.
			rec.fields = append([]string(nil), rec.fields...)
			for i, f := range rec.fields {
				rec.fields[i] = strings.TrimSpace(f)
			}
			return rec, nil
		}
		return rec, errors.New("the header line cannot be read: " + rec.problem.Message)
	}
}

// fitFields lines a record up with a header of n columns. A record with
// fewer fields has its last columns empty, as Python's csv.DictReader
// (which IntelMQ uses) reads it and as Shadowserver writes rows whose
// trailing columns are empty; one with more fields is refused, since
// what the extra values mean cannot be told.
func fitFields(rec *csvRecord, n int) *event.Rejected {
	got := len(rec.fields)
	if got > n {
		rej := lineProblem(rec.line, rec.raw, "parsers_csv_fields",
			"the line has "+strconv.Itoa(got)+" fields and the header only "+strconv.Itoa(n),
			map[string]any{"Got": got, "Want": n})
		return &rej
	}
	for len(rec.fields) < n {
		rec.fields = append(rec.fields, "")
	}
	return nil
}

// sniffComma picks the delimiter of a header line: the one of , ; tab |
// that occurs most, comma on a tie.
func sniffComma(header []byte) byte {
	best, bestN := byte(','), bytes.Count(header, []byte{','})
	for _, c := range []byte{';', '\t', '|'} {
		if n := bytes.Count(header, []byte{c}); n > bestN {
			best, bestN = c, n
		}
	}
	return best
}
