package parsers

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// ssCandidate is a report type whose required columns a header has, with
// how well the rest matches.
type ssCandidate struct {
	rep     *ssReport
	matched int // header columns the report knows
	missing int // columns the report knows that the header lacks
}

// detect picks the report type of a header: among those whose required
// columns are all there, the one that knows most of the header's columns,
// then the one missing fewest of its own, then the shorter name (the IPv4
// report of an IPv4/IPv6 pair: "scan_dns" before "scan6_dns"; the two map
// the same columns the same way). When the best candidates classify
// their events differently the header cannot tell them apart, and detect
// refuses rather than guess: the feed must name its report.
func (s *ShadowserverSchema) detect(header []string) (*ssReport, error) {
	cols := make(map[string]bool, len(header))
	for _, h := range header {
		cols[h] = true
	}
	var cands []ssCandidate
	for _, rep := range s.reports {
		ok := true
		for _, m := range rep.required {
			if !cols[m.column] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		c := ssCandidate{rep: rep}
		for h := range cols {
			if rep.columns[h] {
				c.matched++
			}
		}
		c.missing = len(rep.columns) - c.matched
		cands = append(cands, c)
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("shadowserver: no report type of the schema has the columns of this header (%s); set the feed's report",
			strings.Join(header, ","))
	}
	slices.SortFunc(cands, func(a, b ssCandidate) int {
		return cmp.Or(cmp.Compare(b.matched, a.matched), cmp.Compare(a.missing, b.missing),
			cmp.Compare(len(a.rep.fileName), len(b.rep.fileName)), strings.Compare(a.rep.fileName, b.rep.fileName))
	})
	best := cands[0]
	names := []string{best.rep.fileName}
	for _, c := range cands[1:] {
		if c.matched != best.matched || c.missing != best.missing {
			break
		}
		if ssClass(c.rep) != ssClass(best.rep) {
			names = append(names, c.rep.fileName)
		}
	}
	if len(names) > 1 {
		slices.Sort(names)
		return nil, fmt.Errorf("shadowserver: the header fits report types %s equally well and they classify events differently; set the feed's report",
			strings.Join(names, ", "))
	}
	if best.rep.problem != "" {
		return nil, fmt.Errorf("shadowserver: the header is of report %s, which cannot be read: %s", best.rep.fileName, best.rep.problem)
	}
	return best.rep, nil
}

// ssClass is the classification a report's constants give its events.
func ssClass(rep *ssReport) string {
	var tax, typ string
	for _, c := range rep.constants {
		switch c[0] {
		case "classification.taxonomy":
			tax = c[1]
		case "classification.type":
			typ = c[1]
		}
	}
	return tax + "/" + typ
}
