package exchange

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/misp"
	"atalaya/internal/valid"
)

// importMISP stores the events of a MISP core-format document.
func importMISP(ctx context.Context, st *intel.Store, a access.Actor, data []byte, opt ImportOptions) (Report, error) {
	events, err := misp.ParseEvents(bytes.NewReader(data))
	if err != nil {
		return Report{}, syntaxFirst(data, err)
	}
	if len(events) == 0 {
		return Report{}, valid.New("file", CodeNotMISP, "the document holds no MISP event", nil)
	}
	return importEvents(ctx, st, a, events, opt)
}

// importFeed stores the events of a MISP feed directory.
func importFeed(ctx context.Context, st *intel.Store, a access.Actor, fsys fs.FS, opt ImportOptions) (Report, error) {
	_, events, err := misp.ReadFeed(fsys)
	if err != nil {
		if valid.List(err) != nil {
			return Report{}, err
		}
		return Report{}, valid.New("feed", CodeFeed, "the MISP feed cannot be read: "+err.Error(), nil)
	}
	return importEvents(ctx, st, a, events, opt)
}

// mispImport holds what importing events needs across events: the
// actor's sharing groups, read once, to find the one a MISP sharing group
// names.
type mispImport struct {
	st     *intel.Store
	a      access.Actor
	opt    ImportOptions
	groups []intel.Group
	loaded bool
	rep    Report
	offset int // position of the next object across all events, for Refusal.Index
}

// importEvents converts each event to STIX and stores it shared as its
// distribution says. An event that cannot be converted is refused whole;
// the others go on.
func importEvents(ctx context.Context, st *intel.Store, a access.Actor, events []*misp.Event, opt ImportOptions) (Report, error) {
	m := &mispImport{st: st, a: a, opt: opt}
	for i, ev := range events {
		if err := m.event(ctx, i, len(events), ev); err != nil {
			return Report{}, err
		}
	}
	return m.rep, nil
}

// event converts and stores one event: its objects go in one Put per
// distinct sharing (usually one), each object shared no wider than its
// own MISP distribution and TLP say.
func (m *mispImport) event(ctx context.Context, i, n int, ev *misp.Event) error {
	conv, err := misp.ToSTIX(ev)
	if err != nil {
		m.refuseEvent(i, n, ev, err)
		return nil
	}
	base, err := m.eventSharing(ctx, ev, conv)
	if err != nil {
		return err
	}
	var order []string
	batches := map[string]*putBatch{}
	for j, raw := range conv.Objects {
		sh := m.objectSharing(ev, conv, base, raw)
		key := sharingKey(sh)
		b, ok := batches[key]
		if !ok {
			b = &putBatch{sharing: sh}
			batches[key] = b
			order = append(order, key)
		}
		b.objs = append(b.objs, raw)
		b.index = append(b.index, m.offset+j)
	}
	for _, key := range order {
		if err := m.put(ctx, batches[key]); err != nil {
			return err
		}
	}
	m.offset += len(conv.Objects)
	return nil
}

// putBatch is objects of one event shared the same way.
type putBatch struct {
	sharing intel.Sharing
	objs    []json.RawMessage
	index   []int // position of each object across the import
}

// put stores one batch and adds its outcome to the report, with refusal
// indexes counted across the whole import.
func (m *mispImport) put(ctx context.Context, b *putBatch) error {
	rep, err := m.st.Put(ctx, m.a, b.objs, intel.PutOptions{Sharing: b.sharing, Source: m.opt.source(MISP)})
	if err != nil {
		return err
	}
	m.rep.Accepted = append(m.rep.Accepted, rep.Accepted...)
	m.rep.Existing = append(m.rep.Existing, rep.Existing...)
	for _, r := range rep.Refused {
		if r.Index >= 0 && r.Index < len(b.index) {
			r.Index = b.index[r.Index]
		}
		m.rep.Refused = append(m.rep.Refused, r)
	}
	return nil
}

// refuseEvent reports an event that cannot be converted, naming the
// property at fault within it.
func (m *mispImport) refuseEvent(i, n int, ev *misp.Event, err error) {
	prefix := ""
	if n > 1 {
		prefix = fmt.Sprintf("events[%d].", i)
	}
	es := valid.List(err)
	if es == nil {
		es = valid.Errors{{Field: "event", Code: CodeNotMISP, Message: err.Error()}}
	}
	for _, e := range es {
		m.rep.Refused = append(m.rep.Refused, intel.Refusal{Index: m.offset, ID: "report--" + ev.UUID,
			Field: prefix + e.Field, Code: e.Code, Message: e.Message})
	}
}

// eventSharing maps the event's MISP distribution to Atalaya's: 0 -> the
// own organisation only; 1, 2, 3 -> all members; 4 -> the Atalaya sharing
// group of the same name the actor's organisation is in, else own
// organisation only with a note; unset -> the import's default. The TLP is
// the stricter of the default and the event's tlp:* tags.
func (m *mispImport) eventSharing(ctx context.Context, ev *misp.Event, conv misp.Conversion) (intel.Sharing, error) {
	sh := intel.Sharing{TLP: m.opt.Sharing.TLP}
	if conv.TLP != "" {
		sh.TLP = access.Stricter(sh.TLP, access.TLP(conv.TLP))
	}
	switch conv.Distribution {
	case misp.DistributionOrganisation:
	case misp.DistributionCommunity, misp.DistributionConnected, misp.DistributionAll:
		sh.Members = true
	case misp.DistributionSharingGroup:
		id, err := m.groupNamed(ctx, conv.SharingGroupName)
		if err != nil {
			return sh, err
		}
		if id == "" {
			m.note(ev, NoteGroupMissing, map[string]any{"Group": conv.SharingGroupName},
				fmt.Sprintf("your organisation is in no sharing group named %q: the event was shared with your organisation only", conv.SharingGroupName))
		} else {
			sh.Groups = []string{id}
		}
	default: // unset (or an inherit the event cannot have): the importer's choice
		sh.Members, sh.Groups, sh.Orgs = m.opt.Sharing.Members, m.opt.Sharing.Groups, m.opt.Sharing.Orgs
	}
	if sh.TLP == access.TLPRed && sh.Members {
		sh.Members = false
		m.note(ev, NoteRedNotMembers, nil, "TLP:RED never goes to all members: the event was shared with your organisation only")
	}
	return sh, nil
}

// groupNamed finds, among the sharing groups the actor's organisation owns
// or is in, the one with this name; "" when there is none.
func (m *mispImport) groupNamed(ctx context.Context, name string) (string, error) {
	if !m.loaded {
		gs, err := m.st.Groups(ctx, m.a)
		if err != nil {
			return "", err
		}
		m.groups, m.loaded = gs, true
	}
	for _, g := range m.groups {
		if name != "" && strings.EqualFold(strings.TrimSpace(g.Name), strings.TrimSpace(name)) {
			return g.ID, nil
		}
	}
	return "", nil
}

// note adds a note about an event to the report.
func (m *mispImport) note(ev *misp.Event, code string, args map[string]any, msg string) {
	m.rep.Notes = append(m.rep.Notes, Note{Where: "Event " + ev.UUID, Code: code, Args: args, Message: msg})
}

// objectSharing narrows the event's sharing for one object: an attribute
// (or object) with its own distribution never travels further than it
// says, and one with its own tlp:* tag gets the stricter TLP.
func (m *mispImport) objectSharing(ev *misp.Event, conv misp.Conversion, base intel.Sharing, raw json.RawMessage) intel.Sharing {
	sh := base
	if level, ok := conv.ObjectTLP[objectID(raw)]; ok {
		sh.TLP = access.Stricter(sh.TLP, access.TLP(level))
	}
	for _, d := range objectDistributions(raw) {
		switch {
		case d.level == misp.DistributionOrganisation:
			sh = intel.Sharing{TLP: sh.TLP}
		case d.level == misp.DistributionSharingGroup && sh.Members:
			// Narrower than the event: only to that group if it is the
			// event's, else (a group we cannot name) own organisation only.
			if d.group != "" && d.group == ev.SharingGroupID && len(base.Groups) > 0 {
				sh = intel.Sharing{TLP: sh.TLP, Groups: base.Groups}
			} else {
				sh = intel.Sharing{TLP: sh.TLP}
			}
		case d.level == misp.DistributionSharingGroup && d.group != ev.SharingGroupID:
			sh = intel.Sharing{TLP: sh.TLP}
		}
	}
	if sh.TLP == access.TLPRed && sh.Members {
		sh = intel.Sharing{TLP: sh.TLP}
	}
	return sh
}

// objectDist is the MISP distribution of an attribute or object.
type objectDist struct {
	level misp.Distribution
	group string // sharing_group_id with level 4
}

// objectDistributions reads the MISP distributions a converted object
// carries (ToSTIX keeps them in x_misp_distribution and
// x_misp_sharing_group_id, and those of a MISP object's attributes in
// x_misp_attribute): the object's own and each of its attributes'.
func objectDistributions(raw json.RawMessage) []objectDist {
	var o struct {
		Distribution json.RawMessage `json:"x_misp_distribution"`
		Group        json.RawMessage `json:"x_misp_sharing_group_id"`
		Attributes   []struct {
			Distribution json.RawMessage `json:"distribution"`
			Group        json.RawMessage `json:"sharing_group_id"`
		} `json:"x_misp_attribute"`
	}
	if json.Unmarshal(raw, &o) != nil {
		return nil
	}
	var out []objectDist
	if d, ok := distributionOf(o.Distribution, o.Group); ok {
		out = append(out, d)
	}
	for _, at := range o.Attributes {
		if d, ok := distributionOf(at.Distribution, at.Group); ok {
			out = append(out, d)
		}
	}
	return out
}

// distributionOf reads a distribution written as a number or a string, as
// MISP does both; inherit and absent give false.
func distributionOf(level, group json.RawMessage) (objectDist, bool) {
	n, err := strconv.Atoi(strings.Trim(string(level), `" `))
	if err != nil || n < 0 || misp.Distribution(n) == misp.DistributionInherit {
		return objectDist{}, false
	}
	return objectDist{level: misp.Distribution(n), group: strings.Trim(string(group), `" `)}, true
}

// objectID reads the id of a STIX object.
func objectID(raw json.RawMessage) string {
	var o struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &o)
	return o.ID
}

// sharingKey groups objects shared the same way.
func sharingKey(sh intel.Sharing) string {
	return fmt.Sprintf("%s|%v|%q|%q", sh.TLP, sh.Members, sh.Groups, sh.Orgs)
}

// visibleObjects collects every object matching f that the actor may see:
// MISP groups objects by report, so a MISP export holds them all at once.
func visibleObjects(ctx context.Context, st *intel.Store, a access.Actor, f intel.Filter) ([]json.RawMessage, error) {
	var objs []json.RawMessage
	err := eachPage(ctx, st, a, f, func(page []intel.Object) error {
		for _, o := range page {
			objs = append(objs, o.Raw)
		}
		return nil
	})
	return objs, err
}

// mispEvents converts what the actor may see to MISP events: reports
// become events with their objects, the rest one more event.
func mispEvents(ctx context.Context, st *intel.Store, a access.Actor, f intel.Filter) ([]*misp.Event, int, error) {
	objs, err := visibleObjects(ctx, st, a, f)
	if err != nil || len(objs) == 0 {
		return nil, 0, err
	}
	events, err := misp.FromSTIX(objs)
	if err != nil {
		return nil, 0, fmt.Errorf("converting to MISP: %w", err)
	}
	return events, len(objs), nil
}

// exportMISP writes the events as MISP core format: {"Event": …} for one,
// {"response": [{"Event": …}, …]} for any other number, as MISP's API answers.
func exportMISP(ctx context.Context, st *intel.Store, a access.Actor, w io.Writer, f intel.Filter) (int, error) {
	events, n, err := mispEvents(ctx, st, a, f)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if len(events) == 1 {
		err = enc.Encode(map[string]*misp.Event{"Event": events[0]})
	} else {
		wrapped := make([]map[string]*misp.Event, len(events))
		for i, ev := range events {
			wrapped[i] = map[string]*misp.Event{"Event": ev}
		}
		err = enc.Encode(map[string]any{"response": wrapped})
	}
	if err != nil {
		return 0, err
	}
	return n, bw.Flush()
}

// exportFeed writes the events as a MISP feed directory.
func exportFeed(ctx context.Context, st *intel.Store, a access.Actor, dir string, f intel.Filter) (int, error) {
	events, n, err := mispEvents(ctx, st, a, f)
	if err != nil {
		return 0, err
	}
	if err := misp.WriteFeed(dir, events); err != nil {
		return 0, err
	}
	return n, nil
}
