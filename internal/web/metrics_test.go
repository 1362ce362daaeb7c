package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetrics(t *testing.T) {
	m := NewMetrics()
	extra := prometheus.NewCounter(prometheus.CounterOpts{Name: "atalaya_events_ingested_total", Help: "test"})
	m.Registry.MustRegister(extra)
	extra.Add(3)

	mux := http.NewServeMux()
	mux.Handle("GET /teams/{id}", m.Wrap("GET /teams/{id}", okHandler()))
	mux.Handle("POST /teams", m.Wrap("POST /teams", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
	})))
	mux.Handle("GET /metrics", m.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get(t, srv.URL+"/teams/1")
	get(t, srv.URL+"/teams/2")
	res, err := http.Post(srv.URL+"/teams", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	status, body := get(t, srv.URL+"/metrics")
	if status != 200 {
		t.Fatalf("/metrics status %d", status)
	}
	tests := []struct{ name, want string }{
		{"counter per route, not per id", `http_requests_total{code="200",method="get",route="GET /teams/{id}"} 2`},
		{"error code counted", `http_requests_total{code="422",method="post",route="POST /teams"} 1`},
		{"histogram per route", `http_request_duration_seconds_count{route="GET /teams/{id}"} 2`},
		{"Go collector", "go_goroutines "},
		{"process collector", "process_resident_memory_bytes "},
		{"domain metric on the same registry", "atalaya_events_ingested_total 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(body, tc.want) {
				t.Errorf("/metrics lacks %q", tc.want)
			}
		})
	}
	if strings.Contains(body, `/teams/1`) {
		t.Error("a request path leaked into a label")
	}
}

// TestMetricsRegistriesAreSeparate: two servers in one process (or two
// tests) must not share or collide on a registry.
func TestMetricsRegistriesAreSeparate(t *testing.T) {
	a, b := NewMetrics(), NewMetrics()
	h := a.Wrap("r", okHandler())
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	rec := httptest.NewRecorder()
	b.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if strings.Contains(rec.Body.String(), `route="r"`) {
		t.Error("a request on one Metrics shows on another")
	}
}
