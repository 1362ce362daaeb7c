package enrich

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// The table file: what Import writes to dataDir/ipdb/<kind>-<family> and
// Load reads back. It is the parsed arrays themselves, little-endian, so a
// start-up loads a million ranges in a few milliseconds instead of parsing
// CSV again:
//
//	magic "ATALAYA-IPDB" | version 1 | family 4 or 6 | kind 'a' or 'c'
//	uvarint-prefixed source file name and notice
//	u32 lines of the file | u32 segments n | u32 strings m | u32 bytes of the strings
//	the strings, concatenated | m u32 end offsets
//	n starts | n ends (4 bytes each for IPv4, 16 for IPv6)
//	n u32 AS numbers (asn tables only) | n u32 string indexes
//	u32 CRC-32 (IEEE) of everything before
const (
	fileMagic   = "ATALAYA-IPDB"
	fileVersion = 1
)

var le = binary.LittleEndian

// encode writes t in the table file format.
func encode(t *table) []byte {
	n := t.len()
	size := len(fileMagic) + 3 + len(t.source) + len(t.notice) + 2*binary.MaxVarintLen64 + 16 + 8*n + 4*len(t.strs) + 4
	for _, s := range t.strs {
		size += len(s)
	}
	if t.family == FamilyIPv4 {
		size += 8 * n
	} else {
		size += 32 * n
	}
	b := make([]byte, 0, size)
	b = append(b, fileMagic...)
	b = append(b, fileVersion, familyByte(t.family), t.kind[0])
	b = binary.AppendUvarint(b, uint64(len(t.source)))
	b = append(b, t.source...)
	b = binary.AppendUvarint(b, uint64(len(t.notice)))
	b = append(b, t.notice...)
	blob := 0
	for _, s := range t.strs {
		blob += len(s)
	}
	b = le.AppendUint32(b, uint32(t.lines))
	b = le.AppendUint32(b, uint32(n))
	b = le.AppendUint32(b, uint32(len(t.strs)))
	b = le.AppendUint32(b, uint32(blob))
	for _, s := range t.strs {
		b = append(b, s...)
	}
	end := 0
	for _, s := range t.strs {
		end += len(s)
		b = le.AppendUint32(b, uint32(end))
	}
	if t.family == FamilyIPv4 {
		b = appendU32s(b, t.lo4)
		b = appendU32s(b, t.hi4)
	} else {
		b = appendU128s(b, t.lo6)
		b = appendU128s(b, t.hi6)
	}
	if t.kind == KindASN {
		b = appendU32s(b, t.asn)
	}
	b = appendU32s(b, t.text)
	return le.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func familyByte(f string) byte {
	if f == FamilyIPv4 {
		return 4
	}
	return 6
}

func appendU32s(b []byte, s []uint32) []byte {
	for _, v := range s {
		b = le.AppendUint32(b, v)
	}
	return b
}

func appendU128s(b []byte, s []u128) []byte {
	for _, v := range s {
		b = le.AppendUint64(b, v.hi)
		b = le.AppendUint64(b, v.lo)
	}
	return b
}

// errCorrupt says a table file is not what Import wrote.
var errCorrupt = errors.New("corrupt table file: import the data again")

// decode reads a table file and checks everything Lookup relies on (sorted
// disjoint ranges, string indexes in range), so a damaged file is refused
// rather than answering wrong.
func decode(b []byte) (*table, error) {
	if len(b) < len(fileMagic)+7 || string(b[:len(fileMagic)]) != fileMagic {
		return nil, errCorrupt
	}
	body, sum := b[:len(b)-4], le.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w (checksum mismatch)", errCorrupt)
	}
	r := reader{b: body[len(fileMagic):]}
	if v := r.u8(); v != fileVersion {
		return nil, fmt.Errorf("table file version %d: this program reads version %d", v, fileVersion)
	}
	t := &table{}
	switch r.u8() {
	case 4:
		t.family = FamilyIPv4
	case 6:
		t.family = FamilyIPv6
	default:
		return nil, errCorrupt
	}
	switch r.u8() {
	case 'a':
		t.kind = KindASN
	case 'c':
		t.kind = KindCountry
	default:
		return nil, errCorrupt
	}
	t.source, t.notice = r.str(), r.str()
	t.lines = int(r.u32())
	n, m, blobLen := int(r.u32()), int(r.u32()), int(r.u32())
	blob := string(r.next(blobLen)) // one allocation; every name is a slice of it
	if r.bad || m > len(r.b)/4 {
		return nil, errCorrupt
	}
	t.strs = make([]string, m)
	start := 0
	for i := range t.strs {
		end := int(r.u32())
		if end < start || end > len(blob) {
			return nil, errCorrupt
		}
		t.strs[i], start = blob[start:end], end
	}
	if t.family == FamilyIPv4 {
		t.lo4, t.hi4 = r.u32s(n), r.u32s(n)
	} else {
		t.lo6, t.hi6 = r.u128s(n), r.u128s(n)
	}
	if t.kind == KindASN {
		t.asn = r.u32s(n)
	}
	t.text = r.u32s(n)
	if r.bad || len(r.b) != 0 || !t.consistent() {
		return nil, errCorrupt
	}
	t.buildIndex()
	return t, nil
}

// consistent checks the invariants find relies on.
func (t *table) consistent() bool {
	for _, i := range t.text {
		if int(i) >= len(t.strs) {
			return false
		}
	}
	for i := range t.lo4 {
		if t.hi4[i] < t.lo4[i] || i > 0 && t.lo4[i] <= t.hi4[i-1] {
			return false
		}
	}
	for i := range t.lo6 {
		if t.hi6[i].less(t.lo6[i]) || i > 0 && !t.hi6[i-1].less(t.lo6[i]) {
			return false
		}
	}
	return true
}

// reader consumes a table file; bad is set, and zero values returned, once
// it runs out.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) next(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u8() byte {
	if b := r.next(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.next(4); b != nil {
		return le.Uint32(b)
	}
	return 0
}

func (r *reader) str() string {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > math.MaxInt32 {
		r.bad = true
		return ""
	}
	r.b = r.b[k:]
	return string(r.next(int(n)))
}

func (r *reader) u32s(n int) []uint32 {
	b := r.next(4 * n)
	if b == nil {
		return nil
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = le.Uint32(b[4*i:])
	}
	return out
}

func (r *reader) u128s(n int) []u128 {
	b := r.next(16 * n)
	if b == nil {
		return nil
	}
	out := make([]u128, n)
	for i := range out {
		out[i] = u128{le.Uint64(b[16*i:]), le.Uint64(b[16*i+8:])}
	}
	return out
}
