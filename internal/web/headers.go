// Package web is the HTTP plumbing that Atalaya's pages and API share:
// security headers, cross-origin protection, access logs, panic recovery,
// metrics, RFC 9457 problem details, JSON bodies, client addresses, health
// probes and a server that shuts down gracefully. It holds no domain logic
// and no SQL; handlers decode with it, call a domain function and encode
// with it.
package web

import (
	"net/http"
)

// ContentSecurityPolicy allows only what the server itself serves: no inline
// script or style, no plugins, no framing, forms posting only back to us.
// Pages keep their JavaScript in static files so this policy never needs an
// exception.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// permissionsPolicy turns off browser features no Atalaya page uses, so an
// injected script could not use them either.
const permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), " +
	"accelerometer=(), gyroscope=(), magnetometer=()"

// hsts tells browsers to use HTTPS only, for two years. It is sent only over
// TLS: on plain HTTP it would be ignored at best, and a development server
// on localhost must not pin browsers to HTTPS.
const hsts = "max-age=63072000; includeSubDomains"

// SecurityHeaders sets the headers every response carries: the content
// security policy, no MIME sniffing, no referrer outside the site, no
// framing, a restrictive permissions policy and, when tls is true, HSTS.
// They are set before next runs, so next may still override one.
func SecurityHeaders(next http.Handler, tls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", permissionsPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if tls {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}

// CrossOrigin refuses state-changing requests (POST, PUT, PATCH, DELETE)
// that a browser sends on behalf of another site: the defence against
// cross-site request forgery, without tokens in every form.
//
// It relies on Go's http.CrossOriginProtection, which trusts what browsers
// send and scripts cannot forge: Sec-Fetch-Site (same-origin or none
// passes; cross-site and same-site are refused) or, from older browsers,
// an Origin header whose host must equal the request's Host. GET, HEAD and
// OPTIONS always pass, so links and bookmarks work. A request with neither
// header does not come from a browser (curl, scripts, API clients with
// bearer tokens) and passes: it carries no ambient cookie a forger could
// ride on, and the API authenticates it on its own.
//
// A refused request gets 403 with a problem+json body.
func CrossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteProblem(w, r, Problem{
			Status: http.StatusForbidden,
			Detail: "Cross-origin request refused.",
		})
	}))
	return cop.Handler(next)
}
