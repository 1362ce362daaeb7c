package api

import (
	"bytes"
	"mime"
	"net/http"
	"strings"

	"atalaya/internal/exchange"
	"atalaya/internal/intel"
	"atalaya/internal/valid"
	"atalaya/internal/web"
)

// documentFormat reads ?format=: stix, misp or csv (a MISP feed is a
// directory, for the command line). Absent, it is "" when optional, else a
// problem.
func documentFormat(q *query, required bool) exchange.Format {
	v := q.get("format")
	if v == "" {
		if required {
			q.es.Add("format", intel.CodeRequired, "Give the format: stix, misp or csv.", nil)
		}
		return ""
	}
	f, ok := exchange.ParseFormat(v)
	if !ok || f == exchange.MISPFeed {
		q.es.Add("format", exchange.CodeFormat, "The format is stix, misp or csv.", map[string]any{"Value": v})
	}
	return f
}

// uploadFormat is the format of an uploaded document: ?format= when given,
// else what the media type says (text/csv, application/stix+json), else
// what the document's first bytes say. A JSON document sent as CSV, or the
// other way round, is refused (415) rather than read as what it is not.
func uploadFormat(r *http.Request, given exchange.Format, body []byte) (exchange.Format, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	textual := mt == "text/csv" || mt == "text/plain"
	f := given
	switch {
	case f != "":
	case mt == "text/csv":
		f = exchange.CSV
	case mt == "application/stix+json":
		f = exchange.STIX
	default:
		var ok bool
		if f, ok = exchange.DetectFormat("", body[:min(len(body), 4096)]); !ok || textual != (f == exchange.CSV) {
			return "", valid.New("format", intel.CodeRequired, "Give the format: stix, misp or csv.", nil)
		}
	}
	if textual != (f == exchange.CSV) {
		return "", &web.StatusError{Status: http.StatusUnsupportedMediaType,
			Detail: "Send a CSV as text/csv, and STIX or MISP as application/json."}
	}
	return f, nil
}

// importIntel reads a document in one of the exchange formats and stores
// what it holds as the caller's organisation. The answer is the report,
// object by object (CSV lines refused as "line N"), with the notes about
// choices the import made; a document that cannot be read at all is a 422
// naming the line or field, and nothing is stored.
func (a *API) importIntel(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	given := documentFormat(q, false)
	sh := sharingQuery(q)
	if err := q.err(); err != nil {
		return err
	}
	if err := mayShare(c); err != nil {
		return err
	}
	body, err := readUpload(w, r, "+json", "text/csv", "text/plain")
	if err != nil {
		return err
	}
	f, err := uploadFormat(r, given, body)
	if err != nil {
		return err
	}
	rep, err := exchange.ImportWithNotes(r.Context(), a.intel, c.actor, bytes.NewReader(body),
		exchange.ImportOptions{Format: f, Sharing: sh, Source: "api", MaxBytes: maxUpload})
	if err != nil {
		return queryFieldNames(err)
	}
	out := reportOf(rep.Report)
	for _, n := range rep.Notes {
		out.Notes = append(out.Notes, importNote{Where: n.Where, Code: n.Code, Message: n.Message})
	}
	return a.writeJSON(w, r, http.StatusOK, out)
}

// exportFilter reads the filters an export takes: those of the list
// without paging (an export holds everything that matches).
func exportFilter(q *query) intel.Filter {
	return intel.Filter{Collection: q.get("collection"), AddedAfter: q.timestamp("added_after"), Types: q.all("type"),
		Query: strings.TrimSpace(q.get("q")), OrgID: q.get("org"), TLPs: q.tlps("tlp"), Revoked: q.boolean("revoked")}
}

// exportIntel streams everything matching the filters that the caller may
// see as one document to save. A failure before the first byte is a
// problem like any other; after it, the connection is cut so the client
// cannot mistake half a file for a whole one.
func (a *API) exportIntel(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	f := documentFormat(q, true)
	filter := exportFilter(q)
	if err := q.err(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="atalaya-intel`+f.Extension()+`"`)
	cw := &countingWriter{w: w}
	_, err := exchange.Export(r.Context(), a.intel, c.actor, cw, exchange.ExportOptions{Format: f, Filter: filter})
	if err == nil {
		return nil
	}
	if cw.n == 0 {
		w.Header().Del("Content-Disposition")
		return err
	}
	a.logger.ErrorContext(r.Context(), "intel export cut short", "format", f, "bytes", cw.n, "err", err)
	panic(http.ErrAbortHandler)
}

// countingWriter counts what has been sent.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// correlation is one observable value of an object and the other objects
// the caller may see that carry it. A value on a warning list is not
// correlated (warnings say which lists); a value carried by too many
// objects is common: counted in total, not listed.
type correlation struct {
	Value    valueView     `json:"value"`
	Objects  []intelObject `json:"objects"`
	Total    int           `json:"total"`
	Common   bool          `json:"common"`
	Warnings []string      `json:"warnings"`
}

// valueView is a normalised observable value.
type valueView struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

func (a *API) listCorrelations(w http.ResponseWriter, r *http.Request, c caller) error {
	cs, err := a.intel.Correlations(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]correlation, 0, len(cs))
	for _, x := range cs {
		out = append(out, correlation{Value: valueView(x.Value), Objects: objectsOf(x.Objects), Total: x.Total,
			Common: x.Common, Warnings: nonNil(x.Warnings)})
	}
	return a.writeJSON(w, r, http.StatusOK, items(out))
}

// lookup answers the objects the caller may see that carry a value typed
// as a person would: an address, a domain, a URL, a hash.
func (a *API) lookup(w http.ResponseWriter, r *http.Request, c caller) error {
	q := queryOf(r)
	text := strings.TrimSpace(q.get("value"))
	_, limit := q.page()
	if err := q.err(); err != nil {
		return err
	}
	if text == "" {
		return valid.New("value", intel.CodeRequired, "Give the value to look up, e.g. 192.0.2.1 or example.org.", nil)
	}
	v, ok := intel.ParseValue(text)
	if !ok {
		return valid.New("value", "intelapi.value",
			"Not a value intel is indexed by: an IP address or prefix, a domain, a URL, an e-mail address, a hash or an AS number.",
			map[string]any{"Value": text})
	}
	objs, err := a.intel.Lookup(r.Context(), c.actor, v, limit)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, lookupAnswer{Value: valueView(v), Items: objectsOf(objs)})
}

// lookupAnswer is the value as it was understood and the objects carrying
// it.
type lookupAnswer struct {
	Value valueView     `json:"value"`
	Items []intelObject `json:"items"`
}
