package ui

import (
	"net/http"

	"atalaya/internal/access"
	"atalaya/internal/intel"
)

// taxiiRoot is the API root the TAXII server serves the collections under.
const taxiiRoot = "/taxii2/network/"

// collectionsData lists the TAXII collections the actor sees and, for the
// secretariat admin, the form to define one.
type collectionsData struct {
	Rows      []collectionRow
	Discovery string
	CanCreate bool
	Sharing   sharingForm
}

// collectionRow is a collection with the address a TAXII client uses.
type collectionRow struct {
	intel.Collection
	URL string
}

func (u *UI) collections(w http.ResponseWriter, r *http.Request) {
	u.renderCollections(w, r, http.StatusOK, nil)
}

func (u *UI) renderCollections(w http.ResponseWriter, r *http.Request, status int, f *form) {
	a := actorOf(r)
	ctx := r.Context()
	cols, err := u.intel.Collections(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	base := siteURL(r)
	d := collectionsData{Discovery: base + "/taxii2/", CanCreate: access.Can(a, access.ManageCollections, access.Target{})}
	for _, c := range cols {
		d.Rows = append(d.Rows, collectionRow{Collection: c, URL: base + taxiiRoot + "collections/" + c.ID + "/"})
	}
	if d.CanCreate {
		if f != nil {
			d.Sharing, err = u.readSharing(r, f, "")
		} else {
			d.Sharing, err = u.newSharingForm(ctx, a, "", defaultSharing)
		}
		if err != nil {
			u.fail(w, r, err)
			return
		}
	}
	u.render(w, r, status, "intel_collections", page{TitleKey: "collection.title", Nav: "intel", Data: d, Form: f})
}

// siteURL is the scheme and host the reader reached us at, for addresses
// to paste into a TAXII client.
func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// createCollection defines a custom collection: what is added through it
// is shared as its write sharing says.
func (u *UI) createCollection(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !access.Can(a, access.ManageCollections, access.Target{}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	f := newForm(r, "title", "description", "alias")
	sh, err := u.readSharing(r, f, "")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	err = checkSharing(a, sh)
	if err == nil {
		_, err = u.intel.CreateCollection(r.Context(), a, intel.Collection{Title: f.Value("title"),
			Description: f.Value("description"), Alias: f.Value("alias"), Kind: "custom", CanRead: true,
			CanWrite: true, Write: sh.Sharing()})
	}
	if err != nil {
		if formErrors(f, err, "") {
			u.renderCollections(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/collections", "collection.done.created")
}
