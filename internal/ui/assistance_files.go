package ui

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"

	"atalaya/internal/assistance"
	"atalaya/internal/valid"
)

// attachmentSlack is what a multipart body may carry beyond the file
// itself (boundaries, headers, the other fields).
const attachmentSlack = 64 << 10

// errNoAttachment is the attachment form sent without a file.
var errNoAttachment = valid.New("file", "assistanceui.file", "Choose a file to attach.", nil)

// errAttachmentSize is a file larger than a request takes.
var errAttachmentSize = valid.New("file", "assistanceui.file_size", "The file is too large: a request takes files of up to 10 MB.",
	map[string]any{"MB": assistance.MaxAttachment >> 20})

// attachFile stores a file sent with the attachment form. The multipart
// body is read part by part and the file streamed to the domain, which
// counts its bytes.
func (u *UI) attachFile(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, assistance.MaxAttachment+attachmentSlack)
	f := &form{Values: map[string]string{}}
	err := u.readAttachment(r)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		err = errAttachmentSize
	}
	if err != nil && valid.List(err) != nil {
		// The rest of the body is not read: the page is answered, and the
		// connection closed, at once.
		w.Header().Set("Connection", "close")
	}
	u.sectionDone(w, r, f, "attach", err, "assistanceui.done.attached", "attachments")
}

func (u *UI) readAttachment(r *http.Request) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return errNoAttachment
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return errNoAttachment
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return err
			}
			return errNoAttachment
		}
		if part.FormName() != "file" {
			continue
		}
		if part.FileName() == "" {
			return errNoAttachment
		}
		_, err = u.assist.Attach(r.Context(), actorOf(r), r.PathValue("id"), path.Base(part.FileName()),
			part.Header.Get("Content-Type"), part)
		return err
	}
}

// inlineTypes are the attachment types a browser may show in place: none
// can run script in the site's origin.
var inlineTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true, "image/gif": true,
	"text/plain": true}

// attachmentFile sends an attachment. Any type but a few harmless ones is
// sent as a download, so an uploaded page cannot run in the site's origin.
func (u *UI) attachmentFile(w http.ResponseWriter, r *http.Request) {
	att, content, err := u.assist.AttachmentContent(r.Context(), actorOf(r), r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	ctype, _, _ := mime.ParseMediaType(att.ContentType)
	disposition := "inline"
	if !inlineTypes[ctype] {
		ctype, disposition = "application/octet-stream", "attachment"
	}
	if ctype == "text/plain" {
		ctype = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": att.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", att.At, bytes.NewReader(content))
}

func (u *UI) deleteAttachment(w http.ResponseWriter, r *http.Request) {
	err := u.assist.DeleteAttachment(r.Context(), actorOf(r), r.PathValue("id"), r.PathValue("aid"))
	u.sectionDone(w, r, &form{Values: map[string]string{}}, "attach", err, "assistanceui.done.attachment_deleted",
		"attachments")
}
