package enrich

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"atalaya/internal/valid"
)

// The codes of the valid.Errors Import returns (catalog
// internal/i18n/catalog/enrich.*.toml). Field is "FILE:LINE", or FILE for
// what concerns the whole file.
const (
	CodeRead      = "ipdb_read"      // unreadable: not CSV, broken gzip, I/O error
	CodeColumns   = "ipdb_columns"   // not 3 (country) or 4 (asn) columns, or not the same on every line
	CodeAddress   = "ipdb_address"   // a start or end that is not an IP address
	CodeFamily    = "ipdb_family"    // IPv4 and IPv6 mixed in one file, or in one range
	CodeRange     = "ipdb_range"     // end before start
	CodeASN       = "ipdb_asn"       // not an AS number
	CodeCountry   = "ipdb_country"   // not a two-letter country code
	CodeEmpty     = "ipdb_empty"     // a file without ranges
	CodeDuplicate = "ipdb_duplicate" // two files for the same table in one import
)

// maxErrors bounds the errors reported for one import: past it the file is
// plainly not what was meant, and the rest would only repeat.
const maxErrors = 20

// parser reads one ip-location-db CSV into a table.
type parser struct {
	file string // as named to the user
	t    *table
	cols int // 3 or 4, fixed by the first line
	ids  map[string]uint32
	errs valid.Errors
	// The file is expected sorted by start and disjoint, and read straight
	// into the table; when it is not, resolve sorts and cuts it.
	prevLo, maxHi      u128
	unsorted, overlaps bool
}

// parseTable reads r, plain or gzip, as an ip-location-db CSV: inclusive
// "start,end,asn,as_name" (asn) or "start,end,cc" (country) ranges of one
// address family. Every bad line is an error naming file:line. Ranges may
// come in any order and overlap (the published files nest a few hundred
// more specific ranges inside wider ones): an address gets the narrowest
// range holding it.
func parseTable(r io.Reader, file string) (*table, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, valid.New(file, CodeRead, "cannot read the gzip data: "+err.Error(), map[string]any{"File": file})
		}
		defer zr.Close()
		r = zr
	} else {
		r = br
	}
	p := &parser{file: file, t: &table{}, ids: map[string]uint32{}}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // counted here, to name the line in the catalog's words
	cr.ReuseRecord = true
	for len(p.errs) < maxErrors {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.readError(err)
			break
		}
		line, _ := cr.FieldPos(0)
		p.line(line, rec)
	}
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	if p.t.len() == 0 {
		return nil, valid.New(file, CodeEmpty, "has no ranges", map[string]any{"File": file})
	}
	p.t.lines = p.t.len()
	if p.unsorted || p.overlaps {
		resolve(p.t)
	}
	return p.t, nil
}

func (p *parser) readError(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.fail(pe.Line, CodeRead, "is not valid CSV: "+pe.Err.Error(), "")
		return
	}
	p.errs.Add(p.file, CodeRead, "cannot be read: "+err.Error(), map[string]any{"File": p.file})
}

// fail records a bad line.
func (p *parser) fail(line int, code, msg, value string) {
	where := p.file + ":" + strconv.Itoa(line)
	p.errs.Add(where, code, msg, map[string]any{"File": p.file, "Line": line, "Value": value})
}

// line adds one record.
func (p *parser) line(n int, rec []string) {
	if p.cols == 0 {
		switch len(rec) {
		case 4:
			p.t.kind = KindASN
		case 3:
			p.t.kind = KindCountry
		default:
			p.fail(n, CodeColumns, fmt.Sprintf("has %d columns: want start,end,asn,as_name (4) or start,end,country (3)", len(rec)), "")
			return
		}
		p.cols = len(rec)
	}
	if len(rec) != p.cols {
		p.fail(n, CodeColumns, fmt.Sprintf("has %d columns where the first line has %d", len(rec), p.cols), "")
		return
	}
	lo, hi, ok := p.bounds(n, rec[0], rec[1])
	if !ok {
		return
	}
	var asn uint32
	text := ""
	if p.t.kind == KindASN {
		v, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(rec[2]), "AS"), 10, 32)
		if err != nil {
			p.fail(n, CodeASN, fmt.Sprintf("%q is not an AS number", rec[2]), rec[2])
			return
		}
		asn, text = uint32(v), strings.TrimSpace(rec[3])
	} else {
		cc := strings.ToUpper(strings.TrimSpace(rec[2]))
		if len(cc) != 2 || !letter(cc[0]) || !letter(cc[1]) {
			p.fail(n, CodeCountry, fmt.Sprintf("%q is not a two-letter country code", rec[2]), rec[2])
			return
		}
		text = cc
	}
	p.add(lo, hi)
	if p.t.kind == KindASN {
		p.t.asn = append(p.t.asn, asn)
	}
	p.t.text = append(p.t.text, p.intern(text))
}

func letter(c byte) bool { return c >= 'A' && c <= 'Z' }

// bounds parses start and end and checks their family against the file's.
func (p *parser) bounds(n int, start, end string) (lo, hi netip.Addr, ok bool) {
	var err error
	if lo, err = netip.ParseAddr(strings.TrimSpace(start)); err != nil || lo.Zone() != "" {
		p.fail(n, CodeAddress, fmt.Sprintf("start %q is not an IP address", start), start)
		return lo, hi, false
	}
	if hi, err = netip.ParseAddr(strings.TrimSpace(end)); err != nil || hi.Zone() != "" {
		p.fail(n, CodeAddress, fmt.Sprintf("end %q is not an IP address", end), end)
		return lo, hi, false
	}
	fam := FamilyIPv6
	if lo.Is4() {
		fam = FamilyIPv4
	}
	if p.t.family == "" {
		p.t.family = fam
	}
	if lo.Is4() != hi.Is4() || fam != p.t.family {
		p.fail(n, CodeFamily, "mixes IPv4 and IPv6: a file holds one family ("+p.t.family+" from its first line)", start)
		return lo, hi, false
	}
	if hi.Less(lo) {
		p.fail(n, CodeRange, fmt.Sprintf("ends (%s) before it starts (%s)", end, start), end)
		return lo, hi, false
	}
	return lo, hi, true
}

// add appends a range, noting whether the file so far is sorted and
// disjoint.
func (p *parser) add(lo, hi netip.Addr) {
	l, h := u128Of(lo), u128Of(hi)
	if p.t.len() > 0 {
		p.unsorted = p.unsorted || l.less(p.prevLo)
		p.overlaps = p.overlaps || !p.maxHi.less(l)
	}
	if p.t.len() == 0 || p.maxHi.less(h) {
		p.maxHi = h
	}
	p.prevLo = l
	if p.t.family == FamilyIPv4 {
		p.t.lo4, p.t.hi4 = append(p.t.lo4, u32Of(lo)), append(p.t.hi4, u32Of(hi))
	} else {
		p.t.lo6, p.t.hi6 = append(p.t.lo6, l), append(p.t.hi6, h)
	}
}

// intern returns the index of s in the table's strings, adding it once.
func (p *parser) intern(s string) uint32 {
	if id, ok := p.ids[s]; ok {
		return id
	}
	// A field shares its line's memory: copy it, or every line that
	// brought a new name stays alive.
	s = strings.Clone(s)
	id := uint32(len(p.t.strs))
	p.t.strs = append(p.t.strs, s)
	p.ids[s] = id
	return id
}
