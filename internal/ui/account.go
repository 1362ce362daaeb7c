package ui

import (
	"encoding/base64"
	"html/template"
	"net/http"

	"atalaya/internal/auth"
)

// accountData is the own account page: language, password, second factor.
type accountData struct {
	Enrolment     *auth.Enrolment
	QR            template.URL // data: URL of the enrolment QR code
	RecoveryCodes []string     // shown once, right after enrolment
}

func (u *UI) account(w http.ResponseWriter, r *http.Request) {
	u.render(w, r, http.StatusOK, "account", page{TitleKey: "account.title", Nav: "account", Data: accountData{}})
}

func (u *UI) changePassword(w http.ResponseWriter, r *http.Request) {
	f := &form{Values: map[string]string{}}
	a := actorOf(r)
	next := r.PostFormValue("new_password")
	if next != r.PostFormValue("confirm_password") {
		f.fail(errPasswordsDiffer)
		u.render(w, r, http.StatusUnprocessableEntity, "account", page{TitleKey: "account.title", Nav: "account", Data: accountData{}, Form: f})
		return
	}
	if err := u.auth.SetPassword(r.Context(), a, a.UserID, r.PostFormValue("current_password"), next); err != nil {
		if f.fail(err) {
			u.render(w, r, http.StatusUnprocessableEntity, "account", page{TitleKey: "account.title", Nav: "account", Data: accountData{}, Form: f})
			return
		}
		u.fail(w, r, err)
		return
	}
	// Changing the password ends every session, this one included.
	u.clearSessionCookie(w)
	redirect(w, r, "/login", "done.password_changed")
}

func (u *UI) beginTOTP(w http.ResponseWriter, r *http.Request) {
	e, err := u.auth.BeginEnrolment(r.Context(), actorOf(r))
	f := &form{Values: map[string]string{}}
	if err != nil {
		if f.fail(err) {
			u.render(w, r, http.StatusUnprocessableEntity, "account", page{TitleKey: "account.title", Nav: "account", Data: accountData{}, Form: f})
			return
		}
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "account", page{TitleKey: "account.title", Nav: "account", Data: enrolmentData(e), Form: f})
}

func enrolmentData(e auth.Enrolment) accountData {
	// A data: URL keeps the QR code inside the page (img-src allows data:),
	// so the secret never sits at a URL of its own.
	return accountData{Enrolment: &e, QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QRCode))}
}

func (u *UI) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "code")
	codes, err := u.auth.ConfirmEnrolment(r.Context(), actorOf(r), f.Value("code"))
	if err != nil {
		if f.fail(err) {
			// Show the same secret again beside the error: BeginEnrolment
			// would replace it and the app already holds the old one.
			d := accountData{}
			if s := r.PostFormValue("secret"); s != "" {
				d.Enrolment = &auth.Enrolment{Secret: s}
			}
			u.render(w, r, http.StatusUnprocessableEntity, "account", page{TitleKey: "account.title", Nav: "account", Data: d, Form: f})
			return
		}
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "account", page{TitleKey: "account.title", Nav: "account",
		Data: accountData{RecoveryCodes: codes}, Flash: "done.totp_enabled"})
}
