package taxii

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"atalaya/internal/intel"
)

// Headers that tell the date_added of the first and last object of a page
// (section 3.3.1), so a client can page on with added_after.
const (
	headerAddedFirst = "X-TAXII-Date-Added-First"
	headerAddedLast  = "X-TAXII-Date-Added-Last"
)

// setAddedHeaders sets the date-added headers of a non-empty page. Pages
// come oldest first, but the headers take the extremes so they stay right
// whatever the order.
func setAddedHeaders(w http.ResponseWriter, objs []intel.Object) {
	if len(objs) == 0 {
		return
	}
	first, last := objs[0].Added, objs[0].Added
	for _, o := range objs[1:] {
		if o.Added.Before(first) {
			first = o.Added
		}
		if o.Added.After(last) {
			last = o.Added
		}
	}
	w.Header().Set(headerAddedFirst, formatTime(first))
	w.Header().Set(headerAddedLast, formatTime(last))
}

// writeEnvelope sends a page as the envelope resource (section 3.7): more
// and next when there are objects or more to come, the objects exactly as
// stored. An empty result is the empty envelope {}. The objects are copied
// in as they are, not re-encoded: this is the hot path of a TAXII poll.
func writeEnvelope(w http.ResponseWriter, p intel.Page) {
	size := 64
	for _, o := range p.Objects {
		size += len(o.Raw) + 1
	}
	b := bytes.NewBuffer(make([]byte, 0, size))
	b.WriteByte('{')
	writeMore(b, p)
	if len(p.Objects) > 0 {
		b.WriteString(`,"objects":[`)
		for i, o := range p.Objects {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(bytes.TrimSpace(o.Raw))
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	setAddedHeaders(w, p.Objects)
	writeBody(w, http.StatusOK, b.Bytes())
}

// writeMore writes "more" and "next" of a page that has objects or more to
// come; nothing for an empty, final page.
func writeMore(b *bytes.Buffer, p intel.Page) {
	if len(p.Objects) == 0 && !p.More {
		return
	}
	b.WriteString(`"more":`)
	b.WriteString(strconv.FormatBool(p.More))
	if p.More && p.Next != "" {
		b.WriteString(`,"next":`)
		next, _ := json.Marshal(p.Next) // a string always encodes
		b.Write(next)
	}
}

// manifestRecord is one entry of a manifest (section 5.3.1).
type manifestRecord struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type"`
}

// manifestResource is the manifest resource (section 5.3.1). next is not in
// the specification's table but is what a client needs to page on; clients
// ignore what they do not know.
type manifestResource struct {
	More    *bool            `json:"more,omitempty"`
	Next    string           `json:"next,omitempty"`
	Objects []manifestRecord `json:"objects,omitempty"`
}

// versionsResource is the versions resource (section 5.8.1).
type versionsResource struct {
	More     *bool    `json:"more,omitempty"`
	Next     string   `json:"next,omitempty"`
	Versions []string `json:"versions,omitempty"`
}

// pageMore is the more and next of a page, nil/"" for an empty final page.
func pageMore(p intel.Page) (*bool, string) {
	if len(p.Objects) == 0 && !p.More {
		return nil, ""
	}
	more := p.More
	if !more {
		return &more, ""
	}
	return &more, p.Next
}

// versionOf is the TAXII version of a stored object: its modified (or
// created) text; objects with neither (SCOs) are versioned by date_added.
func versionOf(o intel.Object) string {
	if o.Version != "" {
		return o.Version
	}
	return formatTime(o.Added)
}

// mediaTypeOf is the STIX media type of a stored object.
func mediaTypeOf(o intel.Object) string {
	if o.SpecVersion == "" || o.SpecVersion == "2.1" {
		return MediaSTIX
	}
	return "application/stix+json;version=" + o.SpecVersion
}

// writeManifest sends a page as a manifest.
func writeManifest(w http.ResponseWriter, p intel.Page) {
	var out manifestResource
	out.More, out.Next = pageMore(p)
	for _, o := range p.Objects {
		out.Objects = append(out.Objects, manifestRecord{ID: o.ID, DateAdded: formatTime(o.Added),
			Version: versionOf(o), MediaType: mediaTypeOf(o)})
	}
	setAddedHeaders(w, p.Objects)
	writeResource(w, http.StatusOK, out)
}

// writeVersions sends a page of one object's versions.
func writeVersions(w http.ResponseWriter, p intel.Page) {
	var out versionsResource
	out.More, out.Next = pageMore(p)
	for _, o := range p.Objects {
		out.Versions = append(out.Versions, versionOf(o))
	}
	setAddedHeaders(w, p.Objects)
	writeResource(w, http.StatusOK, out)
}
