package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the Prometheus registry of one server and the HTTP metrics
// on it. It uses its own registry, never the global default one, so two
// servers in one process (or two tests) do not collide, and nothing a
// dependency registers globally leaks into /metrics.
type Metrics struct {
	// Registry is where domains register their own collectors (events
	// ingested, deliveries queued…) to appear on the same /metrics page.
	Registry *prometheus.Registry

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics builds a registry holding http_requests_total{method,route,code},
// http_request_duration_seconds{route}, and the Go runtime and process
// collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route pattern.",
			// From a cached page (ms) to a large export (tens of seconds).
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
	}
	m.Registry.MustRegister(
		m.requests,
		m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Wrap counts and times every request h answers under route. route must be
// the pattern (for example "GET /api/v1/teams/{id}"), never the request
// path: a label value per team id would grow without bound.
func (m *Metrics) Wrap(route string, h http.Handler) http.Handler {
	labels := prometheus.Labels{"route": route}
	counted := promhttp.InstrumentHandlerCounter(m.requests.MustCurryWith(labels), h)
	return promhttp.InstrumentHandlerDuration(m.duration.MustCurryWith(labels), counted)
}

// Handler serves the registry in the Prometheus exposition format, for
// /metrics. Errors while gathering are counted on the registry itself.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}
