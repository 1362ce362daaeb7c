// Package api serves Atalaya's REST API under /api/v1: JSON in and out,
// snake_case fields, errors as RFC 9457 problem details, cursor pagination,
// and an OpenAPI 3.1 document (openapi.json, written by hand and embedded)
// that a test keeps in step with the route table below.
//
// Callers authenticate with an API token ("Authorization: Bearer ata_…")
// or with the session cookie of the pages. Handlers decode, call a domain
// function with the caller's access.Actor, and encode: every allow or deny
// is decided by package access inside the domain, never here.
package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"atalaya/internal/alerts"
	"atalaya/internal/assistance"
	"atalaya/internal/auth"
	"atalaya/internal/directory"
	"atalaya/internal/feeds"
	"atalaya/internal/intel"
	"atalaya/internal/store"
)

// Prefix is the path every API route starts with.
const Prefix = "/api/v1"

// API holds what the handlers need.
type API struct {
	db     *store.DB
	dir    *directory.Directory
	auth   *auth.Auth
	intel  *intel.Store
	feeds  *feeds.Service
	alerts *alerts.Service
	// assistance is technical assistance; nil answers its routes 503.
	assistance *assistance.Service
	logger     *slog.Logger
}

// Options configure the API.
type Options struct {
	DB        *store.DB // for the audit log
	Directory *directory.Directory
	Auth      *auth.Auth
	Intel     *intel.Store    // shared intel, sharing groups, collections
	Feeds     *feeds.Service  // early warning: feeds, runs, the events inbox
	Alerts    *alerts.Service // early warning: alert rules, the stream, webhooks, digests
	// Assistance is technical assistance to member states: requests and
	// their workflow, experts, the board, the annual report.
	Assistance *assistance.Service
	Logger     *slog.Logger
}

// New returns the API over the given services.
func New(o Options) *API {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &API{db: o.DB, dir: o.Directory, auth: o.Auth, intel: o.Intel, feeds: o.Feeds, alerts: o.Alerts,
		assistance: o.Assistance, logger: logger}
}

// handler serves one route for an authenticated caller (the zero caller on
// a public route). It writes the success answer itself and returns any
// error, which the route's wrapper turns into a problem.
type handler func(a *API, w http.ResponseWriter, r *http.Request, c caller) error

// Route is one operation of the API: a method and a net/http.ServeMux path
// pattern, which is also its path in the OpenAPI document.
type Route struct {
	Method  string
	Pattern string
	// Public routes are served without credentials.
	Public bool
	serve  handler
}

// routes is the API, in one place: Register serves it and the tests check
// it against openapi.json both ways.
var routes = []Route{
	{Method: "GET", Pattern: Prefix + "/openapi.json", Public: true, serve: (*API).openAPI},
	{Method: "GET", Pattern: Prefix + "/me", serve: (*API).me},

	{Method: "GET", Pattern: Prefix + "/member-states", serve: (*API).listStates},
	{Method: "GET", Pattern: Prefix + "/member-states/{code}", serve: (*API).getState},
	{Method: "GET", Pattern: Prefix + "/member-states/{code}/contacts", serve: (*API).listContacts},
	{Method: "POST", Pattern: Prefix + "/member-states/{code}/contacts", serve: (*API).nominateContact},
	{Method: "POST", Pattern: Prefix + "/contacts/{id}/end", serve: (*API).endContact},

	{Method: "GET", Pattern: Prefix + "/organizations", serve: (*API).listOrganizations},
	{Method: "POST", Pattern: Prefix + "/organizations", serve: (*API).createOrganization},
	{Method: "GET", Pattern: Prefix + "/organizations/{id}", serve: (*API).getOrganization},
	{Method: "PATCH", Pattern: Prefix + "/organizations/{id}", serve: (*API).patchOrganization},
	{Method: "GET", Pattern: Prefix + "/organizations/{id}/people", serve: (*API).listPeople},
	{Method: "POST", Pattern: Prefix + "/organizations/{id}/people", serve: (*API).addPerson},
	{Method: "GET", Pattern: Prefix + "/organizations/{id}/constituency", serve: (*API).listConstituency},
	{Method: "POST", Pattern: Prefix + "/organizations/{id}/constituency", serve: (*API).addConstituency},
	{Method: "DELETE", Pattern: Prefix + "/organizations/{id}/constituency/{entry_id}", serve: (*API).removeConstituency},
	{Method: "GET", Pattern: Prefix + "/organizations/{id}/overlaps", serve: (*API).listOverlaps},

	{Method: "GET", Pattern: Prefix + "/users", serve: (*API).listUsers},
	{Method: "POST", Pattern: Prefix + "/users", serve: (*API).createUser},
	{Method: "POST", Pattern: Prefix + "/users/{id}/disable", serve: (*API).disableUser},
	{Method: "POST", Pattern: Prefix + "/users/{id}/enable", serve: (*API).enableUser},

	{Method: "GET", Pattern: Prefix + "/tokens", serve: (*API).listTokens},
	{Method: "POST", Pattern: Prefix + "/tokens", serve: (*API).createToken},
	{Method: "DELETE", Pattern: Prefix + "/tokens/{id}", serve: (*API).revokeToken},

	{Method: "GET", Pattern: Prefix + "/audit", serve: (*API).listAudit},

	{Method: "GET", Pattern: Prefix + "/intel", serve: (*API).listIntel},
	{Method: "POST", Pattern: Prefix + "/intel/objects", serve: (*API).postObjects},
	{Method: "POST", Pattern: Prefix + "/intel/import", serve: (*API).importIntel},
	{Method: "GET", Pattern: Prefix + "/intel/export", serve: (*API).exportIntel},
	{Method: "GET", Pattern: Prefix + "/intel/{id}", serve: (*API).getIntel},
	{Method: "GET", Pattern: Prefix + "/intel/{id}/versions", serve: (*API).listVersions},
	{Method: "GET", Pattern: Prefix + "/intel/{id}/related", serve: (*API).listRelated},
	{Method: "GET", Pattern: Prefix + "/intel/{id}/correlations", serve: (*API).listCorrelations},
	{Method: "GET", Pattern: Prefix + "/intel/{id}/sightings", serve: (*API).listSightings},
	{Method: "POST", Pattern: Prefix + "/intel/{id}/sightings", serve: (*API).postSighting},
	{Method: "POST", Pattern: Prefix + "/intel/{id}/revoke", serve: (*API).revokeIntel},
	{Method: "PUT", Pattern: Prefix + "/intel/{id}/sharing", serve: (*API).putSharing},
	{Method: "GET", Pattern: Prefix + "/lookup", serve: (*API).lookup},

	{Method: "GET", Pattern: Prefix + "/sharing-groups", serve: (*API).listGroups},
	{Method: "POST", Pattern: Prefix + "/sharing-groups", serve: (*API).createGroup},
	{Method: "GET", Pattern: Prefix + "/sharing-groups/{id}", serve: (*API).getGroup},
	{Method: "PUT", Pattern: Prefix + "/sharing-groups/{id}", serve: (*API).updateGroup},

	{Method: "GET", Pattern: Prefix + "/notifications", serve: (*API).listNotifications},
	{Method: "POST", Pattern: Prefix + "/notifications/read", serve: (*API).markNotificationsRead},

	{Method: "GET", Pattern: Prefix + "/collections", serve: (*API).listCollections},
	{Method: "POST", Pattern: Prefix + "/collections", serve: (*API).createCollection},

	{Method: "GET", Pattern: Prefix + "/events", serve: withFeeds((*API).listEvents)},
	{Method: "GET", Pattern: Prefix + "/events/export", serve: withFeeds((*API).exportEvents)},
	{Method: "GET", Pattern: Prefix + "/stream", serve: withAlerts((*API).stream)},

	{Method: "GET", Pattern: Prefix + "/feeds", serve: withFeeds((*API).listFeeds)},
	{Method: "POST", Pattern: Prefix + "/feeds", serve: withFeeds((*API).createFeed)},
	{Method: "GET", Pattern: Prefix + "/feeds/{name}", serve: withFeeds((*API).getFeed)},
	{Method: "PUT", Pattern: Prefix + "/feeds/{name}", serve: withFeeds((*API).updateFeed)},
	{Method: "DELETE", Pattern: Prefix + "/feeds/{name}", serve: withFeeds((*API).deleteFeed)},
	{Method: "POST", Pattern: Prefix + "/feeds/{name}/run", serve: withFeeds((*API).runFeed)},
	{Method: "POST", Pattern: Prefix + "/feeds/{name}/events", serve: withFeeds((*API).pushEvents)},
	{Method: "GET", Pattern: Prefix + "/feeds/{name}/runs", serve: withFeeds((*API).listRuns)},
	{Method: "GET", Pattern: Prefix + "/feeds/{name}/quarantine", serve: withFeeds((*API).listQuarantine)},

	{Method: "GET", Pattern: Prefix + "/alert-rules", serve: withAlerts((*API).listRules)},
	{Method: "POST", Pattern: Prefix + "/alert-rules", serve: withAlerts((*API).createRule)},
	{Method: "POST", Pattern: Prefix + "/alert-rules/try", serve: withAlerts((*API).tryRule)},
	{Method: "GET", Pattern: Prefix + "/alert-rules/{id}", serve: withAlerts((*API).getRule)},
	{Method: "PUT", Pattern: Prefix + "/alert-rules/{id}", serve: withAlerts((*API).updateRule)},
	{Method: "DELETE", Pattern: Prefix + "/alert-rules/{id}", serve: withAlerts((*API).deleteRule)},
	{Method: "GET", Pattern: Prefix + "/alerts", serve: withAlerts((*API).listAlerts)},

	{Method: "GET", Pattern: Prefix + "/webhooks", serve: withAlerts((*API).listWebhooks)},
	{Method: "POST", Pattern: Prefix + "/webhooks", serve: withAlerts((*API).createWebhook)},
	{Method: "GET", Pattern: Prefix + "/webhooks/{id}", serve: withAlerts((*API).getWebhook)},
	{Method: "DELETE", Pattern: Prefix + "/webhooks/{id}", serve: withAlerts((*API).deleteWebhook)},
	{Method: "GET", Pattern: Prefix + "/webhooks/deliveries", serve: withAlerts((*API).listWebhookDeliveries)},
	{Method: "POST", Pattern: Prefix + "/webhooks/deliveries/{id}/replay", serve: withAlerts((*API).replayWebhookDelivery)},
	{Method: "GET", Pattern: Prefix + "/digests", serve: withAlerts((*API).listDigests)},
	{Method: "POST", Pattern: Prefix + "/digests", serve: withAlerts((*API).createDigest)},
	{Method: "DELETE", Pattern: Prefix + "/digests/{id}", serve: withAlerts((*API).deleteDigest)},

	{Method: "GET", Pattern: taRequests, serve: ta((*API).listAssistance)},
	{Method: "POST", Pattern: taRequests, serve: ta((*API).createAssistance)},
	{Method: "GET", Pattern: taRequest, serve: ta((*API).getAssistance)},
	{Method: "PUT", Pattern: taRequest, serve: ta((*API).updateAssistance)},
	{Method: "POST", Pattern: taRequest + "/submit", serve: ta((*API).submitAssistance)},
	{Method: "POST", Pattern: taRequest + "/move", serve: ta((*API).moveAssistance)},
	{Method: "GET", Pattern: taRequest + "/timeline", serve: ta((*API).assistanceTimeline)},
	{Method: "GET", Pattern: taRequest + "/attachments", serve: ta((*API).listAttachments)},
	{Method: "POST", Pattern: taRequest + "/attachments", serve: ta((*API).attachFile)},
	{Method: "GET", Pattern: taRequest + "/attachments/{attachment_id}", serve: ta((*API).getAttachment)},
	{Method: "DELETE", Pattern: taRequest + "/attachments/{attachment_id}", serve: ta((*API).deleteAttachment)},
	{Method: "PUT", Pattern: taRequest + "/consideration", serve: ta((*API).setConsideration)},
	{Method: "POST", Pattern: taRequest + "/proposals", serve: ta((*API).createProposal)},
	{Method: "PUT", Pattern: taRequest + "/proposals/{proposal_id}", serve: ta((*API).updateProposal)},
	{Method: "POST", Pattern: taRequest + "/analyses", serve: ta((*API).createAnalysis)},
	{Method: "PUT", Pattern: taRequest + "/analyses/{analysis_id}", serve: ta((*API).updateAnalysis)},
	{Method: "POST", Pattern: taRequest + "/activities", serve: ta((*API).createActivity)},
	{Method: "PUT", Pattern: taRequest + "/activities/{activity_id}", serve: ta((*API).updateActivity)},
	{Method: "POST", Pattern: taRequest + "/activities/{activity_id}/experts", serve: ta((*API).assignExpert)},
	{Method: "DELETE", Pattern: taRequest + "/activities/{activity_id}/experts/{expert_id}", serve: ta((*API).unassignExpert)},
	{Method: "POST", Pattern: taRequest + "/activities/{activity_id}/deliver", serve: ta((*API).deliverActivity)},
	{Method: "POST", Pattern: taRequest + "/monitoring", serve: ta((*API).addMonitoring)},
	{Method: "POST", Pattern: taRequest + "/adjustments", serve: ta((*API).adjustActivity)},
	{Method: "POST", Pattern: taRequest + "/missions", serve: ta((*API).createMission)},
	{Method: "PUT", Pattern: taRequest + "/missions/{mission_id}", serve: ta((*API).updateMission)},
	{Method: "PUT", Pattern: taRequest + "/evaluation", serve: ta((*API).setEvaluation)},
	{Method: "GET", Pattern: Prefix + "/assistance/experts", serve: ta((*API).listExperts)},
	{Method: "POST", Pattern: Prefix + "/assistance/experts", serve: ta((*API).createExpert)},
	{Method: "GET", Pattern: Prefix + "/assistance/experts/{id}", serve: ta((*API).getExpert)},
	{Method: "PUT", Pattern: Prefix + "/assistance/experts/{id}", serve: ta((*API).updateExpert)},
	{Method: "GET", Pattern: Prefix + "/assistance/board", serve: ta((*API).assistanceBoard)},
	{Method: "GET", Pattern: Prefix + "/assistance/overdue", serve: ta((*API).assistanceOverdue)},
	{Method: "GET", Pattern: Prefix + "/assistance/report", serve: ta((*API).assistanceReport)},
}

// The paths of the technical-assistance requests.
const (
	taRequests = Prefix + "/assistance/requests"
	taRequest  = taRequests + "/{id}"
)

// Routes returns the API's operations, in the order of the route table.
func Routes() []Route { return slices.Clone(routes) }

// otherMethods are the methods a path answers 405 to when it does not
// serve them. They are registered one by one rather than as a method-less
// pattern, which net/http refuses beside a method pattern of a wider path
// ("/intel/objects" against "GET /intel/{id}"). Any other method falls to
// the catch-all's 404.
var otherMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace}

// Register adds the API's routes through handle (the app wraps each with
// metrics under its pattern). Besides the operations it registers, for
// every path, the other methods answering 405 with Allow, and a catch-all
// under the prefix answering 404, so that even those answers are problem
// details rather than the mux's plain text.
func (a *API) Register(handle func(pattern string, h http.Handler)) {
	allowed := map[string][]string{} // pattern -> methods, in table order
	var paths []string
	for _, rt := range routes {
		handle(rt.Method+" "+rt.Pattern, a.wrap(rt))
		if _, seen := allowed[rt.Pattern]; !seen {
			paths = append(paths, rt.Pattern)
		}
		allowed[rt.Pattern] = append(allowed[rt.Pattern], rt.Method)
		if rt.Method == http.MethodGet {
			allowed[rt.Pattern] = append(allowed[rt.Pattern], http.MethodHead)
		}
	}
	for _, p := range paths {
		h := methodNotAllowed(allowed[p])
		for _, m := range otherMethods {
			if !slices.Contains(allowed[p], m) {
				handle(m+" "+p, h)
			}
		}
	}
	handle(Prefix+"/", http.HandlerFunc(notFound))
}

func methodNotAllowed(methods []string) http.Handler {
	allow := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeProblem(w, r, http.StatusMethodNotAllowed, "This resource answers only "+allow+".")
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusNotFound, "There is no such API resource; see "+Prefix+"/openapi.json.")
}
