package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"atalaya/internal/assistance"
	"atalaya/internal/valid"
	"atalaya/internal/web"
)

// The attachments of a request: uploaded as multipart/form-data (the part
// named "file", as a browser form sends it), listed as metadata, read back
// as the bytes with their media type, removed.

// maxAttachmentBody bounds an upload: the largest file a request takes and
// room for the multipart framing around it. The service checks the file
// itself against assistance.MaxAttachment.
const maxAttachmentBody = assistance.MaxAttachment + 64<<10

// errNoFile answers an upload without its "file" part (a new error each
// time: a *valid.Error may be renamed by whoever handles it).
func errNoFile() error {
	return valid.New("file", "assistanceapi.file",
		"Send the file as the part named “file” of a multipart/form-data body, with its file name.", nil)
}

// listAttachments answers the files attached to a request.
func (a *API) listAttachments(w http.ResponseWriter, r *http.Request, c caller) error {
	d, err := a.assistance.Details(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, items(d.Attachments))
}

// attachFile stores the "file" part of the body with the request. The
// part is handed to the service as it arrives, never held whole here.
func (a *API) attachFile(w http.ResponseWriter, r *http.Request, c caller) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return &web.StatusError{Status: http.StatusUnsupportedMediaType,
			Detail: "Send the file as multipart/form-data, in the part named file."}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAttachmentBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return errNoFile()
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return uploadError(err, errNoFile())
		}
		if part.FormName() != "file" {
			continue
		}
		if part.FileName() == "" {
			return errNoFile()
		}
		ct := part.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		att, err := a.assistance.Attach(r.Context(), c.actor, r.PathValue("id"), part.FileName(), ct, part)
		if err != nil {
			return uploadError(err, err)
		}
		return a.writeJSON(w, r, http.StatusCreated, att)
	}
}

// errUploadTooLarge answers a body cut short by its limit.
var errUploadTooLarge = &web.StatusError{Status: http.StatusRequestEntityTooLarge,
	Detail: fmt.Sprintf("A file attached to a request is at most %d MiB.", assistance.MaxAttachment>>20)}

// uploadError is a body cut short by its limit as a 413, anything else
// as otherwise.
func uploadError(err, otherwise error) error {
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return errUploadTooLarge
	}
	return otherwise
}

// getAttachment answers the bytes of an attachment, as a download: never
// shown inline, so that a file of any type cannot run as a page of ours.
func (a *API) getAttachment(w http.ResponseWriter, r *http.Request, c caller) error {
	att, data, err := a.assistance.AttachmentContent(r.Context(), c.actor, r.PathValue("id"), r.PathValue("attachment_id"))
	if err != nil {
		return err
	}
	ct := att.ContentType
	if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
		ct = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": att.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
	return nil
}

// deleteAttachment removes an attachment.
func (a *API) deleteAttachment(w http.ResponseWriter, r *http.Request, c caller) error {
	if err := a.assistance.DeleteAttachment(r.Context(), c.actor, r.PathValue("id"), r.PathValue("attachment_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
