package web

// SessionCookie is the name of the session cookie set by the sign-in page.
// Its value is the random session token (the store keeps only its hash);
// the pages and the API both read it, so the name lives here, once.
const SessionCookie = "atalaya_session"
