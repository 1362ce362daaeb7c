package misp

import (
	"encoding/json"
	"io"

	"atalaya/internal/valid"
)

// SharingGroup is a MISP sharing group: the organisations (and instances)
// that may receive what is distributed to it.
type SharingGroup struct {
	UUID          string
	Name          string
	Description   string
	Releasability string
	Organisation  *Org // the owner
	Orgs          []SharingGroupOrg
	Extra         map[string]json.RawMessage
}

// SharingGroupOrg is one member of a sharing group; Extend says whether the
// member may add others.
type SharingGroupOrg struct {
	Org    *Org
	Extend bool
	Extra  map[string]json.RawMessage
}

// parseSharingGroup reads one opened sharing group as events embed it
// ("SharingGroup": {...}, members under "SharingGroupOrg").
func parseSharingGroup(f *fields) *SharingGroup {
	sg := &SharingGroup{
		UUID:          f.str("uuid"),
		Name:          f.str("name"),
		Description:   f.str("description"),
		Releasability: f.str("releasability"),
		Organisation:  parseOrgAt(f, "Organisation"),
	}
	f.objects("SharingGroupOrg", func(sub *fields) {
		m := SharingGroupOrg{Org: parseOrgAt(sub, "Organisation"), Extend: sub.boolean("extend")}
		m.Extra = sub.rest()
		sg.Orgs = append(sg.Orgs, m)
	})
	sg.Extra = f.rest()
	return sg
}

// MarshalJSON writes the sharing group as events embed it.
func (sg SharingGroup) MarshalJSON() ([]byte, error) {
	d := doc{}
	d.str("uuid", sg.UUID)
	d.str("name", sg.Name)
	d.str("description", sg.Description)
	d.str("releasability", sg.Releasability)
	if sg.Organisation != nil {
		d["Organisation"] = sg.Organisation
	}
	listOf(d, "SharingGroupOrg", sg.Orgs)
	return encode(d, sg.Extra)
}

// MarshalJSON writes the member as MISP does.
func (m SharingGroupOrg) MarshalJSON() ([]byte, error) {
	d := doc{}
	if m.Org != nil {
		d["Organisation"] = m.Org
	}
	d.flag("extend", m.Extend)
	return encode(d, m.Extra)
}

// ParseSharingGroups reads the sharing groups of a MISP answer: one group,
// or a list (or {"response": [...]}) of them, each either a group or, as the
// /sharing_groups API writes them, {"SharingGroup": {...}, "Organisation":
// ..., "SharingGroupOrg": [...]} with the members beside the group.
func ParseSharingGroups(r io.Reader) ([]*SharingGroup, error) {
	raw, err := readDocument(r)
	if err != nil {
		return nil, err
	}
	var errs valid.Errors
	items, path := listOrResponse(raw, &errs)
	if path == "" && jsonKind(raw) == "object" {
		items = []json.RawMessage{raw} // one group on its own
	}
	var out []*SharingGroup
	for i, item := range items {
		if sg := parseSharingGroupItem(path+indexSuffix(i), item, &errs); sg != nil {
			out = append(out, sg)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseSharingGroupItem merges the API's wrapper form into one group: the
// owner and members found beside "SharingGroup" move inside it.
func parseSharingGroupItem(path string, raw json.RawMessage, errs *valid.Errors) *SharingGroup {
	f, ok := openFields(path, raw, errs)
	if !ok {
		return nil
	}
	inner, ok := f.sub("SharingGroup")
	if !ok {
		return parseSharingGroup(f)
	}
	for _, key := range []string{"Organisation", "SharingGroupOrg", "SharingGroupServer"} {
		if v, present := f.m[key]; present {
			if _, clash := inner.m[key]; !clash {
				inner.m[key] = v
				delete(f.m, key)
			}
		}
	}
	sg := parseSharingGroup(inner)
	for k, v := range f.rest() {
		if sg.Extra == nil {
			sg.Extra = map[string]json.RawMessage{}
		}
		if _, clash := sg.Extra[k]; !clash {
			sg.Extra[k] = v
		}
	}
	return sg
}
