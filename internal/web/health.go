package web

import (
	"context"
	"net/http"
	"time"
)

// ReadyTimeout bounds the readiness check: a database that takes longer to
// answer a ping is not ready to serve users either.
const ReadyTimeout = 2 * time.Second

// Health returns the two probe handlers of an orchestrator or load
// balancer. healthz answers 200 "ok" as long as the process serves HTTP at
// all (liveness: restart me when this fails). readyz answers 200 "ok" when
// ping succeeds within ReadyTimeout and 503 with the reason otherwise
// (readiness: send me no traffic for now). ping should honour its context;
// an answer that comes back after the deadline counts as a failure anyway.
func Health(ping func(context.Context) error) (healthz, readyz http.Handler) {
	healthz = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProbe(w, http.StatusOK, "ok")
	})
	readyz = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
		defer cancel()
		err := ping(ctx)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			writeProbe(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
		writeProbe(w, http.StatusOK, "ok")
	})
	return healthz, readyz
}

// writeProbe answers a probe in plain text that no cache may keep.
func writeProbe(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body + "\n"))
}
