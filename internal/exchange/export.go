package exchange

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"sort"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/stix"
)

// exportPageSize is how many objects an export asks intel for at a time
// when the filter sets no limit: the memory an export holds.
const exportPageSize = 1000

// eachPage calls fn with every page of what intel.List returns to the
// actor for f. Only what List returns is ever exported.
func eachPage(ctx context.Context, st *intel.Store, a access.Actor, f intel.Filter, fn func([]intel.Object) error) error {
	if f.Limit <= 0 {
		f.Limit = exportPageSize
	}
	for {
		page, err := st.List(ctx, a, f)
		if err != nil {
			return err
		}
		if err := fn(page.Objects); err != nil {
			return err
		}
		if !page.More || page.Next == "" {
			return nil
		}
		f.Next = page.Next
	}
}

// bundleWriter streams a STIX bundle: objects are written as they come,
// and the TLP marking definitions they reference are added at the end
// unless the export held them already.
type bundleWriter struct {
	w        *bufio.Writer
	n        int
	need     map[string]bool // marking-definition ids referenced
	have     map[string]bool // marking-definition ids written
	compact  bytes.Buffer
	bundleID string
}

func newBundleWriter(w io.Writer) *bundleWriter {
	bw := &bundleWriter{w: bufio.NewWriter(w), need: map[string]bool{}, have: map[string]bool{}, bundleID: stix.NewID("bundle")}
	bw.w.WriteString(`{"type":"bundle","id":"` + bw.bundleID + `"`)
	return bw
}

// write adds one object to the bundle, compacted to one line.
func (bw *bundleWriter) write(raw json.RawMessage) error {
	bw.compact.Reset()
	if err := json.Compact(&bw.compact, raw); err != nil {
		return err
	}
	if bw.n == 0 {
		bw.w.WriteString(`,"objects":[` + "\n")
	} else {
		bw.w.WriteString(",\n")
	}
	bw.n++
	_, err := bw.w.Write(bw.compact.Bytes())
	return err
}

// object writes a stored object and remembers the markings it references.
func (bw *bundleWriter) object(o intel.Object) error {
	if o.Type == "marking-definition" {
		bw.have[o.ID] = true
	}
	for _, id := range markingRefs(o.Raw) {
		bw.need[id] = true
	}
	return bw.write(o.Raw)
}

// close adds the TLP marking definitions referenced but not written, in id
// order, and ends the bundle. The bundle schema wants at least one object
// when "objects" is present, so an empty export has no "objects".
func (bw *bundleWriter) close() (int, error) {
	ids := make([]string, 0, len(bw.need))
	for id := range bw.need {
		if !bw.have[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		if raw := tlpMarkingObject(id); raw != nil {
			if err := bw.write(raw); err != nil {
				return bw.n, err
			}
		}
	}
	if bw.n > 0 {
		bw.w.WriteString("\n]")
	}
	bw.w.WriteString("}\n")
	return bw.n, bw.w.Flush()
}

// exportSTIX writes one bundle of what the actor sees.
func exportSTIX(ctx context.Context, st *intel.Store, a access.Actor, w io.Writer, f intel.Filter) (int, error) {
	bw := newBundleWriter(w)
	err := eachPage(ctx, st, a, f, func(objs []intel.Object) error {
		for _, o := range objs {
			if err := bw.object(o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return bw.n, err
	}
	return bw.close()
}

// markingRefs returns the TLP marking definitions an object references, in
// object_marking_refs or granular_markings. Other marking definitions are
// stored objects the export holds when the actor may see them.
func markingRefs(raw json.RawMessage) []string {
	var m struct {
		ObjectMarkingRefs []string `json:"object_marking_refs"`
		GranularMarkings  []struct {
			MarkingRef string `json:"marking_ref"`
		} `json:"granular_markings"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []string
	for _, id := range m.ObjectMarkingRefs {
		if stix.IsTLPMarking(id) {
			out = append(out, id)
		}
	}
	for _, g := range m.GranularMarkings {
		if stix.IsTLPMarking(g.MarkingRef) {
			out = append(out, g.MarkingRef)
		}
	}
	return out
}

// tlpMarkingObject returns the marking definition of a TLP marking id: the
// TLP 2.0 object, or the STIX 2.1 TLP 1.0 one for a 1.0 id.
func tlpMarkingObject(id string) json.RawMessage {
	level, ok := stix.TLPLevel(id)
	if !ok {
		return nil
	}
	if stix.TLPMarkingID(level) == id {
		return stix.TLPMarkingObject(level)
	}
	name := level
	if level == stix.TLPClear {
		name = "white"
	}
	return stix.TLP1MarkingObject(name)
}

// csvHeader is the header of a CSV export.
var csvHeader = []string{"type", "value", "name", "id", "tlp", "valid_from", "created", "org"}

// exportCSV writes a line per observable value of each indicator.
func exportCSV(ctx context.Context, st *intel.Store, a access.Actor, w io.Writer, f intel.Filter) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return 0, err
	}
	if len(f.Types) > 0 && !slices.Contains(f.Types, "indicator") {
		cw.Flush()
		return 0, cw.Error()
	}
	f.Types = []string{"indicator"}
	n := 0
	err := eachPage(ctx, st, a, f, func(objs []intel.Object) error {
		for _, o := range objs {
			rows := csvRows(o)
			for _, row := range rows {
				if err := cw.Write(row); err != nil {
					return err
				}
			}
			if len(rows) > 0 {
				n++
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// csvRows are the lines of one indicator: one per value its pattern names.
// An indicator whose pattern is not STIX (Snort, YARA…) names no value.
func csvRows(o intel.Object) [][]string {
	obs, err := stix.Observables(o.Raw)
	if err != nil || len(obs) == 0 {
		return nil
	}
	var ind struct {
		ValidFrom string `json:"valid_from"`
	}
	_ = json.Unmarshal(o.Raw, &ind) // Observables read it already: it is JSON
	rows := make([][]string, 0, len(obs))
	seen := map[intel.Value]bool{}
	for _, ob := range obs {
		v := csvValue(ob)
		if seen[v] {
			continue
		}
		seen[v] = true
		rows = append(rows, []string{v.Kind, escapeCell(v.Value), escapeCell(o.Name), o.ID, string(o.Sharing.TLP),
			ind.ValidFrom, o.Created.UTC().Format(time.RFC3339Nano), o.OrgID})
	}
	return rows
}

// csvValue is the kind and value of an observable as correlation knows it;
// one correlation does not know keeps its STIX object path as its type, so
// nothing named by a pattern is silently left out.
func csvValue(ob stix.Observable) intel.Value {
	if v, ok := intel.Normalize(ob); ok {
		return v
	}
	return intel.Value{Kind: ob.Object + ":" + ob.Path, Value: ob.Value}
}
