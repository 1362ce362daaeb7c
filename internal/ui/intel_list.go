package ui

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/exchange"
	"atalaya/internal/intel"
	"atalaya/internal/valid"
)

// intelPageSize is how many objects a page of the list shows.
const intelPageSize = 50

// lookupLimit caps the objects a search by value lists (a value carried by
// more is common; the object pages say so).
const lookupLimit = 200

// listTypes are the types the list's filter offers: what members share.
var listTypes = []string{"indicator", "report", "sighting", "observed-data", "incident", "vulnerability",
	"malware", "threat-actor", "intrusion-set", "campaign", "attack-pattern", "course-of-action",
	"infrastructure", "tool", "identity", "location", "grouping", "note", "opinion", "relationship"}

// intelListData is the list of shared objects with its filters.
type intelListData struct {
	Rows      []intelRow
	Types     []string
	TLPs      []tlpLevel
	Orgs      orgIndex
	Value     *intel.Value // the search, read as an observable value
	NextURL   string
	First     bool
	Exports   []exportLink
	CanCreate bool
}

// intelRow is one object in a list, with its creator's name.
type intelRow struct {
	intel.Object
	OrgName string
}

// exportLink is a link to download the current filter in one format.
type exportLink struct {
	Format, LabelKey, URL string
}

// listQuery is the list's filter as the URL carries it.
type listQuery struct {
	Q, Type, TLP, Org, Revoked, Next string
}

func readListQuery(r *http.Request) listQuery {
	q := r.URL.Query()
	return listQuery{Q: strings.TrimSpace(q.Get("q")), Type: q.Get("type"), TLP: q.Get("tlp"),
		Org: q.Get("org"), Revoked: q.Get("revoked"), Next: q.Get("next")}
}

// values encodes the filter (without the cursor) for links.
func (q listQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Q, "type": q.Type, "tlp": q.TLP, "org": q.Org, "revoked": q.Revoked} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// check names a filter value the page cannot use.
func (q listQuery) check() error {
	var es valid.Errors
	if q.TLP != "" && !access.ValidTLP(access.TLP(q.TLP)) {
		es.Add("tlp", "intelui.tlp", "Choose a TLP level.", nil)
	}
	if q.Revoked != "" && q.Revoked != "no" && q.Revoked != "only" {
		es.Add("revoked", "intelui.revoked", "Choose whether to show revoked objects.", nil)
	}
	return es.Err()
}

// filter is the store's filter for the list and for exports.
func (q listQuery) filter() intel.Filter {
	f := intel.Filter{Query: q.Q, OrgID: q.Org, Next: q.Next, NewestFirst: true, Limit: intelPageSize}
	if q.Type != "" {
		f.Types = []string{q.Type}
	}
	if q.TLP != "" {
		f.TLPs = []access.TLP{access.TLP(q.TLP)}
	}
	// In the store, before the page is cut: a page of live objects is
	// full, and an export holds exactly what the list shows.
	if q.Revoked != "" {
		only := q.Revoked == "only"
		f.Revoked = &only
	}
	return f
}

// keep applies the list's filters to what a search by value found
// (Lookup takes no filter).
func (q listQuery) keep(o intel.Object) bool {
	switch {
	case q.Type != "" && o.Type != q.Type,
		q.TLP != "" && string(o.Sharing.TLP) != q.TLP,
		q.Org != "" && o.OrgID != q.Org,
		q.Revoked == "no" && o.Revoked,
		q.Revoked == "only" && !o.Revoked:
		return false
	}
	return true
}

func (u *UI) intelList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ctx := r.Context()
	q := readListQuery(r)
	f := &form{Values: map[string]string{"q": q.Q, "type": q.Type, "tlp": q.TLP, "org": q.Org, "revoked": q.Revoked}}
	orgs, err := u.loadOrgs(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := intelListData{Types: listTypes, TLPs: tlpLevels(), Orgs: orgs, First: q.Next == "",
		CanCreate: access.Can(a, access.CreateIntel, access.Target{OrgID: a.OrgID})}
	var objs []intel.Object
	if err := q.check(); err != nil {
		f.fail(err)
	} else if v, ok := intel.ParseValue(q.Q); ok && q.Q != "" {
		// A typed value is looked up in the correlation index: exact and
		// fast, whatever the objects are called.
		d.Value = &v
		found, err := u.intel.Lookup(ctx, a, v, lookupLimit)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		objs = slices.DeleteFunc(found, func(o intel.Object) bool { return !q.keep(o) })
		sort.SliceStable(objs, func(i, j int) bool { return objs[i].Added.After(objs[j].Added) })
	} else {
		page, err := u.intel.List(ctx, a, q.filter())
		if err != nil {
			if !f.fail(err) {
				u.fail(w, r, err)
				return
			}
		}
		objs = page.Objects
		if page.More && page.Next != "" {
			nv := q.values()
			nv.Set("next", page.Next)
			d.NextURL = "/intel?" + nv.Encode()
		}
	}
	for _, o := range objs {
		d.Rows = append(d.Rows, intelRow{Object: o, OrgName: orgs.Name(o.OrgID)})
	}
	d.Exports = exportLinks(q)
	u.render(w, r, http.StatusOK, "intel_list", page{TitleKey: "intel.list.title", Nav: "intel", Data: d, Form: f})
}

// exportLinks offers the current filter as STIX, MISP and CSV files.
func exportLinks(q listQuery) []exportLink {
	var out []exportLink
	for _, ff := range []exchange.Format{exchange.STIX, exchange.MISP, exchange.CSV} {
		v := q.values()
		v.Set("format", string(ff))
		out = append(out, exportLink{Format: string(ff), LabelKey: "intel.export." + string(ff), URL: "/intel/export?" + v.Encode()})
	}
	return out
}

// intelExport streams what the actor sees under the list's filter as a
// file. Intel (through exchange) decides what goes in; this handler only
// names the file.
func (u *UI) intelExport(w http.ResponseWriter, r *http.Request) {
	q := readListQuery(r)
	format, ok := exchange.ParseFormat(r.URL.Query().Get("format"))
	if !ok || format == exchange.MISPFeed || q.check() != nil {
		u.render(w, r, http.StatusBadRequest, "error", page{TitleKey: "error.bad_request.title", Data: "error.bad_request"})
		return
	}
	f := q.filter()
	f.Next, f.Limit, f.NewestFirst = "", 0, false
	name := "atalaya-intel-" + time.Now().UTC().Format("20060102-150405") + format.Extension()
	out := &downloadWriter{w: w, header: func() {
		w.Header().Set("Content-Type", format.ContentType())
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "no-store")
	}}
	n, err := exchange.Export(r.Context(), u.intel, actorOf(r), out, exchange.ExportOptions{Format: format, Filter: f})
	switch {
	case err != nil && !out.started:
		u.fail(w, r, err)
	case err != nil:
		// The download has begun: it stops short, and the log says why.
		u.logger.Error("intel export failed", "format", format, "written", n, "err", err)
	case !out.started:
		out.header()
		w.WriteHeader(http.StatusOK)
	}
}

// downloadWriter sets a download's headers at its first byte, so a failure
// before any byte can still answer with an error page.
type downloadWriter struct {
	w       http.ResponseWriter
	header  func()
	started bool
}

func (d *downloadWriter) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		d.header()
	}
	return d.w.Write(p)
}
