package ui

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"path"
	"strings"

	"atalaya/internal/access"
	"atalaya/internal/exchange"
	"atalaya/internal/i18n"
	"atalaya/internal/valid"
)

// maxUpload is the largest file the import page takes, as exchange's own
// default limit.
const maxUpload = 64 << 20

// importFormats are the choices of the format list; "auto" looks at the
// file's name and first bytes.
var importFormats = []string{"auto", string(exchange.STIX), string(exchange.MISP), string(exchange.CSV)}

// importData is the import form and, after an upload, its report.
type importData struct {
	Formats  []string
	Sharing  sharingForm
	Done     bool
	FileName string
	Format   string
	Report   exchange.Report
	Refused  []refusalRow
	Problems []problemRow // of a document that could not be read
	Notes    []problemRow // what the import decided for the reader
}

// refusalRow is one refused object with its reason in the reader's words.
type refusalRow struct {
	Index           int
	ID, Field, Code string
	Reason          string
}

func (u *UI) importForm(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !access.Can(a, access.CreateIntel, access.Target{OrgID: a.OrgID}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	sh, err := u.newSharingForm(r.Context(), a, "", defaultSharing)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := &form{Values: map[string]string{"format": "auto"}}
	u.render(w, r, http.StatusOK, "intel_import", page{TitleKey: "import.title", Nav: "intel",
		Data: importData{Formats: importFormats, Sharing: sh}, Form: f})
}

// importFile reads an uploaded file and stores what it holds as the
// actor's organisation; the page shows the report.
func (u *UI) importFile(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !access.Can(a, access.CreateIntel, access.Target{OrgID: a.OrgID}) {
		u.fail(w, r, access.ErrDenied)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	f := &form{Values: map[string]string{}}
	d := importData{Formats: importFormats}
	status, err := u.runImport(r, f, &d)
	l := u.i18n.For(u.language(r, sessionOf(r).user))
	var doc docError
	if errors.As(err, &doc) {
		for _, e := range doc.es {
			d.Problems = append(d.Problems, problemRow{Where: e.Field, Text: reason(l, e)})
		}
		err = valid.New("file", "intelui.file_unreadable", "The file could not be read: nothing was imported.", nil)
	}
	for _, n := range d.Report.Notes {
		text := l.T("exchange.note."+n.Code, n.Args)
		if text == "exchange.note."+n.Code {
			text = n.Message
		}
		d.Notes = append(d.Notes, problemRow{Where: n.Where, Text: text})
	}
	for i := range d.Refused {
		x := d.Refused[i]
		d.Refused[i].Reason = reason(l, &valid.Error{Field: x.Field, Code: x.Code, Message: x.Reason})
	}
	if err != nil && !formErrors(f, err, "") {
		u.fail(w, r, err)
		return
	}
	if d.Sharing.TLPs == nil {
		if d.Sharing, err = u.newSharingForm(r.Context(), a, "", defaultSharing); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	u.render(w, r, status, "intel_import", page{TitleKey: "import.title", Nav: "intel", Data: d, Form: f})
}

// runImport does the work of importFile: the status to answer and a field
// error, or the report in d.
func (u *UI) runImport(r *http.Request, f *form, d *importData) (int, error) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, valid.New("file", "intelui.file_too_large",
				"The file is larger than 64 MiB: split it, or use the command line.", map[string]any{"Max": 64})
		}
		return http.StatusBadRequest, valid.New("file", "intelui.file_missing", "Choose a file to import.", nil)
	}
	defer r.MultipartForm.RemoveAll()
	for k, vs := range r.MultipartForm.Value {
		for _, v := range vs {
			if !cleanString(k) || !cleanString(v) {
				return http.StatusBadRequest, valid.New(k, "intelui.text", "This field holds characters that are not text.", nil)
			}
		}
	}
	f.Values["format"] = r.PostFormValue("format")
	sh, err := u.readSharing(r, f, "")
	if err != nil {
		return http.StatusInternalServerError, err
	}
	d.Sharing = sh
	file, header, err := r.FormFile("file")
	if err != nil {
		return http.StatusUnprocessableEntity, valid.New("file", "intelui.file_missing", "Choose a file to import.", nil)
	}
	defer file.Close()
	if err := joinErrs(checkSharing(actorOf(r), sh)); err != nil {
		return http.StatusUnprocessableEntity, err
	}
	in := bufio.NewReader(file)
	head, _ := in.Peek(4096)
	format, ok := chooseFormat(f.Value("format"), header.Filename, head)
	if !ok {
		return http.StatusUnprocessableEntity, valid.New("format", "intelui.format_unknown",
			"The format could not be recognised: choose it from the list.", nil)
	}
	rep, err := exchange.ImportWithNotes(r.Context(), u.intel, actorOf(r), in, exchange.ImportOptions{Format: format,
		Sharing: sh.Sharing(), Source: "upload", MaxBytes: maxUpload})
	if err != nil {
		if es := valid.List(err); es != nil {
			// The document could not be read at all: say where, next to
			// the file.
			return http.StatusUnprocessableEntity, docError{es}
		}
		return http.StatusInternalServerError, err
	}
	d.Done, d.FileName, d.Format, d.Report = true, path.Base(header.Filename), string(format), rep
	for _, x := range rep.Refused {
		// Reason holds the English message until importFile translates it.
		d.Refused = append(d.Refused, refusalRow{Index: x.Index, ID: x.ID, Field: x.Field, Code: x.Code, Reason: x.Message})
	}
	return http.StatusOK, nil
}

// docError is a document that could not be read at all: its problems,
// each naming where in the document it is.
type docError struct{ es valid.Errors }

func (e docError) Error() string { return e.es.Error() }

// problemRow is one problem of an unreadable document, in the reader's
// words.
type problemRow struct{ Where, Text string }

// chooseFormat settles the format of an upload: the one chosen, else from
// the file's extension, else from its first bytes (JSON holding "Event" or
// "response" is MISP, other JSON is STIX, anything else CSV).
func chooseFormat(chosen, name string, head []byte) (exchange.Format, bool) {
	if chosen != "" && chosen != "auto" {
		f, ok := exchange.ParseFormat(chosen)
		if !ok || f == exchange.MISPFeed {
			return "", false
		}
		return f, true
	}
	if strings.EqualFold(path.Ext(name), ".csv") {
		return exchange.CSV, true
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 {
		return "", false
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		return exchange.CSV, true
	}
	if bytes.Contains(head, []byte(`"Event"`)) || bytes.Contains(head, []byte(`"response"`)) {
		return exchange.MISP, true
	}
	return exchange.STIX, true
}

// reason is a refusal or problem in the reader's language: the catalog's
// "invalid.<Code>" when it exists and needs no value the report lacks
// (a refusal carries no message arguments), else the English message.
func reason(l *i18n.Localizer, e *valid.Error) string {
	s := l.Invalid(e)
	if strings.Contains(s, "<no value>") && e.Message != "" {
		return e.Message
	}
	return s
}
