// Package taxii serves Atalaya's intel over TAXII 2.1 (OASIS Standard, 10
// June 2021): server discovery, one API root (the network), its collections,
// objects, manifests, versions, deletes and the status of every POST.
//
// The package holds no data and decides nothing about visibility: every
// object, collection and status comes from the intel store, asked with the
// caller's access.Actor, and the store (through package access) decides what
// that actor sees. A handler only decodes the TAXII request, calls intel and
// encodes the TAXII answer; it never returns an object intel did not return
// to that actor.
//
// Callers authenticate with HTTP Basic (e-mail and password, or anything and
// an API token "ata_…" as the password) or with "Authorization: Bearer
// ata_…". Passwords go through auth's throttled sign-in; an account with a
// second factor needs a token.
package taxii

import (
	"log/slog"
	"net/http"
	"strings"

	"atalaya/internal/intel"
)

// Prefix is where the TAXII server lives: discovery is Prefix+"/".
const Prefix = "/taxii2"

// APIRoot is the name of the one API root, the network's.
const APIRoot = "network"

// Media types of TAXII 2.1 and of the STIX content it carries.
const (
	MediaTAXII = "application/taxii+json;version=2.1"
	MediaSTIX  = "application/stix+json;version=2.1"
)

// Defaults of Options.
const (
	DefaultMaxContentLength = 10 << 20 // a POST body, in bytes (ATT&CK Mobile is 4 MB)
	DefaultPageSize         = 1000     // objects a page holds when the client sets no limit
	MaxPageSize             = 10000    // the most a client's limit can ask for
)

// Options configure the server.
type Options struct {
	// Title, Description and Contact are shown by discovery.
	Title, Description, Contact string
	// BaseURL, when set ("https://atalaya.example.org"), makes discovery
	// list absolute API root URLs; otherwise they are relative
	// ("/taxii2/network/"), which the specification allows and which stays
	// right behind any proxy.
	BaseURL string
	// MaxContentLength is the largest POST body accepted (default
	// DefaultMaxContentLength); larger ones are answered 413.
	MaxContentLength int64
	// PageSize is the page size when the client sets no limit (default
	// DefaultPageSize); a client's limit is capped at MaxPageSize.
	PageSize int
	// Logger receives unexpected errors (default: discarded).
	Logger *slog.Logger
}

// Server is the TAXII 2.1 server. It is an http.Handler for paths under
// Prefix; Register mounts it route by route instead.
type Server struct {
	intel  *intel.Store
	authn  Authenticator
	opts   Options
	logger *slog.Logger
	mux    *http.ServeMux
}

// New returns the TAXII server over the intel store, authenticating callers
// with authn (an *auth.Auth).
func New(st *intel.Store, authn Authenticator, opts Options) *Server {
	if opts.Title == "" {
		opts.Title = "Atalaya TAXII server"
	}
	if opts.Description == "" {
		opts.Description = "Intel shared in the Atalaya network, as each member may see it."
	}
	if opts.MaxContentLength <= 0 {
		opts.MaxContentLength = DefaultMaxContentLength
	}
	if opts.PageSize <= 0 || opts.PageSize > MaxPageSize {
		opts.PageSize = DefaultPageSize
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{intel: st, authn: authn, opts: opts, logger: logger, mux: http.NewServeMux()}
	s.Register(func(pattern string, h http.Handler) { s.mux.Handle(pattern, h) })
	return s
}

// ServeHTTP serves a request whose path starts with Prefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// handler serves one method of one route for an authenticated actor. It
// writes the success answer itself and returns any error, which the route's
// wrapper turns into a TAXII error message.
type handler func(s *Server, w http.ResponseWriter, r *http.Request, c caller) error

// route is one TAXII resource: a net/http.ServeMux pattern (without method,
// so that other methods get a TAXII 405) and the methods it answers.
type route struct {
	pattern string
	methods map[string]handler
}

// rootPath is the path of the API root.
const rootPath = Prefix + "/" + APIRoot + "/"

// collectionPath is the pattern of one collection.
const collectionPath = rootPath + "collections/{collection}/"

// routes lists the TAXII 2.1 endpoints. {$} anchors each pattern, so a
// longer unknown path falls to the catch-all 404 rather than to its parent.
var routes = []route{
	{Prefix + "/{$}", map[string]handler{"GET": (*Server).discovery}},
	{rootPath + "{$}", map[string]handler{"GET": (*Server).apiRoot}},
	{rootPath + "status/{status}/{$}", map[string]handler{"GET": (*Server).status}},
	{rootPath + "collections/{$}", map[string]handler{"GET": (*Server).collections}},
	{collectionPath + "{$}", map[string]handler{"GET": (*Server).collection}},
	{collectionPath + "manifest/{$}", map[string]handler{"GET": (*Server).manifest}},
	{collectionPath + "objects/{$}", map[string]handler{"GET": (*Server).getObjects, "POST": (*Server).addObjects}},
	{collectionPath + "objects/{object}/{$}", map[string]handler{"GET": (*Server).getObject,
		"DELETE": (*Server).deleteObject}},
	{collectionPath + "objects/{object}/versions/{$}", map[string]handler{"GET": (*Server).versions}},
}

// Register adds the server's routes through handle (the app wraps each
// with metrics under its pattern), and a catch-all under Prefix that
// answers 404 as a TAXII error message.
func (s *Server) Register(handle func(pattern string, h http.Handler)) {
	for _, rt := range routes {
		handle(rt.pattern, s.wrap(rt))
	}
	handle(Prefix+"/", s.wrap(route{}))
}

// wrap serves rt: it authenticates the caller, checks the method and the
// Accept header, runs the handler and answers its error as a TAXII error
// message. Answers are private to their caller, so no cache may keep them.
// A route without methods is the catch-all: 404 once authenticated, so
// that the server's layout is shown to callers only.
func (s *Server) wrap(rt route) http.Handler {
	allow := allowed(rt)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		c, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer s.done(r, c)
		h := rt.methods[r.Method]
		if h == nil && r.Method == http.MethodHead {
			h = rt.methods[http.MethodGet]
		}
		switch {
		case rt.methods == nil:
			err = newError(http.StatusNotFound, "There is no such TAXII resource; discovery is at "+Prefix+"/.")
		case h == nil:
			e := newError(http.StatusMethodNotAllowed, "This resource answers only "+allow+".")
			e.header = http.Header{"Allow": {allow}}
			err = e
		default:
			if err = checkAccept(r); err == nil {
				err = h(s, w, r, c)
			}
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}

// allowed lists the methods of rt for the Allow header, GET with HEAD.
func allowed(rt route) string {
	var ms []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete} {
		if rt.methods[m] != nil || (m == http.MethodHead && rt.methods[http.MethodGet] != nil) {
			ms = append(ms, m)
		}
	}
	return strings.Join(ms, ", ")
}
