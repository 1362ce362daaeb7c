package app

import (
	"net/http"
	"net/netip"

	"atalaya/internal/api"
	"atalaya/internal/taxii"
	"atalaya/internal/ui"
	"atalaya/internal/web"
)

// Handler builds the whole HTTP surface: pages, API, operations endpoints,
// wrapped in the middleware every request passes (outermost first):
// recover, log, security headers, cross-origin protection.
func (a *App) Handler() http.Handler {
	h, err := a.handler()
	if err != nil {
		// Templates are embedded and tested; a failure here is a build
		// defect, found by the first test that starts the app.
		panic(err)
	}
	return h
}

func (a *App) handler() (http.Handler, error) {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.Handler) { mux.Handle(pattern, a.Metrics.Wrap(pattern, h)) }
	pages, err := ui.New(ui.Options{DB: a.DB, Directory: a.Directory, Intel: a.Intel, Auth: a.Auth, I18n: a.I18n,
		Logger: a.Logger, SecureCookie: a.Config.TLS(), ClientAddr: web.ClientAddr, Feeds: a.Feeds, Alerts: a.Alerts,
		Assistance: a.Assistance})
	if err != nil {
		return nil, err
	}
	pages.Register(handle)
	api.New(api.Options{DB: a.DB, Directory: a.Directory, Auth: a.Auth, Intel: a.Intel, Logger: a.Logger,
		Feeds: a.Feeds, Alerts: a.Alerts,
		Assistance: a.Assistance}).Register(handle)
	taxii.New(a.Intel, a.Auth, taxii.Options{Logger: a.Logger}).Register(handle)
	healthz, readyz := web.Health(a.DB.Ping)
	mux.Handle("GET /healthz", healthz)
	mux.Handle("GET /readyz", readyz)
	mux.Handle("GET /metrics", a.Metrics.Handler())
	var h http.Handler = mux
	h = web.CrossOrigin(h)
	h = web.SecurityHeaders(h, a.Config.TLS())
	h = web.Logging(a.Logger, h)
	h = web.Recover(a.Logger, h)
	if a.Config.TrustProxy {
		// A reverse proxy on the same host; others are not believed.
		h = web.TrustForwardedFor(h, netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
	}
	return h, nil
}
