package enrich

import (
	"slices"
)

// span is a range of a table with the line (index) whose value it has.
type span struct {
	lo, hi u128
	line   int
}

// resolve turns a table read from a file that is unsorted or has
// overlapping ranges into the sorted, disjoint segments find needs. Each
// address gets the value of the narrowest range holding it, the later line
// on a tie: the published files nest more specific ranges (a GeoFeed /29
// inside a registry /22) inside wider ones, and the specific one is the
// better answer. t.lines keeps the number of ranges read.
func resolve(t *table) {
	spans := make([]span, t.len())
	for i := range spans {
		if t.family == FamilyIPv4 {
			spans[i] = span{u128{0, uint64(t.lo4[i])}, u128{0, uint64(t.hi4[i])}, i}
		} else {
			spans[i] = span{t.lo6[i], t.hi6[i], i}
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int {
		switch {
		case a.lo.less(b.lo):
			return -1
		case b.lo.less(a.lo):
			return 1
		}
		return 0
	})
	segs := flatten(spans)
	asn, text := t.asn, t.text
	n := len(segs)
	t.lo4, t.hi4, t.lo6, t.hi6 = nil, nil, nil, nil
	t.asn, t.text = nil, make([]uint32, 0, n)
	if asn != nil {
		t.asn = make([]uint32, 0, n)
	}
	if t.family == FamilyIPv4 {
		t.lo4, t.hi4 = make([]uint32, 0, n), make([]uint32, 0, n)
	} else {
		t.lo6, t.hi6 = make([]u128, 0, n), make([]u128, 0, n)
	}
	for _, s := range segs {
		if t.family == FamilyIPv4 {
			t.lo4, t.hi4 = append(t.lo4, uint32(s.lo.lo)), append(t.hi4, uint32(s.hi.lo))
		} else {
			t.lo6, t.hi6 = append(t.lo6, s.lo), append(t.hi6, s.hi)
		}
		if asn != nil {
			t.asn = append(t.asn, asn[s.line])
		}
		t.text = append(t.text, text[s.line])
	}
}

// flatten cuts spans sorted by start into disjoint segments, each taking
// the line of the narrowest span covering it. It sweeps the starts and
// ends, keeping the spans that cover the current position in a heap
// ordered narrowest first.
func flatten(spans []span) []span {
	out := make([]span, 0, len(spans))
	h := &spanHeap{}
	i := 0
	var pos u128
	for i < len(spans) || h.Len() > 0 {
		if h.Len() == 0 {
			pos = spans[i].lo
		}
		for i < len(spans) && spans[i].lo == pos {
			h.push(spans[i])
			i++
		}
		for h.Len() > 0 && h.s[0].hi.less(pos) {
			h.pop()
		}
		if h.Len() == 0 {
			continue
		}
		top := h.s[0]
		end := top.hi
		if i < len(spans) && !end.less(spans[i].lo) {
			end = spans[i].lo.dec() // the next span may be narrower: stop before it
		}
		if n := len(out); n > 0 && out[n-1].line == top.line && out[n-1].hi.inc() == pos {
			out[n-1].hi = end // the same range again after a nested one ended
		} else {
			out = append(out, span{pos, end, top.line})
		}
		if end == (u128{^uint64(0), ^uint64(0)}) {
			break // the top of the address space: nothing lies beyond
		}
		pos = end.inc()
	}
	return out
}

func (a u128) inc() u128 {
	if a.lo == ^uint64(0) {
		return u128{a.hi + 1, 0}
	}
	return u128{a.hi, a.lo + 1}
}

func (a u128) dec() u128 {
	if a.lo == 0 {
		return u128{a.hi - 1, ^uint64(0)}
	}
	return u128{a.hi, a.lo - 1}
}

func (a u128) sub(b u128) u128 {
	lo := a.lo - b.lo
	borrow := uint64(0)
	if a.lo < b.lo {
		borrow = 1
	}
	return u128{a.hi - b.hi - borrow, lo}
}

// spanHeap is a binary min-heap of spans, narrowest first, the later line
// first on a tie. Hand-rolled rather than container/heap, which boxes
// every span pushed: flatten pushes one per line of the file.
type spanHeap struct{ s []span }

func (h *spanHeap) Len() int { return len(h.s) }

func (h *spanHeap) less(i, j int) bool {
	wi, wj := h.s[i].hi.sub(h.s[i].lo), h.s[j].hi.sub(h.s[j].lo)
	if wi != wj {
		return wi.less(wj)
	}
	return h.s[i].line > h.s[j].line
}

func (h *spanHeap) push(x span) {
	h.s = append(h.s, x)
	for i := len(h.s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		h.s[i], h.s[parent] = h.s[parent], h.s[i]
		i = parent
	}
}

func (h *spanHeap) pop() {
	last := len(h.s) - 1
	h.s[0] = h.s[last]
	h.s = h.s[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < last && h.less(l, small) {
			small = l
		}
		if r < last && h.less(r, small) {
			small = r
		}
		if small == i {
			return
		}
		h.s[i], h.s[small] = h.s[small], h.s[i]
		i = small
	}
}
