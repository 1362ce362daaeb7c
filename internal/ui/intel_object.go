package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"

	"atalaya/internal/access"
	"atalaya/internal/intel"
)

// intelObjectData is an object's page: its properties, sharing, versions,
// relationships, correlations and sightings, and what its creator may do.
type intelObjectData struct {
	Obj          intel.Object
	OrgName      string
	Old          bool // an earlier version is shown
	Props        []objProp
	Dist         distribution
	RawJSON      string
	Versions     []intel.Object
	Related      []relatedRow
	Correlations []correlationRow
	IsIndicator  bool
	Sightings    []sightingRow
	CanSight     bool
	CanEdit      bool // the actor's organisation created it and may change it
	HasForm      bool // an indicator or a report: the forms make new versions
	SightSharing sharingForm
	Sharing      sharingForm
	Open         string // the form to show open after an error
}

// relatedRow is an object related to the one shown.
type relatedRow struct {
	intel.Related
	OrgName string
}

// correlationRow is one value the object carries and what else carries it.
type correlationRow struct {
	intel.Correlation
	Rows []intelRow
}

// sightingRow is a sighting of the indicator shown.
type sightingRow struct {
	intel.Sighting
	OrgName string
}

// distribution is who receives an object, in words.
type distribution struct {
	Members      bool
	Groups, Orgs []string // names
	Unknown      int      // sharing groups the reader is not in
}

// OwnOnly reports an object kept within its creator organisation.
func (d distribution) OwnOnly() bool {
	return !d.Members && len(d.Groups) == 0 && len(d.Orgs) == 0 && d.Unknown == 0
}

func (u *UI) intelObject(w http.ResponseWriter, r *http.Request) {
	u.renderObject(w, r, http.StatusOK, nil, "")
}

// renderObject shows the object in the path (the version asked for, else
// the latest), with f holding what a failed form on the page was sent.
func (u *UI) renderObject(w http.ResponseWriter, r *http.Request, status int, f *form, open string) {
	d, err := u.loadObject(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d.Open = open
	if f != nil && open == "sighting" {
		d.SightSharing, err = u.readSharing(r, f, "sighting.")
	} else if f != nil && open == "sharing" {
		d.Sharing, err = u.readSharing(r, f, "")
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, status, "intel_object", page{Title: objectTitle(d.Obj), Nav: "intel", Data: d, Form: f})
}

// objectTitle is what the page is called: the object's name, else its id.
func objectTitle(o intel.Object) string {
	if o.Name != "" {
		return o.Name
	}
	return o.ID
}

func (u *UI) loadObject(r *http.Request) (intelObjectData, error) {
	a := actorOf(r)
	ctx := r.Context()
	id := r.PathValue("id")
	latest, err := u.intel.Get(ctx, a, id)
	if err != nil {
		return intelObjectData{}, err
	}
	d := intelObjectData{Obj: latest, IsIndicator: latest.Type == "indicator",
		HasForm: latest.Type == "indicator" || latest.Type == "report",
		CanEdit: access.Can(a, access.EditIntel, access.Target{OrgID: latest.OrgID})}
	d.CanSight = d.IsIndicator && access.Can(a, access.ReportSighting, access.Target{OrgID: a.OrgID})
	all, err := u.intel.Versions(ctx, a, id, intel.Filter{Versions: []string{"all"}, Limit: 10000, NewestFirst: true})
	if err != nil {
		return d, err
	}
	d.Versions = all.Objects
	if v := r.URL.Query().Get("version"); v != "" && v != latest.Version {
		i := slices.IndexFunc(d.Versions, func(o intel.Object) bool { return o.Version == v })
		if i < 0 {
			return d, intel.ErrNotFound
		}
		d.Obj, d.Old = d.Versions[i], true
	}
	if err := u.loadObjectSections(r, &d); err != nil {
		return d, err
	}
	return d, nil
}

// loadObjectSections reads what the page shows beside the object itself.
func (u *UI) loadObjectSections(r *http.Request, d *intelObjectData) error {
	a := actorOf(r)
	ctx := r.Context()
	orgs, err := u.loadOrgs(ctx, a)
	if err != nil {
		return err
	}
	d.OrgName = orgs.Name(d.Obj.OrgID)
	d.Props = objectProps(d.Obj.Raw)
	d.RawJSON = indentJSON(d.Obj.Raw)
	if d.Dist, err = u.describeSharing(r, d.Obj.Sharing, orgs); err != nil {
		return err
	}
	related, err := u.intel.Related(ctx, a, d.Obj.ID)
	if err != nil {
		return err
	}
	for _, rel := range related {
		d.Related = append(d.Related, relatedRow{Related: rel, OrgName: orgs.Name(rel.Object.OrgID)})
	}
	corrs, err := u.intel.Correlations(ctx, a, d.Obj.ID)
	if err != nil {
		return err
	}
	for _, c := range corrs {
		row := correlationRow{Correlation: c}
		for _, o := range c.Objects {
			row.Rows = append(row.Rows, intelRow{Object: o, OrgName: orgs.Name(o.OrgID)})
		}
		d.Correlations = append(d.Correlations, row)
	}
	if d.IsIndicator {
		sightings, err := u.intel.Sightings(ctx, a, d.Obj.ID)
		if err != nil {
			return err
		}
		for _, s := range sightings {
			d.Sightings = append(d.Sightings, sightingRow{Sighting: s, OrgName: orgs.Name(s.OrgID)})
		}
	}
	if d.CanSight {
		if d.SightSharing, err = u.newSharingForm(ctx, a, "sighting.", intel.Sharing{TLP: access.TLPAmber}); err != nil {
			return err
		}
	}
	if d.CanEdit {
		if d.Sharing, err = u.newSharingForm(ctx, a, "", d.Obj.Sharing); err != nil {
			return err
		}
	}
	return nil
}

// describeSharing names the recipients of an object. Groups the reader is
// not in are counted, not named.
func (u *UI) describeSharing(r *http.Request, sh intel.Sharing, orgs orgIndex) (distribution, error) {
	d := distribution{Members: sh.Members}
	groups, err := u.intel.Groups(r.Context(), actorOf(r))
	if err != nil {
		return d, err
	}
	for _, id := range sh.Groups {
		if i := slices.IndexFunc(groups, func(g intel.Group) bool { return g.ID == id }); i >= 0 {
			d.Groups = append(d.Groups, groups[i].Name)
		} else {
			d.Unknown++
		}
	}
	for _, id := range sh.Orgs {
		d.Orgs = append(d.Orgs, orgs.Name(id))
	}
	return d, nil
}

// indentJSON shows raw JSON indented, or as it is when it does not parse.
func indentJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}
